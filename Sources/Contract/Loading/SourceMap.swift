/// Where tables and keys stand in the contract text. TOMLKit gives positions only for syntax
/// errors, so this scans the text for table headers and `key =` lines, skipping strings,
/// comments and the insides of multi-line arrays and inline tables.
public struct SourceMap: Sendable {
    public struct Section: Sendable, Hashable {
        /// The header's dotted name ("directory", "nginx.location"); "" before the first header.
        public var name: String
        public var isArray: Bool
        public var line: Int
        /// The first line of each key in the section (dotted keys by their first part; keys of
        /// a sub-table header such as `[directory.when]` as "when").
        public var keys = KeyLines()
    }

    public private(set) var sections: [Section] = []
    /// The indices in ``sections`` of each name's `[[name]]` sections, in order, and of its
    /// `[name]` section: every lookup is one dictionary access, so loading stays linear.
    private var arrays: [String: [Int]] = [:]
    private var tables: [String: Int] = ["": 0]
    /// While scanning: each key line met, in order, a section's after the one before it, and
    /// where in it each section's start.
    private var keyList: [KeyLines.Entry] = []
    private var keyStarts: [Int] = []

    public init(text: String) {
        addSection(Section(name: "", isArray: false, line: 1))
        var text = text
        text.withUTF8 { scanLines($0) }
        shareKeys()
    }

    private mutating func addSection(_ section: Section) {
        sections.append(section)
        keyStarts.append(keyList.count)
    }

    /// Gives each section its keys, each once with its first line, as a part of one list: the
    /// list is compacted in place (a key met again is dropped), then shared by every section.
    private mutating func shareKeys() {
        var kept = 0
        for index in sections.indices {
            let start = kept
            let end = index + 1 < sections.count ? keyStarts[index + 1] : keyList.count
            var seen: Set<String>? = end - keyStarts[index] > 16 ? [] : nil
            for position in keyList.indices[keyStarts[index]..<end] {
                let entry = keyList[position]
                let isNew = seen != nil
                    ? seen!.insert(entry.name).inserted
                    : !keyList[start..<kept].contains(where: { $0.name == entry.name })
                guard isNew else { continue }
                keyList[kept] = entry
                kept += 1
            }
            keyStarts[index] = start
        }
        keyList.removeLast(keyList.count - kept)
        for index in sections.indices {
            let end = index + 1 < sections.count ? keyStarts[index + 1] : keyList.count
            sections[index].keys = KeyLines(keyList[keyStarts[index]..<end])
        }
        keyList = []
        keyStarts = []
    }

    /// Split at LF bytes: "\r\n" is one Character, so a split on Characters would make a CRLF
    /// contract one line (TOML's newlines are LF and CRLF). ASCII lines, nearly all of them,
    /// are read as bytes; a line with other characters is read as Characters.
    private mutating func scanLines(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Room for a key or a header on every line, up to 2^17 lines: the lists of a contract
        // that size never grow by copying, and the memory reserved past what is used is never
        // touched. A longer text (a hostile one of empty lines) reserves no more than that.
        let lines = min(bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }, 1 << 17)
        keyList.reserveCapacity(lines)
        keyStarts.reserveCapacity(lines)
        sections.reserveCapacity(lines)
        var depth = 0
        var multiline: String? = nil
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            var isASCII = true
            while end < bytes.count, bytes[end] != 0x0A {
                if bytes[end] >= 0x80 { isASCII = false }
                end += 1
            }
            defer { start = end + 1 }
            lineNumber += 1
            let lineEnd = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
            if isASCII {
                scanLine(ASCIILine(bytes: bytes, start: start, end: lineEnd), number: lineNumber, depth: &depth, multiline: &multiline)
            } else {
                let line = Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]), as: UTF8.self))
                scanLine(line, number: lineNumber, depth: &depth, multiline: &multiline)
            }
        }
    }

    /// One line read as Characters.
    private mutating func scanLine(_ line: Substring, number lineNumber: Int, depth: inout Int, multiline: inout String?) {
        var rest = line[...]
        if let delimiter = multiline {
            guard let end = rest.firstRange(of: delimiter) else { return }
            multiline = nil
            rest = rest[end.upperBound...]
        } else if depth == 0 {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[") {
                if let header = Self.header(trimmed) {
                    addHeader(header.name, isArray: header.isArray, line: lineNumber)
                    return
                }
            } else if let key = Self.leadingKey(trimmed) {
                addKey(key, line: lineNumber)
                if let equals = trimmed.firstIndex(of: "=") { rest = trimmed[trimmed.index(after: equals)...] }
            }
        }
        Self.scan(rest, depth: &depth, multiline: &multiline)
    }

    /// One ASCII line read as bytes: the same steps as for Characters, which on ASCII text are
    /// the bytes themselves.
    private mutating func scanLine(_ line: ASCIILine, number lineNumber: Int, depth: inout Int, multiline: inout String?) {
        var rest = line
        if let delimiter = multiline {
            guard let end = rest.firstRange(of: delimiter) else { return }
            multiline = nil
            rest = rest.dropFirst(end.upperBound - rest.start)
        } else if depth == 0 {
            let trimmed = line.dropBlanks()
            if trimmed.first == UInt8(ascii: "[") {
                if let header = trimmed.header() {
                    addHeader(header.name, isArray: header.isArray, line: lineNumber)
                    return
                }
            } else if let key = trimmed.leadingKey() {
                addKey(key, line: lineNumber)
                if let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) { rest = trimmed.dropFirst(equals + 1 - trimmed.start) }
            }
        }
        rest.scan(depth: &depth, multiline: &multiline)
    }

    /// A key of the last section; ``shareKeys()`` keeps the first line of a key met twice.
    private mutating func addKey(_ key: String, line: Int) {
        keyList.append(KeyLines.Entry(name: key, line: line))
    }

    private mutating func addHeader(_ name: String, isArray: Bool, line: Int) {
        // `[directory.when]` after `[[directory]]` continues that entry.
        if !isArray, let last = sections.last, last.isArray, name.hasPrefix(last.name + ".") {
            addKey(String(name.dropFirst(last.name.count + 1)), line: line)
            return
        }
        if isArray {
            arrays[name, default: []].append(sections.count)
        } else if tables[name] == nil {
            tables[name] = sections.count
        }
        addSection(Section(name: name, isArray: isArray, line: line))
    }

    /// The `index`-th (0-based) `[[name]]` section.
    public func arrayEntry(_ name: String, index: Int) -> Section? {
        guard let matching = arrays[name], index >= 0, index < matching.count else { return nil }
        return sections[matching[index]]
    }

    /// The `[name]` section, or the top of the file for "".
    public func table(_ name: String) -> Section? {
        tables[name].map { sections[$0] }
    }

    /// Parses `[name]` or `[[name]]` with optional spaces, quotes and a trailing comment.
    static func header(_ text: Substring) -> (name: String, isArray: Bool)? {
        let isArray = text.hasPrefix("[[")
        var body = text.dropFirst(isArray ? 2 : 1)
        guard let close = body.firstRange(of: isArray ? "]]" : "]") else { return nil }
        let after = body[close.upperBound...].drop { $0 == " " || $0 == "\t" }
        guard after.isEmpty || after.hasPrefix("#") else { return nil }
        body = body[..<close.lowerBound]
        let parts = body.split(separator: ".", omittingEmptySubsequences: false).map { part -> String in
            var piece = part.drop { $0 == " " || $0 == "\t" }
            while piece.last == " " || piece.last == "\t" { piece = piece.dropLast() }
            if piece.count >= 2, let q = piece.first, q == "\"" || q == "'", piece.last == q {
                piece = piece.dropFirst().dropLast()
            }
            return String(piece)
        }
        return (parts.joined(separator: "."), isArray)
    }

    /// The first part of the key of a `key = value` line, unquoted.
    static func leadingKey(_ text: Substring) -> String? {
        guard let first = text.first, first != "#", first != "=" else { return nil }
        var key = ""
        var index = text.startIndex
        if first == "\"" || first == "'" {
            index = text.index(after: index)
            while index < text.endIndex, text[index] != first {
                key.append(text[index])
                index = text.index(after: index)
            }
            guard index < text.endIndex else { return nil }
            index = text.index(after: index)
        } else {
            while index < text.endIndex, text[index].isLetter || text[index].isNumber || text[index] == "_" || text[index] == "-" {
                key.append(text[index])
                index = text.index(after: index)
            }
        }
        guard !key.isEmpty else { return nil }
        let rest = text[index...].drop { $0 == " " || $0 == "\t" }
        guard let next = rest.first, next == "=" || next == "." else { return nil }
        return key
    }

    /// Follows strings, comments and bracket depth through the value part of a line.
    static func scan(_ text: Substring, depth: inout Int, multiline: inout String?) {
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("\"\"\"") || rest.hasPrefix("'''") {
                let delimiter = String(rest.prefix(3))
                let after = text.index(index, offsetBy: 3)
                if let end = text[after...].firstRange(of: delimiter) {
                    index = end.upperBound
                    continue
                }
                multiline = delimiter
                return
            }
            let c = text[index]
            switch c {
            case "#": return
            case "\"", "'":
                var cursor = text.index(after: index)
                while cursor < text.endIndex, text[cursor] != c {
                    if c == "\"", text[cursor] == "\\" { cursor = text.index(after: cursor) }
                    if cursor < text.endIndex { cursor = text.index(after: cursor) }
                }
                index = cursor < text.endIndex ? text.index(after: cursor) : cursor
                continue
            case "[", "{": depth += 1
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
            index = text.index(after: index)
        }
    }
}

/// A line of ASCII text as a range of the contract's bytes.
struct ASCIILine {
    let bytes: UnsafeBufferPointer<UInt8>
    var start: Int
    var end: Int

    var first: UInt8? { start < end ? bytes[start] : nil }

    func dropFirst(_ count: Int) -> ASCIILine { ASCIILine(bytes: bytes, start: min(start + count, end), end: end) }

    func dropBlanks() -> ASCIILine {
        var line = self
        while line.start < line.end, bytes[line.start] == 0x20 || bytes[line.start] == 0x09 { line.start += 1 }
        return line
    }

    func hasPrefix(_ prefix: StaticString, at index: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard end - index >= count else { return false }
        let pointer = prefix.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }

    func firstIndex(of byte: UInt8) -> Int? {
        var index = start
        while index < end {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// The first occurrence of an ASCII `delimiter` at or after `from`.
    func firstRange(of delimiter: String, from: Int? = nil) -> Range<Int>? {
        let pattern = Array(delimiter.utf8)
        var index = from ?? start
        while index + pattern.count <= end {
            var matches = true
            for offset in 0..<pattern.count where bytes[index + offset] != pattern[offset] {
                matches = false
                break
            }
            if matches { return index..<(index + pattern.count) }
            index += 1
        }
        return nil
    }

    func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }

    /// ``SourceMap/header(_:)`` on bytes.
    func header() -> (name: String, isArray: Bool)? {
        let isArray = hasPrefix("[[", at: start)
        let bodyStart = start + (isArray ? 2 : 1)
        guard let close = firstRange(of: isArray ? "]]" : "]", from: bodyStart) else { return nil }
        let after = ASCIILine(bytes: bytes, start: close.upperBound, end: end).dropBlanks()
        guard after.first == nil || after.first == UInt8(ascii: "#") else { return nil }
        // Most headers are one bare name (`[[directory]]`): nothing to split, trim or unquote.
        if !bytes[bodyStart..<close.lowerBound].contains(where: { Self.isHeaderPunctuation($0) }) {
            return (string(bodyStart..<close.lowerBound), isArray)
        }
        var parts: [String] = []
        var partStart = bodyStart
        for index in bodyStart...close.lowerBound where index == close.lowerBound || bytes[index] == UInt8(ascii: ".") {
            var piece = ASCIILine(bytes: bytes, start: partStart, end: index).dropBlanks()
            while piece.end > piece.start, bytes[piece.end - 1] == 0x20 || bytes[piece.end - 1] == 0x09 { piece.end -= 1 }
            if piece.end - piece.start >= 2, let q = piece.first, q == UInt8(ascii: "\"") || q == UInt8(ascii: "'"),
                bytes[piece.end - 1] == q
            {
                piece.start += 1
                piece.end -= 1
            }
            parts.append(string(piece.start..<piece.end))
            partStart = index + 1
        }
        return (parts.joined(separator: "."), isArray)
    }

    /// ``SourceMap/leadingKey(_:)`` on bytes.
    func leadingKey() -> String? {
        guard let first, first != UInt8(ascii: "#"), first != UInt8(ascii: "=") else { return nil }
        var index = start
        let key: Range<Int>
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            index += 1
            let keyStart = index
            while index < end, bytes[index] != first { index += 1 }
            guard index < end else { return nil }
            key = keyStart..<index
            index += 1
        } else {
            while index < end, Self.isKeyByte(bytes[index]) { index += 1 }
            key = start..<index
        }
        guard !key.isEmpty else { return nil }
        let rest = ASCIILine(bytes: bytes, start: index, end: end).dropBlanks()
        guard let next = rest.first, next == UInt8(ascii: "=") || next == UInt8(ascii: ".") else { return nil }
        return string(key)
    }

    /// The bytes that make a header more than one bare name: dots, quotes, blanks.
    static func isHeaderPunctuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == 0x20 || byte == 0x09
    }

    static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// ``SourceMap/scan(_:depth:multiline:)`` on bytes.
    func scan(depth: inout Int, multiline: inout String?) {
        var index = start
        while index < end {
            if hasPrefix("\"\"\"", at: index) || hasPrefix("\'\'\'", at: index) {
                let delimiter = string(index..<(index + 3))
                if let close = firstRange(of: delimiter, from: index + 3) {
                    index = close.upperBound
                    continue
                }
                multiline = delimiter
                return
            }
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "#"): return
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                var cursor = index + 1
                while cursor < end, bytes[cursor] != c {
                    if c == UInt8(ascii: "\""), bytes[cursor] == UInt8(ascii: "\\") { cursor += 1 }
                    if cursor < end { cursor += 1 }
                }
                index = cursor < end ? cursor + 1 : cursor
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
            index += 1
        }
    }
}
