import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// systemd-nspawn (Debian's systemd-container package), where it is installed.
public let systemdNspawn: String? = ["/usr/bin/systemd-nspawn", "/bin/systemd-nspawn"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// How a boot of a `DebianRoot` ended.
public struct BootOutcome: Sendable {
    /// systemd-nspawn's exit status (0 after a clean power-off; 124 when the time ran out).
    public var status: Int32
    /// What the container wrote to its console (systemd's boot and shutdown messages).
    public var console: String
    /// From starting systemd-nspawn to its end.
    public var seconds: Double
}

extension DebianRoot {
    /// Whether `boot()` can work here: `overlay()` can, and systemd-nspawn is installed.
    public static var canBoot: Bool { available && systemdNspawn != nil }

    /// Boots the copy with systemd-nspawn, its systemd as PID 1 (with journald and D-Bus), and
    /// waits until it powers off or `timeout` seconds have passed. Something inside must power
    /// it off: a oneshot unit wanted by multi-user.target that does its work and then runs
    /// `systemctl poweroff` (see /work/shared/notes/real-systemd.md).
    ///
    /// The container has its own network namespace with only a loopback device
    /// (`--private-network`, which also gives it CAP_NET_ADMIN there, so a unit's
    /// `PrivateNetwork=` sets up its loopback as on a server instead of logging EPERM), is not
    /// registered with machined (the controller has no system bus), and gets a unique machine
    /// name. `arguments` are added to systemd-nspawn's (`--tmpfs=PATH`, `--bind-ro=...`).
    ///
    /// systemd-nspawn mounts its own /proc and /dev: the copy's (`overlay()` mounts them for
    /// chroot) are unmounted for the boot and mounted again afterwards.
    public func boot(timeout: Int = 180, arguments: [String] = []) throws -> BootOutcome {
        guard let nspawn = systemdNspawn else { throw FixtureError(message: "systemd-nspawn is not installed (apt-get install systemd-container)") }
        try unmountForBoot()
        defer { try? remountAfterBoot() }
        let machine = "hostcontract-" + UUID().uuidString.prefix(8).lowercased()
        let started = Date()
        let outcome = try TestSupport.run("/usr/bin/timeout", [
            "-k", "10", String(timeout), nspawn, "--directory=\(path)", "--boot", "--register=no", "--keep-unit",
            "--private-network", "--machine=\(machine)", "--console=read-only",
        ] + arguments, directory: "/")
        return BootOutcome(status: outcome.status, console: outcome.all, seconds: Date().timeIntervalSince(started))
    }

    private func unmountForBoot() throws {
        for point in [at("/dev"), at("/proc")] where !mountPoints(under: point).isEmpty {
            let outcome = try TestSupport.run("/usr/bin/umount", ["-R", point], directory: "/")
            guard outcome.status == 0 else { throw FixtureError(message: "umount -R \(point): \(outcome.all)") }
        }
    }

    private func remountAfterBoot() throws {
        for arguments in [["-t", "proc", "proc", at("/proc")], ["--rbind", "/dev", at("/dev")], ["--make-rslave", at("/dev")]] {
            let outcome = try TestSupport.run("/usr/bin/mount", arguments, directory: "/")
            guard outcome.status == 0 else { throw FixtureError(message: "mount \(arguments.joined(separator: " ")): \(outcome.all)") }
        }
    }
}
