/// Owner, group and mode of one path: shared by directories, files and keys.
extension Evaluation {
    /// The account a contract owner or group names (a name or a numeric id), or why it cannot be had.
    enum Named {
        case found(Account)
        case unknown(String)
        case unresolved(String)
    }

    func account(_ template: Template, isGroup: Bool) -> Named {
        switch environment.resolve(template) {
        case .failure(let missing):
            return .unresolved("depends on ${\(missing.variable)}, which is not set")
        case .success(let name):
            if let id = UInt32(name) {
                let known = isGroup ? host.group(id: id) : host.user(id: id)
                return .found(known ?? Account(name: name, id: id))
            }
            if let known = isGroup ? host.group(named: name) : host.user(named: name) { return .found(known) }
            return .unknown(name)
        }
    }

    func userName(_ id: UInt32) -> String { host.user(id: id)?.name ?? "uid \(id)" }
    func groupName(_ id: UInt32) -> String { host.group(id: id)?.name ?? "gid \(id)" }

    /// `useradd`/`groupadd`/`usermod` with `--root` where the audit is of an image.
    func accountCommand(_ words: String...) -> String {
        var words = words
        if let root = host.rootDirectory { words.insert(contentsOf: ["--root", root], at: 1) }
        return words.map(ShellWords.quote).joined(separator: " ")
    }

    func checkOwnership(
        _ recorder: inout Recorder, facts: PathFacts?, path: String,
        owner: Template?, group: Template?, mode: FileMode?
    ) {
        let target = host.operatorPath(path)
        let why = "\(path) does not exist"
        if let owner {
            switch (account(owner, isGroup: false), facts) {
            case (.unresolved(let reason), _): recorder.skip("owner", key: "owner", "owner " + reason)
            case (_, nil): recorder.skip("owner", key: "owner", why, expected: owner.source)
            case (.unknown(let name), .some(let facts)):
                recorder.fail(
                    "owner", key: "owner", "owner should be '\(name)', which does not exist in \(host.accountOrigin)",
                    expected: name, actual: userName(facts.userID), fix: accountCommand("useradd", "--system", name))
            case (.found(let expected), .some(let facts)):
                let actual = userName(facts.userID)
                recorder.verify(
                    "owner", key: "owner", facts.userID == expected.id,
                    pass: "owned by \(expected.name)", fail: "owner is \(actual), contract requires \(expected.name)",
                    expected: expected.name, actual: actual, fix: ShellWords.command("chown", expected.name, target))
            }
        }
        if let group {
            switch (account(group, isGroup: true), facts) {
            case (.unresolved(let reason), _): recorder.skip("group", key: "group", "group " + reason)
            case (_, nil): recorder.skip("group", key: "group", why, expected: group.source)
            case (.unknown(let name), .some(let facts)):
                recorder.fail(
                    "group", key: "group", "group should be '\(name)', which does not exist in \(host.accountOrigin)",
                    expected: name, actual: groupName(facts.groupID), fix: accountCommand("groupadd", "--system", name))
            case (.found(let expected), .some(let facts)):
                let actual = groupName(facts.groupID)
                recorder.verify(
                    "group", key: "group", facts.groupID == expected.id,
                    pass: "group is \(expected.name)", fail: "group is \(actual), contract requires \(expected.name)",
                    expected: expected.name, actual: actual, fix: ShellWords.command("chgrp", expected.name, target))
            }
        }
        if let mode {
            guard let facts else {
                recorder.skip("mode", key: "mode", why, expected: mode.description)
                return
            }
            recorder.verify(
                "mode", key: "mode", facts.mode == mode,
                pass: "mode is \(mode)", fail: "mode is \(facts.mode), contract requires \(mode)",
                expected: mode.description, actual: facts.mode.description,
                fix: ShellWords.command("chmod", mode.description, target))
        }
    }

    /// What to do about a missing path, in words or as a command.
    func describe(_ state: PathState, path: String) -> String {
        switch state {
        case .missing: "\(path) does not exist"
        case .danglingLink: "\(path) is a symbolic link whose target does not exist"
        case .unreadable(let reason): "\(path) cannot be inspected: \(reason)"
        case .present(let facts): "\(path) is a \(facts.kind.rawValue)"
        }
    }

    func actual(_ state: PathState) -> String {
        switch state {
        case .missing: "missing"
        case .danglingLink: "dangling symbolic link"
        case .unreadable: "unreadable"
        case .present(let facts): facts.kind.rawValue
        }
    }

    /// The state of `path`, telling a dangling link apart from nothing at all.
    func inspect(_ path: String, followFinal: Bool = true) -> PathState {
        let state = host.inspect(path, followFinal: followFinal)
        if state == .missing, followFinal, case .present(let facts) = host.inspect(path, followFinal: false),
            facts.kind == .symbolicLink
        {
            return .danglingLink
        }
        return state
    }
}
