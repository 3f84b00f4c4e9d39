/// What `systemctl is-enabled` prints for a unit (`unit_file_state_table` in src/shared/install.c).
public enum UnitFileState: String, CaseIterable, Sendable {
    case enabled
    case enabledRuntime = "enabled-runtime"
    case linked
    case linkedRuntime = "linked-runtime"
    case alias
    case masked
    case maskedRuntime = "masked-runtime"
    case `static`
    case disabled
    case indirect
    case generated
    case transient
    case bad

    /// Whether `systemctl is-enabled` exits 0 for it.
    public var countsAsEnabled: Bool {
        [.enabled, .enabledRuntime, .static, .alias, .indirect, .generated].contains(self)
    }
}
