import Contract

/// Turns a contract and what the host shows into the targets to bring in line and the changes
/// that takes: parents first, conflicts named with what to do. Reads the host only through
/// ``ObservedHost`` and ``MountPoints``; changes nothing.
public struct Planner {
    public let contract: Contract
    public let environment: ResolvedEnvironment
    public let host: any ObservedHost
    /// Whether volumes are mounted at `[[encrypted]]` paths; by default the host's own answer
    /// when it gives one.
    public let mounts: (any MountPoints)?

    public init(contract: Contract, environment: ResolvedEnvironment, host: any ObservedHost, mounts: (any MountPoints)? = nil) {
        self.contract = contract
        self.environment = environment
        self.host = host
        self.mounts = mounts ?? (host as? any MountPoints)
    }

    public struct Plan: Sendable {
        public var targets: [ProvisionTarget]
        /// The changes expected, and conflicts found while planning.
        public var actions: [ProvisionAction]
        /// What the host could not judge and provisioning went ahead without (an `[[encrypted]]`
        /// path under `--root` that is not a mount point).
        public var notes: [String] = []
        /// The `[[tree]]`s to bring in line, after every target.
        public var trees: [TreeTarget] = []
        /// Conflicting paths: their targets are left out of `targets`.
        public var conflicts: [ProvisionAction] { actions.filter { $0.status == .conflict } }
    }

    public func plan() -> Plan {
        var conflicts: [ProvisionAction] = []
        var declared: [ProvisionTarget] = []
        var declaredPaths = Set<String>()
        let expected = contract.directories.count + contract.files.count + contract.keys.count
        declared.reserveCapacity(expected)
        declaredPaths.reserveCapacity(expected)

        func resolve(_ template: Template, _ context: EntryContext) -> String? {
            if environment.unmetReason(context.condition) != nil { return nil }
            switch environment.resolve(template) {
            case .success(let path): return normalise(path)
            case .failure(let missing):
                conflicts.append(.conflict(
                    template.source, "depends on ${\(missing.variable)}, \(missing.reason); \(missing.withheldBecause == nil ? "set it" : "correct the environment file"), then provision again",
                    line: context.line))
                return nil
            }
        }
        func account(_ template: Template?, isGroup: Bool, path: String, line: Int) -> (Account?, Bool) {
            guard let template else { return (nil, true) }
            guard case .success(let name) = environment.resolve(template) else {
                conflicts.append(.conflict(path, "\(isGroup ? "group" : "owner") \(template.source) cannot be resolved", line: line))
                return (nil, false)
            }
            if let id = UInt32(name) { return (Account(name: name, id: id), true) }
            if let found = isGroup ? host.group(named: name) : host.user(named: name) { return (found, true) }
            let command = isGroup ? "groupadd --system \(name)" : "useradd --system \(name)"
            conflicts.append(.conflict(
                path, "\(isGroup ? "group" : "user") '\(name)' does not exist in \(host.accountOrigin); create it (\(command)), then provision again",
                line: line))
            return (nil, false)
        }
        func add(_ path: String, _ kind: ProvisionTarget.Kind, owner: Template?, group: Template?, mode: FileMode?,
                 acl: [AccessControlEntry], line: Int, owningGroupRights: AccessRights? = nil) {
            let (ownerAccount, ownerOK) = account(owner, isGroup: false, path: path, line: line)
            let (groupAccount, groupOK) = account(group, isGroup: true, path: path, line: line)
            var entries: [(Bool, AccessList.Entry)] = []
            var aclOK = true
            for entry in acl {
                let tag: AccessList.Tag?
                switch (entry.tag, entry.qualifier) {
                case (.user, nil): tag = .owner
                case (.user, let name?): tag = (UInt32(name) ?? host.user(named: name)?.id).map { .user($0) }
                case (.group, nil): tag = .owningGroup
                case (.group, let name?): tag = (UInt32(name) ?? host.group(named: name)?.id).map { .group($0) }
                case (.mask, _): tag = .mask
                case (.other, _): tag = .other
                }
                guard let tag else {
                    conflicts.append(.conflict(path, "ACL entry \(entry) names '\(entry.qualifier ?? "")', which does not exist in \(host.accountOrigin)", line: line))
                    aclOK = false
                    continue
                }
                entries.append((entry.isDefault, AccessList.Entry(tag: tag, rights: entry.rights)))
            }
            guard ownerOK, groupOK, aclOK, declaredPaths.insert(path).inserted else { return }
            var target = ProvisionTarget(
                path: path, kind: kind, owner: ownerAccount, group: groupAccount, mode: mode, acl: entries, line: line)
            target.owningGroupRights = owningGroupRights
            declared.append(target)
        }

        // Paths that must not exist (`absent = true`): never made, never touched, and nothing
        // is made below them.
        var absent: [(path: String, line: Int)] = []
        for (template, context) in contract.absentPaths {
            if let path = resolve(template, context) { absent.append((path, context.line)) }
        }
        for entry in contract.directories where !entry.absent {
            guard let base = resolve(entry.path, entry.context) else { continue }
            for path in [base] + entry.subdirs.map({ normalise(base + "/" + $0) }) {
                add(path, .directory(create: entry.create), owner: entry.owner, group: entry.group, mode: entry.effectiveMode,
                    acl: entry.acl, line: entry.context.line,
                    owningGroupRights: entry.mode.map { AccessRights(rawValue: UInt8(($0.rawValue >> 3) & 7)) })
            }
        }
        for entry in contract.files where !entry.absent {
            guard let path = resolve(entry.path, entry.context) else { continue }
            add(path, .file(required: entry.required), owner: entry.owner, group: entry.group, mode: entry.mode, acl: [], line: entry.context.line)
        }
        for entry in contract.keys {
            guard let path = resolve(entry.path, entry.context) else { continue }
            add(path, .file(required: true), owner: entry.owner, group: entry.group, mode: entry.mode, acl: [], line: entry.context.line)
        }

        // Parents no entry declares, for the directories provisioning creates.
        var targets = declared
        var implicit = Set<String>()
        // Siblings share their parents: each parent's ancestors are walked once.
        var walked = Set<String>()
        for target in declared where target.creates {
            guard let parent = Applier.parentAndName(target.path)?.parent, walked.insert(parent).inserted else { continue }
            var prefix = ""
            for component in target.path.split(separator: "/").dropLast() {
                prefix += "/" + component
                if !declaredPaths.contains(prefix) && implicit.insert(prefix).inserted {
                    targets.append(ProvisionTarget(path: prefix, kind: .directory(create: true), acl: []))
                }
            }
        }
        targets.sort { Self.precedes($0.path, $1.path) }

        // What each target needs, judged from the host as it is now.
        var actions = conflicts
        var blocked = Set(conflicts.map(\.path))
        var creating = Set<String>(minimumCapacity: targets.count)
        var kept: [ProvisionTarget] = []
        var directories = Set<String>()
        var reachable = Set<String>(minimumCapacity: targets.count / 8)
        let (refusals, notes) = encryptedVolumes(targets)
        for target in targets {
            if let (path, line) = absent.first(where: { isInside(target.path, $0.path) }) {
                let reason = path == target.path
                    ? "the contract says it must not exist (absent = true at line \(line)); left untouched"
                    : "lies below \(path), which the contract says must not exist (absent = true at line \(line)); left untouched"
                actions.append(.conflict(target.path, reason, line: target.line))
                blocked.insert(target.path)
                continue
            }
            if let refusal = Self.refusal(of: target, refusals) {
                actions.append(refusal)
                blocked.insert(target.path)
                continue
            }
            if let reason = obstacle(for: target, creating: creating, blocked: blocked, directories: &directories, reachable: &reachable) {
                actions.append(.conflict(target.path, reason, line: target.line))
                blocked.insert(target.path)
                continue
            }
            let expected = changes(for: target, creating: creating)
            if expected.contains(where: { $0.kind == .create }) { creating.insert(target.path) }
            if let conflict = expected.first(where: { $0.status == .conflict }) {
                actions.append(conflict)
                blocked.insert(target.path)
                continue
            }
            actions += expected
            kept.append(target)
        }
        var trees: [TreeTarget] = []
        for entry in contract.trees {
            let mark = conflicts.count
            let path = resolve(entry.path, entry.context)
            let (owner, ownerOK) = path.map { account(entry.owner, isGroup: false, path: $0, line: entry.context.line) } ?? (nil, false)
            let (group, groupOK) = path.map { account(entry.group, isGroup: true, path: $0, line: entry.context.line) } ?? (nil, false)
            actions += conflicts[mark...]
            guard let path, ownerOK, groupOK else { continue }
            let tree = TreeTarget(path: path, owner: owner, group: group, maxDirectoryMode: entry.maxDirectoryMode,
                                  maxFileMode: entry.maxFileMode, line: entry.context.line)
            let asDirectory = ProvisionTarget(path: path, kind: .directory(create: false), acl: [], line: entry.context.line)
            if let (absentPath, line) = absent.first(where: { isInside(path, $0.path) }) {
                actions.append(.conflict(path, "lies at or below \(absentPath), which the contract says must not exist (absent = true at line \(line)); left untouched", line: tree.line))
                continue
            }
            if let reason = obstacle(for: asDirectory, creating: creating, blocked: blocked, directories: &directories, reachable: &reachable) {
                actions.append(.conflict(path, reason, line: tree.line))
                continue
            }
            if !creating.contains(path) {
                switch host.inspect(path, followFinal: false) {
                case .present(let facts) where facts.kind == .directory: break
                case .present(let facts) where facts.kind == .symbolicLink:
                    actions.append(.conflict(path, "is a symbolic link; provisioning never follows symbolic links: declare the real path (left untouched)", line: tree.line))
                    continue
                case .present(let facts):
                    actions.append(.conflict(path, "is a \(facts.kind.rawValue) where the top of a tree, a directory, is expected (left untouched)", line: tree.line))
                    continue
                case .missing, .danglingLink:
                    actions.append(.conflict(path, "does not exist; a tree is not created (declare it as a [[directory]] too)", line: tree.line))
                    continue
                case .unreadable(let reason):
                    actions.append(.conflict(path, "cannot be inspected: \(reason)", line: tree.line))
                    continue
                }
            }
            trees.append(tree)
        }
        return Plan(targets: kept, actions: actions, notes: notes, trees: trees)
    }

    /// What bringing `tree` in line would change, from an audit of the host as it is now:
    /// counts per kind of change and the first examples (a dry run prints them).
    public func treeActions(_ tree: TreeTarget) -> (actions: [ProvisionAction], entries: Int) {
        switch host.audit(tree: tree.path, limits: tree.limits) {
        case .failure(let error) where error.isNotFound:
            return ([], 0)  // made by this run: nothing below it yet
        case .failure(let error):
            return ([.conflict(tree.path, "cannot be walked: \(error)", line: tree.line)], 0)
        case .success(let tally):
            let actions = tree.actions(tally, status: .planned) { id, isGroup in
                (isGroup ? host.group(id: id)?.name : host.user(id: id)?.name) ?? String(id)
            }
            return (actions, tally.entries)
        }
    }

    /// Parents before children, then component by component by name (in UTF-8 byte order, a
    /// name before the longer names it begins): the order of comparing the paths split at
    /// each "/", read off the bytes without splitting them.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let slash = UInt8(ascii: "/")
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true  // a is b's ancestor, or its last name begins b's name
            case (_, nil): return false
            case let (x?, y?) where x != y:
                if x == slash { return true }  // a's name ended first: it begins b's
                if y == slash { return false }
                return x < y
            default: continue
            }
        }
    }

    /// Why a target cannot be reached without following a link, if it cannot.
    /// `directories` holds the parents already found to be directories on the host, each
    /// inspected once per plan rather than once per target below it. `reachable` holds the
    /// parents whose every ancestor was found fine: targets come parents first, so nothing
    /// above such a parent is judged again (it cannot become blocked later), and its other
    /// children are answered with one lookup.
    func obstacle(
        for target: ProvisionTarget, creating: Set<String>, blocked: Set<String>, directories: inout Set<String>,
        reachable: inout Set<String>
    ) -> String? {
        let parent = Applier.parentAndName(target.path)?.parent
        if let parent, reachable.contains(parent) { return nil }
        var prefix = ""
        for component in target.path.split(separator: "/").dropLast() {
            prefix += "/" + component
            if blocked.contains(prefix) { return "its parent \(prefix) is in conflict; left untouched" }
            if creating.contains(prefix) || directories.contains(prefix) { continue }
            switch host.inspect(prefix, followFinal: false) {
            case .present(let facts) where facts.kind == .directory:
                directories.insert(prefix)
                continue
            case .present(let facts) where facts.kind == .symbolicLink:
                return "its parent \(prefix) is a symbolic link; provisioning never follows symbolic links: declare the real path, or replace the link with a directory"
            case .present(let facts):
                return "its parent \(prefix) is a \(facts.kind.rawValue), not a directory; move it aside, then provision again"
            case .missing, .danglingLink:
                return "its parent \(prefix) does not exist and is not created here (create = false or not declared)"
            case .unreadable(let reason):
                return "its parent \(prefix) cannot be inspected: \(reason)"
            }
        }
        if let parent { reachable.insert(parent) }
        return nil
    }

    /// The changes that bring one reachable target in line (or the conflict that prevents it).
    func changes(for target: ProvisionTarget, creating: Set<String>) -> [ProvisionAction] {
        let parentCreated = creating.contains(Applier.parentAndName(target.path)?.parent ?? "/")
        let state: PathState = parentCreated ? .missing : host.inspect(target.path, followFinal: false)
        let line = target.line
        switch (state, target.kind) {
        case (.missing, .directory(create: true)):
            let after = target.isImplicitParent ? "directory root:root 0755" : "directory \(target.description)"
                + (target.acl.isEmpty ? "" : " acl " + Self.describe(target.acl))
            return [ProvisionAction(path: target.path, kind: .create, after: after, status: .planned,
                                    message: target.isImplicitParent ? "create parent directory" : "create directory", line: line)]
        case (.missing, .directory(create: false)):
            return [.conflict(target.path, "does not exist and create = false: mount or create it, then provision again", line: line)]
        case (.missing, .file(required: true)):
            return [.conflict(target.path, "does not exist; provisioning never creates files or keys: install it, then provision again", line: line)]
        case (.missing, .file(required: false)):
            return []
        case (.danglingLink, _):
            return [.conflict(target.path, "is a symbolic link; provisioning never follows symbolic links (left untouched)", line: line)]
        case (.unreadable(let reason), _):
            return [.conflict(target.path, "cannot be inspected: \(reason)", line: line)]
        case (.present(let facts), _):
            if facts.kind == .symbolicLink {
                return [.conflict(target.path, "is a symbolic link; provisioning never follows symbolic links: replace it with the real \(target.creates || target.kind == .directory(create: false) ? "directory" : "file") (left untouched)", line: line)]
            }
            switch target.kind {
            case .directory where facts.kind != .directory:
                return [.conflict(target.path, "is a \(facts.kind.rawValue) where a directory is expected; move it aside, then provision again (left untouched)", line: line)]
            case .file where facts.kind != .regular:
                return [.conflict(target.path, "is a \(facts.kind.rawValue) where a regular file is expected (left untouched)", line: line)]
            case .file where facts.linkCount > 1:
                return [.conflict(target.path, "has \(facts.linkCount) hard links; provisioning never changes a hard-linked file (left untouched)", line: line)]
            default:
                break
            }
            if target.isImplicitParent { return [] }
            return metadataChanges(target, facts)
        }
    }

    func metadataChanges(_ target: ProvisionTarget, _ facts: PathFacts) -> [ProvisionAction] {
        var actions: [ProvisionAction] = []
        let name = { (id: UInt32, isGroup: Bool) -> String in
            (isGroup ? host.group(id: id)?.name : host.user(id: id)?.name) ?? String(id)
        }
        if let owner = target.owner, owner.id != facts.userID {
            actions.append(ProvisionAction(path: target.path, kind: .chown, before: name(facts.userID, false), after: owner.name,
                                           status: .planned, message: "change owner", line: target.line))
        }
        if let group = target.group, group.id != facts.groupID {
            actions.append(ProvisionAction(path: target.path, kind: .chgrp, before: name(facts.groupID, true), after: group.name,
                                           status: .planned, message: "change group", line: target.line))
        }
        if let mode = target.mode, mode != facts.mode {
            actions.append(ProvisionAction(path: target.path, kind: .chmod, before: facts.mode.description, after: mode.description,
                                           status: .planned, message: "change mode", line: target.line))
        }
        if !target.acl.isEmpty {
            for isDefault in [false, true] where target.acl.contains(where: { $0.isDefault == isDefault }) {
                let current = (try? host.accessList(of: target.path, isDefault: isDefault).get()) ?? AccessList(entries: [])
                let wanted = target.acl.filter { $0.isDefault == isDefault }.map(\.entry)
                if !Self.satisfies(current, wanted) {
                    actions.append(ProvisionAction(
                        path: target.path, kind: .setfacl, before: Self.describe(current.entries),
                        after: Self.describe(wanted.map { (isDefault, $0) }), status: .planned,
                        message: isDefault ? "add default ACL entries" : "add ACL entries", line: target.line))
                }
            }
        }
        return actions
    }

    /// Every wanted entry present with exactly its rights, and none limited by the mask.
    public static func satisfies(_ list: AccessList, _ wanted: [AccessList.Entry]) -> Bool {
        wanted.allSatisfy { entry in
            guard list.rights(of: entry.tag) == entry.rights else { return false }
            switch entry.tag {
            case .user, .group, .owningGroup:
                guard let mask = list.mask else { return entry.tag == .owningGroup }
                return entry.rights.intersection(mask) == entry.rights
            default: return true
            }
        }
    }

    static func describe(_ entries: [(isDefault: Bool, entry: AccessList.Entry)]) -> String {
        entries.map { (isDefault, entry) in (isDefault ? "default:" : "") + describe(entry) }.joined(separator: ",")
    }

    static func describe(_ entries: [AccessList.Entry]) -> String {
        entries.map(describe).joined(separator: ",")
    }

    static func describe(_ entry: AccessList.Entry) -> String {
        let tag = switch entry.tag {
        case .owner: "user:"
        case .user(let id): "user:\(id)"
        case .owningGroup: "group:"
        case .group(let id): "group:\(id)"
        case .mask: "mask:"
        case .other: "other:"
        }
        return "\(tag):\(entry.rights)"
    }
}

extension String {
    var withLeadingSlash: String { hasPrefix("/") ? self : "/" + self }
}
