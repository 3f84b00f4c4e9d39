extension CapturedContract {
    /// `[nginx]` with one `[[nginx.location]]` per location found: the configuration's path, the
    /// server name where every server block serves the same single one, and of each location only
    /// its path, its modifier and the directives named in ``Location/directives`` (paths and
    /// flags, never a file's content).
    public struct Nginx: Sendable, Equatable {
        /// The main configuration file, a path inside the root.
        public var config: String
        public var serverName: String?
        public var locations: [Location]

        public init(config: String, serverName: String? = nil, locations: [Location] = []) {
            self.config = config
            self.serverName = serverName
            self.locations = locations
        }

        /// One `[[nginx.location]]`.
        public struct Location: Sendable, Equatable {
            public var path: String
            /// `=` or `^~`; nil for a plain prefix location (regex locations are not captured).
            public var modifier: String?
            /// `(name, nil)`: the directive is present (`internal = true`); `(name, text)`: its
            /// arguments joined by one space.
            public var directives: [(name: String, value: String?)]
            public var comments: [String]

            public init(path: String, modifier: String? = nil, directives: [(name: String, value: String?)] = [], comments: [String] = []) {
                self.path = path
                self.modifier = modifier
                self.directives = directives
                self.comments = comments
            }

            public static func == (a: Location, b: Location) -> Bool {
                a.path == b.path && a.modifier == b.modifier && a.comments == b.comments
                    && a.directives.map(\.name) == b.directives.map(\.name) && a.directives.map(\.value) == b.directives.map(\.value)
            }
        }

        /// The directives a captured location keeps, each if the location itself carries it:
        /// `internal` (present), `alias` and `root` (paths), `proxy_pass` (an upstream address,
        /// left out when it carries a user part).
        public static let capturedDirectives = ["internal", "alias", "root", "proxy_pass"]

        func render() -> [String] {
            var lines = ["[nginx]", "config = " + TOMLString.quoted(Template(literal: config).source)]
            if let serverName { lines.append("server_name = " + TOMLString.quoted(serverName)) }
            for location in locations {
                lines.append("")
                lines += location.comments.map { CapturedContract.comment($0) }
                lines += ["[[nginx.location]]", "path = " + TOMLString.quoted(location.path)]
                if let modifier = location.modifier { lines.append("modifier = " + TOMLString.quoted(modifier)) }
                if !location.directives.isEmpty {
                    let items = location.directives.map { directive in
                        directive.name + " = " + (directive.value.map { TOMLString.quoted(Template(literal: $0).source) } ?? "true")
                    }
                    lines.append("directives = { " + items.joined(separator: ", ") + " }")
                }
            }
            return lines
        }
    }
}
