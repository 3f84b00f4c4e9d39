import TOMLKit

/// `[[access]]`: what the kernel lets a user do at a path.
public struct AccessEntry: Sendable, Hashable {
    /// The class of the ACL entry that must grant the access.
    public enum Grant: String, Sendable, CaseIterable {
        case owner, user, group, other
    }

    public var context: EntryContext
    public var principal: String
    public var path: Template
    public var allow: AccessRights
    public var deny: AccessRights
    public var via: Grant?
}

extension AccessEntry {
    static let keys = ["principal", "path", "allow", "deny", "via"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> AccessEntry? {
        let context = r.context(kind: .access, ordinal: ordinal)
        let principal = r.nonEmptyString("principal", required: true)
        if let principal, !TableReader.isPrincipalName(principal) {
            r.error("principal", "'\(principal)' is not a valid user name")
        }
        let path = r.path()
        let allow = r.accessRights("allow") ?? []
        let deny = r.accessRights("deny") ?? []
        if !r.table.contains(key: "allow"), !r.table.contains(key: "deny"), principal != nil {
            r.error(nil, "an access entry needs 'allow' or 'deny'")
        }
        if !allow.intersection(deny).isEmpty {
            r.error("deny", "'\(allow.intersection(deny))' is both allowed and denied")
        }
        let via = r.choice("via", as: AccessEntry.Grant.self)
        r.finish(allowed: keys + ContractLoader.entryKeys)
        guard let principal, let path else { return nil }
        return AccessEntry(context: context, principal: principal, path: path, allow: allow, deny: deny, via: via)
    }
}

extension Evaluation {
    func evaluate(_ entry: AccessEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        recorder.principal = entry.principal
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
        let trace = accessTraces.trace(path, on: host)
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
}
