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

/// An audit of everything below a path, judged by the host (in parallel on a live one). Only
/// counts and a few examples are kept, never the tree.
extension Evaluation {
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

        let limits = TreeLimits(
            userID: owner?.id, groupID: group?.id, maxDirectoryMode: entry.maxDirectoryMode, maxFileMode: entry.maxFileMode)
        let audit = host.audit(tree: path, limits: limits)
        let tally = (try? audit.get()) ?? TreeTally()
        let total = tally.entries
        let target = host.operatorPath(path)
        if case .failure(let walkError) = audit {
            recorder.cannotEvaluate("readable", "\(path) cannot be walked: \(walkError)", actual: walkError.description)
        } else {
            let unreadable = tally.unreadable
            recorder.verify(
                "readable", unreadable.count == 0,
                pass: "all \(total) entries read",
                fail: "\(unreadable.count) entries cannot be read: \(unreadable.summary { "\($0.path) (\($0.reason ?? ""))" })",
                expected: "every entry readable", actual: "\(unreadable.count) unreadable", otherwise: .error)
        }
        func report(_ check: String, _ rule: TreeTally.Rule, what: String, requirement: String, fix: String,
                    describe: (UInt32) -> String) {
            recorder.verify(
                check, key: check, rule.count == 0,
                pass: "all \(total) entries \(requirement)",
                fail: "\(rule.count) of \(total) entries are not \(requirement): \(rule.summary { "\($0.path) (\(describe($0.value)))" })",
                expected: what, actual: "\(rule.count) \(rule.count == 1 ? "entry" : "entries") beyond", fix: fix)
        }
        let mode = { (value: UInt32) in FileMode(rawValue: value).description }
        // find's -user and -group look a name up on this machine: under --root the ids test the image's.
        func reassign(_ account: Account, isGroup: Bool) -> String {
            let test = host.rootDirectory == nil ? (isGroup ? "-group" : "-user") : (isGroup ? "-gid" : "-uid")
            let command = "find \(ShellWords.quote(target)) ! \(test) \(ShellWords.quote(argument(account))) -exec \(isGroup ? "chgrp" : "chown") -h \(ShellWords.quote(argument(account))) {} +"
            return ShellWords.sequence([command], names: idNames(account))
        }
        if let owner {
            report("owner", tally.owner, what: owner.name, requirement: "owned by \(owner.name)", fix: reassign(owner, isGroup: false),
                   describe: userName)
        }
        if let group {
            report("group", tally.group, what: group.name, requirement: "in group \(group.name)", fix: reassign(group, isGroup: true),
                   describe: groupName)
        }
        if let limit = entry.maxDirectoryMode {
            let excess = FileMode(rawValue: ~limit.rawValue)
            report("max_dir_mode", tally.directoryMode, what: "at most \(limit)", requirement: "directories within \(limit)",
                   fix: "find \(ShellWords.quote(target)) -type d -perm /\(excess) -exec chmod \(excess.symbolicRemoval) {} +",
                   describe: mode)
        }
        if let limit = entry.maxFileMode {
            let excess = FileMode(rawValue: ~limit.rawValue)
            report("max_file_mode", tally.fileMode, what: "at most \(limit)", requirement: "files within \(limit)",
                   fix: "find \(ShellWords.quote(target)) ! -type d ! -type l -perm /\(excess) -exec chmod \(excess.symbolicRemoval) {} +",
                   describe: mode)
        }
        return recorder.results
    }
}
