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
    /// Every symbolic link followed on the way, in order, with its own status (its owner).
    public var followed: [Node] = []
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
        func status(_ fd: CInt) -> FileStatus? {
            var raw = stat()
            guard case .success = valueOrErrno({ system_fstat(fd, &raw) }) else { return nil }
            return FileStatus(raw)
        }
        func node(_ fd: CInt, _ path: String) -> Resolution.Node? {
            guard let status = status(fd) else { return nil }
            let acl = status.kind == .symbolicLink ? nil : try? AccessControlList.readAccess(descriptor: fd, status: status).get()
            return Resolution.Node(path: path, status: status, accessControlList: acl)
        }
        let found = lookUp(path, followFinal: true) { fd, directory in
            if let here = node(fd, directory) { resolution.searched.append(here) }
        } stepped: { _, _, entry, entryPath in
            // Only links are kept, and a link has no list: nothing more to read.
            if let status = status(entry), status.kind == .symbolicLink {
                resolution.followed.append(Resolution.Node(path: entryPath, status: status, accessControlList: nil))
            }
        }
        switch found {
        case .success(let target):
            resolution.target = node(target.descriptor, target.path)
            _ = system_close(target.descriptor)
        case .failure(let failure):
            resolution.failure = (failure.path, failure.error)
        }
        return resolution
    }

    /// The access or default ACL of `path` inside the root (symbolic links followed).
    public func accessControlList(of path: String, kind: AccessControlList.Kind = .access) -> Result<AccessControlList, HostError> {
        open(path, flags: hostcontract_O_PATH).flatMap { fd in
            defer { _ = system_close(fd) }
            var raw = stat()
            if kind == .access, case .success = valueOrErrno({ system_fstat(fd, &raw) }) {
                return AccessControlList.readAccess(descriptor: fd, status: FileStatus(raw))
            }
            return AccessControlList.read(descriptor: fd, kind: kind)
        }
    }
}
