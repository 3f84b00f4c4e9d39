import CLinux
import Glibc

/// A depth-first walk of a directory tree on descriptors: each directory is opened relative to
/// its parent with O_NOFOLLOW, so a symbolic link is reported as a link and never entered, and
/// entries are handed to the visitor one at a time (only the open directories of the current
/// branch are held, never the tree).
public struct TreeWalk {
    public struct Entry {
        /// The path as the contract writes it (the walk's top, then the names below it, each in
        /// its printable form: ``FileName/printable(_:)``).
        public var path: String
        /// The status of the entry itself (a link is a link), or why it could not be read.
        public var status: Result<FileStatus, HostError>
        /// How deep below the top (the top is 0).
        public var depth: Int
    }

    let top: String
    let descriptor: CInt

    private struct Level {
        var directory: OpaquePointer
        var path: String
    }

    func run(_ visit: (Entry) -> Void) -> Result<Void, HostError> {
        var raw = stat()
        let topStatus = valueOrErrno { system_fstat(descriptor, &raw) }.map { _ in FileStatus(raw) }
        visit(Entry(path: top, status: topStatus, depth: 0))
        guard let root = system_fdopendir(descriptor) else {
            let error = HostError(errno: system_errno)
            _ = system_close(descriptor)
            return .failure(error)
        }
        var stack = [Level(directory: root, path: top.hasSuffix("/") ? String(top.dropLast()) : top)]
        defer { for level in stack { _ = system_closedir(level.directory) } }

        while let level = stack.last {
            guard let entry = system_readdir(level.directory) else {
                _ = system_closedir(level.directory)
                stack.removeLast()
                continue
            }
            // The name's own bytes for the system calls; its printable form for the path.
            let name = system_dirent_name_bytes(entry)
            if name == [46, 0] || name == [46, 46, 0] { continue }
            let path = level.path + "/" + FileName.printable(name.dropLast().map { UInt8(bitPattern: $0) })
            let parent = system_dirfd(level.directory)
            var raw = stat()
            let status = valueOrErrno { system_fstatat(parent, name: name, &raw, AT_SYMLINK_NOFOLLOW) }
                .map { _ in FileStatus(raw) }
            visit(Entry(path: path, status: status, depth: stack.count))
            guard case .success(let found) = status, found.kind == .directory else { continue }
            let child = valueOrErrno {
                system_openat(parent, name: name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            switch child {
            case .failure(let error):
                visit(Entry(path: path, status: .failure(error), depth: stack.count))
            case .success(let fd):
                if let directory = system_fdopendir(fd) {
                    stack.append(Level(directory: directory, path: path))
                } else {
                    let error = HostError(errno: system_errno)
                    _ = system_close(fd)
                    visit(Entry(path: path, status: .failure(error), depth: stack.count))
                }
            }
        }
        return .success(())
    }
}
