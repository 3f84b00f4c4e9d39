/// `[environment]`: where the environment under contract is read from.
public struct EnvironmentSection: Sendable, Hashable {
    public var line: Int
    /// A file in systemd's EnvironmentFile= syntax, resolved under the root.
    public var file: Template?
}

/// `[[variable]]`: a variable of the environment under contract and the rules its value obeys.
public struct VariableEntry: Sendable, Hashable {
    public var context: EntryContext
    public var name: String
    public var required: Bool
    /// The value where the variable is unset.
    public var defaultValue: Template?
    /// Older names: where set, they must equal this variable.
    public var aliases: [String]
    public var equals: Template?
    public var oneOf: [String]?
    /// Values it must not have.
    public var forbid: [String]
    /// A regular expression the whole value must match.
    public var pattern: Pattern?
    public var minLength: Int?
    /// The value appears in no output of any kind.
    public var secret: Bool
    /// An absolute path, compared as a normalised path.
    public var path: Bool
    /// A path the value must lie inside.
    public var inside: Template?
    /// The path it names exists under the root.
    public var exists: Bool?
    /// The name of a variable holding a comma-separated list of `ID:SECRET` entries
    /// (`ENCRYPTION_KEYS=k1:...,k2:...`): the value must be one of those ids. The list is never shown.
    public var keyIDIn: String? = nil
}
