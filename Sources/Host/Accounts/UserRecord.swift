/// One user of the account database (a passwd(5) line).
public struct UserRecord: Sendable, Equatable {
    public var name: String
    public var userID: UInt32
    public var groupID: UInt32
    public var home: String
    public var shell: String

    public init(name: String, userID: UInt32, groupID: UInt32, home: String = "/", shell: String = "") {
        self.name = name
        self.userID = userID
        self.groupID = groupID
        self.home = home
        self.shell = shell
    }
}

/// One group of the account database (a group(5) line).
public struct GroupRecord: Sendable, Equatable {
    public var name: String
    public var groupID: UInt32
    /// The users listed as supplementary members.
    public var members: [String]

    public init(name: String, groupID: UInt32, members: [String] = []) {
        self.name = name
        self.groupID = groupID
        self.members = members
    }
}
