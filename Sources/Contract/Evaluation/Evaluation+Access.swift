/// Effective access as the kernel decides it, in words: for `[[access]]`, for the nginx worker's
/// access, and for the fixes that grant or deny it.
extension Evaluation {
    static let rights: [(AccessRights, String)] = [(.read, "read"), (.write, "write"), (.execute, "execute")]

    /// The decision for one right, the directories on the way included, in words, and (when it
    /// is not granted) the fix that grants it through `via`.
    struct Verdict {
        var granted: Bool
        var explanation: String
        var decision: AccessDecision?
        /// Built when asked: a denial the contract wants (a `deny` check that passes) shows none.
        var grantFix: String? { makeGrantFix() }
        let makeGrantFix: () -> String?
    }

    func verdict(_ right: AccessRights, _ principal: Principal, _ trace: AccessTrace, via: AccessEntry.Grant? = nil) -> Verdict {
        for directory in trace.searched {
            let decision = AccessDecision.decide(.execute, for: principal, on: directory)
            if !decision.granted {
                return Verdict(
                    granted: false,
                    explanation: "cannot search \(directory.path): \(explain(decision, principal, directory))",
                    decision: decision, makeGrantFix: { grantFix(.execute, principal, directory, via: nil) })
            }
        }
        guard let target = trace.target else {
            let reason = trace.failure.map { "\($0.path): \($0.reason)" } ?? "cannot be looked up"
            return Verdict(granted: false, explanation: reason, decision: nil, makeGrantFix: { nil })
        }
        let decision = AccessDecision.decide(right, for: principal, on: target)
        return Verdict(
            granted: decision.granted, explanation: explain(decision, principal, target), decision: decision,
            makeGrantFix: { decision.granted ? nil : grantFix(right, principal, target, via: via) })
    }

    static func verb(_ right: AccessRights, _ target: AccessNode?) -> String {
        switch right {
        case .read: "read"
        case .write: "write"
        default: target?.facts.kind == .directory ? "search" : "execute"
        }
    }

    func groupLabel(_ tag: AccessList.Tag, _ node: AccessNode) -> String {
        switch tag {
        case .owningGroup: "group \(groupName(node.facts.groupID))"
        case .group(let id): "group:\(groupName(id)) entry"
        default: "group"
        }
    }

    func explain(_ decision: AccessDecision, _ principal: Principal, _ node: AccessNode) -> String {
        let reason = explainDecider(decision, principal, node)
        return decision.extendedListIgnored
            ? reason + " (the ACL's mask is ---, so the kernel decides by the mode bits and ignores the named entries)"
            : reason
    }

    func explainDecider(_ decision: AccessDecision, _ principal: Principal, _ node: AccessNode) -> String {
        func masked(_ rights: AccessRights, _ mask: AccessRights?) -> String {
            guard let mask, rights.intersection(mask) != rights else { return "" }
            return ", limited by mask \(mask) to \(rights.intersection(mask))"
        }
        switch decision.decider {
        case .capability:
            return "root passes by capability, not by the permission bits"
        case .noExecuteBit:
            return "no execute bit is set on it, so not even root may execute it"
        case .owner(let rights):
            return decision.granted
                ? "granted through owner (\(principal.name) owns it, owner has \(rights))"
                : "\(principal.name) owns it and owner has \(rights)"
        case .namedUser(let rights, let mask):
            return decision.granted
                ? "granted through the user:\(principal.name) entry (\(rights))"
                : "the user:\(principal.name) entry has \(rights)\(masked(rights, mask))"
        case .group(let entries, let mask):
            if decision.granted, let first = entries.first { return "granted through \(groupLabel(first.tag, node))" }
            return entries.map { "\(groupLabel($0.tag, node)) has \($0.rights)\(masked($0.rights, mask))" }
                .joined(separator: "; ")
        case .other(let rights):
            if decision.granted { return "granted through other (\(rights))" }
            return "other has \(rights), and \(principal.name) is not in group \(groupName(node.facts.groupID))"
        }
    }
}
