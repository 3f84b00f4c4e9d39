/// Reading a version as packaging's VERSION_PATTERN reads it (packaging 26, compiled with
/// IGNORECASE and, on Python 3.11.5 and later, possessive quantifiers): each optional part is
/// tried once where it stands and kept if it matches, never given back for a later part.
extension PythonVersion {
    /// Reads `text`; white space around it is ignored (Python's `\s`: Unicode white space).
    public init(_ text: String) throws(SyntaxError) {
        let core = Self.strippingPythonSpace(text)
        guard core.unicodeScalars.allSatisfy(\.isASCII) else {
            throw SyntaxError(text: text, reason: "only ASCII letters, digits and '.!+-_' may appear")
        }
        var reader = Reader(core)
        guard let (epoch, release) = reader.readRelease(minimumParts: 1) else {
            throw SyntaxError(text: text, reason: "a version starts with a number, such as '1.0' or 'v2'")
        }
        let suffix = reader.readSuffixes(allowingLocal: true)
        guard reader.atEnd else {
            throw SyntaxError(text: text, reason: "unexpected '\(reader.rest)'")
        }
        if let long = reader.overlongNumber {
            throw SyntaxError(text: text, reason: "the number '\(long.prefix(12))...' has more than 4300 digits, which Python refuses to convert")
        }
        self.init(text: text, epoch: epoch, release: release, pre: suffix.pre, post: suffix.post, dev: suffix.dev, local: suffix.local)
    }

    /// Python's `str.isspace()`, which is what `\s` matches in a str pattern.
    static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `text.strip()` in Python.
    static func strippingPythonSpace<Text: StringProtocol>(_ text: Text) -> Substring {
        let scalars = Substring(text).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isPythonSpace($0) })!
        return Substring(scalars[first...last])
    }

    /// A cursor over the lowercased ASCII of a version, reading its parts in order.
    struct Reader {
        private let bytes: [UInt8]
        private(set) var position = 0
        /// A number longer than Python converts, met while reading.
        private(set) var overlongNumber: Substring?

        init<Text: StringProtocol>(_ text: Text) {
            bytes = text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }
        }

        var atEnd: Bool { position == bytes.count }
        var rest: String { String(decoding: bytes[position...], as: UTF8.self) }

        /// Reads `literal` if the text continues with it.
        mutating func skip(_ literal: String) -> Bool {
            let expected = Array(literal.utf8)
            guard bytes.count - position >= expected.count, bytes[position..<(position + expected.count)].elementsEqual(expected)
            else { return false }
            position += expected.count
            return true
        }

        private func isDigit(_ offset: Int) -> Bool {
            offset < bytes.count && (0x30...0x39).contains(bytes[offset])
        }

        private func isSeparator(_ offset: Int) -> Bool {
            offset < bytes.count && (bytes[offset] == UInt8(ascii: ".") || bytes[offset] == UInt8(ascii: "-") || bytes[offset] == UInt8(ascii: "_"))
        }

        private func isAlphanumeric(_ offset: Int) -> Bool {
            isDigit(offset) || (offset < bytes.count && (0x61...0x7A).contains(bytes[offset]))
        }

        /// `[0-9]++`: the digits from `position`, or nil when there are none.
        private mutating func number() -> Numeral? {
            let start = position
            while isDigit(position) { position += 1 }
            guard position > start else { return nil }
            let digits = String(decoding: bytes[start..<position], as: UTF8.self)
            if digits.count > 4300, overlongNumber == nil { overlongNumber = Substring(digits) }
            return Numeral(digits)
        }

        /// `v?+ (?:[0-9]++!)?+ [0-9]++ (?:\.[0-9]++)*+`, with at least `minimumParts` release
        /// numbers (2 after `~=`); nil, and the position unchanged, when it does not match.
        mutating func readRelease(minimumParts: Int) -> (epoch: Numeral, release: [Numeral])? {
            let start = position
            _ = skip("v")
            var epoch = Numeral.zero
            let beforeEpoch = position
            if let number = number(), skip("!") { epoch = number } else { position = beforeEpoch }
            guard let first = number() else { position = start; return nil }
            var release = [first]
            while bytes.count > position + 1, bytes[position] == UInt8(ascii: "."), isDigit(position + 1) {
                position += 1
                release.append(number()!)
            }
            guard release.count >= minimumParts else { position = start; return nil }
            return (epoch, release)
        }

        /// The pre-release, post-release, development and (when allowed) local parts, each
        /// optional, in that order.
        mutating func readSuffixes(allowingLocal: Bool) -> (pre: PreRelease?, post: Numeral?, dev: Numeral?, local: [LocalPart]?) {
            // [._-]?+ (alpha|a|beta|b|preview|pre|c|rc) [._-]?+ [0-9]*+
            var pre: PreRelease?
            let kinds: [(String, PreRelease.Kind)] = [
                ("alpha", .alpha), ("a", .alpha), ("beta", .beta), ("b", .beta),
                ("preview", .candidate), ("pre", .candidate), ("c", .candidate), ("rc", .candidate),
            ]
            if let kind = labelled(kinds) { pre = PreRelease(kind: kind.label, number: kind.number) }
            // -[0-9]++ | [._-]?+ (post|rev|r) [._-]?+ [0-9]*+
            var post: Numeral?
            if bytes.count > position + 1, bytes[position] == UInt8(ascii: "-"), isDigit(position + 1) {
                position += 1
                post = number()
            } else if let found = labelled([("post", ()), ("rev", ()), ("r", ())]) {
                post = found.number
            }
            // [._-]?+ dev [._-]?+ [0-9]*+
            let dev = labelled([("dev", ())])?.number
            // \+ [a-z0-9]++ (?:[._-][a-z0-9]++)*+
            var local: [LocalPart]?
            if allowingLocal, position < bytes.count, bytes[position] == UInt8(ascii: "+"), isAlphanumeric(position + 1) {
                position += 1
                var parts: [LocalPart] = [localPart()]
                while isSeparator(position), isAlphanumeric(position + 1) {
                    position += 1
                    parts.append(localPart())
                }
                local = parts
            }
            return (pre, post, dev, local)
        }

        /// `[._-]?+ (label|...) [._-]?+ [0-9]*+`, the labels tried in order; the number is 0
        /// when absent. Nil, and the position unchanged, when no label follows.
        private mutating func labelled<Value>(_ labels: [(String, Value)]) -> (label: Value, number: Numeral)? {
            let start = position
            if isSeparator(position) { position += 1 }
            guard let label = labels.first(where: { skip($0.0) })?.1 else { position = start; return nil }
            if isSeparator(position) { position += 1 }
            return (label, number() ?? .zero)
        }

        private mutating func localPart() -> LocalPart {
            let start = position
            while isAlphanumeric(position) { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                if text.count > 4300, overlongNumber == nil { overlongNumber = Substring(text) }
                return .number(Numeral(text)!)
            }
            return .word(text)
        }
    }
}
