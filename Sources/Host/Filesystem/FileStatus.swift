import CLinux
import Glibc
import SystemPackage

/// What stat(2) says about one file, in Swift words.
public struct FileStatus: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case directory, regular, symbolicLink = "symbolic link", fifo = "FIFO", socket
        case characterDevice = "character device", blockDevice = "block device", unknown
    }

    public var kind: Kind
    /// Permission bits with setuid, setgid and sticky (the low 12 bits of st_mode).
    public var permissions: FilePermissions
    public var userID: UInt32
    public var groupID: UInt32
    public var size: Int64
    public var linkCount: UInt64
    public var device: UInt64
    public var inode: UInt64
    /// When the content last changed (st_mtim), in whole seconds since the epoch.
    public var modificationTime: Int64

    init(_ raw: stat) {
        switch raw.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .regular
        case S_IFLNK: kind = .symbolicLink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        default: kind = .unknown
        }
        permissions = FilePermissions(rawValue: raw.st_mode & 0o7777)
        userID = raw.st_uid
        groupID = raw.st_gid
        size = Int64(raw.st_size)
        linkCount = UInt64(raw.st_nlink)
        device = UInt64(raw.st_dev)
        inode = UInt64(raw.st_ino)
        modificationTime = Int64(raw.st_mtim.tv_sec)
    }

    public init(
        kind: Kind, permissions: FilePermissions, userID: UInt32, groupID: UInt32,
        size: Int64 = 0, linkCount: UInt64 = 1, device: UInt64 = 0, inode: UInt64 = 0, modificationTime: Int64 = 0
    ) {
        self.kind = kind
        self.permissions = permissions
        self.userID = userID
        self.groupID = groupID
        self.size = size
        self.linkCount = linkCount
        self.device = device
        self.inode = inode
        self.modificationTime = modificationTime
    }
}
