/// `[[group]]`: a group that must exist with these members.
public struct GroupEntry: Sendable, Hashable {
    public var context: EntryContext
    public var name: String
    public var system: Bool?
    public var members: [String]
}

extension GroupEntry {
    static let keys = ["name", "system", "members"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> GroupEntry? {
        let context = r.context(kind: .group, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        if let name, !TableReader.isPrincipalName(name) { r.error("name", "'\(name)' is not a valid group name") }
        let entry = GroupEntry(context: context, name: name ?? "", system: r.bool("system"), members: r.principalNames("members"))
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
        return recorder.results
    }
}
