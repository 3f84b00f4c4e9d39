/// `[[directory]]`: a directory that must exist with this owner, group, mode and ACL.
public struct DirectoryEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var mode: FileMode?
    /// `provision` creates it (true), or it must already exist (a mount point, /etc).
    public var create: Bool
    /// Extended ACL entries that must be present.
    public var acl: [AccessControlEntry]
    /// Names of subdirectories that carry the same owner, group, mode and ACL.
    public var subdirs: [String]
    /// What the filesystem holding it must be, and the room it must have.
    public var storage: StorageRules = StorageRules()
    /// Nothing may be at the path (`absent = true`); the entry has no other rule.
    public var absent: Bool = false
    /// How long ago the directory itself (not its subdirs) may last have been modified.
    public var maxAge: AgeLimit? = nil
}

extension DirectoryEntry {
    /// The mode as the kernel shows it once the ACL is in place: with named entries the group
    /// bits are the mask, which setfacl(1) recalculates as the union of the owning group's bits
    /// (the contract's group bits) and every named entry, unless the contract gives the mask.
    public var effectiveMode: FileMode? {
        guard let mode else { return nil }
        let access = acl.filter { !$0.isDefault }
        guard access.contains(where: { $0.qualifier != nil }) || access.contains(where: { $0.tag == .mask }) else {
            return mode
        }
        var mask = AccessRights(rawValue: UInt8((mode.rawValue >> 3) & 7))
        if let explicit = access.first(where: { $0.tag == .mask }) {
            mask = explicit.rights
        } else {
            for entry in access where entry.qualifier != nil { mask.formUnion(entry.rights) }
        }
        return FileMode(rawValue: (mode.rawValue & ~0o070) | (UInt32(mask.rawValue) << 3))
    }
}

extension DirectoryEntry {
    static let keys = ["path", "owner", "group", "mode", "create", "acl", "subdirs", "absent", "max_age"] + StorageRules.keys
    /// The keys that describe a directory that is there, which `absent = true` excludes.
    static let describingKeys = keys.filter { $0 != "path" && $0 != "absent" }
    static let allowedKeys = keys + ContractLoader.entryKeys

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> DirectoryEntry? {
        let context = r.context(kind: .directory, ordinal: ordinal)
        let path = r.path()
        let absent = r.absence(excluding: describingKeys)
        let entry = DirectoryEntry(
            context: context, path: path ?? Template(literal: "/"),
            owner: r.principal("owner"), group: r.principal("group"), mode: r.mode("mode"),
            create: r.bool("create") ?? true, acl: r.accessControlEntries("acl"),
            subdirs: readSubdirectories(r), storage: StorageRules.read(r), absent: absent, maxAge: r.ageLimit("max_age"))
        r.finish(allowed: allowedKeys)
        return path == nil ? nil : entry
    }

    static func readSubdirectories(_ r: TableReader) -> [String] {
        guard let names = r.strings("subdirs") else { return [] }
        var valid: [String] = []
        var seen = Set<String>()
        for name in names {
            if name.isEmpty || name.hasPrefix("/") || name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
                r.error("subdirs", "'\(name)' must be a relative path below the directory, without '.' or '..'")
            } else if !seen.insert(name).inserted {
                r.error("subdirs", "'\(name)' is listed twice")
            } else {
                valid.append(name)
            }
        }
        return valid
    }
}

extension Evaluation {
    func evaluate(_ entry: DirectoryEntry) -> [CheckResult] {
        if entry.absent { return checkAbsence(entry.context, path: entry.path) }
        let (base, unresolved) = resolvePath(entry.path)
        let reason = skipReason(entry.context) ?? unresolved.map { "path " + $0 }
        var results: [CheckResult] = []
        for path in [base] + entry.subdirs.map({ normalise(base + "/" + $0) }) {
            var recorder = Recorder(context: entry.context, subject: path, skipReason: reason)
            let state = reason == nil ? inspect(path) : .missing
            var facts: PathFacts? = nil
            switch state {
            case .present(let found) where found.kind == .directory:
                facts = found
                recorder.pass("exists", key: "path", "\(path) is a directory", expected: "directory", actual: "directory")
            case .present(let found):
                recorder.fail(
                    "exists", key: "path", "\(path) is a \(found.kind.rawValue), not a directory",
                    expected: "directory", actual: found.kind.rawValue,
                    fix: ShellWords.decision("move the \(found.kind.rawValue) at \(host.operatorPath(path)) aside, then run hostcontract provision"))
            default:
                recorder.fail(
                    "exists", key: "path", describe(state, path: path), state: state, expected: "directory", actual: actual(state),
                    fix: entry.create
                        ? creationCommand(path, entry)
                        : ShellWords.decision("mount or create \(host.operatorPath(path)) (create = false: provisioning does not create it)"))
            }
            checkOwnership(&recorder, facts: facts, path: path, owner: entry.owner, group: entry.group, mode: entry.effectiveMode)
            checkAccessControlList(&recorder, entry.acl, path: path, present: facts != nil)
            if path == base {
                checkAge(&recorder, entry.maxAge, facts: facts, path: path)
                checkStorage(&recorder, entry.storage, path: path, present: facts != nil)
            }
            results += recorder.results
        }
        return results
    }

    /// `install -d` with the contract's mode, owner and group: under --root the image's ids (with
    /// the names as a comment), as every other fix, since install looks names up on this machine.
    /// An owner or group no account database knows is the operator's to create first.
    func creationCommand(_ path: String, _ entry: DirectoryEntry) -> String {
        var words = ["install", "-d"]
        var accounts: [Account] = []
        if let mode = entry.mode { words += ["-m", mode.description] }
        for (template, isGroup) in [(entry.owner, false), (entry.group, true)] {
            guard let template else { continue }
            switch account(template, isGroup: isGroup) {
            case .found(let found):
                words += [isGroup ? "-g" : "-o", argument(found)]
                accounts.append(found)
            case .unknown(let name): return unknownAccountFix(name, isGroup: isGroup)
            case .unresolved: continue
            }
        }
        words.append(host.operatorPath(path))
        let names = host.rootDirectory == nil ? [] : [accounts.map(\.name).joined(separator: ":")].filter { !$0.isEmpty }
        return ShellWords.sequence([words.map(ShellWords.quote).joined(separator: " ")], names: names)
    }

    /// `acl = [...]`: each entry present with exactly its permissions, and not limited by the mask.
    func checkAccessControlList(_ recorder: inout Recorder, _ required: [AccessControlEntry], path: String, present: Bool) {
        guard !required.isEmpty else { return }
        let expected = required.map(\.description).joined(separator: ",")
        guard present else {
            recorder.skip("acl", key: "acl", "\(path) does not exist", expected: expected)
            return
        }
        var lists: [Bool: AccessList] = [:]
        for isDefault in Set(required.map(\.isDefault)) {
            switch host.accessList(of: path, isDefault: isDefault) {
            case .success(let list): lists[isDefault] = list
            case .failure(let error) where error.isInaccessible:
                recorder.cannotEvaluate("acl", key: "acl", "the ACL of \(path) cannot be read: \(error)", expected: expected)
                return
            case .failure(let error):
                recorder.fail("acl", key: "acl", "the ACL of \(path) cannot be read: \(error)", expected: expected)
                return
            }
        }
        var problems: [String] = []
        var fixes: [String] = [], names: [String] = [], unknown: (name: String, isGroup: Bool)? = nil
        var namedAccess = false, explicitMask = false
        for entry in required {
            let list = lists[entry.isDefault] ?? AccessList(entries: [])
            let tag: AccessList.Tag?
            switch (entry.tag, entry.qualifier) {
            case (.user, nil): tag = .owner
            case (.user, let name?): tag = account(Template(literal: name), isGroup: false).id.map { .user($0) }
            case (.group, nil): tag = .owningGroup
            case (.group, let name?): tag = account(Template(literal: name), isGroup: true).id.map { .group($0) }
            case (.mask, _): tag = .mask
            case (.other, _): tag = .other
            }
            guard let tag else {
                problems.append("\(entry.tag.rawValue) '\(entry.qualifier ?? "")' does not exist in \(host.accountOrigin)")
                unknown = (entry.qualifier ?? "", entry.tag == .group)
                continue
            }
            let found = list.rights(of: tag)
            let prefix = entry.isDefault ? "d:" : ""
            if found != entry.rights {
                problems.append("\(entry) is \(found.map { "\(entry.tag.rawValue):\(entry.qualifier ?? ""):\($0)" } ?? "missing")")
                fixes.append(prefix + aclEntryText(tag, entry.rights))
                names += entryNames(tag)
                if !entry.isDefault { namedAccess = namedAccess || tag.isNamed; explicitMask = explicitMask || tag == .mask }
            } else if let mask = list.mask, entry.qualifier != nil || (entry.tag == .group && entry.qualifier == nil),
                entry.tag != .mask, entry.rights.intersection(mask) != entry.rights
            {
                problems.append("\(entry) is limited by mask \(mask) to \(entry.rights.intersection(mask))")
                fixes.append(prefix + "m::" + mask.union(entry.rights).description)
                explicitMask = explicitMask || !entry.isDefault
            }
        }
        // setfacl would make the mask the union of the group class; the contract's mode says what
        // it is (its group bits), so the mode finding and this fix agree.
        if namedAccess, !explicitMask, let mode = declared(path, kind: .directory).mode {
            fixes.append("m::" + AccessRights(rawValue: UInt8((mode.rawValue >> 3) & 7)).description)
        }
        let fix: String? = if let unknown {
            unknownAccountFix(unknown.name, isGroup: unknown.isGroup)
        } else if fixes.isEmpty {
            nil
        } else {
            ShellWords.sequence([ShellWords.command("setfacl", "-m", fixes.joined(separator: ","), host.operatorPath(path))], names: names)
        }
        recorder.verify(
            "acl", key: "acl", problems.isEmpty,
            pass: "ACL of \(path) has \(expected)", fail: "ACL of \(path): " + problems.joined(separator: "; "),
            expected: expected, actual: problems.isEmpty ? expected : problems.joined(separator: "; "),
            fix: fix)
    }
}
