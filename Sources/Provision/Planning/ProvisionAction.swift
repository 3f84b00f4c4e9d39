import Contract

/// One change provisioning plans or made, or one conflict it leaves alone, with the state
/// before and after.
public struct ProvisionAction: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case create, chown, chgrp, chmod, setfacl, conflict
        /// A change of a `[[tree]]`'s entries that failed (which change: in the examples).
        case tree
    }

    public enum Status: String, Sendable {
        /// Dry run: what would be done.
        case planned
        case done
        case failed
        /// Left untouched, with what to do in `message`.
        case conflict
    }

    public var path: String
    public var kind: Kind
    public var before: String?
    public var after: String?
    public var status: Status
    public var message: String
    public var line: Int?
    /// For a `[[tree]]`: how many entries below `path` this stands for (nil: `path` itself).
    public var count: Int?
    /// For a `[[tree]]`: the entries with the smallest paths, each with its value before.
    public var examples: [String]

    public init(
        path: String, kind: Kind, before: String? = nil, after: String? = nil, status: Status, message: String,
        line: Int? = nil, count: Int? = nil, examples: [String] = []
    ) {
        self.path = path
        self.kind = kind
        self.before = before
        self.after = after
        self.status = status
        self.message = message
        self.line = line
        self.count = count
        self.examples = examples
    }

    static func conflict(_ path: String, _ message: String, line: Int?) -> ProvisionAction {
        ProvisionAction(path: path, kind: .conflict, status: .conflict, message: message, line: line)
    }
}

/// What a provisioning run did (or, for a dry run, would do).
public struct ProvisionOutcome: Sendable {
    public var contract: String
    public var root: String
    public var dryRun: Bool
    public var actions: [ProvisionAction]
    /// Declared paths found (or left) in line.
    public var paths: Int
    /// Entries of `[[tree]]`s walked.
    public var treeEntries = 0
    /// What the host could not judge and provisioning went ahead without.
    public var notes: [String] = []

    /// Changes, conflicts and failures each count a tree's entries one by one.
    public var changes: Int { total { $0 == .done || $0 == .planned } }
    public var conflicts: Int { total { $0 == .conflict } }
    public var failures: Int { total { $0 == .failed } }

    private func total(_ included: (ProvisionAction.Status) -> Bool) -> Int {
        actions.reduce(0) { $0 + (included($1.status) ? $1.count ?? 1 : 0) }
    }
    /// Everything is, or would be, in line.
    public var converged: Bool { conflicts == 0 && failures == 0 }
}
