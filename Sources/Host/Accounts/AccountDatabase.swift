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
    // On the bytes: login.defs is long and read at every start; only one line matters.
    let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
        let fields = line.split(maxSplits: 2, whereSeparator: blank)
        if fields.count >= 2, fields[0].elementsEqual("SYS_UID_MAX".utf8),
            let value = UInt32(String(decoding: fields[1], as: UTF8.self))
        {
            return value
        }
    }
    return 999
}
