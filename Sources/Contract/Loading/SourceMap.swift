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
        public var keys: [String: Int] = [:]
    }

    public private(set) var sections: [Section] = []
    /// The indices in ``sections`` of each name's `[[name]]` sections, in order, and of its
    /// `[name]` section: every lookup is one dictionary access, so loading stays linear.
    private var arrays: [String: [Int]] = [:]
    private var tables: [String: Int] = ["": 0]

    public init(text: String) {
        sections.append(Section(name: "", isArray: false, line: 1))
        var depth = 0
        var multiline: String? = nil
        var lineNumber = 0
        // Split at LF scalars: "\r\n" is one Character, so a split on Characters would make a
        // CRLF contract one line (TOML's newlines are LF and CRLF).
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(String(String.UnicodeScalarView(rawLine.last == "\r" ? rawLine.dropLast() : rawLine)))
            var rest = line[...]
            if let delimiter = multiline {
                guard let end = rest.firstRange(of: delimiter) else { continue }
                multiline = nil
                rest = rest[end.upperBound...]
            } else if depth == 0 {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                if trimmed.hasPrefix("[") {
                    if let header = Self.header(trimmed) {
                        addHeader(header.name, isArray: header.isArray, line: lineNumber)
                        continue
                    }
                } else if let key = Self.leadingKey(trimmed) {
                    if sections[sections.count - 1].keys[key] == nil {
                        sections[sections.count - 1].keys[key] = lineNumber
                    }
                    if let equals = trimmed.firstIndex(of: "=") { rest = trimmed[trimmed.index(after: equals)...] }
                }
            }
            Self.scan(rest, depth: &depth, multiline: &multiline)
        }
    }

    private mutating func addHeader(_ name: String, isArray: Bool, line: Int) {
        // `[directory.when]` after `[[directory]]` continues that entry.
        if !isArray, let last = sections.last, last.isArray, name.hasPrefix(last.name + ".") {
            let sub = String(name.dropFirst(last.name.count + 1))
            if sections[sections.count - 1].keys[sub] == nil { sections[sections.count - 1].keys[sub] = line }
            return
        }
        if isArray {
            arrays[name, default: []].append(sections.count)
        } else if tables[name] == nil {
            tables[name] = sections.count
        }
        sections.append(Section(name: name, isArray: isArray, line: line))
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
