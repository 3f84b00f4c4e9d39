/// Memberships, and the one command that makes a missing user or group: shared by `[[user]]`,
/// `[[group]]`, `[[access]]` and every fix that needs an account.
extension Evaluation {
    /// Whether `user` belongs to `groupName` as primary or supplementary group.
    func membership(
        _ recorder: inout Recorder, user: Account?, userName: String, wanted: String, check: String, key: String
    ) {
        let expected = "\(userName) in \(wanted)"
        guard let group = recorder.skipReason == nil ? host.group(named: wanted) : nil else {
            recorder.fail(
                check, key: key, "group \(wanted) does not exist in \(host.accountOrigin)",
                expected: expected, actual: "no group \(wanted)", fix: groupCreation(wanted))
            return
        }
        guard let user else {
            recorder.fail(
                check, key: key, "user \(userName) does not exist in \(host.accountOrigin)",
                expected: expected, actual: "no user \(userName)",
                fix: userCreation(userName))
            return
        }
        let ids = host.groupIDs(of: user)
        recorder.verify(
            check, key: key, ids.contains(group.id),
            pass: "\(userName) is a member of \(wanted)",
            fail: "\(userName) is not a member of \(wanted)",
            expected: expected,
            actual: "\(userName) in " + ids.map { groupName($0) }.joined(separator: ", "),
            fix: joinFix(userName, group))
    }

    /// `usermod -aG`, except into group root: that is never a fix hostcontract prints.
    func joinFix(_ userName: String, _ group: Account) -> String {
        guard group.id != 0 else {
            return ShellWords.decision(
                "the contract puts \(userName) in group \(group.name) (gid 0), which hostcontract never grants by a fix: add \(userName) yourself if you mean it, or change the contract")
        }
        return accountCommand("usermod", "-aG", group.name, userName)
    }

    /// The one command that makes a missing user, wherever a finding needs it: as its `[[user]]`
    /// entry says (a system account only with `system = true`), else a system account, in the
    /// groups the contract puts it in that exist (group root aside), so every finding prints the
    /// same line.
    func userCreation(_ name: String) -> String {
        let entry = contract.users.first { $0.name == name && skipReason($0.context) == nil }
        let groups = declaredGroups(of: name).filter { host.group(named: $0).map { $0.id != 0 } ?? false }
        var words = ["useradd", entry.map { $0.system == true } ?? true ? "--system" : "--create-home"]
        if !groups.isEmpty { words += ["--groups", groups.joined(separator: ",")] }
        return accountCommand(words + [name])
    }

    /// The one command that makes a missing group: as its `[[group]]` entry says (a system group
    /// only with `system = true`), else a system group, with the existing users the contract puts
    /// in it as members.
    func groupCreation(_ name: String) -> String {
        let entry = contract.groups.first { $0.name == name && skipReason($0.context) == nil }
        let members = Self.unique(declaredMemberships().filter { $0.group == name }.map(\.user)).filter { host.user(named: $0) != nil }
        var words = ["groupadd", entry.map { $0.system == true } ?? true ? "--system" : "--force"]
        if !members.isEmpty, name != "root" { words += ["--users", members.joined(separator: ",")] }
        return accountCommand(words + [name])
    }

    /// The groups the contract puts `user` in, in contract order.
    func declaredGroups(of user: String) -> [String] {
        Self.unique(declaredMemberships().filter { $0.user == user }.map(\.group))
    }

    /// Every membership the contract declares, by `[[user]] groups` or `[[group]] members`, of
    /// the entries that apply.
    func declaredMemberships() -> [(user: String, group: String)] {
        var pairs: [(user: String, group: String)] = []
        for entry in contract.users where skipReason(entry.context) == nil { pairs += entry.groups.map { (entry.name, $0) } }
        for entry in contract.groups where skipReason(entry.context) == nil { pairs += entry.members.map { ($0, entry.name) } }
        return pairs
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
