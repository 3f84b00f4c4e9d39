/// A deployment contract: the facts about a host that a deployment rests on.
public struct Contract: Sendable, Hashable {
    public var name: String
    public var schema: Int
    public var description: String?
    /// The file it was loaded from, as given on the command line.
    public var file: String

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

    public init(name: String, schema: Int = 1, description: String? = nil, file: String) {
        self.name = name
        self.schema = schema
        self.description = description
        self.file = file
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
}
