import CAcl
import CLinux
import Glibc
import SystemPackage

/// A POSIX ACL as libacl reads it: the owner, named users, owning group, named groups, mask
/// and other entries, with numeric qualifiers.
public struct AccessControlList: Sendable, Equatable, CustomStringConvertible {
    public enum Tag: Sendable, Equatable, Hashable {
        case userOwner, user(UInt32), groupOwner, group(UInt32), mask, other
    }

    public struct Entry: Sendable, Equatable, Hashable {
        public var tag: Tag
        /// r=4, w=2, x=1.
        public var permissions: UInt8

        public init(tag: Tag, permissions: UInt8) {
            self.tag = tag
            self.permissions = permissions
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Whether the list has more than the three entries the mode bits express.
    public var isExtended: Bool { entries.contains { if case .mask = $0.tag { true } else { false } } }

    /// The long text form with numeric qualifiers, as acl_from_text(3) takes it.
    public var description: String {
        entries.map { entry in
            let perms = (entry.permissions & 4 != 0 ? "r" : "-") + (entry.permissions & 2 != 0 ? "w" : "-")
                + (entry.permissions & 1 != 0 ? "x" : "-")
            switch entry.tag {
            case .userOwner: return "user::" + perms
            case .user(let id): return "user:\(id):" + perms
            case .groupOwner: return "group::" + perms
            case .group(let id): return "group:\(id):" + perms
            case .mask: return "mask::" + perms
            case .other: return "other::" + perms
            }
        }.joined(separator: ",")
    }

    /// Which list of a file: the access ACL, or a directory's default ACL.
    public enum Kind: Sendable {
        case access, `default`

        var type: acl_type_t { self == .access ? acl_type_t(ACL_TYPE_ACCESS) : acl_type_t(ACL_TYPE_DEFAULT) }
    }

    /// Reads the list of the file open at `descriptor` (an O_PATH descriptor will do). The
    /// corresponding C function is acl_get_file(3), called on /proc/self/fd/N so that no path is
    /// resolved again.
    static func read(descriptor: CInt, kind: Kind) -> Result<AccessControlList, HostError> {
        guard let acl = system_acl_get_file("/proc/self/fd/\(descriptor)", kind.type) else {
            return .failure(HostError(errno: system_errno))
        }
        defer { system_acl_free(UnsafeMutableRawPointer(acl)) }
        var entries: [Entry] = []
        var entry: acl_entry_t?
        var which = CInt(ACL_FIRST_ENTRY)
        while system_acl_get_entry(acl, which, &entry) == 1, let current = entry {
            which = CInt(ACL_NEXT_ENTRY)
            var tag = acl_tag_t(0)
            guard system_acl_get_tag_type(current, &tag) == 0, let permissions = system_acl_entry_permissions(current)
            else { continue }
            func qualifier() -> UInt32 {
                guard let raw = system_acl_get_qualifier(current) else { return UInt32.max }
                defer { system_acl_free(raw) }
                return raw.load(as: UInt32.self)
            }
            let mapped: Tag? = switch CInt(tag) {
            case ACL_USER_OBJ: .userOwner
            case ACL_USER: .user(qualifier())
            case ACL_GROUP_OBJ: .groupOwner
            case ACL_GROUP: .group(qualifier())
            case ACL_MASK: .mask
            case ACL_OTHER: .other
            default: nil
            }
            if let mapped { entries.append(Entry(tag: mapped, permissions: permissions)) }
        }
        return .success(AccessControlList(entries: entries))
    }

    /// The access list of the file open at `descriptor` (an O_PATH descriptor will do), whose
    /// status is `status`: what ``read(descriptor:kind:)`` gives, with fewer lookups. Most files
    /// carry no list, and libacl then stats /proc/self/fd/N to build one from the mode bits
    /// (acl_from_mode(3)): here the absence of the attribute is asked of a directory itself
    /// (getxattrat(2) on ".", Linux 6.13, with no walk through /proc) or of /proc/self/fd/N, and
    /// the mode is `status`'s. A file that has a list, or any other answer (an older kernel, a
    /// directory this process may not search), is read by libacl as before.
    static func readAccess(descriptor: CInt, status: FileStatus) -> Result<AccessControlList, HostError> {
        let name = "system.posix_acl_access"
        var size: Result<Int, HostError> = .failure(HostError(errno: ENOSYS))
        if status.kind == .directory { size = valueOrErrno { system_getxattrat_size(descriptor, ".", 0, name) } }
        if case .failure(let error) = size, error.code == ENOSYS {
            size = valueOrErrno { system_getxattr_size("/proc/self/fd/\(descriptor)", name) }
        }
        switch size {
        // libacl: a size of 0, or ENODATA (ENOATTR on Linux), is a file without a list.
        case .success(0): break
        case .failure(let error) where error.code == ENODATA: break
        default: return read(descriptor: descriptor, kind: .access)
        }
        return .success(fromMode(status.permissions.rawValue))
    }

    /// The list the mode bits express: the owner, owning group and other entries, as
    /// acl_from_mode(3) makes it.
    static func fromMode(_ mode: mode_t) -> AccessControlList {
        AccessControlList(entries: [
            Entry(tag: .userOwner, permissions: UInt8((mode >> 6) & 7)),
            Entry(tag: .groupOwner, permissions: UInt8((mode >> 3) & 7)),
            Entry(tag: .other, permissions: UInt8(mode & 7)),
        ])
    }

    /// Replaces the list of the file open at `descriptor`. The corresponding C function is
    /// acl_set_file(3), on /proc/self/fd/N.
    func write(descriptor: CInt, kind: Kind) -> Result<Void, HostError> {
        guard let acl = system_acl_from_text(description) else {
            return .failure(HostError(errno: system_errno))
        }
        defer { system_acl_free(UnsafeMutableRawPointer(acl)) }
        return valueOrErrno { system_acl_set_file("/proc/self/fd/\(descriptor)", kind.type, acl) }.map { _ in () }
    }
}
