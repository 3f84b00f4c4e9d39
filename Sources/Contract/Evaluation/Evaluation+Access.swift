/// `[[access]]`: effective access as the kernel decides it.
extension Evaluation {
    static let rights: [(AccessRights, String)] = [(.read, "read"), (.write, "write"), (.execute, "execute")]

    func evaluate(_ entry: AccessEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        let wanted = Self.rights.filter { entry.allow.contains($0.0) || entry.deny.contains($0.0) }
        let user = recorder.skipReason == nil ? host.user(named: entry.principal) : nil
        guard let user else {
            for (right, check) in wanted {
                recorder.fail(
                    check, key: entry.allow.contains(right) ? "allow" : "deny",
                    "user \(entry.principal) does not exist in \(host.accountOrigin)",
                    expected: entry.allow.contains(right) ? "granted" : "denied", actual: "no such user",
                    fix: userCreation(entry.principal))
            }
            if entry.via != nil { recorder.skip("via", key: "via", "user \(entry.principal) does not exist") }
            return recorder.results
        }
        let principal = Principal(name: user.name, userID: user.id, groupIDs: host.groupIDs(of: user))
        let trace = host.trace(path)
        var grants: [(String, AccessDecision)] = []
        for (right, check) in wanted {
            let allowed = entry.allow.contains(right)
            let verdict = self.verdict(right, principal, trace, via: allowed ? entry.via : nil)
            let verb = Self.verb(right, trace.target)
            let key = allowed ? "allow" : "deny"
            // Every directory this process could search grants the principal, and it can look no
            // further: the answer is not known here (a non-root audit), which is not a violation.
            if verdict.decision == nil, trace.failureIsInaccessible {
                recorder.cannotEvaluate(
                    check, key: key, "whether \(principal.name) can \(verb) \(path) cannot be evaluated here: \(verdict.explanation)",
                    expected: allowed ? "granted" : "denied", actual: "unknown")
                continue
            }
            if allowed {
                recorder.verify(
                    check, key: key, verdict.granted,
                    pass: "\(principal.name) can \(verb) \(path): \(verdict.explanation)",
                    fail: "\(principal.name) cannot \(verb) \(path): \(verdict.explanation)",
                    expected: "granted", actual: verdict.granted ? "granted" : "denied",
                    fix: verdict.grantFix)
                if verdict.granted, let decision = verdict.decision { grants.append((verb, decision)) }
            } else {
                recorder.verify(
                    check, key: key, !verdict.granted,
                    pass: "\(principal.name) cannot \(verb) \(path): \(verdict.explanation)",
                    fail: "\(principal.name) can \(verb) \(path): \(verdict.explanation)",
                    expected: "denied", actual: verdict.granted ? "granted" : "denied",
                    fix: verdict.granted ? trace.target.flatMap { denyFix(right, principal, $0) } : nil)
            }
        }
        if let via = entry.via {
            let astray = grants.filter { $0.1.grant != via }
            if grants.isEmpty {
                recorder.skip("via", key: "via", "nothing is granted, so no grant has a class")
            } else {
                recorder.verify(
                    "via", key: "via", astray.isEmpty,
                    pass: "every grant comes from the \(via.rawValue) class",
                    fail: astray.map { "\($0.0) is granted through \($0.1.grant?.rawValue ?? "capability"), not \(via.rawValue)" }
                        .joined(separator: "; "),
                    expected: via.rawValue, actual: Set(grants.compactMap { $0.1.grant?.rawValue }).sorted().joined(separator: ", "),
                    fix: astray.isEmpty ? nil : trace.target.flatMap { viaFix(entry.allow, principal, $0, via: via) })
            }
        }
        return recorder.results
    }

    /// The decision for one right, the directories on the way included, in words, and (when it
    /// is not granted) the fix that grants it through `via`.
    struct Verdict {
        var granted: Bool
        var explanation: String
        var decision: AccessDecision?
        var grantFix: String?
    }

    func verdict(_ right: AccessRights, _ principal: Principal, _ trace: AccessTrace, via: AccessEntry.Grant? = nil) -> Verdict {
        for directory in trace.searched {
            let decision = AccessDecision.decide(.execute, for: principal, on: directory)
            if !decision.granted {
                return Verdict(
                    granted: false,
                    explanation: "cannot search \(directory.path): \(explain(decision, principal, directory))",
                    decision: decision, grantFix: grantFix(.execute, principal, directory, via: nil))
            }
        }
        guard let target = trace.target else {
            let reason = trace.failure.map { "\($0.path): \($0.reason)" } ?? "cannot be looked up"
            return Verdict(granted: false, explanation: reason, decision: nil, grantFix: nil)
        }
        let decision = AccessDecision.decide(right, for: principal, on: target)
        return Verdict(
            granted: decision.granted, explanation: explain(decision, principal, target), decision: decision,
            grantFix: decision.granted ? nil : grantFix(right, principal, target, via: via))
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
