/// What every entry of a tree must be, as numbers a host judges by (``FileObserver/audit(tree:limits:)``).
public struct TreeLimits: Sendable, Equatable {
    public var userID: UInt32?
    public var groupID: UInt32?
    public var maxDirectoryMode: FileMode?
    public var maxFileMode: FileMode?
    /// Hard-linked non-directories that differ are counted in ``TreeTally/hardLinked``, not
    /// under the rules they break (provisioning never changes one).
    public var setsApartHardLinks: Bool

    public init(userID: UInt32? = nil, groupID: UInt32? = nil, maxDirectoryMode: FileMode? = nil, maxFileMode: FileMode? = nil,
                setsApartHardLinks: Bool = false) {
        self.userID = userID
        self.groupID = groupID
        self.maxDirectoryMode = maxDirectoryMode
        self.maxFileMode = maxFileMode
        self.setsApartHardLinks = setsApartHardLinks
    }
}

/// What a tree audit (or repair) found: a count per rule and, as examples, the entries with
/// the byte-wise smallest paths (the same whichever order a parallel walk met them in).
public struct TreeTally: Sendable, Equatable {
    /// One entry: its path, the value observed (owner, group, mode bits, link count) and, for
    /// an entry that could not be read or changed, why.
    public struct Example: Sendable, Equatable {
        public var path: String
        public var value: UInt32
        public var reason: String?

        public init(path: String, value: UInt32, reason: String? = nil) {
            self.path = path
            self.value = value
            self.reason = reason
        }
    }

    public struct Rule: Sendable, Equatable {
        public static let exampleLimit = 5
        public var count = 0
        /// At most ``exampleLimit``, smallest path first.
        public var examples: [Example] = []

        public init(count: Int = 0, examples: [Example] = []) {
            self.count = count
            self.examples = examples
        }

        public mutating func add(_ path: String, _ value: UInt32, reason: String? = nil) {
            count += 1
            let example = Example(path: path, value: value, reason: reason)
            let index = examples.firstIndex { path.utf8.lexicographicallyPrecedes($0.path.utf8) } ?? examples.count
            guard index < Self.exampleLimit else { return }
            examples.insert(example, at: index)
            if examples.count > Self.exampleLimit { examples.removeLast() }
        }

        /// The examples as `describe` words them, then how many more.
        public func summary(_ describe: (Example) -> String) -> String {
            examples.map(describe).joined(separator: ", ") + (count > examples.count ? ", and \(count - examples.count) more" : "")
        }
    }

    /// Every entry met, the top included.
    public var entries = 0
    public var owner = Rule()
    public var group = Rule()
    public var directoryMode = Rule()
    /// Non-directories other than symbolic links beyond the maximum file mode.
    public var fileMode = Rule()
    /// Hard-linked non-directories that differ, set apart (value: the link count).
    public var hardLinked = Rule()
    public var unreadable = Rule()
    /// Repairing: entries that were no longer what the walk saw when opened to be changed.
    public var moved = Rule()
    /// Repairing: changes the kernel refused.
    public var failed = Rule()

    public init() {}

    /// Counts what one entry breaks.
    public mutating func judge(_ path: String, _ facts: PathFacts, _ limits: TreeLimits) {
        let userWrong = limits.userID.map { facts.userID != $0 } ?? false
        let groupWrong = limits.groupID.map { facts.groupID != $0 } ?? false
        var directoryWrong = false, fileWrong = false
        if facts.kind == .directory {
            directoryWrong = limits.maxDirectoryMode.map { facts.mode.excess(over: $0).rawValue != 0 } ?? false
        } else if facts.kind != .symbolicLink {
            fileWrong = limits.maxFileMode.map { facts.mode.excess(over: $0).rawValue != 0 } ?? false
        }
        guard userWrong || groupWrong || directoryWrong || fileWrong else { return }
        if limits.setsApartHardLinks, facts.kind != .directory, facts.linkCount > 1 {
            hardLinked.add(path, UInt32(truncatingIfNeeded: facts.linkCount))
            return
        }
        if userWrong { owner.add(path, facts.userID) }
        if groupWrong { group.add(path, facts.groupID) }
        if directoryWrong { directoryMode.add(path, facts.mode.rawValue) }
        if fileWrong { fileMode.add(path, facts.mode.rawValue) }
    }
}
