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
            return .unresolved("depends on ${\(missing.variable)}, \(missing.reason)")
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
        for (template, isGroup) in [(owner, false), (group, true)] {
            guard let template else { continue }
            let check = isGroup ? "group" : "owner"
            switch (account(template, isGroup: isGroup), facts) {
            case (.unresolved(let reason), _): recorder.skip(check, key: check, "\(check) " + reason)
            case (_, nil): recorder.skip(check, key: check, why, expected: template.source)
            case (.unknown(let name), .some(let facts)):
                let actual = isGroup ? groupName(facts.groupID) : userName(facts.userID)
                recorder.fail(
                    check, key: check, "\(check) should be '\(name)', which does not exist in \(host.accountOrigin)",
                    expected: name, actual: actual,
                    fix: accountCommand(isGroup ? "groupadd" : "useradd", "--system", name))
            case (.found(let expected), .some(let facts)):
                let id = isGroup ? facts.groupID : facts.userID
                let actual = isGroup ? groupName(id) : userName(id)
                recorder.verify(
                    check, key: check, id == expected.id,
                    pass: "\(check) is \(expected.name)", fail: "\(check) is \(actual), contract requires \(expected.name)",
                    expected: expected.name, actual: actual,
                    fix: ShellWords.command(isGroup ? "chgrp" : "chown", expected.name, target))
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
