/// `[[user]]`: a user that must exist, optionally a system account, in these groups.
public struct UserEntry: Sendable, Hashable {
    public var context: EntryContext
    public var name: String
    public var system: Bool?
    public var groups: [String]
}

extension UserEntry {
    static let keys = ["name", "system", "groups"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> UserEntry? {
        let context = r.context(kind: .user, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        if let name, !TableReader.isPrincipalName(name) { r.error("name", "'\(name)' is not a valid user name") }
        let entry = UserEntry(context: context, name: name ?? "", system: r.bool("system"), groups: r.principalNames("groups"))
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return name == nil ? nil : entry
    }
}

extension Evaluation {
    func evaluate(_ entry: UserEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        let user = recorder.skipReason == nil ? host.user(named: entry.name) : nil
        let create = userCreation(entry.name)
        if let user {
            recorder.pass("exists", key: "name", "user \(entry.name) exists (uid \(user.id))", actual: "uid \(user.id)")
        } else {
            recorder.fail(
                "exists", key: "name", "user \(entry.name) does not exist in \(host.accountOrigin)",
                expected: "present", actual: "missing", fix: create)
        }
        if let system = entry.system {
            if let user {
                let isSystem = user.id <= host.systemIDMaximum
                recorder.verify(
                    "system", key: "system", isSystem == system,
                    pass: "uid \(user.id) is \(system ? "in" : "outside") the system range (up to \(host.systemIDMaximum))",
                    fail: "uid \(user.id) is \(isSystem ? "in" : "outside") the system range (up to \(host.systemIDMaximum))",
                    expected: system ? "system account" : "regular account", actual: "uid \(user.id)",
                    fix: ShellWords.decision(
                        "\(entry.name) would have to be made again with a \(system ? "system" : "regular") uid, and every file it owns given the new uid"))
            } else {
                recorder.skip("system", key: "system", "user \(entry.name) does not exist")
            }
        }
        for name in entry.groups {
            membership(&recorder, user: user, userName: entry.name, wanted: name, check: "groups", key: "groups")
        }
        return recorder.results
    }
}
