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

    /// `useradd`/`groupadd`/`usermod` with `--root` where the audit is of an image: shadow-utils
    /// then works on the image's own account files, so names are the image's.
    func accountCommand(_ words: String...) -> String { accountCommand(words) }

    func accountCommand(_ words: [String]) -> String {
        var words = words
        if let root = host.rootDirectory { words.insert(contentsOf: ["--root", root], at: 1) }
        return words.map(ShellWords.quote).joined(separator: " ")
    }

    /// How a fix names an account to chown, chgrp, find or setfacl: by name on the host itself;
    /// under --root by the image's numeric id, because those tools look a name up on the machine
    /// running them, where it may not exist or have another id.
    func argument(_ account: Account) -> String {
        host.rootDirectory == nil ? account.name : String(account.id)
    }

    /// What the ids `argument` gave stand for, for the fix's trailing comment: `owner:group` in
    /// the order of the accounts; nothing on the host itself, where the names are the arguments.
    func idNames(_ accounts: Account...) -> [String] {
        guard host.rootDirectory != nil, accounts.contains(where: { $0.name != String($0.id) }) else { return [] }
        return [accounts.map(\.name).joined(separator: ":")]
    }

    /// The fix for an owner or group the account database does not know: an account is made by
    /// a decision (which id it gets), and only then can a path be given to it.
    func unknownAccountFix(_ name: String, isGroup: Bool) -> String {
        ShellWords.decision(
            "\(isGroup ? "group" : "user") '\(name)' does not exist in \(host.accountOrigin): create it (its id is yours to choose), then check again")
    }

    /// `chown`, `chgrp` and `chmod` giving `path` what the contract declares, each part nil where
    /// it is already so; the commands and the names their ids stand for.
    func ownershipCommands(_ path: String, owner: Account?, group: Account?, mode: FileMode?) -> (commands: [String], names: [String]) {
        let target = host.operatorPath(path)
        var commands: [String] = [], names: [String] = []
        switch (owner, group) {
        case (let owner?, let group?):
            commands.append(ShellWords.command("chown", argument(owner) + ":" + argument(group), target))
            names += idNames(owner, group)
        case (let owner?, nil):
            commands.append(ShellWords.command("chown", argument(owner), target))
            names += idNames(owner)
        case (nil, let group?):
            commands.append(ShellWords.command("chgrp", argument(group), target))
            names += idNames(group)
        case (nil, nil): break
        }
        if let mode { commands.append(ShellWords.command("chmod", mode.description, target)) }
        return (commands, names)
    }

    func checkOwnership(
        _ recorder: inout Recorder, facts: PathFacts?, path: String,
        owner: Template?, group: Template?, mode: FileMode?
    ) {
        let why = "\(path) does not exist"
        let accounts = (owner: owner.map { account($0, isGroup: false) }, group: group.map { account($0, isGroup: true) })
        for (named, isGroup) in [(accounts.owner, false), (accounts.group, true)] {
            guard let named, let template = isGroup ? group : owner else { continue }
            let check = isGroup ? "group" : "owner"
            switch (named, facts) {
            case (.unresolved(let reason), _): recorder.skip(check, key: check, "\(check) " + reason)
            case (_, nil): recorder.skip(check, key: check, why, expected: template.source)
            case (.unknown(let name), .some(let facts)):
                let actual = isGroup ? groupName(facts.groupID) : userName(facts.userID)
                recorder.fail(
                    check, key: check, "\(check) should be '\(name)', which does not exist in \(host.accountOrigin)",
                    expected: name, actual: actual, fix: unknownAccountFix(name, isGroup: isGroup))
            case (.found(let expected), .some(let facts)):
                let id = isGroup ? facts.groupID : facts.userID
                let actual = isGroup ? groupName(id) : userName(id)
                // The owner's fix sets the group too where that is wrong as well: one chown.
                var wrongGroup: Account? = nil
                if !isGroup, case .found(let wanted)? = accounts.group, wanted.id != facts.groupID { wrongGroup = wanted }
                // Built only when the check fails, the one result that shows a fix.
                func fix() -> String {
                    let (commands, names) = ownershipCommands(
                        path, owner: isGroup ? nil : expected, group: isGroup ? expected : wrongGroup, mode: nil)
                    return ShellWords.sequence(commands, names: names)
                }
                recorder.verify(
                    check, key: check, id == expected.id,
                    pass: "\(check) is \(expected.name)", fail: "\(check) is \(actual), contract requires \(expected.name)",
                    expected: expected.name, actual: actual, fix: fix())
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
                fix: ShellWords.command("chmod", mode.description, host.operatorPath(path)))
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

extension Evaluation.Named {
    var id: UInt32? { if case .found(let account) = self { account.id } else { nil } }
}
