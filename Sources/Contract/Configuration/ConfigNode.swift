/// One value of a structured configuration file (TOML, JSON, INI) and the line it starts on
/// (nil where the reader cannot tell). Scalars keep their text as the file wrote it (a JSON
/// number `1.50` stays `1.50`), so a contract compares what the operator sees.
public struct ConfigNode: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case string(String)
        case integer(String)
        case float(String)
        case boolean(Bool)
        /// A TOML date, time or date-time, in its TOML form.
        case datetime(String)
        case null
        /// Keys in the file's order; a key given twice keeps its last value (JSON), or the
        /// reader refused the file (TOML, INI).
        case table([Member])
        case array([ConfigNode])
    }

    public struct Member: Sendable, Hashable {
        public var key: String
        public var node: ConfigNode

        public init(key: String, node: ConfigNode) {
            self.key = key
            self.node = node
        }
    }

    public var value: Value
    public var line: Int?

    public init(_ value: Value, line: Int?) {
        self.value = value
        self.line = line
    }

    /// `string`, `integer`, `float`, `boolean`, `datetime`, `null`, `table` or `array`.
    public var typeName: String {
        switch value {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .datetime: "datetime"
        case .null: "null"
        case .table: "table"
        case .array: "array"
        }
    }

    /// The text of a single value, nil for a table or an array.
    public var scalarText: String? {
        switch value {
        case .string(let text), .integer(let text), .float(let text), .datetime(let text): text
        case .boolean(let flag): flag ? "true" : "false"
        case .null: "null"
        case .table, .array: nil
        }
    }

    /// The member `key` of a table (the last one where the key is given twice).
    public func member(_ key: String) -> ConfigNode? {
        guard case .table(let members) = value else { return nil }
        return members.last { $0.key == key }?.node
    }

    /// The distinct keys of a table, in the file's order.
    public var keys: [String] {
        guard case .table(let members) = value else { return [] }
        var seen = Set<String>()
        return members.map(\.key).filter { seen.insert($0).inserted }
    }
}
