import CLinux
import Glibc
import SystemPackage

/// A directory that stands for `/`: every path is resolved inside it, symbolic links included
/// (an absolute link target is re-rooted here and `..` cannot climb out), the way openat2(2)
/// resolves with RESOLVE_IN_ROOT. Without `--root` this is the real `/`.
public final class RootDirectory: @unchecked Sendable {
    /// The directory as given (`/` for the host itself).
    public let path: String
    let descriptor: CInt

    /// How paths are resolved inside the root.
    public enum Resolver: Sendable {
        /// openat2(2) with RESOLVE_IN_ROOT: the kernel's own confinement.
        case kernel
        /// Component by component on O_PATH descriptors, for kernels or sandboxes without openat2.
        case lookUp
    }

    public let resolver: Resolver

    /// Opens `path` as the root of resolution. The corresponding C function is open(2) with O_PATH.
    /// Without a `resolver`, openat2 is used where the kernel answers it.
    public init(path: String, resolver: Resolver? = nil) throws(HostError) {
        self.path = path
        let fd = valueOrErrno { system_open(path, hostcontract_O_PATH | O_DIRECTORY | O_CLOEXEC) }
        switch fd {
        case .success(let fd): descriptor = fd
        case .failure(let error): throw error
        }
        if let resolver {
            self.resolver = resolver
        } else {
            let probe = system_openat2(descriptor, ".", hostcontract_O_PATH | O_CLOEXEC, 0, UInt64(RESOLVE_IN_ROOT))
            self.resolver = probe >= 0 ? .kernel : .lookUp
            if probe >= 0 { _ = system_close(probe) }
        }
    }

    deinit { _ = system_close(descriptor) }

    /// Whether this is the host's own `/`.
    public var isHostRoot: Bool { path == "/" || path.isEmpty }

    /// The path as the operator would type it on this machine (`DIR/etc/x` under `--root DIR`).
    public func hostPath(_ path: String) -> String {
        if isHostRoot { return path }
        let base = self.path.hasSuffix("/") ? String(self.path.dropLast()) : self.path
        return path.hasPrefix("/") ? base + path : base + "/" + path
    }

    private static func relative(_ path: String) -> String {
        let trimmed = path.drop { $0 == "/" }
        return trimmed.isEmpty ? "." : String(trimmed)
    }

    /// Opens `path` inside the root. The corresponding C function is openat2(2) with RESOLVE_IN_ROOT.
    /// With `followFinal` false a final symbolic link is opened as itself (O_PATH|O_NOFOLLOW).
    func open(_ path: String, flags: CInt, followFinal: Bool = true) -> Result<CInt, HostError> {
        if resolver == .lookUp { return openByLookUp(path, flags: flags, followFinal: followFinal) }
        var confined = flags | O_CLOEXEC
        if !followFinal { confined |= O_NOFOLLOW }
        let resolve = UInt64(RESOLVE_IN_ROOT) | UInt64(RESOLVE_NO_MAGICLINKS)
        // openat2 refuses a lookup whose `..` raced with a rename or a mount anywhere on the
        // system (EAGAIN, as openat2(2) says): nothing is wrong with the path, so it asks again,
        // and past a few refusals resolves it component by component, which has no such race.
        for _ in 0..<Self.raceRetries {
            let opened = valueOrErrno { system_openat2(descriptor, Self.relative(path), confined, 0, resolve) }
            guard case .failure(let error) = opened, error.code == EAGAIN else { return opened }
        }
        return openByLookUp(path, flags: flags, followFinal: followFinal)
    }

    /// How many times a lookup refused for a race is asked again of openat2.
    static let raceRetries = 8

    /// The status of `path`, following symbolic links inside the root unless `followFinal` is
    /// false (then a final link is described as a link).
    public func status(of path: String, followFinal: Bool = true) -> Result<FileStatus, HostError> {
        open(path, flags: hostcontract_O_PATH, followFinal: followFinal).flatMap { fd in
            defer { _ = system_close(fd) }
            var raw = stat()
            return valueOrErrno { system_fstat(fd, &raw) }.map { _ in FileStatus(raw) }
        }
    }

    /// Whether anything is at `path` (a dangling link counts as nothing).
    public func exists(_ path: String) -> Bool {
        if case .success = status(of: path) { return true }
        return false
    }

    /// The content of the regular file at `path`, at most `limit` bytes. Refuses anything but a
    /// regular file before opening it for reading, so a FIFO is never opened and nothing hangs.
    public func contents(of path: String, limit: Int = 64 << 20) -> Result<[UInt8], HostError> {
        switch status(of: path) {
        case .failure(let error): return .failure(error)
        case .success(let status) where status.kind != .regular:
            return .failure(.refused("is a \(status.kind.rawValue), not a regular file"))
        case .success: break
        }
        return open(path, flags: O_RDONLY | O_NONBLOCK | O_NOCTTY).flatMap { fd in
            defer { _ = system_close(fd) }
            var raw = stat()
            if case .failure(let error) = valueOrErrno({ system_fstat(fd, &raw) }) { return .failure(error) }
            guard FileStatus(raw).kind == .regular else {
                return .failure(.refused("changed into a \(FileStatus(raw).kind.rawValue) while being read"))
            }
            if raw.st_size > limit { return .failure(.tooLarge(limit: limit)) }
            return Self.readAll(fd, limit: limit)
        }
    }

    /// Reads to the end of `fd`; a file longer than `limit` bytes is refused, never cut, so
    /// nothing after a cut goes unchecked.
    /// `expectedSize`: the size stat(2) gave, room for which is made at once (a growing array
    /// would copy, and touch fresh memory, about twice the file).
    static func readAll(_ fd: CInt, limit: Int, expectedSize: Int = 0) -> Result<[UInt8], HostError> {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(max(expectedSize, 0), limit))
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            // One byte more than the limit tells a file of exactly `limit` bytes from a longer one.
            let want = min(chunk.count, limit + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { buffer in
                valueOrErrno { system_read(fd, buffer.baseAddress!, want) }
            }
            switch count {
            case .failure(let error): return .failure(error)
            case .success(0): return .success(bytes)
            case .success(let n): bytes.append(contentsOf: chunk[0..<n])
            }
            if bytes.count > limit { return .failure(.tooLarge(limit: limit)) }
        }
    }

    /// Walks the tree at `path` (see ``TreeWalk``).
    public func walk(
        _ path: String, visit: (TreeWalk.Entry) -> Void
    ) -> Result<Void, HostError> {
        open(path, flags: O_RDONLY | O_DIRECTORY).flatMap { fd in
            TreeWalk(top: path, descriptor: fd).run(visit)
        }
    }
}

/// Reads a file by its real path on this machine (an `--env-file`, a contract), not inside a root.
public func readHostFile(_ path: String, limit: Int = 64 << 20) -> Result<[UInt8], HostError> {
    var raw = stat()
    if case .failure(let error) = valueOrErrno({ system_stat(path, &raw) }) { return .failure(error) }
    guard FileStatus(raw).kind == .regular else {
        return .failure(.refused("is a \(FileStatus(raw).kind.rawValue), not a regular file"))
    }
    if raw.st_size > limit { return .failure(.tooLarge(limit: limit)) }
    return valueOrErrno { system_open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) }.flatMap { fd in
        defer { _ = system_close(fd) }
        return RootDirectory.readAll(fd, limit: limit, expectedSize: Int(raw.st_size))
    }
}
