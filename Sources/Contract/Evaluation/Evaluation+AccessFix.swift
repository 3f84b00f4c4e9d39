/// Fixes for `[[access]]` findings that give what the contract asks and nothing more.
///
/// A fix is built on a model of the object and of the principal's groups: first the owner,
/// group and mode the contract declares for the path (what that path's own findings print),
/// then one step at a time, each decided again by ``AccessDecision``, until the contract's
/// answer holds through the class `via` names. It is printed only then. No step gives a path a
/// mode other than the one the contract declares for it (or beyond its `[[tree]]`'s limit), adds
/// anyone to group root or to a group the contract does not put them in, grants through other,
/// widens an ACL mask (which would grant every named entry more), or adds a named entry where
/// `via` asks for a class; where only such a step would do, the fix says what the operator must
/// decide instead.
extension Evaluation {
    /// What the contract declares for one path: owner, group and exact mode (a `[[directory]]`,
    /// `[[file]]` or `[[key]]` naming it), and the most any `[[tree]]` holding it allows.
    struct Declared {
        var owner: Account?
        var group: Account?
        var mode: FileMode?
        var maximum: FileMode?

        func allows(_ mode: FileMode) -> Bool {
            (self.mode.map { $0 == mode } ?? true) && (maximum.map { mode.excess(over: $0).rawValue == 0 } ?? true)
        }
    }

    func declared(_ path: String, kind: PathFacts.Kind) -> Declared {
        var declared = Declared()
        func take(_ owner: Template?, _ group: Template?, _ mode: FileMode?) {
            if declared.owner == nil, let owner, case .found(let account) = account(owner, isGroup: false) { declared.owner = account }
            if declared.group == nil, let group, case .found(let account) = account(group, isGroup: true) { declared.group = account }
            if declared.mode == nil { declared.mode = mode }
        }
        func names(_ template: Template, _ context: EntryContext, subdirs: [String] = []) -> Bool {
            guard skipReason(context) == nil else { return false }
            let (base, unresolved) = resolvePath(template)
            return unresolved == nil && ([base] + subdirs.map { normalise(base + "/" + $0) }).contains(path)
        }
        for entry in contract.directories where kind == .directory && names(entry.path, entry.context, subdirs: entry.subdirs) {
            take(entry.owner, entry.group, entry.effectiveMode)
        }
        for entry in contract.files where kind != .directory && names(entry.path, entry.context) { take(entry.owner, entry.group, entry.mode) }
        for entry in contract.keys where kind != .directory && names(entry.path, entry.context) { take(entry.owner, entry.group, entry.mode) }
        for entry in contract.trees where skipReason(entry.context) == nil {
            let (base, unresolved) = resolvePath(entry.path)
            guard unresolved == nil, isInside(path, base) else { continue }
            take(entry.owner, entry.group, nil)
            guard let limit = kind == .directory ? entry.maxDirectoryMode : entry.maxFileMode else { continue }
            declared.maximum = FileMode(rawValue: (declared.maximum ?? FileMode(rawValue: 0o7777)).rawValue & limit.rawValue)
        }
        return declared
    }

    /// A fix being put together: its commands so far, the names their ids stand for, and the
    /// object and principal as they would be once the commands ran.
    struct Remedy {
        var node: AccessNode
        var principal: Principal
        let declared: Declared
        var commands: [String] = []
        var names: [String] = []
    }

    /// What the operator must decide, where no command gives what the contract asks and no more.
    struct Undecided: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The fix that gives `principal` `right` on `node` through `via` (any class when nil).
    func grantFix(_ right: AccessRights, _ principal: Principal, _ node: AccessNode, via: AccessEntry.Grant?) -> String? {
        buildFix(node, principal) { remedy in
            grants(right, remedy, via: via)
        } step: { (remedy: inout Remedy) throws(Undecided) in
            try grantStep(right, &remedy, via: via)
        }
    }

    /// The fix that takes `right` on `node` from `principal`.
    func denyFix(_ right: AccessRights, _ principal: Principal, _ node: AccessNode) -> String? {
        buildFix(node, principal) { remedy in
            !AccessDecision.decide(right, for: remedy.principal, on: remedy.node).granted
        } step: { (remedy: inout Remedy) throws(Undecided) in
            try denyStep(right, &remedy)
        }
    }

    /// The fix that has every right of `allowed` on `node` come from the `via` class.
    func viaFix(_ allowed: AccessRights, _ principal: Principal, _ node: AccessNode, via: AccessEntry.Grant) -> String? {
        let rights = Self.rights.map(\.0).filter { allowed.contains($0) }
        return buildFix(node, principal) { remedy in
            rights.allSatisfy { grants($0, remedy, via: via) }
        } step: { (remedy: inout Remedy) throws(Undecided) in
            guard let right = rights.first(where: { !grants($0, remedy, via: via) }) else { return }
            try grantStep(right, &remedy, via: via)
        }
    }

    func grants(_ right: AccessRights, _ remedy: Remedy, via: AccessEntry.Grant?) -> Bool {
        let decision = AccessDecision.decide(right, for: remedy.principal, on: remedy.node)
        return decision.granted && (via == nil || decision.grant == via)
    }

    /// Conforms the node to the contract, then takes steps until `holds`, at most four.
    func buildFix(
        _ node: AccessNode, _ principal: Principal, holds: (Remedy) -> Bool, step: (inout Remedy) throws(Undecided) -> Void
    ) -> String? {
        var remedy = conforming(Remedy(node: node, principal: principal, declared: declared(node.path, kind: node.facts.kind)))
        do {
            for _ in 0..<4 where !holds(remedy) {
                let before = (remedy.node, remedy.principal)
                try step(&remedy)
                if (remedy.node, remedy.principal) == before { break }
            }
        } catch {
            return ShellWords.decision(error.reason)
        }
        guard holds(remedy) else {
            return ShellWords.decision("no single change of \(host.operatorPath(node.path)) gives what the contract asks: look at its owner, group, mode and ACL")
        }
        return remedy.commands.isEmpty ? nil : ShellWords.sequence(remedy.commands, names: remedy.names)
    }

    /// The owner, group and mode the contract declares for the path, as its own findings' fixes give them.
    func conforming(_ remedy: Remedy) -> Remedy {
        var remedy = remedy
        let facts = remedy.node.facts
        let owner = remedy.declared.owner.flatMap { $0.id == facts.userID ? nil : $0 }
        let group = remedy.declared.group.flatMap { $0.id == facts.groupID ? nil : $0 }
        let mode = remedy.declared.mode.flatMap { $0 == facts.mode ? nil : $0 }
        let (commands, names) = ownershipCommands(remedy.node.path, owner: owner, group: group, mode: mode)
        remedy.commands += commands
        remedy.names += names
        if let owner { remedy.node.facts.userID = owner.id }
        if let group { remedy.node.facts.groupID = group.id }
        if let mode {
            remedy.node = remedy.node.with(remedy.node.list.changingMode(to: mode))
            remedy.node.facts.mode = mode
        }
        return remedy
    }

    /// One step towards `right` being granted through `via`.
    func grantStep(_ right: AccessRights, _ remedy: inout Remedy, via: AccessEntry.Grant?) throws(Undecided) {
        let decision = AccessDecision.decide(right, for: remedy.principal, on: remedy.node)
        let place = host.operatorPath(remedy.node.path), who = remedy.principal.name
        let verb = Self.verb(right, remedy.node)
        let userTag = AccessList.Tag.user(remedy.principal.userID)
        // Named entries and groups count only through the mask (not at all where it is ---).
        if decision.extendedListIgnored { try keepMask(remedy, adding: right) }
        switch decision.decider {
        case .capability:
            throw Undecided("root passes by capability, so its access to \(place) comes from no class: change the contract's via for root")
        case .noExecuteBit:
            try changeMode(&remedy, .owner, adding: right)
        case .owner:
            if let via, via != .owner {
                throw Undecided("\(who) owns \(place), so the owner class decides its access, never the \(via.rawValue) class: give \(place) another owner or change the contract")
            }
            try changeMode(&remedy, .owner, adding: right)
        case .namedUser(let rights, _):
            if via == nil || via == .user {
                try keepMask(remedy, adding: right)
                try setEntry(&remedy, userTag, rights.union(right))
            } else {
                // The named entry decides before any group: without it the classes decide.
                removeEntry(&remedy, userTag)
            }
        case .group(let entries, _):
            if via == .user {
                try setEntry(&remedy, userTag, right)
            } else if let via, via != .group {
                throw Undecided("\(who) is in a group of \(place), so the group class decides its access, never the \(via.rawValue) class: change the contract")
            } else if let entry = entries.first {
                // In a group of the object already: that group's entry, or the mask, lacks the right.
                try keepMask(remedy, adding: right)
                try addToGroupEntry(&remedy, entry, right)
            }
        case .other:
            if decision.granted {
                // Granted, but through other: withdraw it there, then grant through the class asked for.
                try changeMode(&remedy, .other, removing: right)
                return
            }
            let candidates = groupGrants(right, remedy.node)
            if via == nil || via == .group, let group = candidates.compactMap(joinable(remedy.principal)).first {
                remedy.commands.append(accountCommand("usermod", "-aG", group.name, who))
                remedy.principal.groupIDs.append(group.id)
                return
            }
            if (via == nil && candidates.isEmpty) || via == .user {
                try setEntry(&remedy, userTag, right)
                return
            }
            throw Undecided(unjoinable(candidates, who: who, verb: verb, place: place, via: via))
        }
    }

    /// One step towards `right` being denied.
    func denyStep(_ right: AccessRights, _ remedy: inout Remedy) throws(Undecided) {
        let decision = AccessDecision.decide(right, for: remedy.principal, on: remedy.node)
        let place = host.operatorPath(remedy.node.path)
        switch decision.decider {
        case .capability, .noExecuteBit:
            throw Undecided("root passes by capability: no permission of \(place) can deny it \(Self.verb(right, remedy.node)); change the contract")
        case .owner:
            try changeMode(&remedy, .owner, removing: right)
        case .namedUser(let rights, _):
            try setEntry(&remedy, .user(remedy.principal.userID), rights.subtracting(right))
        case .group(let entries, let mask):
            for entry in entries where entry.rights.intersection(mask ?? entry.rights).contains(right) {
                if entry.tag == .owningGroup, remedy.node.list.mask == nil {
                    try changeMode(&remedy, .owningGroup, removing: right)
                } else {
                    try setEntry(&remedy, entry.tag, entry.rights.subtracting(right))
                }
            }
        case .other:
            try changeMode(&remedy, .other, removing: right)
        }
    }

    /// The groups whose entry on `node` grants `right` (the mask applied): the owning group and named groups.
    func groupGrants(_ right: AccessRights, _ node: AccessNode) -> [UInt32] {
        let mask = node.list.mask
        return node.list.entries.compactMap { entry in
            guard entry.rights.intersection(mask ?? entry.rights).contains(right) else { return nil }
            switch entry.tag {
            case .owningGroup: return node.facts.groupID
            case .group(let id): return id
            default: return nil
            }
        }
    }

    /// A group `principal` may be added to by a fix: it has a name, is not group root, and the
    /// contract puts the principal in it.
    func joinable(_ principal: Principal) -> (UInt32) -> Account? {
        let declared = Set(declaredGroups(of: principal.name))
        return { id in
            guard id != 0, let group = host.group(id: id), declared.contains(group.name) else { return nil }
            return group
        }
    }

    /// Why no group that grants can be joined by a fix.
    func unjoinable(_ candidates: [UInt32], who: String, verb: String, place: String, via: AccessEntry.Grant?) -> String {
        if candidates.isEmpty {
            return via == .group
                ? "no group of \(place) lets anyone \(verb) it, and the contract wants \(who)'s access through a group: give it a group \(who) is in, in the contract"
                : "only other could let \(who) \(verb) \(place), which would let everyone: change the contract"
        }
        if candidates.contains(0) {
            return "only group root would let \(who) \(verb) \(place), and hostcontract never adds anyone to group root: give the path a group of its own, or grant \(who) another way"
        }
        if let nameless = candidates.first(where: { host.group(id: $0) == nil }) {
            return "group gid \(nameless) would let \(who) \(verb) \(place), but it has no name in \(host.accountOrigin): name it, or give the path a group the contract names"
        }
        let names = candidates.map(groupName).joined(separator: ", ")
        return "group \(names) would let \(who) \(verb) \(place), but the contract does not put \(who) in it: add \(who) to its members in the contract if it belongs there, or grant another way"
    }

    enum ModeClass { case owner, owningGroup, other }

    /// `chmod u+r`-style, where the mode it gives is one the contract allows for the path.
    func changeMode(_ remedy: inout Remedy, _ who: ModeClass, adding: AccessRights = [], removing: AccessRights = []) throws(Undecided) {
        let (letter, shift): (String, UInt32) = switch who {
        case .owner: ("u", 6)
        case .owningGroup: ("g", 3)
        case .other: ("o", 0)
        }
        let place = host.operatorPath(remedy.node.path)
        if who == .other, !adding.isEmpty {
            throw Undecided("only other could grant this on \(place), which would grant everyone: change the contract")
        }
        let old = remedy.node.facts.mode
        let mode = FileMode(rawValue: (old.rawValue | UInt32(adding.rawValue) << shift) & ~(UInt32(removing.rawValue) << shift))
        let change = letter + (adding.isEmpty ? "-" + Self.letters(removing) : "+" + Self.letters(adding))
        guard remedy.declared.allows(mode) else {
            let rule = remedy.declared.mode.map { "declares mode \($0) for" } ?? "allows at most \(remedy.declared.maximum ?? mode) below its tree at"
            throw Undecided("the contract \(rule) \(place), and the fix would need mode \(mode) there: change the mode in the contract, or grant another way")
        }
        remedy.commands.append(ShellWords.command("chmod", change, place))
        remedy.node = remedy.node.with(remedy.node.list.changingMode(to: mode))
        remedy.node.facts.mode = mode
    }

    /// `setfacl -m` of one entry: `-n` where a mask exists, so it stays as it is (a right the mask
    /// lacks is then never granted: widening the mask grants every named entry more).
    func setEntry(_ remedy: inout Remedy, _ tag: AccessList.Tag, _ rights: AccessRights) throws(Undecided) {
        let place = host.operatorPath(remedy.node.path)
        try keepMask(remedy, adding: rights.subtracting(remedy.node.list.rights(of: tag) ?? []))
        let list = remedy.node.list.setting(tag, to: rights)
        let node = remedy.node.with(list)
        guard remedy.declared.allows(node.facts.mode) else {
            throw Undecided("the contract declares mode \(remedy.declared.mode ?? node.facts.mode) for \(place), and an ACL entry \(aclEntryText(tag, rights)) would make it \(node.facts.mode): change the contract, or grant another way")
        }
        let flags = remedy.node.list.mask == nil ? ["-m"] : ["-n", "-m"]
        remedy.commands.append(([ "setfacl"] + flags + [aclEntryText(tag, rights), place]).map(ShellWords.quote).joined(separator: " "))
        remedy.names += entryNames(tag)
        remedy.node = node
    }

    /// A right the ACL mask lacks is never granted by a fix: widening the mask would grant it
    /// to every named entry and group that has it.
    func keepMask(_ remedy: Remedy, adding rights: AccessRights) throws(Undecided) {
        guard let mask = remedy.node.list.mask, !rights.isSubset(of: mask) else { return }
        throw Undecided("the ACL mask of \(host.operatorPath(remedy.node.path)) is \(mask): widening it to \(mask.union(rights)) would give every named entry and group that much too; decide whether the mask or the contract is wrong")
    }

    /// `setfacl -n -x` of a named entry; the mask stays.
    func removeEntry(_ remedy: inout Remedy, _ tag: AccessList.Tag) {
        remedy.commands.append(ShellWords.command("setfacl", "-n", "-x", aclEntryText(tag, nil), host.operatorPath(remedy.node.path)))
        remedy.names += entryNames(tag)
        remedy.node = remedy.node.with(remedy.node.list.removing(tag))
    }

    /// Adds `right` to a group entry the principal matches.
    func addToGroupEntry(_ remedy: inout Remedy, _ entry: AccessList.Entry, _ right: AccessRights) throws(Undecided) {
        if entry.tag == .owningGroup, remedy.node.list.mask == nil {
            try changeMode(&remedy, .owningGroup, adding: right)
        } else {
            try setEntry(&remedy, entry.tag, entry.rights.union(right))
        }
    }

    /// An entry as setfacl(1) takes it (`u:990:r--`, `g::r-x`): names on the host itself, the
    /// image's numeric ids under --root; without rights for `-x`.
    func aclEntryText(_ tag: AccessList.Tag, _ rights: AccessRights?) -> String {
        let head: String = switch tag {
        case .owner: "u:"
        case .user(let id): "u:" + (host.rootDirectory == nil ? host.user(id: id)?.name ?? String(id) : String(id))
        case .owningGroup: "g:"
        case .group(let id): "g:" + (host.rootDirectory == nil ? host.group(id: id)?.name ?? String(id) : String(id))
        case .mask: "m:"
        case .other: "o:"
        }
        return rights.map { head + ":" + $0.description } ?? head
    }

    func entryNames(_ tag: AccessList.Tag) -> [String] {
        switch tag {
        case .user(let id): host.user(id: id).map { idNames($0) } ?? []
        case .group(let id): host.group(id: id).map { idNames($0) } ?? []
        default: []
        }
    }

    static func letters(_ rights: AccessRights) -> String { rights.description.replacing("-", with: "") }
}
