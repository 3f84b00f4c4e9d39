import CLinux
import Glibc

/// How a repairing walk changes an entry, by what holds it still:
///
/// - a directory by its own O_DIRECTORY descriptor, the one the walk reads it through;
/// - an entry of a *sealed* directory (see ``ParallelTreeWalk/Worker/isSealed(_:)``) by its name
///   there, fstatat(2) then fchownat(2) with AT_SYMLINK_NOFOLLOW: nobody but root can rename,
///   remove or replace a name in such a directory, so the name still holds the inode fstatat
///   judged (two system calls an entry; chown -R makes one);
/// - any other entry by a descriptor of its own, opened O_PATH|O_NOFOLLOW (no device or FIFO is
///   opened, a symbolic link is the link) and checked with fstat(2) to be the inode judged.
///   While a directory's entries keep needing changes, each is opened first and judged from the
///   descriptor's fstat (open, fstat, change, close) rather than stat'ed by name and then
///   opened and checked (fstatat, open, fstat, change, close).
///
/// A hard-linked non-directory is never changed, a symbolic link's mode never.
extension ParallelTreeWalk.Worker {
    /// What holds the entry being changed.
    enum Handle {
        /// A directory's own descriptor (O_RDONLY|O_DIRECTORY).
        case directory(CInt)
        /// An O_PATH descriptor of the entry itself.
        case path(CInt)
        /// A name in a sealed directory, not a directory itself.
        case name(UnsafePointer<CChar>, in: CInt)
    }

    /// Whether only root can change the names in the directory `raw` describes: it is on the
    /// walk's local file system (``ParallelTreeWalk/localDevice(_:)``), root owns it, and
    /// neither its group nor others may write (with an ACL the group bits are its mask, which
    /// bounds every named entry). Its entries can then be changed by name, race-free; the
    /// directory's own change waits until its entries are done (a directory handed to the
    /// service account is no longer sealed).
    @inline(__always)
    func isSealed(_ raw: stat) -> Bool {
        guard let localDevice else { return false }
        return UInt64(raw.st_dev) == localDevice && raw.st_uid == 0 && raw.st_mode & 0o022 == 0
    }

    /// Brings the entry `handle` holds in line, `raw` being its status just read: mode
    /// narrowed first, then owner and group; each change counted once made.
    mutating func change(_ handle: Handle, _ raw: stat, _ bits: UInt32) {
        let type = raw.st_mode & S_IFMT
        if type != S_IFDIR, raw.st_nlink > 1 {
            survey.hardLinked.add(path[...], UInt32(truncatingIfNeeded: raw.st_nlink))
            return
        }
        let current = raw.st_mode & 0o7777
        if bits & (Rule.directoryMode | Rule.fileMode) != 0, type != S_IFLNK {
            let limit = (type == S_IFDIR ? criteria.maxDirectoryMode : criteria.maxFileMode) ?? 0o7777
            let narrowed = current & limit
            let result: CInt
            switch handle {
            case .directory(let fd): result = system_fchmod(fd, narrowed)
            case .path(let fd): result = system_fchmod_empty_path(fd, narrowed)
            case .name(let name, let parent): result = system_fchmodat(parent, name, narrowed)
            }
            if result != 0 {
                survey.failed.add(path[...], UInt32(system_errno))
                return
            }
            if type == S_IFDIR { survey.directoryMode.add(path[...], current) } else { survey.fileMode.add(path[...], current) }
        }
        if bits & (Rule.owner | Rule.group) != 0 {
            let user = bits & Rule.owner != 0 ? criteria.userID ?? UInt32.max : UInt32.max
            let group = bits & Rule.group != 0 ? criteria.groupID ?? UInt32.max : UInt32.max
            let result: CInt
            switch handle {
            case .directory(let fd), .path(let fd): result = system_fchown_empty_path(fd, user, group)
            case .name(let name, let parent): result = system_fchownat(parent, name, user, group, AT_SYMLINK_NOFOLLOW)
            }
            if result != 0 {
                survey.failed.add(path[...], UInt32(system_errno))
                return
            }
            if bits & Rule.owner != 0 { survey.owner.add(path[...], raw.st_uid) }
            if bits & Rule.group != 0 { survey.group.add(path[...], raw.st_gid) }
        }
    }

    /// Judges and brings in line the directory open at `fd` once its entries are done (it was
    /// sealed when opened, so its change waited).
    mutating func changeAfterEntries(_ fd: CInt) {
        // "/" as the top walks with an empty path, names following without a second slash.
        let isRoot = path.isEmpty
        if isRoot { path = [47] }
        defer { if isRoot { path.removeAll(keepingCapacity: true) } }
        var raw = stat()
        guard system_fstat(fd, &raw) == 0 else {
            survey.failed.add(path[...], UInt32(system_errno))
            return
        }
        let bits = violations(raw)
        if bits != 0 { change(.directory(fd), raw, bits) }
    }

    /// Opens the non-directory `name` in `parent` as itself (O_PATH|O_NOFOLLOW), checks it
    /// is the inode `seen` described, and brings it in line.
    mutating func repair(_ name: UnsafePointer<CChar>, in parent: CInt, seen: stat) {
        let fd = system_openat(parent, name, hostcontract_O_PATH | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            survey.failed.add(path[...], UInt32(system_errno))
            return
        }
        defer { _ = system_close(fd) }
        var raw = stat()
        if system_fstat(fd, &raw) != 0 {
            survey.failed.add(path[...], UInt32(system_errno))
            return
        }
        guard Self.same(raw, seen) else {
            survey.moved.add(path[...], 0)
            return
        }
        let bits = violations(raw)
        if bits != 0 { change(.path(fd), raw, bits) }
    }

    /// What ``repairOpeningFirst(_:in:_:)`` did.
    enum OpeningFirst {
        /// The entry was judged (and changed if it differed), or could not be read.
        case judged(changed: Bool)
        /// It is a directory, its status in the buffer: the caller judges and enters it.
        case directory
    }

    /// Opens `name` in `parent` as itself (O_PATH|O_NOFOLLOW) before anything is known of it,
    /// judges it from that descriptor's fstat(2) and brings it in line: the entry changed is
    /// the entry judged by construction. A directory is closed again and left to the caller
    /// with its status in `raw` (it is entered, and checked, through an O_DIRECTORY descriptor).
    mutating func repairOpeningFirst(_ name: UnsafePointer<CChar>, in parent: CInt, _ raw: inout stat) -> OpeningFirst {
        let fd = system_openat(parent, name, hostcontract_O_PATH | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            survey.unreadable.add(path[...], UInt32(system_errno))
            return .judged(changed: false)
        }
        defer { _ = system_close(fd) }
        if system_fstat(fd, &raw) != 0 {
            survey.unreadable.add(path[...], UInt32(system_errno))
            return .judged(changed: false)
        }
        if raw.st_mode & S_IFMT == S_IFDIR { return .directory }
        let bits = violations(raw)
        if bits != 0 { change(.path(fd), raw, bits) }
        return .judged(changed: bits != 0)
    }
}
