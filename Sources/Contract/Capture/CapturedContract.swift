/// A contract written from what a host or an image shows (`hostcontract capture`): the entries
/// and the reasons behind them, rendered as TOML that `lint` accepts and `check` passes on the
/// same host. Pure: the host is read elsewhere (Provision's HostCapture). Nothing here holds a
/// file's content or a secret's value: a secret variable carries only a fixed lower bound.
public struct CapturedContract: Sendable, Equatable {
    public var name: String
    /// Lines of the header comment (where the contract was captured from).
    public var header: [String] = []
    /// The `[environment] file`, a path inside the root.
    public var environmentFile: String?
    /// The path entries, in the order the paths were given.
    public var paths: [PathEntry] = []
    public var users: [User] = []
    public var groups: [Group] = []
    public var variables: [Variable] = []
    /// The `[[package]]` entries: the Debian packages in the order given, then a virtual
    /// environment's distributions by name.
    public var packages: [Package] = []
    /// The `[[unit]]` entries, in the order the units were given.
    public var units: [Unit] = []
    /// `[nginx]` and its locations.
    public var nginx: Nginx?

    public init(name: String) { self.name = name }

    /// Owner, group and mode as stat(2) shows them, with names where the account files have them.
    public struct Ownership: Sendable, Equatable {
        public var owner: String
        public var group: String
        /// The permission bits with setuid, setgid and sticky.
        public var mode: UInt32

        public init(owner: String, group: String, mode: UInt32) {
            self.owner = owner
            self.group = group
            self.mode = mode
        }
    }

    /// One `[[directory]]`, `[[file]]` or `[[key]]`.
    public struct PathEntry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// `acl`: entries in acl(5) short text form; `subdirs`: names below the directory.
            case directory(create: Bool, acl: [String], subdirs: [String])
            case file
            /// `min_bytes`, a power of two no larger than the file (nil for an empty file).
            case key(minBytes: Int?)
        }

        public var path: String
        public var kind: Kind
        public var ownership: Ownership
        /// Why the entry is what it is, one comment line each.
        public var comments: [String]

        public init(path: String, kind: Kind, ownership: Ownership, comments: [String] = []) {
            self.path = path
            self.kind = kind
            self.ownership = ownership
            self.comments = comments
        }
    }

    public struct User: Sendable, Equatable {
        public var name: String
        public var system: Bool
        public var groups: [String]

        public init(name: String, system: Bool, groups: [String]) {
            self.name = name
            self.system = system
            self.groups = groups
        }
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var system: Bool
        public var members: [String]

        public init(name: String, system: Bool, members: [String]) {
            self.name = name
            self.system = system
            self.members = members
        }
    }

    /// One `[[variable]]`, always `required = true`.
    public struct Variable: Sendable, Equatable {
        public enum Rule: Sendable, Equatable {
            /// `secret = true`, with `min_length` a fixed floor (``secretLengthFloor`` where the
            /// value is at least that long, else 1 where it is not empty), never a number derived
            /// from the value.
            case secret(SecretLikeness, minLength: Int?)
            /// `path = true`, and `exists = true` where the path exists under the root.
            case path(exists: Bool)
            /// `required = true`, and `min_length = 1` where the value is not empty. The value is
            /// never written: a secret may have a harmless name and shape (`ADMIN_PIN=4821`), so
            /// no value of an environment file enters a captured contract.
            case present(nonEmpty: Bool)
        }

        public var name: String
        public var rule: Rule
        public var comments: [String]

        public init(name: String, rule: Rule, comments: [String] = []) {
            self.name = name
            self.rule = rule
            self.comments = comments
        }
    }

    /// The `min_length` written for a secret of at least that many characters.
    public static let secretLengthFloor = 16

    /// The `min_length` of a secret of `count` characters: one of two fixed floors, so the contract
    /// says no more of its length than "at least 16" or "not empty".
    public static func secretMinimumLength(count: Int) -> Int? {
        count >= secretLengthFloor ? secretLengthFloor : count > 0 ? 1 : nil
    }

    /// The largest power of two not above `size` (nil for 0): a `min_bytes` that holds for the
    /// key as it is and says only its order of magnitude.
    public static func minimumBytes(size: Int64) -> Int? {
        guard size > 0 else { return nil }
        var power: Int64 = 1
        while power <= size / 2 { power *= 2 }
        return Int(power)
    }

    /// `mode` as the quoted octal string contracts use: `"0750"`, `"2770"`.
    public static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The contract as TOML: the top-level keys, `[environment]`, the path entries in the order
    /// given, then users, groups, variables, packages, units and `[nginx]`.
    public func render() -> String {
        var out: [String] = header.map { comment($0) }
        out.append("contract = " + TOMLString.quoted(name))
        out.append("schema = 1")
        if let environmentFile {
            out += ["", "[environment]", "file = " + TOMLString.quoted(Template(literal: environmentFile).source)]
        }
        for entry in paths { out += [""] + render(entry) }
        for user in users {
            out += ["", "[[user]]", "name = " + TOMLString.quoted(user.name), "system = \(user.system)"]
            if !user.groups.isEmpty { out.append("groups = " + TOMLString.array(user.groups)) }
        }
        for group in groups {
            out += ["", "[[group]]", "name = " + TOMLString.quoted(group.name), "system = \(group.system)"]
            if !group.members.isEmpty { out.append("members = " + TOMLString.array(group.members)) }
        }
        for variable in variables { out += [""] + render(variable) }
        for package in packages { out += [""] + package.render() }
        for unit in units { out += [""] + unit.render() }
        if let nginx { out += [""] + nginx.render() }
        return out.joined(separator: "\n") + "\n"
    }

    func render(_ entry: PathEntry) -> [String] {
        var lines = entry.comments.map { comment($0) }
        switch entry.kind {
        case .directory: lines.append("[[directory]]")
        case .file: lines.append("[[file]]")
        case .key: lines.append("[[key]]")
        }
        lines.append("path = " + TOMLString.quoted(Template(literal: entry.path).source))
        lines.append("owner = " + TOMLString.quoted(entry.ownership.owner))
        lines.append("group = " + TOMLString.quoted(entry.ownership.group))
        lines.append("mode = " + TOMLString.quoted(Self.octal(entry.ownership.mode)))
        switch entry.kind {
        case .directory(let create, let acl, let subdirs):
            if !create { lines.append("create = false") }
            if !acl.isEmpty { lines.append("acl = " + TOMLString.array(acl)) }
            if !subdirs.isEmpty { lines.append("subdirs = " + TOMLString.array(subdirs)) }
        case .file: break
        case .key(let minBytes):
            if let minBytes { lines.append("min_bytes = \(minBytes)") }
        }
        return lines
    }

    func render(_ variable: Variable) -> [String] {
        var lines = variable.comments.map { comment($0) }
        switch variable.rule {
        case .secret(let likeness, _): lines.append(comment(likeness.comment))
        case .path(let exists): lines.append(comment(exists ? "an absolute path that exists" : "an absolute path (nothing there under the root)"))
        case .present: lines.append(comment("set; its value is not written (any value may be a secret)"))
        }
        lines += ["[[variable]]", "name = " + TOMLString.quoted(variable.name), "required = true"]
        switch variable.rule {
        case .secret(_, let minLength):
            lines.append("secret = true")
            if let minLength { lines.append("min_length = \(minLength)") }
        case .path(let exists):
            lines.append("path = true")
            if exists { lines.append("exists = true") }
        case .present(let nonEmpty):
            if nonEmpty { lines.append("min_length = 1") }
        }
        return lines
    }

    /// A comment line; a line break in `text` cannot end the comment early.
    func comment(_ text: String) -> String { Self.comment(text) }

    static func comment(_ text: String) -> String {
        "# " + String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }
}
