import CLinux
import Glibc

/// The terminal and files the executable writes to.
public enum Terminal {
    /// Whether `descriptor` is a terminal. The corresponding C function is isatty(3).
    public static func isTerminal(_ descriptor: CInt) -> Bool { isatty(descriptor) == 1 }

    /// Whether text for `descriptor` may carry colour: it is a terminal, `TERM` is not `dumb`
    /// (a terminal that understands no escape sequences), and `NO_COLOR` is not set (no-color.org).
    public static func wantsColour(_ descriptor: CInt) -> Bool {
        isTerminal(descriptor) && environmentValue("TERM") != "dumb" && environmentValue("NO_COLOR") == nil
    }

    /// All of standard input, up to `limit` bytes (more is an error, not a shortened read).
    public static func readStandardInput(limit: Int) -> Result<[UInt8], HostError> {
        RootDirectory.readAll(STDIN_FILENO, limit: limit)
    }

    /// Writes all of `text` to `descriptor`, retrying short writes. The corresponding C function is write(2).
    public static func write(_ text: String, to descriptor: CInt) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                valueOrErrno { system_write(descriptor, buffer.baseAddress! + offset, bytes.count - offset) }
            }
            guard case .success(let count) = result else { return }
            offset += count
        }
    }

    /// Seconds since the epoch. The corresponding C function is time(2).
    public static func currentTime() -> Int { time(nil) }

    /// Seconds since the epoch with fractions. The corresponding C function is clock_gettime(2) with CLOCK_REALTIME.
    public static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Seconds on a clock that never jumps. The corresponding C function is clock_gettime(2) with CLOCK_MONOTONIC.
    /// Whether this process runs as root (effective uid 0).
    public static var isRoot: Bool { system_geteuid() == 0 }

    /// Sleeps for `seconds` (nanosleep(2), resumed after a signal).
    public static func sleep(seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    public static func monotonicClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The value of an environment variable of this process. The corresponding C function is getenv(3).
    public static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, synced, then renamed into
/// place, so a reader (the node_exporter textfile collector, a CI job) never sees half a file.
public func writeFileAtomically(_ path: String, _ bytes: [UInt8], permissions: mode_t = 0o644) -> Result<Void, HostError> {
    let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let temporary = (directory.isEmpty ? "/" : directory) + "/." + name + ".tmp-\(getpid())"
    return valueOrErrno { system_open3(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions) }.flatMap { fd in
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                valueOrErrno { system_write(fd, buffer.baseAddress! + written, bytes.count - written) }
            }
            switch result {
            case .success(let count): written += count
            case .failure(let error):
                _ = system_close(fd)
                _ = system_unlink(temporary)
                return .failure(error)
            }
        }
        _ = system_fsync(fd)
        _ = system_close(fd)
        return valueOrErrno { system_rename(temporary, path) }.map { _ in () }.mapError { error in
            _ = system_unlink(temporary)
            return error
        }
    }
}
