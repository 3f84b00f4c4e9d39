import Foundation

/// Whether a given process is the one listening on a TCP port: a connection that succeeds only
/// says that something listens there, which may be another test's listener while the process
/// under test is still failing to bind (nginx retries a bind for 2.5 s before it gives up).
public enum SocketOwnership {
    /// Whether `process` holds a socket in LISTEN state on `port` (IPv4 or IPv6): the socket
    /// inodes of its descriptors (/proc/PID/fd) against the listening sockets of /proc/net/tcp
    /// and tcp6.
    public static func listens(process: Int32, port: Int) -> Bool {
        let fds = "/proc/\(process)/fd"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: fds) else { return false }
        var inodes: Set<Substring> = []
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: fds + "/" + name),
                  target.hasPrefix("socket:[") else { continue }
            inodes.insert(target.dropFirst("socket:[".count).dropLast())
        }
        let hexPort = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, fields[3] == "0A", fields[1].hasSuffix(":" + hexPort) else { continue }
                if inodes.contains(fields[9]) { return true }
            }
        }
        return false
    }

    /// A port for a server that must bind one itself, below the kernel's ephemeral range
    /// (32768 and up, /proc/sys/net/ipv4/ip_local_port_range), so that no socket the kernel
    /// gives a port to (a listener on port 0, an outgoing connection) holds it.
    public static func randomPort(leaving room: Int = 1) -> Int {
        Int.random(in: 20_000...(32_000 - room))
    }
}
