/// The kinds of entry a contract declares, and the kinds of finding `check --only` selects.
public enum EntryKind: String, CaseIterable, Codable, Sendable {
    case directory, file, key, tree, access, user, group, environment, variable, nginx, encrypted, certificate
    case unit, package, config, port, connect, http, command

    /// The TOML header that declares one entry ("[[directory]]").
    public var header: String {
        switch self {
        case .environment: "[environment]"
        case .nginx: "[nginx]"
        default: "[[\(rawValue)]]"
        }
    }
}
