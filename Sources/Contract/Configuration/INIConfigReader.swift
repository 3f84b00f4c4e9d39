/// Reads INI files in the dialect of Python's configparser with its defaults and no
/// interpolation (`ConfigParser(interpolation=None)`): `[section]` headers, `key = value` and
/// `key: value` (the first `=` or `:` splits), whole-line comments starting with `#` or `;`
/// (no inline comments), continuation lines indented deeper than their key, empty lines kept
/// inside a value, key names lowercased, section names as written, a key or a section given
/// twice refused (strict), and the keys of `[DEFAULT]` seen in every section. Sections are
/// the top-level tables, each value a string.
public enum INIConfigReader {
    public static let defaultSection = "DEFAULT"

    public static func read(_ text: String) -> Result<ConfigNode, ConfigSyntaxError> {
        var sections: [(name: String, line: Int, options: [(key: String, lines: [String], line: Int)])] = []
        var defaults: (line: Int, options: [(key: String, lines: [String], line: Int)])?
        /// Where options go: -1 is DEFAULT, otherwise an index into `sections`.
        var current: Int? = nil
        var option: String? = nil
        var indentLevel = 0
        var firstProblem: ConfigSyntaxError? = nil

        func options(_ section: Int) -> [(key: String, lines: [String], line: Int)] {
            section < 0 ? defaults?.options ?? [] : sections[section].options
        }
        func modify(_ section: Int, _ change: (inout [(key: String, lines: [String], line: Int)]) -> Void) {
            if section < 0 {
                var options = defaults?.options ?? []
                change(&options)
                defaults?.options = options
            } else {
                change(&sections[section].options)
            }
        }

        for (offset, scalars) in Self.lines(of: text).enumerated() {
            let number = offset + 1
            let stripped = Self.strip(scalars)
            let isComment = stripped.first == "#" || stripped.first == ";"
            if stripped.isEmpty || isComment {
                if !isComment, let current, let option {
                    modify(current) { options in
                        if let last = options.lastIndex(where: { $0.key == option }) { options[last].lines.append("") }
                    }
                }
                continue
            }
            let indent = scalars.firstIndex { !Self.isSpace($0) } ?? 0
            if let current, option != nil, indent > indentLevel {
                let value = String(String.UnicodeScalarView(stripped))
                modify(current) { options in
                    if let last = options.lastIndex(where: { $0.key == option }) { options[last].lines.append(value) }
                }
                continue
            }
            indentLevel = indent
            if stripped.first == "[", let close = stripped.lastIndex(of: "]"), close >= 2 {
                let name = String(String.UnicodeScalarView(stripped[1..<close]))
                if name == defaultSection {
                    if defaults == nil { defaults = (number, []) }
                    current = -1
                } else if sections.contains(where: { $0.name == name }) {
                    return .failure(firstProblem ?? ConfigSyntaxError(line: number, message: "section '\(name)' appears twice"))
                } else {
                    sections.append((name, number, []))
                    current = sections.count - 1
                }
                option = nil
                continue
            }
            guard let section = current else {
                return .failure(firstProblem ?? ConfigSyntaxError(
                    line: number, message: "a line before the first [section] header: the file must start with one"))
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                if firstProblem == nil {
                    firstProblem = ConfigSyntaxError(
                        line: number, message: "neither a [section] header, a 'key = value' line nor an indented continuation")
                }
                continue
            }
            let key = String(String.UnicodeScalarView(Self.strip(stripped[..<delimiter]))).lowercased()
            if key.isEmpty {
                if firstProblem == nil {
                    firstProblem = ConfigSyntaxError(line: number, message: "a key name is missing before '=' or ':'")
                }
                continue
            }
            option = key
            if options(section).contains(where: { $0.key == key }) {
                let name = section < 0 ? defaultSection : sections[section].name
                return .failure(firstProblem ?? ConfigSyntaxError(line: number, message: "key '\(key)' appears twice in section '\(name)'"))
            }
            let value = String(String.UnicodeScalarView(Self.strip(stripped[stripped.index(after: delimiter)...])))
            modify(section) { $0.append((key, [value], number)) }
        }
        if let firstProblem { return .failure(firstProblem) }

        func node(_ option: (key: String, lines: [String], line: Int)) -> ConfigNode.Member {
            let joined = option.lines.joined(separator: "\n")
            let value = String(String.UnicodeScalarView(Self.strip(Array(joined.unicodeScalars), leading: false)))
            return ConfigNode.Member(key: option.key, node: ConfigNode(.string(value), line: option.line))
        }
        let inherited = (defaults?.options ?? []).map(node)
        var members: [ConfigNode.Member] = []
        if let defaults {
            members.append(ConfigNode.Member(key: defaultSection, node: ConfigNode(.table(inherited), line: defaults.line)))
        }
        for section in sections {
            let own = section.options.map(node)
            let keys = Set(own.map(\.key))
            let table = own + inherited.filter { !keys.contains($0.key) }
            members.append(ConfigNode.Member(key: section.name, node: ConfigNode(.table(table), line: section.line)))
        }
        return .success(ConfigNode(.table(members), line: 1))
    }

    /// The lines as Python's universal newlines split them (`\n`, `\r\n`, `\r`).
    static func lines(of text: String) -> [[Unicode.Scalar]] {
        var lines: [[Unicode.Scalar]] = []
        var line: [Unicode.Scalar] = []
        var previousWasReturn = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasReturn {
                previousWasReturn = false
                continue
            }
            previousWasReturn = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(line)
                line = []
            } else {
                line.append(scalar)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Python's `str.isspace`: Unicode white space and the separators U+001C to U+001F.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    static func strip<C: BidirectionalCollection>(_ scalars: C, leading: Bool = true) -> [Unicode.Scalar]
    where C.Element == Unicode.Scalar {
        var slice = scalars[...]
        if leading { slice = slice.drop(while: isSpace) }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return Array(slice)
    }
}
