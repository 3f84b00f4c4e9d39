import CLinux
import Glibc

/// The filesystem holding a path on the running system: its type and mount point as
/// /proc/self/mountinfo records them, its device, and its free space and inodes (statfs(2)).
public struct FilesystemSpace: Sendable, Equatable {
    public var device: UInt64
    /// "ext4", "xfs", "tmpfs", ... (mountinfo's filesystem type).
    public var type: String
    /// Where that filesystem is mounted.
    public var mountPoint: String
    /// Whether the path itself is that mount point.
    public var isMountPoint: Bool
    public var totalBytes: UInt64
    /// Free to an unprivileged user (f_bavail).
    public var availableBytes: UInt64
    public var totalInodes: UInt64
    public var freeInodes: UInt64

    /// The filesystem holding `path` (following links).
    public static func of(_ path: String) -> Result<FilesystemSpace, HostError> {
        var info = stat()
        if case .failure(let error) = valueOrErrno({ system_stat(path, &info) }) { return .failure(error) }
        var space = statvfs()
        if statvfs(path, &space) != 0 { return .failure(HostError(errno: system_errno)) }
        let device = UInt64(info.st_dev)
        let resolved = realpath(path, nil).map { pointer in defer { free(pointer) }; return String(cString: pointer) } ?? path
        let mount = MountTable.read()?.mount(holding: resolved)
        let blockSize = UInt64(space.f_frsize > 0 ? space.f_frsize : space.f_bsize)
        return .success(FilesystemSpace(
            device: device, type: mount?.filesystem ?? "unknown", mountPoint: mount?.point ?? "?",
            isMountPoint: mount.map { $0.point == resolved } ?? false,
            totalBytes: UInt64(space.f_blocks) * blockSize, availableBytes: UInt64(space.f_bavail) * blockSize,
            totalInodes: UInt64(space.f_files), freeInodes: UInt64(space.f_ffree)))
    }
}
