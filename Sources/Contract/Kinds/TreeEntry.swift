/// `[[tree]]`: every entry below `path` has this owner and group and no permission bit beyond
/// the maximum modes.
public struct TreeEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var maxDirectoryMode: FileMode?
    public var maxFileMode: FileMode?
}

extension TreeEntry {
    static let keys = ["path", "owner", "group", "max_dir_mode", "max_file_mode"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> TreeEntry? {
        let context = r.context(kind: .tree, ordinal: ordinal)
        let path = r.path()
        let entry = TreeEntry(
            context: context, path: path ?? Template(literal: "/"),
            owner: r.principal("owner"), group: r.principal("group"),
            maxDirectoryMode: r.mode("max_dir_mode"), maxFileMode: r.mode("max_file_mode"))
        if entry.owner == nil, entry.group == nil, entry.maxDirectoryMode == nil, entry.maxFileMode == nil, path != nil {
            r.error(nil, "a tree needs at least one of owner, group, max_dir_mode, max_file_mode")
        }
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return path == nil ? nil : entry
    }
}

/// A streaming audit of everything below a path. Only counts and a few examples are kept,
/// never the tree.
extension Evaluation {
    /// Violations of one tree rule: how many, and the first few for the message.
    struct Tally {
        var count = 0
        var examples: [String] = []

        mutating func add(_ example: String) {
            count += 1
            if examples.count < 5 { examples.append(example) }
        }

        func summary(_ total: Int) -> String {
            examples.joined(separator: ", ") + (count > examples.count ? ", and \(count - examples.count) more" : "")
        }
    }

    func evaluate(_ entry: TreeEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        let state = recorder.skipReason == nil ? inspect(path) : .missing
        guard case .present(let top) = state, top.kind == .directory else {
            recorder.fail(
                "exists", key: "path", describe(state, path: path), state: state, expected: "directory", actual: actual(state))
            for (check, key) in [("owner", "owner"), ("group", "group"), ("max_dir_mode", "max_dir_mode"), ("max_file_mode", "max_file_mode")] {
                recorder.skip(check, key: key, "\(path) is not a directory that can be walked")
            }
            return recorder.results
        }
        recorder.pass("exists", key: "path", "\(path) is a directory", expected: "directory", actual: "directory")

        func expected(_ template: Template?, isGroup: Bool, check: String) -> Account? {
            guard let template else { return nil }
            switch account(template, isGroup: isGroup) {
            case .found(let account): return account
            case .unknown(let name):
                recorder.fail(
                    check, key: check, "\(isGroup ? "group" : "user") '\(name)' does not exist in \(host.accountOrigin)",
                    expected: name, fix: unknownAccountFix(name, isGroup: isGroup))
            case .unresolved(let why): recorder.skip(check, key: check, "\(check) " + why)
            }
            return nil
        }
        let owner = expected(entry.owner, isGroup: false, check: "owner")
        let group = expected(entry.group, isGroup: true, check: "group")

        var total = 0
        var owners = Tally(), groups = Tally(), directoryModes = Tally(), fileModes = Tally(), unreadable = Tally()
        let walkError = host.walk(path) { item in
            total += 1
            switch item.facts {
            case .failure(let error):
                unreadable.add("\(item.path) (\(error))")
            case .success(let facts):
                if let owner, facts.userID != owner.id { owners.add("\(item.path) (\(userName(facts.userID)))") }
                if let group, facts.groupID != group.id { groups.add("\(item.path) (\(groupName(facts.groupID)))") }
                if facts.kind == .directory {
                    if let limit = entry.maxDirectoryMode, facts.mode.excess(over: limit).rawValue != 0 {
                        directoryModes.add("\(item.path) (\(facts.mode))")
                    }
                } else if facts.kind != .symbolicLink, let limit = entry.maxFileMode,
                    facts.mode.excess(over: limit).rawValue != 0
                {
                    fileModes.add("\(item.path) (\(facts.mode))")
                }
            }
        }
        let target = host.operatorPath(path)
        if let walkError {
            recorder.cannotEvaluate("readable", "\(path) cannot be walked: \(walkError)", actual: walkError.description)
        } else {
            recorder.verify(
                "readable", unreadable.count == 0,
                pass: "all \(total) entries read", fail: "\(unreadable.count) entries cannot be read: \(unreadable.summary(total))",
                expected: "every entry readable", actual: "\(unreadable.count) unreadable", otherwise: .error)
        }
        func report(_ check: String, _ tally: Tally, what: String, requirement: String, fix: String) {
            recorder.verify(
                check, key: check, tally.count == 0,
                pass: "all \(total) entries \(requirement)",
                fail: "\(tally.count) of \(total) entries are not \(requirement): \(tally.summary(total))",
                expected: what, actual: "\(tally.count) \(tally.count == 1 ? "entry" : "entries") beyond", fix: fix)
        }
        // find's -user and -group look a name up on this machine: under --root the ids test the image's.
        func reassign(_ account: Account, isGroup: Bool) -> String {
            let test = host.rootDirectory == nil ? (isGroup ? "-group" : "-user") : (isGroup ? "-gid" : "-uid")
            let command = "find \(ShellWords.quote(target)) ! \(test) \(ShellWords.quote(argument(account))) -exec \(isGroup ? "chgrp" : "chown") -h \(ShellWords.quote(argument(account))) {} +"
            return ShellWords.sequence([command], names: idNames(account))
        }
        if let owner {
            report("owner", owners, what: owner.name, requirement: "owned by \(owner.name)", fix: reassign(owner, isGroup: false))
        }
        if let group {
            report("group", groups, what: group.name, requirement: "in group \(group.name)", fix: reassign(group, isGroup: true))
        }
        if let limit = entry.maxDirectoryMode {
            let excess = FileMode(rawValue: ~limit.rawValue)
            report("max_dir_mode", directoryModes, what: "at most \(limit)", requirement: "directories within \(limit)",
                   fix: "find \(ShellWords.quote(target)) -type d -perm /\(excess) -exec chmod \(excess.symbolicRemoval) {} +")
        }
        if let limit = entry.maxFileMode {
            let excess = FileMode(rawValue: ~limit.rawValue)
            report("max_file_mode", fileModes, what: "at most \(limit)", requirement: "files within \(limit)",
                   fix: "find \(ShellWords.quote(target)) ! -type d ! -type l -perm /\(excess) -exec chmod \(excess.symbolicRemoval) {} +")
        }
        return recorder.results
    }
}
