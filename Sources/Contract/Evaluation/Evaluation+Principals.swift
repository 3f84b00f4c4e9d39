/// `[[user]]` and `[[group]]`.
extension Evaluation {
    func evaluate(_ entry: UserEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        let user = recorder.skipReason == nil ? host.user(named: entry.name) : nil
        let create = accountCommand("useradd", entry.system == true ? "--system" : "--create-home", entry.name)
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
                    fix: "recreate \(entry.name) with: \(create)")
            } else {
                recorder.skip("system", key: "system", "user \(entry.name) does not exist")
            }
        }
        for name in entry.groups {
            membership(&recorder, user: user, userName: entry.name, wanted: name, check: "groups", key: "groups")
        }
        return recorder.results
    }

    func evaluate(_ entry: GroupEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        let group = recorder.skipReason == nil ? host.group(named: entry.name) : nil
        if let group {
            recorder.pass("exists", key: "name", "group \(entry.name) exists (gid \(group.id))", actual: "gid \(group.id)")
        } else {
            recorder.fail(
                "exists", key: "name", "group \(entry.name) does not exist in \(host.accountOrigin)",
                expected: "present", actual: "missing",
                fix: accountCommand("groupadd", entry.system == true ? "--system" : "--force", entry.name))
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

    /// Whether `user` belongs to `groupName` as primary or supplementary group.
    func membership(
        _ recorder: inout Recorder, user: Account?, userName: String, wanted: String, check: String, key: String
    ) {
        let expected = "\(userName) in \(wanted)"
        guard let group = recorder.skipReason == nil ? host.group(named: wanted) : nil else {
            recorder.fail(
                check, key: key, "group \(wanted) does not exist in \(host.accountOrigin)",
                expected: expected, actual: "no group \(wanted)", fix: accountCommand("groupadd", "--system", wanted))
            return
        }
        guard let user else {
            recorder.fail(
                check, key: key, "user \(userName) does not exist in \(host.accountOrigin)",
                expected: expected, actual: "no user \(userName)",
                fix: accountCommand("useradd", "--system", "--groups", wanted, userName))
            return
        }
        let ids = host.groupIDs(of: user)
        recorder.verify(
            check, key: key, ids.contains(group.id),
            pass: "\(userName) is a member of \(wanted)",
            fail: "\(userName) is not a member of \(wanted)",
            expected: expected,
            actual: "\(userName) in " + ids.map { groupName($0) }.joined(separator: ", "),
            fix: accountCommand("usermod", "-aG", wanted, userName))
    }
}
