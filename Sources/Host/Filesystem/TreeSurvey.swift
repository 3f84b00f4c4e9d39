/// What every entry of a tree must be, in numbers the walk's threads judge without calling back:
/// owner, group, and the permission bits (setuid, setgid, sticky included) allowed on
/// directories and on everything else but symbolic links.
public struct TreeCriteria: Sendable, Equatable {
    public var userID: UInt32?
    public var groupID: UInt32?
    public var maxDirectoryMode: UInt32?
    public var maxFileMode: UInt32?
    /// A non-directory with more than one hard link that differs is counted apart, in
    /// ``TreeSurvey/hardLinked``, rather than under the rules it breaks (provisioning never
    /// changes one: another name, perhaps outside the tree, shares the inode).
    public var setsApartHardLinks: Bool

    public init(userID: UInt32? = nil, groupID: UInt32? = nil, maxDirectoryMode: UInt32? = nil, maxFileMode: UInt32? = nil,
                setsApartHardLinks: Bool = false) {
        self.userID = userID
        self.groupID = groupID
        self.maxDirectoryMode = maxDirectoryMode
        self.maxFileMode = maxFileMode
        self.setsApartHardLinks = setsApartHardLinks
    }
}

/// What a walk of a tree found (or, repairing, changed): a count per rule and, as examples,
/// the entries with the byte-wise smallest paths, so the examples do not depend on which
/// thread met what first. Never the tree itself.
public struct TreeSurvey: Sendable, Equatable {
    /// One entry: its path (the top as given, then the names as the directories hold them)
    /// and the value observed (owner, group, permission bits, link count, or an errno).
    public struct Example: Sendable, Equatable {
        public var path: [UInt8]
        public var value: UInt32
    }

    /// How many entries, and the few with the smallest paths.
    public struct Tally: Sendable, Equatable {
        public static let exampleLimit = 5
        public private(set) var count = 0
        public private(set) var examples: [Example] = []

        public init() {}

        /// Counts one entry at `path`; keeps it as an example if its path is among the smallest.
        @inline(__always)
        mutating func add(_ path: ArraySlice<UInt8>, _ value: UInt32) {
            count += 1
            if examples.count == Self.exampleLimit, !path.lexicographicallyPrecedes(examples[Self.exampleLimit - 1].path) {
                return
            }
            insert(Example(path: Array(path), value: value))
        }

        private mutating func insert(_ example: Example) {
            let index = examples.firstIndex { example.path.lexicographicallyPrecedes($0.path) } ?? examples.count
            examples.insert(example, at: index)
            if examples.count > Self.exampleLimit { examples.removeLast() }
        }

        mutating func merge(_ other: Tally) {
            count += other.count
            for example in other.examples { insert(example) }
        }
    }

    /// Every entry met, the top included (a directory that could be stat'ed but not opened is
    /// met twice: once judged, once unreadable).
    public var entries = 0
    public var owner = Tally()
    public var group = Tally()
    public var directoryMode = Tally()
    /// Non-directories other than symbolic links beyond the maximum file mode.
    public var fileMode = Tally()
    /// Hard-linked non-directories that differ, set apart (value: the link count).
    public var hardLinked = Tally()
    /// Entries that could not be read or directories that could not be opened (value: errno).
    public var unreadable = Tally()
    /// Repairing: entries that were no longer what the walk saw when opened to be changed (a
    /// name swapped for another file or a link), left untouched (value: 0).
    public var moved = Tally()
    /// Repairing: changes the kernel refused (value: errno).
    public var failed = Tally()

    public init() {}

    mutating func merge(_ other: TreeSurvey) {
        entries += other.entries
        owner.merge(other.owner)
        group.merge(other.group)
        directoryMode.merge(other.directoryMode)
        fileMode.merge(other.fileMode)
        hardLinked.merge(other.hardLinked)
        unreadable.merge(other.unreadable)
        moved.merge(other.moved)
        failed.merge(other.failed)
    }
}
