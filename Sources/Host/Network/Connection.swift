import CLinux
import Glibc

/// A TCP connection attempt with a deadline: the name resolved (getaddrinfo(3)), each address
/// tried in order with a non-blocking connect(2) and poll(2) until one answers or time runs out.
/// Nothing is sent: the connection is closed as soon as it is made.
public enum Connection {
    public enum Outcome: Sendable, Equatable {
        /// Connected, to this address.
        case connected(String)
        /// The host answered that nothing listens there (ECONNREFUSED).
        case refused(String)
        /// No answer within the time given.
        case timedOut
        /// No route to the host or its network (EHOSTUNREACH, ENETUNREACH), with the kernel's words.
        case unreachable(String)
        /// The name did not resolve, with the resolver's words.
        case unresolved(String)
        /// Another error.
        case failed(String)
    }

    public static func attempt(host: String, port: UInt16, timeoutMilliseconds: Int) -> Outcome {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            return .unresolved(resolved == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(resolved)))
        }
        defer { freeaddrinfo(list) }
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        var last: Outcome = .timedOut
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let remaining = deadline - monotonicMilliseconds()
            guard remaining > 0 else { return .timedOut }
            let text = numericAddress(current.pointee.ai_addr, current.pointee.ai_addrlen)
            let fd = socket(current.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { last = .failed(String(cString: strerror(errno))); continue }
            defer { close(fd) }
            var code: Int32 = 0
            if Glibc.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) != 0 {
                code = errno
                if code == EINPROGRESS {
                    var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    let ready = poll(&poller, 1, Int32(remaining))
                    if ready == 0 { last = .timedOut; continue }
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    code = ready < 0 ? errno : error
                }
            }
            switch code {
            case 0: return .connected(text)
            case ECONNREFUSED: last = .refused(text)
            case EHOSTUNREACH, ENETUNREACH: last = .unreachable(String(cString: strerror(code)))
            case ETIMEDOUT: last = .timedOut
            default: last = .failed(String(cString: strerror(code)))
            }
        }
        return last
    }

    static func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }

    static func numericAddress(_ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        guard getnameinfo(address, length, &host, socklen_t(host.count), &service, socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV) == 0
        else { return "?" }
        let name = String(cString: host)
        return (name.contains(":") ? "[\(name)]" : name) + ":" + String(cString: service)
    }
}
