import TOMLKit

/// Reads a TOML configuration file into a ``ConfigNode`` tree. The text passes ``SyntaxGuard``
/// first (toml++ meets some malformed text with an assertion, not an error); toml++ refuses
/// nesting beyond its own limit. TOMLKit gives positions only for syntax errors, so the line of
/// a value comes from a ``SourceMap`` of the text, where it finds one.
public enum TOMLConfigReader {
    /// `quoteParserWords`: false where the file holds a secret, since toml++'s message may quote
    /// a piece of the text; the message then only says where.
    public static func read(_ text: String, quoteParserWords: Bool = true) -> Result<ConfigNode, ConfigSyntaxError> {
        if let problem = SyntaxGuard.firstProblem(in: text) {
            return .failure(ConfigSyntaxError(line: problem.line, message: quoteParserWords ? problem.message : "not valid TOML"))
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            var message = error.description.prefix(1).lowercased() + error.description.dropFirst()
            while message.hasSuffix(".") { message.removeLast() }
            return .failure(ConfigSyntaxError(
                line: max(1, error.source.begin.line), message: quoteParserWords ? message : "not valid TOML"))
        } catch {
            return .failure(ConfigSyntaxError(line: 1, message: "not valid TOML"))
        }
        let map = SourceMap(text: text)
        return .success(node(table, path: [], map: map))
    }

    static func node(_ value: any TOMLValueConvertible, path: [String]?, map: SourceMap) -> ConfigNode {
        let line = path.flatMap { Self.line(of: $0, map: map) }
        switch value.type {
        case .table:
            guard let table = value.table else { return ConfigNode(.table([]), line: line) }
            var members: [ConfigNode.Member] = []
            for (key, element) in table {
                members.append(ConfigNode.Member(key: key, node: node(element, path: path.map { $0 + [key] }, map: map)))
            }
            return ConfigNode(.table(members), line: line)
        case .array:
            let elements = (value.array.map { Array($0) } ?? []).map { node($0, path: nil, map: map) }
            return ConfigNode(.array(elements), line: line)
        case .string: return ConfigNode(.string(value.string ?? ""), line: line)
        case .int: return ConfigNode(.integer(value.int.map(String.init) ?? value.debugDescription), line: line)
        case .double: return ConfigNode(.float(value.double.map { "\($0)" } ?? value.debugDescription), line: line)
        case .bool: return ConfigNode(.boolean(value.bool ?? false), line: line)
        default: return ConfigNode(.datetime(value.debugDescription), line: line)
        }
    }

    /// The line of the table header or `key =` line for `path`, where the map can tell (keys
    /// with dots in them and elements of arrays it cannot).
    static func line(of path: [String], map: SourceMap) -> Int? {
        guard !path.isEmpty else { return 1 }
        guard !path.contains(where: { $0.contains(".") }) else { return nil }
        let name = path.joined(separator: ".")
        if let section = map.table(name) { return section.line }
        let parent = path.dropLast().joined(separator: ".")
        return map.table(parent)?.keys[path[path.count - 1]]
    }
}
