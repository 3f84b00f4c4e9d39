/// One item of a setting's merged value: a word, a whole value or a command, with the
/// assignment it came from.
public struct UnitValue: Hashable, Sendable, CustomStringConvertible {
    /// The item with quotes removed, escapes decoded and specifiers resolved as the setting's
    /// parser does; for a command, its arguments joined by spaces.
    public let text: String
    /// Specifiers left in ``text`` because they depend on the running system.
    public let unresolvedSpecifiers: [Character]
    /// The command, for `Exec*=` settings.
    public let command: UnitCommand?
    public let assignment: UnitAssignment

    public init(text: String, unresolvedSpecifiers: [Character] = [], command: UnitCommand? = nil, assignment: UnitAssignment) {
        self.text = text
        self.unresolvedSpecifiers = unresolvedSpecifiers
        self.command = command
        self.assignment = assignment
    }

    public var description: String { text }

    /// For EnvironmentFile=, ReadWritePaths= and the other path lists: the path without its
    /// leading `-` (ignore if missing) and, for the namespace paths, `+` (relative to
    /// RootDirectory=), and whether `-` was there.
    public var optionalPath: (path: String, ignoreIfMissing: Bool) {
        var rest = Substring(text)
        let optional = rest.hasPrefix("-")
        if optional { rest = rest.dropFirst() }
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        return (String(rest), optional)
    }
}
