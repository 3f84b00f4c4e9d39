import CLinux
import Glibc

extension RootDirectory {
    /// One name in a directory as readdir(3) and lstat(2) see it, with a link's target as
    /// readlink(2) gives it: what systemd's unit search reads before it opens anything.
    public struct ListedEntry: Sendable, Equatable {
        public var name: String
        public var kind: FileStatus.Kind
        /// For a symbolic link, its target (relative or absolute, not resolved).
        public var linkTarget: String?
    }

    /// The entries of the directory at `path` inside the root (the directory itself found
    /// following links inside the root), without `.` and `..`; empty when it is missing or not a
    /// directory. Nothing in it is followed: a link is listed as a link.
    public func listing(of path: String) -> [ListedEntry] {
        guard case .success(let fd) = open(path, flags: O_RDONLY | O_DIRECTORY) else { return [] }
        defer { _ = system_close(fd) }
        let duplicate = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0, case .success(let names) = system_directory_names(duplicate) else { return [] }
        return names.sorted().map { name in
            var raw = stat()
            guard system_fstatat(fd, name, &raw, AT_SYMLINK_NOFOLLOW) == 0 else {
                return ListedEntry(name: name, kind: .unknown, linkTarget: nil)
            }
            let kind = FileStatus(raw).kind
            let target = kind == .symbolicLink ? try? system_readlink(fd, name).get() : nil
            return ListedEntry(name: name, kind: kind, linkTarget: target)
        }
    }
}
