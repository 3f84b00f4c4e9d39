import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An OpenSSH server started from inside a `DebianRoot` with chroot, so that an SSH "host" is a
/// real Debian server without Swift: it listens on a free loopback port, accepts root with a key
/// generated for this server only, and presents a host key generated for it, which the client
/// options below check (`StrictHostKeyChecking=yes` against a known_hosts file of that key).
///
///     let root = try DebianRoot.overlay()
///     let server = try SSHServer(in: root)
///     defer { server.stop(); root.close() }
///     let outcome = try server.ssh("cat /etc/debian_version")
///
/// Writes only inside the root (the host key, root's authorized_keys, /run/sshd) and in a
/// temporary directory of its own (the client key and known_hosts). sshd runs in its daemon mode
/// and logs to /var/log/sshd-hostcontract-test.log in the root (`log`). `stop()` (also on release)
/// ends sshd; `DebianRoot.close()` ends the sessions still open.
public final class SSHServer: @unchecked Sendable {
    public let root: DebianRoot
    public let host = "127.0.0.1"
    public let port: Int
    /// The client's private key for root.
    public let identity: String
    /// A known_hosts file holding the server's host key for `[127.0.0.1]:PORT`.
    public let knownHosts: String
    private let files: TemporaryDirectory
    static let logFile = "/var/log/sshd-hostcontract-test.log"
    static let pidFile = "/run/sshd-hostcontract-test.pid"
    private let lock = NSLock()
    private var stopped = false

    public init(in root: DebianRoot) throws {
        self.root = root
        files = TemporaryDirectory("ssh-client")
        identity = files.path + "/id_ed25519"
        knownHosts = files.path + "/known_hosts"
        let hostKey = "/etc/ssh/ssh_host_test_ed25519_key"
        try? FileManager.default.removeItem(atPath: root.at(hostKey))
        for (key, comment) in [(root.at(hostKey), "hostcontract-test-host"), (identity, "hostcontract-test-client")] {
            let made = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key])
            guard made.status == 0 else { throw FixtureError(message: "ssh-keygen: \(made.all)") }
        }
        let publicHostKey = try String(contentsOfFile: root.at(hostKey) + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let publicClientKey = try String(contentsOfFile: identity + ".pub", encoding: .utf8)
        let setup = try root.shell("""
            set -e
            mkdir -p /run/sshd /root/.ssh
            chmod 0755 /run/sshd
            chmod 0700 /root/.ssh
            printf '%s' '\(publicClientKey)' > /root/.ssh/authorized_keys
            chmod 0600 /root/.ssh/authorized_keys
            """)
        guard setup.status == 0 else { throw FixtureError(message: "preparing sshd: \(setup.all)") }
        port = try unusedLoopbackPort()
        try "[\(host)]:\(port) \(publicHostKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        // sshd in its own daemon mode (see DebianRoot on why not under Process): the command
        // returns once it has forked; the pid file appears once it listens.
        let started = try root.run(inChroot: [
            "/usr/sbin/sshd", "-p", String(port), "-h", hostKey, "-E", Self.logFile,
            "-o", "ListenAddress=\(host)", "-o", "PidFile=\(Self.pidFile)", "-o", "UsePAM=no",
            "-o", "PermitRootLogin=prohibit-password", "-o", "PasswordAuthentication=no",
            "-o", "KbdInteractiveAuthentication=no", "-o", "AuthorizedKeysFile=.ssh/authorized_keys",
        ])
        guard started.status == 0 else { throw FixtureError(message: "sshd: \(started.all)") }
        let deadline = Date().addingTimeInterval(15)
        while pid == nil || !acceptsConnections(host: host, port: port) {
            guard Date() < deadline else {
                stop()
                throw FixtureError(message: "sshd does not listen on \(host):\(port): \(log)")
            }
            usleep(50_000)
        }
    }

    deinit { stop() }

    /// What sshd logged so far (in the root, /var/log/sshd-hostcontract-test.log).
    public var log: String { (try? String(contentsOfFile: root.at(Self.logFile), encoding: .utf8)) ?? "" }

    /// sshd's process id, from its pid file.
    public var pid: pid_t? {
        (try? String(contentsOfFile: root.at(Self.pidFile), encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// ssh options that reach this server as root with its key, checking its host key, with no
    /// user or system configuration and never a prompt.
    public var clientOptions: [String] {
        ["-F", "/dev/null", "-i", identity, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=\(knownHosts)",
         "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"]
    }

    /// Inventory variables for an Ansible host on this server, for its host line in an INI
    /// inventory (`NAME \(ansibleVariables)`; a `[group:vars]` section takes one per line).
    public var ansibleVariables: String {
        "ansible_host=\(host) ansible_port=\(port) ansible_user=root ansible_ssh_common_args='\(clientOptions.joined(separator: " "))'"
    }

    /// Runs `command` on the server over SSH.
    public func ssh(_ command: String) throws -> ProcessOutcome {
        try run("/usr/bin/ssh", clientOptions + ["-p", String(port), "root@\(host)", command])
    }

    /// Ends sshd (sessions still open end with `DebianRoot.close()`).
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        // The pid file is trusted only for a process whose root is this root.
        guard let pid else { return }
        let running = { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/root")) == self.root.path }
        guard running() else { return }
        kill(pid, SIGTERM)
        for _ in 0..<100 where running() { usleep(20_000) }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice for port 0).
public func unusedLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw FixtureError(message: "socket: errno \(errno)") }
    defer { Glibc.close(descriptor) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw FixtureError(message: "bind to 127.0.0.1:0: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on `host`:`port` (an IPv4 address).
public func acceptsConnections(host: String, port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { Glibc.close(descriptor) }
    var address = loopback(port: UInt16(port))
    inet_pton(AF_INET, host, &address.sin_addr)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}
