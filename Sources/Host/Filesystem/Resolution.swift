import CLinux
import Glibc

/// How a path inside a root is looked up, component by component, as the kernel looks it up:
/// every directory a name is looked up in (which needs search permission), each symbolic link
/// followed (an absolute target restarts at the root, `..` stops at it), and the object reached,
/// each with its status and access ACL.
public struct Resolution: Sendable {
    public struct Node: Sendable {
        public var path: String
        public var status: FileStatus
        public var accessControlList: AccessControlList?
    }

    /// Every directory a lookup was made in, in order (repeats included).
    public var searched: [Node] = []
    /// The object the path names, following symbolic links.
    public var target: Node?
    /// Where the lookup failed, if it did.
    public var failure: (path: String, error: HostError)?
}

extension RootDirectory {
    /// Looks `path` up inside the root the way path resolution does (path_resolution(7)),
    /// recording what permission checks the kernel would make.
    public func resolve(_ path: String) -> Resolution {
        var resolution = Resolution()
        var pending = Array(path.split(separator: "/").map(String.init).reversed())
        var directories: [(fd: CInt, path: String)] = []
        var current: (fd: CInt, path: String)
        switch valueOrErrno({ system_openat(descriptor, ".", hostcontract_O_PATH | O_DIRECTORY | O_CLOEXEC) }) {
        case .success(let fd): current = (fd, "/")
        case .failure(let error):
            resolution.failure = ("/", error)
            return resolution
        }
        defer {
            _ = system_close(current.fd)
            for directory in directories { _ = system_close(directory.fd) }
        }
        var links = 0

        func node(_ fd: CInt, _ path: String) -> Resolution.Node? {
            var raw = stat()
            guard case .success = valueOrErrno({ system_fstat(fd, &raw) }) else { return nil }
            let status = FileStatus(raw)
            let acl = status.kind == .symbolicLink ? nil : try? AccessControlList.read(descriptor: fd, kind: .access).get()
            return Resolution.Node(path: path, status: status, accessControlList: acl)
        }
        func join(_ base: String, _ name: String) -> String { base == "/" ? "/" + name : base + "/" + name }

        while let name = pending.popLast() {
            guard let here = node(current.fd, current.path) else {
                resolution.failure = (current.path, HostError(errno: system_errno))
                return resolution
            }
            resolution.searched.append(here)
            if name == "." { continue }
            if name == ".." {
                if let parent = directories.popLast() {
                    _ = system_close(current.fd)
                    current = parent
                }
                continue
            }
            let childPath = join(current.path, name)
            let opened = valueOrErrno {
                system_openat(current.fd, name, hostcontract_O_PATH | O_NOFOLLOW | O_CLOEXEC)
            }
            guard case .success(let fd) = opened else {
                if case .failure(let error) = opened { resolution.failure = (childPath, error) }
                return resolution
            }
            guard let child = node(fd, childPath) else {
                resolution.failure = (childPath, HostError(errno: system_errno))
                _ = system_close(fd)
                return resolution
            }
            if child.status.kind == .symbolicLink {
                links += 1
                let target = system_readlink(fd, "")
                _ = system_close(fd)
                guard links <= 40, case .success(let text) = target else {
                    resolution.failure = (childPath, HostError(errno: ELOOP))
                    return resolution
                }
                pending.append(contentsOf: text.split(separator: "/").map(String.init).reversed())
                if text.hasPrefix("/") {
                    // An absolute target starts again at the root.
                    for directory in directories { _ = system_close(directory.fd) }
                    directories.removeAll()
                    switch valueOrErrno({ system_openat(descriptor, ".", hostcontract_O_PATH | O_DIRECTORY | O_CLOEXEC) }) {
                    case .success(let rootFD):
                        _ = system_close(current.fd)
                        current = (rootFD, "/")
                    case .failure(let error):
                        resolution.failure = ("/", error)
                        return resolution
                    }
                }
                if pending.isEmpty { pending.append(".") }
                continue
            }
            if pending.isEmpty {
                resolution.target = child
                _ = system_close(fd)
                return resolution
            }
            guard child.status.kind == .directory else {
                resolution.failure = (childPath, HostError(errno: ENOTDIR))
                _ = system_close(fd)
                return resolution
            }
            directories.append(current)
            current = (fd, childPath)
        }
        // The path named the current directory itself ("/", or a link to a directory).
        resolution.target = node(current.fd, current.path)
        return resolution
    }

    /// The access or default ACL of `path` inside the root (symbolic links followed).
    public func accessControlList(of path: String, kind: AccessControlList.Kind = .access) -> Result<AccessControlList, HostError> {
        open(path, flags: hostcontract_O_PATH).flatMap { fd in
            defer { _ = system_close(fd) }
            return AccessControlList.read(descriptor: fd, kind: kind)
        }
    }
}
