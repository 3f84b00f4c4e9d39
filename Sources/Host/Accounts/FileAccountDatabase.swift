/// Users and groups read from `etc/passwd` and `etc/group` under a root (an image, a fixture).
public final class FileAccountDatabase: AccountDatabase {
    public let users: [UserRecord]
    public let groups: [GroupRecord]
    public let systemUserIDMaximum: UInt32
    public let origin: String

    public init(root: RootDirectory) {
        func text(_ path: String) -> String? {
            guard case .success(let bytes) = root.contents(of: path) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        users = Self.parseUsers(text("/etc/passwd") ?? "")
        groups = Self.parseGroups(text("/etc/group") ?? "")
        systemUserIDMaximum = Host.systemUserIDMaximum(loginDefinitions: text("/etc/login.defs"))
        origin = root.hostPath("/etc/passwd") + " and " + root.hostPath("/etc/group")
    }

    /// The lines of an account file, split at LF as the C library splits them (Swift's split on
    /// Characters would not: "\r\n" is one Character, so a CRLF file would be one line), a CR
    /// before the LF dropped. On the UTF-8 bytes: the same lines, without the unspecialised
    /// rebuilding of a String from unicode scalars (most of reading the accounts at start).
    static func lines(of text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n")).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
    }

    /// Parses passwd(5) lines; malformed lines are passed over, as the C library does.
    public static func parseUsers(_ text: String) -> [UserRecord] {
        lines(of: text).compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 7, !fields[0].isEmpty, !line.hasPrefix("#"),
                let uid = UInt32(fields[2]), let gid = UInt32(fields[3])
            else { return nil }
            return UserRecord(
                name: String(fields[0]), userID: uid, groupID: gid,
                home: String(fields[5]), shell: String(fields[6]))
        }
    }

    /// Parses group(5) lines; malformed lines are passed over.
    public static func parseGroups(_ text: String) -> [GroupRecord] {
        lines(of: text).compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, !fields[0].isEmpty, !line.hasPrefix("#"),
                let gid = UInt32(fields[2])
            else { return nil }
            let members = fields[3].split(separator: ",").map {
                String($0.trimmingPrefix(while: { $0 == " " }))
            }
            return GroupRecord(name: String(fields[0]), groupID: gid, members: members)
        }
    }

    public func user(named name: String) -> UserRecord? { users.first { $0.name == name } }
    public func user(id: UInt32) -> UserRecord? { users.first { $0.userID == id } }
    public func group(named name: String) -> GroupRecord? { groups.first { $0.name == name } }
    public func group(id: UInt32) -> GroupRecord? { groups.first { $0.groupID == id } }

    public func groupIDs(of user: UserRecord) -> [UInt32] {
        var ids = [user.groupID]
        for group in groups where group.members.contains(user.name) && !ids.contains(group.groupID) {
            ids.append(group.groupID)
        }
        return ids
    }

    public func users(withPrimaryGroup id: UInt32) -> [UserRecord] { users.filter { $0.groupID == id } }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self.drop(while: predicate)
    }
}
