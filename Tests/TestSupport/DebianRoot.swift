import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The hostcontract Debian package the tests install, named by `$HOSTCONTRACT_DEB`
/// (scripts/package-deb.sh builds it; scripts/test.sh exports it), when that file exists.
public let hostcontractPackage: String? = {
    guard let path = ProcessInfo.processInfo.environment["HOSTCONTRACT_DEB"], !path.isEmpty,
          FileManager.default.fileExists(atPath: path) else { return nil }
    return URL(fileURLWithPath: path).standardizedFileURL.path
}()

/// A writable copy of the Debian 12 root that scripts/debian-root.sh makes (minbase bookworm
/// with systemd, python3 and openssh-server, and no Swift), named by `$HOSTCONTRACT_DEBIAN_ROOT`.
///
/// The pristine root is never written: `overlay()` mounts an overlay on it (upper and work
/// directories in a new temporary directory) with `proc` and `/dev` (recursively, as a slave)
/// inside, and copies the controller's resolv.conf in, so that programs run there with chroot
/// work: apt and dpkg, sshd, the installed hostcontract. `close()` — also called on release, and
/// safe to call twice — kills every process whose root is inside the copy, unmounts everything
/// and removes the temporary directory (never through a mount: if something stays mounted, the
/// directory is left and a warning printed).
///
/// A server is best started in its own daemon mode with `run(inChroot:)` and found by its pid
/// file: Foundation's `Process` learns that a child ended from a descriptor the child inherits,
/// and blocks its monitor thread (every `run` of the test process with it) when a daemon such as
/// sshd closes all its descriptors while still running. `close()` ends it with the rest.
///
///     let root = try DebianRoot.overlay()
///     defer { root.close() }
///     try FileManager.default.copyItem(atPath: package, toPath: root.at("/tmp/hostcontract.deb"))
///     let outcome = try root.run(inChroot: ["apt-get", "install", "-y", "/tmp/hostcontract.deb"])
///
/// Needs root.
public final class DebianRoot: @unchecked Sendable {
    /// `$HOSTCONTRACT_DEBIAN_ROOT` when it names a finished root (scripts/debian-root.sh leaves
    /// `.hostcontract-debian-root` in it).
    public static let pristine: String? = {
        guard let path = ProcessInfo.processInfo.environment["HOSTCONTRACT_DEBIAN_ROOT"], !path.isEmpty,
              FileManager.default.fileExists(atPath: path + "/.hostcontract-debian-root") else { return nil }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }()

    /// Whether `overlay()` can work here: a pristine root is named and the tests run as root.
    public static var available: Bool { pristine != nil && runningAsRoot }

    /// The environment programs get in the chroot unless told otherwise.
    public static let chrootEnvironment = [
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LC_ALL": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive", "TERM": "dumb",
    ]

    /// The writable root (the overlay's mount point) as seen from the controller.
    public let path: String
    /// The temporary directory holding the mount point and the overlay's upper and work directories.
    public let directory: String
    private let lock = NSLock()
    private var mounted = false
    private var closed = false

    private init(directory: String) {
        self.directory = directory
        self.path = directory + "/root"
    }

    /// Mounts a writable copy of the pristine root in a new temporary directory named after `label`.
    public static func overlay(_ label: String = "debian-root") throws -> DebianRoot {
        guard let pristine else { throw FixtureError(message: "HOSTCONTRACT_DEBIAN_ROOT names no root made by scripts/debian-root.sh") }
        guard runningAsRoot else { throw FixtureError(message: "mounting an overlay needs root") }
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(label)-\(UUID().uuidString)").path
        for sub in ["upper", "work", "root"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
        }
        let root = DebianRoot(directory: directory)
        do {
            root.mounted = true
            try root.mount(["-t", "overlay", "overlay", "-o", "lowerdir=\(pristine),upperdir=\(directory)/upper,workdir=\(directory)/work", root.path])
            try root.mount(["-t", "proc", "proc", root.path + "/proc"])
            try root.mount(["--rbind", "/dev", root.path + "/dev"])
            // Nothing unmounted under the copy's /dev may reach the controller's.
            try root.mount(["--make-rslave", root.path + "/dev"])
            if let resolver = try? Data(contentsOf: URL(fileURLWithPath: "/etc/resolv.conf")) {
                try? FileManager.default.removeItem(atPath: root.path + "/etc/resolv.conf")
                try resolver.write(to: URL(fileURLWithPath: root.path + "/etc/resolv.conf"))
            }
        } catch {
            root.close()
            throw error
        }
        return root
    }

    deinit { close() }

    /// The controller's path of `path` inside the root.
    public func at(_ path: String) -> String { self.path + (path.hasPrefix("/") ? path : "/" + path) }

    /// Runs `arguments` (the first one looked up in the root's PATH) with chroot and waits.
    @discardableResult
    public func run(inChroot arguments: [String], environment: [String: String]? = nil) throws -> ProcessOutcome {
        try TestSupport.run("/usr/sbin/chroot", [path] + arguments, environment: environment ?? Self.chrootEnvironment, directory: "/")
    }

    /// Runs `script` with /bin/sh in the root.
    @discardableResult
    public func shell(_ script: String) throws -> ProcessOutcome {
        try run(inChroot: ["/bin/sh", "-c", script])
    }

    /// Kills what runs inside, unmounts everything and removes the temporary directory.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        if mounted {
            killProcessesInside()
            unmountAll()
        }
        if mountPoints(under: directory).isEmpty {
            _ = try? TestSupport.run("/bin/rm", ["-rf", "--one-file-system", directory], directory: "/")
        } else {
            FileHandle.standardError.write(Data("DebianRoot: \(directory) is still mounted; left in place\n".utf8))
        }
    }

    private func mount(_ arguments: [String]) throws {
        let outcome = try TestSupport.run("/usr/bin/mount", arguments, directory: "/")
        guard outcome.status == 0 else { throw FixtureError(message: "mount \(arguments.joined(separator: " ")): \(outcome.all)") }
    }

    /// Processes whose root directory is the copy or inside it.
    private func processesInside() -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != getpid(),
                  let root = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/root") else { return nil }
            return root == path || root.hasPrefix(path + "/") ? pid : nil
        }
    }

    private func killProcessesInside() {
        for signal in [SIGTERM, SIGKILL] {
            let pids = processesInside()
            if pids.isEmpty { return }
            for pid in pids { kill(pid, signal) }
            for _ in 0..<40 where !processesInside().isEmpty { usleep(50_000) }
        }
    }

    private func unmountAll() {
        for attempt in 0..<10 {
            if mountPoints(under: path).isEmpty { return }
            _ = try? TestSupport.run("/usr/bin/umount", ["-R", path], directory: "/")
            if attempt > 0 { usleep(200_000) }
        }
        // Something still holds a mount busy: detach it, so that nothing below is reachable any more.
        if !mountPoints(under: path).isEmpty {
            _ = try? TestSupport.run("/usr/bin/umount", ["-R", "-l", path], directory: "/")
        }
    }
}

/// The mount points at `directory` or below it, from /proc/self/mountinfo.
public func mountPoints(under directory: String) -> [String] {
    guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
    return table.split(separator: "\n").compactMap { line -> String? in
        let fields = line.split(separator: " ")
        guard fields.count > 4 else { return nil }
        let point = unescapeMountField(String(fields[4]))
        return point == directory || point.hasPrefix(directory + "/") ? point : nil
    }
}

/// mountinfo writes space, tab, newline and backslash as \ooo octal escapes.
private func unescapeMountField(_ field: String) -> String {
    guard field.contains("\\") else { return field }
    var bytes: [UInt8] = []
    var scalars = Array(field.utf8)[...]
    while let byte = scalars.popFirst() {
        if byte == UInt8(ascii: "\\"), scalars.count >= 3,
           let value = UInt8(String(decoding: scalars.prefix(3), as: UTF8.self), radix: 8) {
            bytes.append(value)
            scalars = scalars.dropFirst(3)
        } else {
            bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
