import CLinux
import Glibc

/// What a service started by systemd talks to: the notification socket, the journal, and the
/// process it becomes.
public enum ServiceManager {
    /// Sends `STATUS=text` to the service manager when NOTIFY_SOCKET is set; false when there is
    /// no manager to tell. The corresponding C function is sd_notify(3).
    @discardableResult
    public static func notifyStatus(_ text: String) -> Bool {
        system_sd_notify("STATUS=" + text.replacing("\n", with: " ")) > 0
    }

    /// Whether standard error is connected to the journal: JOURNAL_STREAM names its device and
    /// inode (systemd.exec(5)).
    public static var standardErrorIsJournal: Bool {
        guard let stream = Terminal.environmentValue("JOURNAL_STREAM") else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var raw = stat()
        guard case .success = valueOrErrno({ system_fstat(2, &raw) }) else { return false }
        return UInt64(raw.st_dev) == device && UInt64(raw.st_ino) == inode
    }

    /// Sends one structured entry (FIELD=value strings) to the journal. The corresponding C
    /// function is sd_journal_sendv(3).
    @discardableResult
    public static func sendToJournal(_ fields: [(String, String)]) -> Result<Void, HostError> {
        let code = system_sd_journal_sendv(fields.map { $0.0 + "=" + $0.1 })
        return code >= 0 ? .success(()) : .failure(HostError(errno: -code))
    }

    /// The unit this process runs in (`lx-annotate.service`), from its own cgroup while it is
    /// alive; nil outside any unit. The corresponding C functions are sd_pid_get_unit(3) and
    /// sd_pid_get_user_unit(3).
    public static var ownUnit: String? { system_sd_own_unit() }

    /// Sets the environment, then replaces this process with `arguments` (searched in PATH), so
    /// the program keeps the PID, the descriptors and the signals. Returns only on failure. The
    /// corresponding C function is execvp(3).
    public static func replaceProcess(with arguments: [String], environment: [String: String]) -> HostError {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { _ = system_setenv(name, value) }
        _ = system_execvp(arguments)
        return HostError(errno: system_errno)
    }
}

extension ServiceManager {
    /// Whether a systemd manager runs this system (sd_booted(3): /run/systemd/system exists).
    public static var isRunning: Bool { system_sd_booted() > 0 }

    /// A unit's live state as the system manager reports it.
    public struct UnitState: Sendable, Equatable {
        public var active: String
        public var sub: String
        public var load: String
    }

    /// The unit's ActiveState, SubState and LoadState over D-Bus.
    public static func state(of unit: String) -> Result<UnitState, HostError> {
        system_unit_states(unit).map { UnitState(active: $0.active, sub: $0.sub, load: $0.load) }
    }
}
