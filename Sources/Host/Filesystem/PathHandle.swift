import SystemPackage
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

    /// Changes owner and group (nil keeps one). Refuses what ``changeable()`` refuses.
    /// The corresponding C function is fchownat(2) with AT_EMPTY_PATH, on the descriptor.
    /// `directory`, the status of this descriptor read last (nothing changed since), spares
    /// reading it again: a directory is never refused (a descriptor's kind does not change, and
    /// a directory cannot gain a hard link).
    public func changeOwner(userID: UInt32?, groupID: UInt32?, directory: FileStatus? = nil) -> Result<Void, HostError> {
        let checked = directory.flatMap { $0.kind == .directory ? Result<FileStatus, HostError>.success($0) : nil } ?? changeable()
        return checked.flatMap { _ in
            valueOrErrno {
                system_fchownat(descriptor, "", userID ?? UInt32.max, groupID ?? UInt32.max, hostcontract_AT_EMPTY_PATH)
            }.map { _ in () }
        }
    }

    /// Sets the permission bits. Refuses what ``changeable()`` refuses. The corresponding C function is
    /// fchmodat2(2) with AT_EMPTY_PATH on the descriptor, or, before Linux 6.6, chmod(2) on
    /// /proc/self/fd/N, which names this very inode.
    public func changeMode(_ bits: UInt32) -> Result<Void, HostError> {
        changeable().flatMap { _ in setMode(bits) }
    }

    /// Sets the permission bits unless ``changeable()`` finds them already `bits`; refuses what
    /// it refuses. The status read before the change is the one compared.
    public func changeModeIfDifferent(_ bits: UInt32) -> Result<Void, HostError> {
        changeable().flatMap { status in
            UInt32(status.permissions.rawValue) == bits & 0o7777 ? .success(()) : setMode(bits)
        }
    }

    /// Sets the permission bits of a descriptor already read as a directory (`directory`, a status
    /// of this descriptor), without reading it again: as for ``changeOwner(userID:groupID:directory:)``,
    /// a descriptor's kind does not change and a directory cannot gain a hard link, so
    /// ``changeable()`` could not refuse it. Any other status is read again and judged first.
    public func changeMode(_ bits: UInt32, directory: FileStatus) -> Result<Void, HostError> {
        directory.kind == .directory ? setMode(bits) : changeMode(bits)
    }

    private func setMode(_ bits: UInt32) -> Result<Void, HostError> {
        valueOrErrno { system_fchmod_empty_path(descriptor, mode_t(bits & 0o7777)) }.map { _ in () }
    }

    /// The status read again right before a change, refusing what no change may touch: a
    /// symbolic link (a chmod through /proc/self/fd/N would follow it) and a non-directory with
    /// more than one hard link (another name, perhaps outside the tree, for the same inode).
    func changeable() -> Result<FileStatus, HostError> {
        status().flatMap { status in
            if status.kind == .symbolicLink { return .failure(.refused("is a symbolic link")) }
            if status.kind != .directory && status.linkCount > 1 {
                return .failure(.refused("has \(status.linkCount) hard links"))
            }
            return .success(status)
        }
    }

    public func accessControlList(_ kind: AccessControlList.Kind = .access) -> Result<AccessControlList, HostError> {
        AccessControlList.read(descriptor: descriptor, kind: kind)
    }

    /// Replaces the access (or default) ACL. Refuses what ``changeable()`` refuses.
    public func setAccessControlList(_ list: AccessControlList, _ kind: AccessControlList.Kind = .access) -> Result<Void, HostError> {
        changeable().flatMap { _ in list.write(descriptor: descriptor, kind: kind) }
    }

    /// Opens `name` in this directory without following it.
    public func child(_ name: String) -> Result<PathHandle, HostError> {
        valueOrErrno { system_openat(descriptor, name, hostcontract_O_PATH | O_NOFOLLOW | O_CLOEXEC) }
            .map { PathHandle(path: path == "/" ? "/" + name : path + "/" + name, descriptor: $0) }
    }

    /// Creates the directory `name` here (mode 0700 until its metadata is set) and opens the
    /// directory it made, never what was swapped in for it. mkdirat(2) returns no descriptor, so
    /// between it and the opening whoever can write here may replace the name; the opening
    /// therefore takes only a directory (O_DIRECTORY|O_NOFOLLOW: not a symbolic link, not a
    /// hard link to a file), and its descriptor must show one as mkdirat leaves it: owned by
    /// this process's effective user, no bits for group or other, no subdirectory. Anything
    /// else is refused, untouched (what took the name is read, by fstatat(2), only to say what
    /// it is). A root-owned, empty 0700 directory moved in before the opening cannot be told
    /// apart; it is taken as the one made. `afterCreating` runs between mkdirat and the
    /// opening: tests widen the window with it.
    public func makeDirectory(_ name: String, afterCreating: (() -> Void)? = nil) -> Result<PathHandle, HostError> {
        makeDirectoryReadingStatus(name, afterCreating: afterCreating).map(\.handle)
    }

    /// ``makeDirectory(_:afterCreating:)``, with the status its descriptor showed: the caller
    /// need not read it again before the first change.
    public func makeDirectoryReadingStatus(
        _ name: String, afterCreating: (() -> Void)? = nil
    ) -> Result<(handle: PathHandle, status: FileStatus), HostError> {
        valueOrErrno { system_mkdirat(descriptor, name, 0o700) }.flatMap { _ in
            afterCreating?()
            let flags = hostcontract_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            let opened = valueOrErrno { system_openat(descriptor, name, flags) }
                .map { PathHandle(path: path == "/" ? "/" + name : path + "/" + name, descriptor: $0) }
            guard case .success(let handle) = opened else {
                var raw = stat()
                if case .failure(let error) = valueOrErrno({ system_fstatat(descriptor, name, &raw, AT_SYMLINK_NOFOLLOW) }) {
                    return .failure(.refused("vanished right after it was created (\(error))"))
                }
                let found = FileStatus(raw).kind
                guard found != .directory else {
                    return .failure(.refused("was replaced by something other than a directory right after it was created (left untouched)"))
                }
                return .failure(Self.replaced(by: found))
            }
            return handle.status().flatMap { status in
                guard status.kind == .directory else { return .failure(Self.replaced(by: status.kind)) }
                guard status.userID == Self.effectiveUserID, status.permissions.rawValue & 0o5077 == 0, status.linkCount <= 2 else {
                    let mode = String(status.permissions.rawValue, radix: 8)
                    return .failure(.refused(
                        "was replaced by a directory this run did not make (owner \(status.userID), mode \(mode), \(status.linkCount) links) right after it was created (left untouched)"))
                }
                return .success((handle, status))
            }
        }
    }

    private static func replaced(by kind: FileStatus.Kind) -> HostError {
        .refused("was replaced by a \(kind == .regular ? "regular file" : kind.rawValue) right after it was created (left untouched)")
    }

    /// The owner of what this process creates, read once: it does not change while it runs.
    private static let effectiveUserID = system_geteuid()
}

extension RootDirectory {
    /// A handle on the root itself.
    public func handle() -> Result<PathHandle, HostError> {
        valueOrErrno { system_openat(descriptor, ".", hostcontract_O_PATH | O_DIRECTORY | O_CLOEXEC) }
            .map { PathHandle(path: "/", descriptor: $0) }
    }
}
