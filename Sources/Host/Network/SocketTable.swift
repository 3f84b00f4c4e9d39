import CLinux
import Glibc

/// The sockets of the running kernel as /proc/net/{tcp,tcp6,udp,udp6} list them (the tables
/// `ss` reads through netlink), with the processes holding each one, found by their
/// `/proc/PID/fd` links to `socket:[INODE]`. Only sockets that accept: TCP in LISTEN, UDP bound
/// and unconnected.
public enum SocketTable {
    public struct Socket: Sendable, Equatable {
        public enum Transport: String, Sendable { case tcp, udp }
        public var transport: Transport
        /// 4 bytes for IPv4, 16 for IPv6, in network order.
        public var address: [UInt8]
        public var port: UInt16
        /// The socket's owner as the kernel records it (the creating process's effective uid).
        public var userID: UInt32
        public var inode: UInt64
        /// The processes holding it: pid, `comm`, the executable's path (nil when unreadable).
        public var holders: [Holder]
    }

    public struct Holder: Sendable, Equatable {
        public var pid: Int32
        public var command: String
        public var executable: String?
    }

    /// Every accepting socket, with holders where this user may read the processes' fds
    /// (`holdersComplete` false when some /proc/PID/fd could not be read).
    public static func listening() -> Result<(sockets: [Socket], holdersComplete: Bool), HostError> {
        var sockets: [Socket] = []
        for (file, transport, state) in [("tcp", Socket.Transport.tcp, "0A"), ("tcp6", .tcp, "0A"), ("udp", .udp, "07"), ("udp6", .udp, "07")] {
            switch readHostFile("/proc/net/" + file, limit: 256 << 20) {
            case .failure(let error) where error.isNotFound: continue // no IPv6 in this kernel
            case .failure(let error): return .failure(error)
            case .success(let bytes): sockets += parse(bytes, transport: transport, state: state)
            }
        }
        let (holders, complete) = socketHolders(Set(sockets.map(\.inode)))
        for index in sockets.indices { sockets[index].holders = holders[sockets[index].inode] ?? [] }
        return .success((sockets, complete))
    }

    /// The rows of one table in `state`, unconnected (remote address all zero for UDP).
    static func parse(_ bytes: [UInt8], transport: Socket.Transport, state: String) -> [Socket] {
        var result: [Socket] = []
        for line in bytes.split(separator: 0x0A).dropFirst() {
            let fields = line.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count >= 10, fields[3] == state else { continue }
            guard let local = endpoint(fields[1]), let userID = UInt32(fields[7]), let inode = UInt64(fields[9]) else { continue }
            if transport == .udp, let remote = endpoint(fields[2]), remote.port != 0 { continue }
            result.append(Socket(transport: transport, address: local.address, port: local.port, userID: userID, inode: inode, holders: []))
        }
        return result
    }

    /// `0100007F:1388`: the address as the kernel's words in host order (little-endian here),
    /// the port big-endian.
    static func endpoint(_ text: String) -> (address: [UInt8], port: UInt16)? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1], radix: 16), parts[0].count == 8 || parts[0].count == 32 else { return nil }
        var address: [UInt8] = []
        var hex = Substring(parts[0])
        while !hex.isEmpty {
            guard let word = UInt32(hex.prefix(8), radix: 16) else { return nil }
            // The kernel prints each 32-bit word of the address, as it lies in memory (network
            // order), as a host-order integer: its little-endian bytes are the address's.
            address += withUnsafeBytes(of: word.littleEndian) { Array($0) }
            hex = hex.dropFirst(8)
        }
        return (address, port)
    }

    /// Socket inode to holding processes, from every /proc/PID/fd.
    static func socketHolders(_ wanted: Set<UInt64>) -> ([UInt64: [Holder]], Bool) {
        var holders: [UInt64: [Holder]] = [:]
        var complete = true
        guard let proc = opendir("/proc") else { return ([:], false) }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let name = system_dirent_name(entry)
            guard let pid = Int32(name) else { continue }
            guard let fds = opendir("/proc/\(name)/fd") else {
                if system_errno != ENOENT { complete = false }
                continue
            }
            var found: [UInt64] = []
            while let fd = readdir(fds) {
                let fdName = system_dirent_name(fd)
                guard fdName != ".", fdName != ".." else { continue }
                guard case .success(let target) = system_readlink(dirfd(fds), fdName), target.hasPrefix("socket:["), target.hasSuffix("]") else { continue }
                if let inode = UInt64(target.dropFirst(8).dropLast()), wanted.contains(inode) { found.append(inode) }
            }
            closedir(fds)
            guard !found.isEmpty else { continue }
            let command = (try? readHostFile("/proc/\(name)/comm", limit: 4096).get()).map {
                String(decoding: $0, as: UTF8.self).trimmingCharacters(in: "\n")
            } ?? ""
            let executable = try? system_readlink(AT_FDCWD, "/proc/\(name)/exe").get()
            for inode in Set(found) { holders[inode, default: []].append(Holder(pid: pid, command: command, executable: executable)) }
        }
        return (holders, complete)
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
