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

    /// The list after chmod(2) to `mode`: the owner, other and the group class (the mask where
    /// there is one, else the owning group) take the mode's bits.
    public func changingMode(to mode: FileMode) -> AccessList {
        func bits(_ shift: UInt32) -> AccessRights { AccessRights(rawValue: UInt8((mode.rawValue >> shift) & 7)) }
        return setting(.owner, to: bits(6)).setting(mask == nil ? .owningGroup : .mask, to: bits(3)).setting(.other, to: bits(0))
    }

    /// The list after `setfacl -n -m` of one entry: an existing mask is kept; a named entry in a
    /// list without a mask brings one, the union of the group class, as setfacl(1) makes it.
    public func setting(_ tag: Tag, to rights: AccessRights) -> AccessList {
        var list = self
        if let index = list.entries.firstIndex(where: { $0.tag == tag }) {
            list.entries[index].rights = rights
        } else {
            list.entries.append(Entry(tag: tag, rights: rights))
        }
        if list.mask == nil, list.entries.contains(where: \.tag.isNamed) {
            let union = list.entries.filter { $0.tag.isNamed || $0.tag == .owningGroup }.reduce(AccessRights()) { $0.union($1.rights) }
            list.entries.append(Entry(tag: .mask, rights: union))
        }
        return list
    }

    /// The list after `setfacl -n -x` of a named entry: the mask is kept.
    public func removing(_ tag: Tag) -> AccessList {
        AccessList(entries: entries.filter { $0.tag != tag })
    }

    /// The permission bits that show this list, as stat(2) reports them (the group bits are the
    /// mask where there is one), with the special bits of `mode`.
    public func mode(keepingSpecialBitsOf mode: FileMode) -> FileMode {
        func bits(_ tag: Tag) -> UInt32 { UInt32(rights(of: tag)?.rawValue ?? 0) }
        return FileMode(rawValue: (mode.rawValue & 0o7000) | bits(.owner) << 6 | bits(mask == nil ? .owningGroup : .mask) << 3 | bits(.other))
    }
}

extension AccessList.Tag {
    /// A named user or named group entry.
    public var isNamed: Bool {
        switch self {
        case .user, .group: true
        default: false
        }
    }
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

    /// The node with `list` in place and its mode bits showing it.
    public func with(_ list: AccessList) -> AccessNode {
        var facts = facts
        facts.mode = list.mode(keepingSpecialBitsOf: facts.mode)
        return AccessNode(path: path, facts: facts, list: list)
    }
}

/// A path lookup as the kernel makes it: the directories searched, then the object reached.
public struct AccessTrace: Sendable, Equatable {
    public var searched: [AccessNode]
    public var target: AccessNode?
    /// Where and why the lookup failed.
    public var failure: (path: String, reason: String)?
    /// The lookup failed because the auditing process may not look further (permission denied,
    /// an I/O error), not because of what is there: nothing is known past ``failure``'s path.
    public var failureIsInaccessible: Bool

    public init(
        searched: [AccessNode], target: AccessNode?, failure: (path: String, reason: String)? = nil,
        failureIsInaccessible: Bool = false
    ) {
        self.searched = searched
        self.target = target
        self.failure = failure
        self.failureIsInaccessible = failureIsInaccessible
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
