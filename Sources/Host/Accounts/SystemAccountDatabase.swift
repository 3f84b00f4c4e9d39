import CLinux
import Glibc

/// Users and groups from the system databases through NSS (getpwnam_r(3), getgrnam_r(3),
/// getgrouplist(3), getpwent_r(3)), with lookups cached for one run.
public final class SystemAccountDatabase: AccountDatabase {
    private var usersByName: [String: UserRecord?] = [:]
    private var usersByID: [UInt32: UserRecord?] = [:]
    private var groupsByName: [String: GroupRecord?] = [:]
    private var groupsByID: [UInt32: GroupRecord?] = [:]
    private var everyUser: [UserRecord]? = nil
    /// Read from /etc/login.defs when first asked: most runs (the gate's trust check of its
    /// contract) never ask, and the file is long.
    public private(set) lazy var systemUserIDMaximum: UInt32 = {
        let text: String? = switch readHostFile("/etc/login.defs") {
        case .success(let bytes): String(decoding: bytes, as: UTF8.self)
        case .failure: nil
        }
        return Host.systemUserIDMaximum(loginDefinitions: text)
    }()
    public let origin = "the system user and group databases"

    public init() {}

    private static func withBuffer<T>(_ body: (UnsafeMutablePointer<CChar>, Int) -> (CInt, T?)) -> T? {
        var size = 4096
        while size <= 1 << 22 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let (code, value) = body(buffer, size)
            if code == ERANGE { size *= 4; continue }
            return value
        }
        return nil
    }

    private static func user(_ record: passwd) -> UserRecord {
        UserRecord(
            name: String(cString: record.pw_name), userID: record.pw_uid, groupID: record.pw_gid,
            home: record.pw_dir.map { String(cString: $0) } ?? "/",
            shell: record.pw_shell.map { String(cString: $0) } ?? "")
    }

    private static func group(_ record: group) -> GroupRecord {
        var members: [String] = []
        if var cursor = record.gr_mem {
            while let member = cursor.pointee {
                members.append(String(cString: member))
                cursor += 1
            }
        }
        return GroupRecord(name: String(cString: record.gr_name), groupID: record.gr_gid, members: members)
    }

    public func user(named name: String) -> UserRecord? {
        if let cached = usersByName[name] { return cached }
        let found: UserRecord? = Self.withBuffer { buffer, size in
            var record = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let code = system_getpwnam_r(name, &record, buffer, size, &result)
            return (code, result == nil ? nil : Self.user(record))
        }
        usersByName[name] = .some(found)
        return found
    }

    public func user(id: UInt32) -> UserRecord? {
        if let cached = usersByID[id] { return cached }
        let found: UserRecord? = Self.withBuffer { buffer, size in
            var record = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let code = system_getpwuid_r(id, &record, buffer, size, &result)
            return (code, result == nil ? nil : Self.user(record))
        }
        usersByID[id] = .some(found)
        return found
    }

    public func group(named name: String) -> GroupRecord? {
        if let cached = groupsByName[name] { return cached }
        let found: GroupRecord? = Self.withBuffer { buffer, size in
            var record = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>?
            let code = system_getgrnam_r(name, &record, buffer, size, &result)
            return (code, result == nil ? nil : Self.group(record))
        }
        groupsByName[name] = .some(found)
        return found
    }

    public func group(id: UInt32) -> GroupRecord? {
        if let cached = groupsByID[id] { return cached }
        let found: GroupRecord? = Self.withBuffer { buffer, size in
            var record = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>?
            let code = system_getgrgid_r(id, &record, buffer, size, &result)
            return (code, result == nil ? nil : Self.group(record))
        }
        groupsByID[id] = .some(found)
        return found
    }

    public func groupIDs(of user: UserRecord) -> [UInt32] {
        var count: CInt = 64
        while true {
            var ids = [gid_t](repeating: 0, count: Int(count))
            var capacity = count
            let result = ids.withUnsafeMutableBufferPointer {
                system_getgrouplist(user.name, user.groupID, $0.baseAddress!, &capacity)
            }
            if result >= 0 { return Array(ids.prefix(Int(capacity))) }
            if capacity <= count { count *= 2 } else { count = capacity }
            if count > 1 << 16 { return [user.groupID] }
        }
    }

    /// The most users an enumeration reads: bounded work on a directory service that lists a
    /// whole organisation.
    static let enumerationLimit = 1 << 20

    /// Enumerates the users NSS lists (every source that enumerates: the files, and a directory
    /// service only where it is configured to; sssd does not by default), once per run.
    public func users(withPrimaryGroup id: UInt32) -> [UserRecord] {
        if everyUser == nil {
            var found: [UserRecord] = []
            system_setpwent()
            defer { system_endpwent() }
            var size = 1 << 14
            while found.count < Self.enumerationLimit, size <= 1 << 22 {
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
                defer { buffer.deallocate() }
                var record = passwd()
                var result: UnsafeMutablePointer<passwd>?
                let code = system_getpwent_r(&record, buffer, size, &result)
                // On ERANGE the same entry comes again with a larger buffer.
                if code == ERANGE { size *= 4; continue }
                guard code == 0, result != nil else { break }
                found.append(Self.user(record))
            }
            everyUser = found
        }
        return everyUser!.filter { $0.groupID == id }
    }
}
