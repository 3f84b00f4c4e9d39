/// Where users and groups come from: the system databases (NSS), or the files of an image root.
public protocol AccountDatabase: AnyObject {
    func user(named name: String) -> UserRecord?
    func user(id: UInt32) -> UserRecord?
    func group(named name: String) -> GroupRecord?
    func group(id: UInt32) -> GroupRecord?
    /// Every group the user belongs to: the primary group and each supplementary one.
    func groupIDs(of user: UserRecord) -> [UInt32]
    /// The users whose primary group is `id` (passwd(5)'s GID field), among those the database
    /// can enumerate.
    func users(withPrimaryGroup id: UInt32) -> [UserRecord]
    /// The highest user id of system accounts (SYS_UID_MAX of login.defs(5), 999 by default).
    var systemUserIDMaximum: UInt32 { get }
    /// Where the records come from, for messages ("/img/etc/passwd", "the system databases").
    var origin: String { get }
}

extension AccountDatabase {
    /// The database for a root: the files under it, or NSS for the host's own `/`.
    public static func forRoot(_ root: RootDirectory) -> any AccountDatabase {
        root.isHostRoot ? SystemAccountDatabase() : FileAccountDatabase(root: root)
    }
}

/// Reads SYS_UID_MAX from login.defs(5) text.
func systemUserIDMaximum(loginDefinitions text: String?) -> UInt32 {
    guard let text else { return 999 }
    for line in FileAccountDatabase.lines(of: text) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if fields.count >= 2, fields[0] == "SYS_UID_MAX", let value = UInt32(fields[1]) { return value }
    }
    return 999
}
