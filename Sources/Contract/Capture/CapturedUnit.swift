extension CapturedContract {
    /// One `[[unit]]`: whether it exists, whether it is enabled (as `systemctl is-enabled` says,
    /// left out for a static, indirect or generated unit), and the settings of
    /// ``capturedSettings`` that its merged files set, as found.
    public struct Unit: Sendable, Equatable {
        public var name: String
        /// False: the unit is masked (`exists = false` holds for a masked unit).
        public var exists: Bool
        public var enabled: Bool?
        /// `(key, values)`: one value is written as a string, more as a list.
        public var properties: [(key: String, values: [String])]
        public var comments: [String]

        public init(name: String, exists: Bool = true, enabled: Bool? = nil, properties: [(key: String, values: [String])] = [], comments: [String] = []) {
            self.name = name
            self.exists = exists
            self.enabled = enabled
            self.properties = properties
            self.comments = comments
        }

        public static func == (a: Unit, b: Unit) -> Bool {
            a.name == b.name && a.exists == b.exists && a.enabled == b.enabled && a.comments == b.comments
                && a.properties.map(\.key) == b.properties.map(\.key) && a.properties.map(\.values) == b.properties.map(\.values)
        }

        /// The settings captured: who the service runs as, the files and directories it uses, its
        /// sandbox and restart policy, what a .path or .timer unit watches and starts. Never
        /// Environment= or an Exec*= command line, which may carry a secret.
        public static let capturedSettings = [
            "Type", "User", "Group", "DynamicUser", "SupplementaryGroups", "WorkingDirectory", "EnvironmentFile",
            "Restart", "ProtectSystem", "ProtectHome", "PrivateTmp", "NoNewPrivileges", "ReadWritePaths", "ReadOnlyPaths",
            "StateDirectory", "RuntimeDirectory", "LogsDirectory", "CacheDirectory", "ConfigurationDirectory",
            "PathExists", "PathExistsGlob", "PathChanged", "PathModified", "DirectoryNotEmpty", "Unit",
            "OnCalendar", "Persistent",
        ]

        func render() -> [String] {
            var lines = comments.map { CapturedContract.comment($0) }
            lines += ["[[unit]]", "name = " + TOMLString.quoted(name)]
            if !exists {
                lines.append("exists = false")
                return lines
            }
            if let enabled { lines.append("enabled = \(enabled)") }
            if !properties.isEmpty {
                let items = properties.map { property in
                    let values = property.values.map { Template(literal: $0).source }
                    return property.key + " = " + (values.count == 1 ? TOMLString.quoted(values[0]) : TOMLString.array(values))
                }
                lines.append("properties = { " + items.joined(separator: ", ") + " }")
            }
            return lines
        }
    }
}
