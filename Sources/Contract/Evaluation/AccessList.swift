/// A file's access ACL as observed, with numeric qualifiers: the owner, named users, owning
/// group, named groups, mask and other. A file without an extended ACL has the three entries its
/// mode expresses.
public struct AccessList: Sendable, Equatable {
    public enum Tag: Sendable, Equatable, Hashable {
        case owner, user(UInt32), owningGroup, group(UInt32), mask, other
    }

    public struct Entry: Sendable, Equatable, Hashable {
        public var tag: Tag
        public var rights: AccessRights

        public init(tag: Tag, rights: AccessRights) {
            self.tag = tag
            self.rights = rights
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The list the mode bits alone express.
    public init(mode: FileMode) {
        entries = [
            Entry(tag: .owner, rights: AccessRights(rawValue: UInt8((mode.rawValue >> 6) & 7))),
            Entry(tag: .owningGroup, rights: AccessRights(rawValue: UInt8((mode.rawValue >> 3) & 7))),
            Entry(tag: .other, rights: AccessRights(rawValue: UInt8(mode.rawValue & 7))),
        ]
    }

    public func rights(of tag: Tag) -> AccessRights? { entries.first { $0.tag == tag }?.rights }
    public var mask: AccessRights? { rights(of: .mask) }
}

/// One object met while looking a path up: its metadata and access list.
public struct AccessNode: Sendable, Equatable {
    public var path: String
    public var facts: PathFacts
    public var list: AccessList

    public init(path: String, facts: PathFacts, list: AccessList? = nil) {
        self.path = path
        self.facts = facts
        self.list = list ?? AccessList(mode: facts.mode)
    }
}

/// A path lookup as the kernel makes it: the directories searched, then the object reached.
public struct AccessTrace: Sendable, Equatable {
    public var searched: [AccessNode]
    public var target: AccessNode?
    /// Where and why the lookup failed.
    public var failure: (path: String, reason: String)?

    public init(searched: [AccessNode], target: AccessNode?, failure: (path: String, reason: String)? = nil) {
        self.searched = searched
        self.target = target
        self.failure = failure
    }

    public static func == (a: AccessTrace, b: AccessTrace) -> Bool {
        a.searched == b.searched && a.target == b.target && a.failure?.path == b.failure?.path
            && a.failure?.reason == b.failure?.reason
    }
}

/// A user as the kernel sees a process of theirs: uid, and the primary and supplementary groups.
public struct Principal: Sendable, Equatable {
    public var name: String
    public var userID: UInt32
    public var groupIDs: [UInt32]

    public init(name: String, userID: UInt32, groupIDs: [UInt32]) {
        self.name = name
        self.userID = userID
        self.groupIDs = groupIDs
    }

    public var isRoot: Bool { userID == 0 }
}
