/// The access-check algorithm of acl(5), for one right, one principal and one object: which
/// entry decided, and whether it granted.
public struct AccessDecision: Sendable, Equatable {
    /// The entry (or capability) that decided.
    public enum Decider: Sendable, Equatable {
        /// root, by CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH.
        case capability
        /// root asked to execute a file with no execute bit anywhere.
        case noExecuteBit
        case owner(AccessRights)
        /// A named user entry, and the mask that limits it.
        case namedUser(AccessRights, mask: AccessRights?)
        /// The group class: every owning-group or named-group entry the principal matches (the
        /// one that grants first), and the mask.
        case group([AccessList.Entry], mask: AccessRights?)
        /// Nobody else matched: the other entry.
        case other(AccessRights)
    }

    public var granted: Bool
    public var decider: Decider
    /// The file has an extended ACL whose mask is empty: the kernel then decides by the mode
    /// bits alone (the kernel's acl_permission_check consults the ACL only when the group bits are set).
    public var extendedListIgnored = false

    /// Decides `right` (one of r, w, x) for `principal` on `node`.
    public static func decide(_ right: AccessRights, for principal: Principal, on node: AccessNode) -> AccessDecision {
        let list = node.list
        if principal.isRoot {
            // Execute needs an execute bit somewhere, except on directories (search).
            if right == .execute, node.facts.kind != .directory, node.facts.mode.rawValue & 0o111 == 0 {
                return AccessDecision(granted: false, decider: .noExecuteBit)
            }
            return AccessDecision(granted: true, decider: .capability)
        }
        if principal.userID == node.facts.userID {
            let rights = list.rights(of: .owner) ?? []
            return AccessDecision(granted: rights.contains(right), decider: .owner(rights))
        }
        if list.mask != nil, node.facts.mode.rawValue & 0o070 == 0 {
            var decision = decide(right, for: principal, on: AccessNode(path: node.path, facts: node.facts))
            decision.extendedListIgnored = true
            return decision
        }
        let mask = list.mask
        if let rights = list.rights(of: .user(principal.userID)) {
            let effective = mask.map { rights.intersection($0) } ?? rights
            return AccessDecision(granted: effective.contains(right), decider: .namedUser(rights, mask: mask))
        }
        let matching = list.entries.filter { entry in
            switch entry.tag {
            case .owningGroup: principal.groupIDs.contains(node.facts.groupID)
            case .group(let id): principal.groupIDs.contains(id)
            default: false
            }
        }
        if !matching.isEmpty {
            let granting = matching.filter { entry in
                let effective = mask.map { entry.rights.intersection($0) } ?? entry.rights
                return effective.contains(right)
            }
            let ordered = granting + matching.filter { !granting.contains($0) }
            return AccessDecision(granted: !granting.isEmpty, decider: .group(ordered, mask: mask))
        }
        let rights = list.rights(of: .other) ?? []
        return AccessDecision(granted: rights.contains(right), decider: .other(rights))
    }

    /// The class the decision came from, as `via` names it.
    public var grant: AccessEntry.Grant? {
        switch decider {
        case .owner: .owner
        case .namedUser: .user
        case .group: .group
        case .other: .other
        case .capability, .noExecuteBit: nil
        }
    }
}
