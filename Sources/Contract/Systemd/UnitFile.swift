/// A unit file or drop-in read as systemd 252 reads it (`config_parse()` and `parse_line()` in
/// src/shared/conf-parser.c, `read_line()` in src/basic/fileio.c):
///
/// - Lines end at `\n`, `\r`, `\r\n`, `\n\r` or NUL; a line of 1 MiB (`LONG_LINE_MAX`) or more
///   stops the file (fatal).
/// - A line whose first non-blank character is `#` or `;` is a comment, even in the middle of a
///   continuation, which it neither ends nor joins; the line still counts.
/// - A line ending in an odd number of backslashes continues on the next line: the last
///   backslash becomes a space and the next physical line is appended (a blank line ends the
///   continuation). Continued lines longer than 1 MiB together are fatal.
/// - A UTF-8 byte order mark is dropped at the start of the first line that has one.
/// - Each logical line is stripped of spaces, tabs, CR and LF at both ends; empty lines are
///   skipped; a line that is not valid UTF-8 (noncharacters included) is fatal.
/// - `[Name]` starts a section; a name with quotes, backslashes or control characters, or a `[`
///   line not ending in `]`, is fatal. A section the unit type does not know is ignored with a
///   warning (silently for `X-` names), and so are its assignments. The same section may appear
///   many times; its assignments simply continue.
/// - `Key=Value` splits at the first `=`, both sides stripped. No `=`, or nothing before it, is a
///   warning and the line is ignored; so is an assignment before any section.
/// - `.include` is no longer special (removed in v246): it is an ordinary invalid line.
///
/// Fatal means systemd stops reading the file: ``failure`` holds the reason, and the assignments
/// before it are kept, as systemd keeps them. Unknown keys are not diagnosed here (that needs
/// systemd's whole table of settings).
///
/// Later versions: the main branch's `config_parse()` and `parse_line()` read as for this work
/// apply the same rules; only log wording differs (the unknown-key message).
public struct UnitFile: Hashable, Sendable {
    public static let lineLimit = 1 << 20

    /// The file's path as systemd reports it.
    public let path: String
    /// The assignments systemd applies, in file order.
    public private(set) var assignments: [UnitAssignment] = []
    /// A section header and its line.
    public struct Section: Hashable, Sendable {
        public let name: String
        public let line: Int
    }

    /// Every section header, in file order, duplicates included.
    public private(set) var sections: [Section] = []
    /// The lines systemd warns about and ignores, and the fatal one if any.
    public private(set) var diagnostics: [UnitFileDiagnostic] = []
    /// The number of lines read (a continuation left open at the end counts one more).
    public private(set) var lineCount = 0

    /// The reason systemd stopped reading the file, if it did.
    public var failure: UnitFileDiagnostic? { diagnostics.first { $0.isFatal } }

    /// Reads `contents`. `knownSections` are the sections the unit type accepts (see
    /// ``UnitType/sections``); nil accepts every section.
    public init(path: String, contents: [UInt8], knownSections: [String]? = nil, lineLimit: Int = UnitFile.lineLimit) {
        self.path = path
        var reader = Reader(bytes: contents, limit: lineLimit)
        var state = SectionState()
        var continuation: [UInt8]?
        var bomSeen = false
        var line = 0
        while true {
            let read = reader.readLine()
            switch read {
            case .end:
                if let pending = continuation {
                    line += 1
                    if !parse(pending, line: line, known: knownSections, state: &state) { lineCount = line; return }
                }
                lineCount = line
                return
            case .tooLong:
                fail(line + 1, .lineTooLong, "Line too long")
                lineCount = line + 1
                return
            case .line(let buffer):
                line += 1
                var start = 0
                while start < buffer.count, Self.isWhitespace(buffer[start]) { start += 1 }
                if start < buffer.count, buffer[start] == UInt8(ascii: "#") || buffer[start] == UInt8(ascii: ";") { continue }
                var text = buffer[...]
                if !bomSeen, buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
                    text = buffer[3...]
                    bomSeen = true
                }
                // The part read before always ends unescaped (its odd trailing backslash became a
                // space), so only the new part needs scanning, as systemd's scan of the whole
                // line would find.
                var logical: [UInt8]
                if var pending = continuation {
                    if pending.count + text.count > lineLimit {
                        fail(line, .continuationTooLong, "Continuation line too long")
                        lineCount = line
                        return
                    }
                    continuation = nil
                    pending.append(contentsOf: text)
                    logical = pending
                } else {
                    logical = Array(text)
                }
                var escaped = false
                for byte in text {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true }
                }
                if escaped {
                    logical[logical.count - 1] = UInt8(ascii: " ")
                    continuation = logical
                    continue
                }
                continuation = nil
                if !parse(logical, line: line, known: knownSections, state: &state) { lineCount = line; return }
            }
        }
    }

    /// Reads UTF-8 text (a convenience for tests and literals).
    public init(path: String, text: String, knownSections: [String]? = nil) {
        self.init(path: path, contents: Array(text.utf8), knownSections: knownSections)
    }

    /// The assignments of `key` in `section`, in order.
    public func assignments(section: String, key: String) -> [UnitAssignment] {
        assignments.filter { $0.section == section && $0.key == key }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private struct SectionState {
        var name: String?
        var ignored = false
    }

    private mutating func fail(_ line: Int, _ kind: UnitFileDiagnostic.Kind, _ message: String) {
        diagnostics.append(UnitFileDiagnostic(file: path, line: line, kind: kind, message: message))
    }

    private mutating func warn(_ line: Int, _ kind: UnitFileDiagnostic.Kind, _ message: String) {
        diagnostics.append(UnitFileDiagnostic(file: path, line: line, kind: kind, message: message))
    }

    /// One logical line (`parse_line()`); false when it is fatal.
    private mutating func parse(_ raw: [UInt8], line: Int, known: [String]?, state: inout SectionState) -> Bool {
        var lower = 0, upper = raw.count
        while lower < upper, Self.isWhitespace(raw[lower]) { lower += 1 }
        while upper > lower, Self.isWhitespace(raw[upper - 1]) { upper -= 1 }
        let bytes = raw[lower..<upper]
        if bytes.isEmpty { return true }
        guard Self.isValidUTF8(bytes) else {
            fail(line, .invalidUTF8, "String is not UTF-8 clean, ignoring assignment: \(Self.escapingInvalid(bytes))")
            return false
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if bytes.first == UInt8(ascii: "[") {
            guard bytes.last == UInt8(ascii: "]"), bytes.count >= 2 else {
                fail(line, .invalidSectionHeader, "Invalid section header '\(text)'")
                return false
            }
            let nameBytes = bytes.dropFirst().dropLast()
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard Self.isSafe(nameBytes) else {
                fail(line, .badSectionName, "Bad characters in section header '\(text)'")
                return false
            }
            sections.append(Section(name: name, line: line))
            if let known, !known.contains(name) {
                if !name.hasPrefix("X-") {
                    warn(line, .unknownSection, "Unknown section '\(name)'. Ignoring.")
                }
                state = SectionState(name: nil, ignored: true)
            } else {
                state = SectionState(name: name, ignored: false)
            }
            return true
        }
        guard let section = state.name else {
            if !state.ignored { warn(line, .outsideSection, "Assignment outside of section. Ignoring.") }
            return true
        }
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else {
            warn(line, .missingEquals, "Missing '=', ignoring line.")
            return true
        }
        if equals == bytes.startIndex {
            warn(line, .missingKey, "Missing key name before '=', ignoring line.")
            return true
        }
        let key = Self.stripped(bytes[..<equals])
        let value = Self.stripped(bytes[(equals + 1)...])
        assignments.append(UnitAssignment(file: path, line: line, section: section, key: key, value: value))
        return true
    }

    private static func stripped(_ bytes: ArraySlice<UInt8>) -> String {
        var lower = bytes.startIndex, upper = bytes.endIndex
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// `string_is_safe()`: no control character, no quote, no backslash, no DEL.
    static func isSafe<S: Sequence>(_ bytes: S) -> Bool where S.Element == UInt8 {
        bytes.allSatisfy { $0 >= 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\") }
    }

    /// `utf8_is_valid()`: well-formed UTF-8 of code points systemd accepts (no surrogates, no
    /// U+FDD0...U+FDEF, no U+xxFFFE or U+xxFFFF, nothing above U+10FFFF).
    static func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let length: Int
            var scalar: UInt32
            switch first {
            case 0..<0x80: continue
            case _ where first & 0xE0 == 0xC0: length = 2; scalar = UInt32(first & 0x1F)
            case _ where first & 0xF0 == 0xE0: length = 3; scalar = UInt32(first & 0x0F)
            case _ where first & 0xF8 == 0xF0: length = 4; scalar = UInt32(first & 0x07)
            default: return false
            }
            for _ in 1..<length {
                guard let next = iterator.next(), next & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            let needed = scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
            guard needed == length, isValidScalar(scalar) else { return false }
        }
        return true
    }

    static func isValidScalar(_ scalar: UInt32) -> Bool {
        scalar < 0x110000 && scalar & 0xFFFF_F800 != 0xD800 && !(0xFDD0...0xFDEF).contains(scalar) && scalar & 0xFFFE != 0xFFFE
    }

    /// `utf8_escape_invalid()`: each byte that does not start a valid character becomes U+FFFD.
    private static func escapingInvalid(_ bytes: ArraySlice<UInt8>) -> String {
        var result: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = bytes[index]
            let length = first < 0x80 ? 1 : first & 0xE0 == 0xC0 ? 2 : first & 0xF0 == 0xE0 ? 3 : first & 0xF8 == 0xF0 ? 4 : 0
            if length > 0, index + length <= bytes.endIndex, isValidUTF8(bytes[index..<(index + length)]) {
                result += bytes[index..<(index + length)]
                index += length
            } else {
                result += [0xEF, 0xBF, 0xBD]
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `read_line()` over the file's bytes.
    private struct Reader {
        let bytes: [UInt8]
        let limit: Int
        var index = 0

        enum Result { case line([UInt8]), end, tooLong }

        mutating func readLine() -> Result {
            var buffer: [UInt8] = []
            var count = 0
            var previous: UInt8 = 0  // bit 1: NUL, bit 2: LF, bit 4: CR
            while true {
                if buffer.count >= limit { return .tooLong }
                guard index < bytes.count else { break }
                let byte = bytes[index]
                let marker: UInt8 = byte == 0 ? 1 : byte == 0x0A ? 2 : byte == 0x0D ? 4 : 0
                if previous & 1 != 0 || (marker == 0 && previous != 0) || (marker != 0 && previous & marker != 0) { break }
                index += 1
                count += 1
                if marker != 0 { previous |= marker; continue }
                buffer.append(byte)
            }
            return count == 0 ? .end : .line(buffer)
        }
    }
}
