import SystemPackage
import CLinux
import Glibc

/// Whether only root can change a file on this machine, or put another file in its place: what
/// a program running as root demands of the files that tell it what to do, as sshd's
/// StrictModes (`safe_path()` in OpenSSH's misc.c: the file and every directory above it owned
/// by root or the user, none group- or world-writable) and sudo (the sudoers file owned by
/// root, not world-writable, group-writable only by its own group) do.
///
/// The path is looked up from `/` one component at a time on O_PATH|O_NOFOLLOW descriptors
/// (``RootDirectory/lookUp(_:followFinal:searched:stepped:)``, symbolic links followed by
/// reading them, 40 at most), and every object met on the way is read with fstat(2): each
/// directory traversed, each link followed and the file itself. It is untrusted when
///
/// - one of them is owned by a user other than root (the owner of a directory can rename or
///   replace anything in it; the owner of the file can rewrite it);
/// - a directory on the way is writable by someone other than root: by others, by a group other
///   than root's, or by a named user or group of its ACL (the group bits of a file with an ACL
///   are its mask, so only then are named entries read). Whoever can write to a directory can
///   rename the next component away and put their own in its place. The one exception is a
///   sticky directory (`/tmp`, mode 1777) whose next component is owned by root: in a sticky
///   directory only the owner of an entry, of the directory or root may rename or remove that
///   entry (the restricted deletion flag, chmod(1), unlink(2) EPERM, rename(2) EPERM), so a
///   root-owned directory made in `/tmp` cannot be swapped out by another user;
/// - the file itself is writable by others, by a group other than root's, or through its ACL.
///
/// A symbolic link cannot be changed once made (there is no call that rewrites its target);
/// what decides whether it can be replaced is the directory holding it, checked as above. A
/// link owned by another user is still refused: such a link in a trusted directory was made
/// while the directory was not trusted, or put there for that user; and in a sticky
/// world-writable directory the kernel itself follows a link only for the link's owner or when
/// the directory's owner owns it (fs.protected_symlinks). So every object on the way must be
/// root's.
///
/// Once a path is found trusted, reading it again by name reaches the same file: nobody but
/// root can have changed any component in between. A component that does not exist is trusted
/// when the directory it was looked up in is (nobody but root can create it); the caller's own
/// reading then reports the missing file.
public enum FileTrust {
    public enum Verdict: Sendable, Equatable {
        case trusted
        /// The first reason found, naming the path concerned
        /// (`/srv/contracts is writable by group 'deploy' (mode 0775)`), and the command that
        /// removes it where one does (`chmod g-w,o-w /srv/contracts`).
        case untrusted(reason: String, fix: String?)
    }

    /// Whether this process runs with root's effective user id. The corresponding C function is geteuid(2).
    public static var effectiveUserIsRoot: Bool { system_geteuid() == 0 }

    /// The verdict on `path` (absolute, or relative to the working directory) on this machine.
    /// `accounts` names the owners in the reason.
    public static func verdict(for path: String, accounts: any AccountDatabase = SystemAccountDatabase()) -> Verdict {
        let absolute: String
        if path.hasPrefix("/") {
            absolute = path
        } else {
            guard let directory = system_getcwd() else {
                return .untrusted(reason: "the working directory cannot be named, so \(path) cannot be checked", fix: nil)
            }
            absolute = directory == "/" ? "/" + path : directory + "/" + path
        }
        let root: RootDirectory
        do {
            root = try RootDirectory(path: "/", resolver: .lookUp)
        } catch {
            return .untrusted(reason: "/ cannot be opened: \(error)", fix: nil)
        }
        guard let top = status(of: root.descriptor) else { return .untrusted(reason: "/ cannot be read", fix: nil) }
        if top.userID != 0 { return owned("/", top, accounts) }

        var reason: Verdict?
        var lastSearched: (path: String, writer: String?, status: FileStatus)?
        let found = root.lookUp(
            absolute, followFinal: true,
            searched: { descriptor, directoryPath in
                guard reason == nil, let directory = status(of: descriptor) else { return }
                lastSearched = (directoryPath, writer(directory, descriptor: descriptor, accounts), directory)
            },
            stepped: { directoryDescriptor, directoryPath, entryDescriptor, entryPath in
                guard reason == nil else { return }
                guard let directory = status(of: directoryDescriptor), let entry = status(of: entryDescriptor) else {
                    reason = .untrusted(reason: "\(entryPath) cannot be read", fix: nil)
                    return
                }
                if entry.userID != 0 {
                    reason = owned(entryPath, entry, accounts)
                    return
                }
                let sticky = directory.permissions.rawValue & 0o1000 != 0
                if !sticky, let writer = writer(directory, descriptor: directoryDescriptor, accounts) {
                    reason = writable(directoryPath, writer, directory)
                }
            })
        switch found {
        case .success(let object):
            defer { _ = system_close(object.descriptor) }
            if let reason { return reason }
            guard let file = status(of: object.descriptor) else { return .untrusted(reason: "\(object.path) cannot be read", fix: nil) }
            if file.userID != 0 { return owned(object.path, file, accounts) }
            if let writer = writer(file, descriptor: object.descriptor, accounts) {
                return writable(object.path, writer, file)
            }
            return .trusted
        case .failure(let failure):
            if let reason { return reason }
            // Nothing root owns is there yet, so a sticky bit protects nothing: whoever can
            // write to the directory can make the missing name.
            if let last = lastSearched, let writer = last.writer {
                return .untrusted(
                    reason: "\(failure.path) cannot be looked up (\(failure.error)) in \(last.path), which is writable by \(writer) (mode \(octal(last.status)))",
                    fix: nil)
            }
            return .trusted
        }
    }

    private static func status(of descriptor: CInt) -> FileStatus? {
        var raw = stat()
        guard case .success = valueOrErrno({ system_fstat(descriptor, &raw) }) else { return nil }
        return FileStatus(raw)
    }

    /// Who besides root may write to the object: `others`, `group 'deploy'`, `user 'ci' through its ACL`.
    private static func writer(_ status: FileStatus, descriptor: CInt, _ accounts: any AccountDatabase) -> String? {
        let mode = status.permissions.rawValue
        if mode & 0o002 != 0 { return "others" }
        guard mode & 0o020 != 0 else { return nil }
        if status.groupID != 0 { return "group \(groupName(status.groupID, accounts))" }
        // Group bits with write on a root-group object: with an ACL they are the mask, and a
        // named entry may grant write to someone else.
        guard case .success(let list) = AccessControlList.read(descriptor: descriptor, kind: .access) else { return nil }
        for entry in list.entries where entry.permissions & 2 != 0 {
            switch entry.tag {
            case .user(let id) where id != 0: return "user \(userName(id, accounts)) through its ACL"
            case .group(let id) where id != 0: return "group \(groupName(id, accounts)) through its ACL"
            default: continue
            }
        }
        return nil
    }

    private static func owned(_ path: String, _ status: FileStatus, _ accounts: any AccountDatabase) -> Verdict {
        let owner = userName(status.userID, accounts)
        if status.kind == .symbolicLink {
            return .untrusted(reason: "\(path) is a symbolic link owned by \(owner)", fix: "chown -h root:root \(path)")
        }
        return .untrusted(reason: "\(path) is owned by \(owner)", fix: "chown root:root \(path)")
    }

    private static func writable(_ path: String, _ writer: String, _ status: FileStatus) -> Verdict {
        let fix = writer.hasSuffix("through its ACL") ? "setfacl -b \(path)" : "chmod g-w,o-w \(path)"
        return .untrusted(reason: "\(path) is writable by \(writer) (mode \(octal(status)))", fix: fix)
    }

    private static func userName(_ id: UInt32, _ accounts: any AccountDatabase) -> String {
        accounts.user(id: id).map { "'\($0.name)' (uid \(id))" } ?? "uid \(id)"
    }

    private static func groupName(_ id: UInt32, _ accounts: any AccountDatabase) -> String {
        accounts.group(id: id).map { "'\($0.name)'" } ?? "gid \(id)"
    }

    /// `0775`, `1777`.
    private static func octal(_ status: FileStatus) -> String {
        let digits = String(status.permissions.rawValue, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
