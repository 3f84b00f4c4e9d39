/// Splits a setting's value into words as systemd's `extract_first_word()` does
/// (src/basic/extract-word.c, v252), with the flags each setting's parser passes.
///
/// Separators are spaces, tabs, CR and LF, runs of them count as one. With ``Options/unquote``,
/// `'...'` and `"..."` group words and the quotes are removed wherever they start (`a"b c"d` is the
/// word `ab cd`); a quote left open is an error. A backslash escapes the next character; with
/// ``Options/unescape`` the C escapes `\a \b \f \n \r \t \v \\ \" \' \s \xNN \NNN \uNNNN \UNNNNNNNN`
/// are decoded and any other escape is an error (which `extract_first_word_and_warn()` then
/// retries keeping the backslash, with a warning). With ``Options/retainEscape`` a backslash is an
/// ordinary character.
public struct UnitWords: Sendable {
    public struct Options: OptionSet, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `EXTRACT_UNQUOTE`
        public static let unquote = Options(rawValue: 1 << 0)
        /// `EXTRACT_CUNESCAPE`
        public static let unescape = Options(rawValue: 1 << 1)
        /// `EXTRACT_RETAIN_ESCAPE`
        public static let retainEscape = Options(rawValue: 1 << 2)
        /// `EXTRACT_UNESCAPE_RELAX`: keep unknown escapes and a trailing backslash verbatim.
        public static let relaxEscapes = Options(rawValue: 1 << 3)
    }

    /// Why a value could not be split.
    public enum Failure: Error, Equatable, Sendable {
        case unbalancedQuotes
        case invalidEscape
    }

    private let bytes: [UInt8]
    private var index: Int
    private let options: Options

    /// The bytes not yet split, for parsers that look ahead (ExecStart's `;`).
    var remainder: ArraySlice<UInt8> { bytes[index...] }

    public init(_ text: String, options: Options) {
        bytes = Array(text.utf8)
        index = 0
        self.options = options
    }

    init(bytes: ArraySlice<UInt8>, options: Options) {
        self.bytes = Array(bytes)
        index = 0
        self.options = options
    }

    /// The next word with invalid escapes kept verbatim (`EXTRACT_UNESCAPE_RELAX`).
    mutating func nextRelaxed() throws(Failure) -> String? {
        var relaxed = UnitWords(bytes: bytes[index...], options: options.union(.relaxEscapes))
        let word = try relaxed.next()
        index += relaxed.index
        return word
    }

    /// Skips `count` bytes and the separators after them.
    static func skip(_ words: inout UnitWords, count: Int) throws(Failure) {
        words.index = min(words.index + count, words.bytes.count)
        while words.index < words.bytes.count, isSeparator(words.bytes[words.index]) { words.index += 1 }
    }

    /// Every word of `text`.
    public static func split(_ text: String, options: Options) throws(Failure) -> [String] {
        var words = UnitWords(text, options: options)
        var result: [String] = []
        while let word = try words.next() { result.append(word) }
        return result
    }

    /// Splits like `extract_first_word_and_warn()`: an invalid escape is kept verbatim (and
    /// reported as `escapesKept`), unbalanced quotes still fail.
    public static func splitKeepingInvalidEscapes(_ text: String, options: Options) throws(Failure) -> (words: [String], escapesKept: Bool) {
        var words = UnitWords(text, options: options)
        var result: [String] = []
        var kept = false
        while true {
            let save = words.index
            do {
                guard let word = try words.next() else { break }
                result.append(word)
            } catch .invalidEscape where !options.contains(.relaxEscapes) {
                words.index = save
                var relaxed = UnitWords(bytes: words.bytes[save...], options: options.union(.relaxEscapes))
                guard let word = try relaxed.next() else { break }
                kept = true
                result.append(word)
                words.index = save + relaxed.index
            }
        }
        return (result, kept)
    }

    /// The next word, or nil at the end.
    public mutating func next() throws(Failure) -> String? {
        try nextBytes().map { String(decoding: $0, as: UTF8.self) }
    }

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    mutating func nextBytes() throws(Failure) -> [UInt8]? {
        while index < bytes.count, Self.isSeparator(bytes[index]) { index += 1 }
        guard index < bytes.count else { return nil }
        var word: [UInt8] = []
        var quote: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") && !options.contains(.retainEscape) {
                index += 1
                guard index < bytes.count else {
                    if options.contains(.relaxEscapes) && quote == 0 {
                        word.append(byte)
                        return word
                    }
                    throw .invalidEscape
                }
                if options.contains(.unescape) {
                    if let (decoded, length) = Self.unescapeOne(bytes[index...]) {
                        word.append(contentsOf: decoded)
                        index += length
                        continue
                    }
                    if options.contains(.relaxEscapes) {
                        word.append(UInt8(ascii: "\\"))
                        word.append(bytes[index])
                        index += 1
                        continue
                    }
                    throw .invalidEscape
                }
                word.append(bytes[index])
                index += 1
                continue
            }
            if quote != 0 {
                index += 1
                if byte == quote {
                    quote = 0
                    if options.contains(.unquote) { continue }
                }
                word.append(byte)
                continue
            }
            if (byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"")) && options.contains(.unquote) {
                quote = byte
                index += 1
                continue
            }
            if Self.isSeparator(byte) {
                while index < bytes.count, Self.isSeparator(bytes[index]) { index += 1 }
                return word
            }
            word.append(byte)
            index += 1
        }
        if quote != 0 { throw .unbalancedQuotes }
        return word
    }

    /// `cunescape_one()`: the bytes one escape stands for and how many characters after the
    /// backslash it takes; nil when it is not a valid escape.
    static func unescapeOne(_ text: ArraySlice<UInt8>) -> ([UInt8], Int)? {
        guard let first = text.first else { return nil }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B, UInt8(ascii: "\\"): 0x5C,
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "'"): 0x27, UInt8(ascii: "s"): 0x20,
        ]
        if let byte = simple[first] { return ([byte], 1) }
        let digits = Array(text.dropFirst())
        func hex(_ count: Int) -> UInt32? {
            guard digits.count >= count else { return nil }
            var value: UInt32 = 0
            for digit in digits.prefix(count) {
                guard let nibble = UnitName.hexValue(digit) else { return nil }
                value = value << 4 | UInt32(nibble)
            }
            return value
        }
        switch first {
        case UInt8(ascii: "x"):
            guard let value = hex(2), value != 0 else { return nil }
            return ([UInt8(value)], 3)
        case UInt8(ascii: "u"):
            guard let value = hex(4), value != 0 else { return nil }
            return (encode(value), 5)
        case UInt8(ascii: "U"):
            guard let value = hex(8), value != 0, UnitFile.isValidScalar(value) else { return nil }
            return (encode(value), 9)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            let octal = Array(text.prefix(3))
            guard octal.count == 3, octal.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }) else { return nil }
            let value = octal.reduce(0) { $0 << 3 | Int($1 - UInt8(ascii: "0")) }
            guard value != 0, value <= 255 else { return nil }
            return ([UInt8(value)], 3)
        default:
            return nil
        }
    }

    /// `utf8_encode_unichar()`: systemd encodes any value below 2^21 this way, surrogates too.
    static func encode(_ scalar: UInt32) -> [UInt8] {
        switch scalar {
        case 0..<0x80: return [UInt8(scalar)]
        case 0x80..<0x800: return [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
        case 0x800..<0x10000:
            return [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
        default:
            return [UInt8(0xF0 | scalar >> 18 & 0x07), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
        }
    }
}
