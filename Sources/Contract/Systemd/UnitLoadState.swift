/// What the manager would make of a unit (`systemctl show -p LoadState`), decided offline.
public enum UnitLoadState: Hashable, Sendable {
    /// The unit file was read.
    case loaded
    /// The unit file is empty or a link to /dev/null.
    case masked
    /// No unit file has the unit's name (or its template's).
    case notFound
    /// The unit file could not be read, or its syntax stops systemd (a line over 1 MiB, a bad
    /// section header, invalid UTF-8), or the name is not a unit name.
    case error(String)
    /// A setting systemd refuses to start with (an invalid ExecStart= without `-`, an invalid
    /// User=): systemd's `bad-setting`.
    case badSetting(String)

    /// The word systemd uses for it.
    public var name: String {
        switch self {
        case .loaded: return "loaded"
        case .masked: return "masked"
        case .notFound: return "not-found"
        case .error: return "error"
        case .badSetting: return "bad-setting"
        }
    }
}
