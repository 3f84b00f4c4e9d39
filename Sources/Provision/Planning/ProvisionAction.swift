import Contract

/// One change provisioning plans or made, or one conflict it leaves alone, with the state
/// before and after.
public struct ProvisionAction: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case create, chown, chgrp, chmod, setfacl, conflict
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

    public init(
        path: String, kind: Kind, before: String? = nil, after: String? = nil, status: Status, message: String,
        line: Int? = nil
    ) {
        self.path = path
        self.kind = kind
        self.before = before
        self.after = after
        self.status = status
        self.message = message
        self.line = line
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
    /// What the host could not judge and provisioning went ahead without.
    public var notes: [String] = []

    public var changes: Int { actions.count { $0.status == .done || $0.status == .planned } }
    public var conflicts: Int { actions.count { $0.status == .conflict } }
    public var failures: Int { actions.count { $0.status == .failed } }
    /// Everything is, or would be, in line.
    public var converged: Bool { conflicts == 0 && failures == 0 }
}
