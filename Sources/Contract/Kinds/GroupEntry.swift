/// `[[group]]`: a group that must exist with these members, and with `members_only` no others.
public struct GroupEntry: Sendable, Hashable {
    public var context: EntryContext
    public var name: String
    public var system: Bool?
    public var members: [String]
    /// Nobody is in the group but the users the contract puts there.
    public var membersOnly: Bool = false
}

extension GroupEntry {
    static let keys = ["name", "system", "members", "members_only"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> GroupEntry? {
        let context = r.context(kind: .group, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        if let name, !TableReader.isPrincipalName(name) { r.error("name", "'\(name)' is not a valid group name") }
        let entry = GroupEntry(
            context: context, name: name ?? "", system: r.bool("system"), members: r.principalNames("members"),
            membersOnly: r.bool("members_only") ?? false)
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return name == nil ? nil : entry
    }
}

extension Evaluation {
    func evaluate(_ entry: GroupEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        let group = recorder.skipReason == nil ? host.group(named: entry.name) : nil
        if let group {
            recorder.pass("exists", key: "name", "group \(entry.name) exists (gid \(group.id))", actual: "gid \(group.id)")
        } else {
            recorder.fail(
                "exists", key: "name", "group \(entry.name) does not exist in \(host.accountOrigin)",
                expected: "present", actual: "missing",
                fix: groupCreation(entry.name))
        }
        if let system = entry.system {
            if let group {
                let isSystem = group.id <= host.systemIDMaximum
                recorder.verify(
                    "system", key: "system", isSystem == system,
                    pass: "gid \(group.id) is \(system ? "in" : "outside") the system range",
                    fail: "gid \(group.id) is \(isSystem ? "in" : "outside") the system range (up to \(host.systemIDMaximum))",
                    expected: system ? "system group" : "regular group", actual: "gid \(group.id)")
            } else {
                recorder.skip("system", key: "system", "group \(entry.name) does not exist")
            }
        }
        for member in entry.members {
            let user = recorder.skipReason == nil ? host.user(named: member) : nil
            membership(&recorder, user: user, userName: member, wanted: entry.name, check: "members", key: "members")
        }
        if entry.membersOnly { checkExactMembership(&recorder, entry, group: group) }
        return recorder.results
    }

    /// `members_only`: nobody is in the group but the users the contract puts there (this
    /// entry's `members`, and each `[[user]]` whose `groups` name it), neither listed in its
    /// group(5) entry nor through their primary group. A listed one is taken out with gpasswd;
    /// another primary group is the operator's to choose.
    func checkExactMembership(_ recorder: inout Recorder, _ entry: GroupEntry, group: Account?) {
        guard let group else {
            recorder.skip("members_only", key: "members_only", "group \(entry.name) does not exist")
            return
        }
        let allowed = Self.unique(entry.members + declaredMemberships().filter { $0.group == entry.name }.map(\.user))
        let members = host.members(of: group)
        let listed = Self.unique(members.listed).filter { !allowed.contains($0) }
        let primary = Self.unique(members.primary).filter { !allowed.contains($0) }
        let expected = allowed.isEmpty ? "no members" : "only " + allowed.joined(separator: ", ")
        let everyone = Self.unique(members.primary + members.listed)
        let actual = everyone.isEmpty ? "no members" : everyone.joined(separator: ", ")
        if listed.isEmpty && primary.isEmpty {
            recorder.pass(
                "members_only", key: "members_only",
                allowed.isEmpty ? "group \(entry.name) has no members" : "group \(entry.name) has no members but \(allowed.joined(separator: ", "))",
                expected: expected, actual: actual)
            return
        }
        if !listed.isEmpty {
            recorder.fail(
                "members_only", key: "members_only",
                "group \(entry.name) lists \(listed.joined(separator: ", ")), whom the contract does not put in it",
                expected: expected, actual: actual,
                fix: ShellWords.sequence(listed.map { accountCommand("gpasswd", "-d", $0, entry.name) }))
        }
        if !primary.isEmpty {
            let names = primary.joined(separator: ", ")
            recorder.fail(
                "members_only", key: "members_only",
                "\(names) \(primary.count == 1 ? "has" : "have") \(entry.name) as primary group, and the contract does not put \(primary.count == 1 ? "that user" : "them") in it",
                expected: expected, actual: actual,
                fix: ShellWords.decision(
                    "give \(names) another primary group in \(host.accountOrigin), or add \(primary.count == 1 ? "that user" : "them") to the members of [[group]] \(entry.name) in the contract"))
        }
    }
}
