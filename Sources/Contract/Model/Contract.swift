/// A deployment contract: the facts about a host that a deployment rests on.
public struct Contract: Sendable, Hashable {
    public var name: String
    public var schema: Int
    public var description: String?
    /// The file it was loaded from, as given on the command line.
    public var file: String
    /// The files it includes, directly or through others, in the order their entries come.
    public var includedFiles: [String] = []

    public var environment: EnvironmentSection?
    public var directories: [DirectoryEntry] = []
    public var files: [FileEntry] = []
    public var keys: [KeyEntry] = []
    public var trees: [TreeEntry] = []
    public var users: [UserEntry] = []
    public var groups: [GroupEntry] = []
    public var accesses: [AccessEntry] = []
    public var variables: [VariableEntry] = []
    public var nginx: NginxSection?
    public var encrypted: [EncryptedEntry] = []
    public var certificates: [CertificateEntry] = []
    public var units: [UnitEntry] = []
    public var packages: [PackageEntry] = []
    public var configs: [ConfigEntry] = []
    public var ports: [PortEntry] = []
    public var connections: [ConnectEntry] = []
    public var requests: [HTTPEntry] = []
    public var commands: [CommandEntry] = []

    public init(name: String, schema: Int = 1, description: String? = nil, file: String) {
        self.name = name
        self.schema = schema
        self.description = description
        self.file = file
    }

    /// How many entries the contract has, of every kind (nginx locations and servers each count).
    public var entryCount: Int {
        directories.count + files.count + keys.count + trees.count + users.count + groups.count + accesses.count
            + variables.count + encrypted.count + certificates.count + units.count + packages.count + configs.count
            + ports.count + connections.count + requests.count + commands.count + (nginx.map { $0.locations.count + $0.servers.count } ?? 0)
    }

    /// The context of every entry, in no particular order.
    public var entryContexts: [EntryContext] {
        var contexts: [EntryContext] = []
        contexts += directories.map(\.context) + files.map(\.context) + keys.map(\.context) + trees.map(\.context)
        contexts += users.map(\.context) + groups.map(\.context) + accesses.map(\.context) + variables.map(\.context)
        contexts += encrypted.map(\.context) + certificates.map(\.context) + units.map(\.context)
        contexts += packages.map(\.context) + configs.map(\.context) + ports.map(\.context)
        contexts += connections.map(\.context) + requests.map(\.context) + commands.map(\.context)
        contexts += (nginx?.locations.map(\.context) ?? []) + (nginx?.servers.map(\.context) ?? [])
        return contexts
    }

    /// Every tag some entry carries.
    public var tags: Set<String> { Set(entryContexts.flatMap(\.tags)) }

    /// Whether `text` can be a tag: letters, digits, `_`, `.` and `-`, so that a list of tags
    /// on the command line splits at commas.
    public static func isTag(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"): true
            default: false
            }
        }
    }

    /// The paths that must not exist (`absent = true` on a directory or file), with their entries.
    public var absentPaths: [(path: Template, context: EntryContext)] {
        directories.filter(\.absent).map { ($0.path, $0.context) } + files.filter(\.absent).map { ($0.path, $0.context) }
    }

    /// Every variable name the contract declares, aliases included.
    public var declaredVariables: Set<String> {
        var names = Set(variables.map(\.name))
        for variable in variables { names.formUnion(variable.aliases) }
        return names
    }

    /// Names of variables marked secret in any of their entries.
    public var secretVariables: Set<String> {
        Set(variables.filter(\.secret).map(\.name))
    }

    /// Every variable whose value is, or may be, a secret's, with how: an alias of a secret
    /// variable (and the variable a secret alias stands for: they hold one value), and a
    /// variable whose default takes one of these; to a fixed point, so derivations chain.
    /// Secret variables themselves map to "is secret".
    public var secretDerivedVariables: [String: String] {
        var how: [String: String] = [:]
        for name in secretVariables { how[name] = "is secret" }
        var changed = true
        while changed {
            changed = false
            for variable in variables {
                let name = variable.name
                for alias in variable.aliases {
                    if how[alias] == nil, how[name] != nil {
                        how[alias] = "is an alias of \(name), which \(how[name]!)"
                        changed = true
                    }
                    if how[name] == nil, how[alias] != nil {
                        how[name] = "takes its value from its alias \(alias), which \(how[alias]!)"
                        changed = true
                    }
                }
                if how[name] == nil, let other = variable.defaultValue?.variables.first(where: { how[$0] != nil }) {
                    how[name] = "has a default taking ${\(other)}, which \(how[other]!)"
                    changed = true
                }
            }
        }
        return how
    }
}
