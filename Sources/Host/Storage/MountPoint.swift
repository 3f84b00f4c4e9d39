/// Whether another filesystem is mounted at a directory, judged from the device numbers as
/// mountpoint(1) falls back to judging it: the directory's device (st_dev) differs from its
/// parent's, or the directory is its own parent. A bind mount of a directory of the same
/// filesystem does not count: what is stored below it still lands on the parent's filesystem,
/// which is what a caller guarding an encrypted volume needs to know.
public struct MountPoint: Sendable, Equatable {
    /// The path inside the root.
    public var path: String
    /// What is there (a symbolic link is never a mount point).
    public var kind: FileStatus.Kind
    /// Another filesystem is mounted here.
    public var isMounted: Bool
    /// The mount holding the path, from /proc/self/mountinfo; on the host only (nil under a root,
    /// where the names in mountinfo are not the image's, or when /proc cannot be read).
    public var mount: StorageStack.Mount?

    public init(path: String, kind: FileStatus.Kind = .directory, isMounted: Bool, mount: StorageStack.Mount? = nil) {
        self.path = path
        self.kind = kind
        self.isMounted = isMounted
        self.mount = mount
    }

    /// Observes `path` inside `root`, reached without following a final symbolic link (a link is
    /// never a mount point). Fails when the path or its parent cannot be inspected (a missing
    /// path fails with ENOENT).
    public static func observe(_ path: String, in root: RootDirectory, proc: String = "/proc") -> Result<MountPoint, HostError> {
        let components = path.split(separator: "/")
        let parent = "/" + components.dropLast().joined(separator: "/")
        let status: FileStatus
        switch root.status(of: path, followFinal: false) {
        case .success(let found): status = found
        case .failure(let error): return .failure(error)
        }
        var isMounted = components.isEmpty
        if !isMounted && status.kind == .directory {
            switch root.status(of: parent, followFinal: true) {
            case .success(let above): isMounted = above.device != status.device || above.inode == status.inode
            case .failure(let error): return .failure(error)
            }
        }
        let mount = root.isHostRoot ? MountTable.read(proc: proc)?.mount(holding: "/" + components.joined(separator: "/")) : nil
        return .success(MountPoint(path: path, kind: status.kind, isMounted: isMounted, mount: mount))
    }
}
