import CLinux
import Glibc

/// A file or directory reached from the root one component at a time, each opened with
/// O_PATH|O_NOFOLLOW, so no symbolic link was followed to reach it. Every change goes through
/// the descriptor: a path swapped for a link after it was opened cannot redirect a change.
public final class PathHandle: @unchecked Sendable {
    /// The path inside the root.
    public let path: String
    let descriptor: CInt

    init(path: String, descriptor: CInt) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { _ = system_close(descriptor) }

    /// The status of the open file itself, read again. The corresponding C function is fstat(2).
    public func status() -> Result<FileStatus, HostError> {
        var raw = stat()
        return valueOrErrno { system_fstat(descriptor, &raw) }.map { _ in FileStatus(raw) }
    }

    /// Changes owner and group (nil keeps one). The corresponding C function is fchownat(2)
    /// with AT_EMPTY_PATH, on the descriptor.
    public func changeOwner(userID: UInt32?, groupID: UInt32?) -> Result<Void, HostError> {
        valueOrErrno {
            system_fchownat(descriptor, "", userID ?? UInt32.max, groupID ?? UInt32.max, hostcontract_AT_EMPTY_PATH)
        }.map { _ in () }
    }

    /// Sets the permission bits. Refuses a symbolic link. The corresponding C function is
    /// chmod(2) on /proc/self/fd/N, which names this very inode.
    public func changeMode(_ bits: UInt32) -> Result<Void, HostError> {
        status().flatMap { status in
            guard status.kind != .symbolicLink else { return .failure(.refused("is a symbolic link")) }
            return valueOrErrno { system_chmod("/proc/self/fd/\(descriptor)", mode_t(bits & 0o7777)) }.map { _ in () }
        }
    }

    public func accessControlList(_ kind: AccessControlList.Kind = .access) -> Result<AccessControlList, HostError> {
        AccessControlList.read(descriptor: descriptor, kind: kind)
    }

    /// Replaces the access (or default) ACL. Refuses a symbolic link.
    public func setAccessControlList(_ list: AccessControlList, _ kind: AccessControlList.Kind = .access) -> Result<Void, HostError> {
        status().flatMap { status in
            guard status.kind != .symbolicLink else { return .failure(.refused("is a symbolic link")) }
            return list.write(descriptor: descriptor, kind: kind)
        }
    }

    /// Opens `name` in this directory without following it.
    public func child(_ name: String) -> Result<PathHandle, HostError> {
        valueOrErrno { system_openat(descriptor, name, hostcontract_O_PATH | O_NOFOLLOW | O_CLOEXEC) }
            .map { PathHandle(path: path == "/" ? "/" + name : path + "/" + name, descriptor: $0) }
    }

    /// Creates the directory `name` here (mode 0700 until its metadata is set) and opens it
    /// without following. The corresponding C function is mkdirat(2).
    public func makeDirectory(_ name: String) -> Result<PathHandle, HostError> {
        valueOrErrno { system_mkdirat(descriptor, name, 0o700) }.flatMap { _ in child(name) }
    }
}

extension RootDirectory {
    /// A handle on the root itself.
    public func handle() -> Result<PathHandle, HostError> {
        valueOrErrno { system_openat(descriptor, ".", hostcontract_O_PATH | O_DIRECTORY | O_CLOEXEC) }
            .map { PathHandle(path: "/", descriptor: $0) }
    }
}
