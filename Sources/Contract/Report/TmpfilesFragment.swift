/// The contract's directories, files and keys as a systemd tmpfiles.d fragment (spec section 4):
/// `d` for directories provisioning creates, `z` for ones that must exist already and for files
/// and keys, `a+` for ACL entries; parents before children.
///
/// Two rules of systemd-tmpfiles shape it (its guard against CVE-2018-6954: while resolving a
/// path it never moves from a directory owned by an unprivileged user to one owned by someone
/// else, and fails the line, exit 73):
/// - a path whose declared owner differs from that of the unprivileged owner above it can never
///   be applied: its line is left out, commented with the reason;
/// - a mount point (`create = false`, or an `[[encrypted]]` path) inside a directory owned by an
///   unprivileged user cannot be applied while its volume is fresh, because a new filesystem's
///   root belongs to root; nothing in the fragment can give it its owner, since systemd-tmpfiles
///   cannot reach it. Its lines, and those below it, carry the `-` modifier (a failure does not
///   fail the run), and `hostcontract provision`, which works on descriptors, is the boot path
///   that gives the volume's root its owner; from then on these lines apply as well.
public struct TmpfilesFragment {
    public let contract: Contract
    public let environment: ResolvedEnvironment

    public init(contract: Contract, environment: ResolvedEnvironment) {
        self.contract = contract
        self.environment = environment
    }

    struct Line {
        var path: String
        var order: Int
        /// `d`, `z`, `a+`.
        var type: String
        /// The fields after the type: path, mode, user, group, age, argument.
        var fields: String
        /// The declared owner, for the unsafe-transition rule.
        var owner: String?

        var text: String { type + " " + fields }
    }

    /// The fragment, and a note for each entry left out (its `when` unmet, or a variable unset).
    public func render() -> (text: String, notes: [String]) {
        var lines: [Line] = []
        var notes: [String] = []
        func path(_ template: Template, _ context: EntryContext) -> String? {
            switch placement(template, context) {
            case .success(let path): return path
            case .failure(let leftOut):
                notes.append(leftOut.note)
                return nil
            }
        }
        func field(_ template: Template?) -> String {
            guard let template, case .success(let value) = environment.resolve(template) else { return "-" }
            return Self.quote(value)
        }
        func add(_ type: String, _ path: String, mode: FileMode?, owner: Template?, group: Template?, order: Int) {
            let fields = [Self.quote(path), mode?.description ?? "-", field(owner), field(group), "-"].joined(separator: " ")
            let name = owner.flatMap { try? environment.resolve($0).get() }
            lines.append(Line(path: path, order: order, type: type, fields: fields, owner: name))
        }
        var mountPoints: [String] = []
        // A path that must not exist has no line: systemd-tmpfiles could only remove it (r, R),
        // and hostcontract never deletes.
        var absent: [String] = []
        for (template, context) in contract.absentPaths {
            if case .success(let value) = placement(template, context) { absent.append(value) }
        }
        for entry in contract.directories where !entry.absent {
            guard let base = path(entry.path, entry.context) else { continue }
            for directory in [base] + entry.subdirs.map({ normalise(base + "/" + $0) }) {
                add(entry.create ? "d" : "z", directory, mode: entry.mode, owner: entry.owner, group: entry.group, order: 0)
                if !entry.create { mountPoints.append(directory) }
                if !entry.acl.isEmpty {
                    let acl = entry.acl.map(\.description).joined(separator: ",")
                    lines.append(Line(path: directory, order: 1, type: "a+", fields: "\(Self.quote(directory)) - - - - \(acl)", owner: nil))
                }
            }
        }
        for entry in contract.encrypted where environment.unmetReason(entry.context.condition) == nil {
            if case .success(let value) = environment.resolve(entry.path) { mountPoints.append(normalise(value)) }
        }
        for entry in contract.files where !entry.absent {
            guard let file = path(entry.path, entry.context) else { continue }
            add("z", file, mode: entry.mode, owner: entry.owner, group: entry.group, order: 0)
        }
        for entry in contract.keys {
            guard let key = path(entry.path, entry.context) else { continue }
            add("z", key, mode: entry.mode, owner: entry.owner, group: entry.group, order: 0)
        }
        // Parents before children; one line per path and type (the first entry wins).
        var seen = Set<String>()
        let ordered = lines.enumerated().sorted { a, b in
            let pa = a.element.path.split(separator: "/"), pb = b.element.path.split(separator: "/")
            if pa != pb {
                for (x, y) in zip(pa, pb) where x != y { return x < y }
                return pa.count < pb.count
            }
            return (a.element.order, a.offset) < (b.element.order, b.offset)
        }.map(\.element).filter { seen.insert($0.text.split(separator: " ").prefix(2).joined(separator: " ")).inserted }
        var owners: [String: String] = [:]
        for line in ordered { if let owner = line.owner, owners[line.path] == nil { owners[line.path] = owner } }
        let fresh = Self.freshMountPoints(mountPoints, owners: owners)
        var text = "# Generated by hostcontract from \(contract.file) (contract \(contract.name)).\n"
        if !fresh.isEmpty {
            text += "# Mount points inside a directory owned by an unprivileged user: \(fresh.map(\.path).joined(separator: ", ")).\n"
            text += "# A freshly made filesystem's root belongs to root, and systemd-tmpfiles never resolves a path from\n"
            text += "# a directory owned by an unprivileged user into one owned by someone else (unsafe path transition,\n"
            text += "# its guard against CVE-2018-6954), so it cannot give that root its owner, nor reach below it, on\n"
            text += "# any run. Those lines carry the '-' modifier (their failure does not fail the run);\n"
            text += "# 'hostcontract provision' (the provisioning unit, run at boot) gives the mounted volume's root\n"
            text += "# its owner on descriptors and builds the tree, after which these lines apply as well.\n"
            for point in fresh {
                notes.append("\(contract.file): \(point.path) and the lines below it may fail until the volume mounted there is owned by "
                    + "\(point.owner) (systemd-tmpfiles refuses the unsafe path transition from \(point.parent), owned by \(point.parentOwner), "
                    + "to a fresh filesystem's root, owned by root); hostcontract provision gives it its owner")
            }
        }
        for path in absent {
            text += "# \(path) must not exist (absent = true): no line; hostcontract check reports it, nothing removes it.\n"
        }
        text += "# Type Path Mode User Group Age Argument\n"
        for var line in ordered {
            if let transition = Self.unsafeTransition(to: line.path, owners: owners) {
                let reason = "\(transition.from) (owned by \(transition.fromOwner)) -> \(transition.to) (owned by \(transition.toOwner)) "
                    + "is an unsafe path transition, which systemd-tmpfiles refuses; hostcontract provision applies it on descriptors"
                notes.append("\(contract.file): \(line.path) left out: \(reason)")
                text += "# left out: \(reason)\n# \(line.text)\n"
            } else {
                if fresh.contains(where: { line.path == $0.path || line.path.hasPrefix($0.path + "/") }) { line.type += "-" }
                text += line.text + "\n"
            }
        }
        return (text, notes)
    }

    /// Why an entry has no line: its `when` is unmet (meant so), or its path depends on a
    /// variable that is not set or never shown (the fragment is then incomplete).
    struct LeftOut: Error {
        var note: String
        var isUnresolved: Bool
    }

    /// The normalised path of an entry, or why it is left out.
    func placement(_ template: Template, _ context: EntryContext) -> Result<String, LeftOut> {
        if let reason = environment.unmetReason(context.condition) {
            return .failure(LeftOut(note: "\(contract.file):\(context.line): \(template.source) left out: \(reason)", isUnresolved: false))
        }
        switch environment.resolve(template) {
        case .success(let value): return .success(normalise(value))
        case .failure(let missing):
            let why = missing.withheldBecause == nil ? "is not set" : missing.reason
            return .failure(LeftOut(
                note: "\(contract.file):\(context.line): \(template.source) left out: ${\(missing.variable)} \(why)", isUnresolved: true))
        }
    }

    /// The entries whose condition holds but whose path cannot be resolved (a variable not set
    /// or never shown), as notes: a fragment without them silently lacks part of the tree.
    public func unresolvedEntries() -> [String] {
        let entries = contract.directories.filter { !$0.absent }.map { ($0.path, $0.context) }
            + contract.files.filter { !$0.absent }.map { ($0.path, $0.context) } + contract.keys.map { ($0.path, $0.context) }
        return entries.compactMap { template, context in
            guard case .failure(let leftOut) = placement(template, context), leftOut.isUnresolved else { return nil }
            return leftOut.note
        }
    }

    /// Mount points whose nearest declared ancestor belongs to an unprivileged user while they
    /// are declared for an unprivileged user too: applicable once the volume's root has its
    /// owner, never while it is a fresh, root-owned filesystem. (A mount point declared for root
    /// there is an unsafe transition for good, and left out.)
    static func freshMountPoints(_ points: [String], owners: [String: String])
        -> [(path: String, owner: String, parent: String, parentOwner: String)]
    {
        var found: [(path: String, owner: String, parent: String, parentOwner: String)] = []
        for point in Set(points).sorted() {
            guard let owner = owners[point], !isPrivileged(owner) else { continue }
            var ancestor: (String, String)? = nil
            var prefix = ""
            for component in point.split(separator: "/").dropLast() {
                prefix += "/" + component
                if let owner = owners[prefix] { ancestor = (prefix, owner) }
            }
            guard let (parent, parentOwner) = ancestor, !isPrivileged(parentOwner) else { continue }
            found.append((point, owner, parent, parentOwner))
        }
        return found
    }

    static func isPrivileged(_ owner: String) -> Bool { owner == "root" || owner == "0" }

    /// systemd-tmpfiles never moves from a directory owned by an unprivileged user to a path
    /// owned by someone else (its guard against CVE-2018-6954); judged by the declared owners.
    static func unsafeTransition(to path: String, owners: [String: String])
        -> (from: String, fromOwner: String, to: String, toOwner: String)?
    {
        var chain: [(String, String)] = []
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if let owner = owners[prefix] { chain.append((prefix, owner)) }
        }
        for (parent, child) in zip(chain, chain.dropFirst()) {
            if !isPrivileged(parent.1) && parent.1 != child.1 { return (parent.0, parent.1, child.0, child.1) }
        }
        return nil
    }

    /// A path or name as tmpfiles.d(5) reads it: `%` doubled (specifiers), quoted when it holds
    /// whitespace or quotes.
    static func quote(_ word: String) -> String {
        let escaped = word.replacing("%", with: "%%")
        guard escaped.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" || $0 == "\\" }) else { return escaped }
        return "\"" + escaped.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
