/// What every entry carries besides its own keys: where it is, when it applies, how much a
/// failure weighs and what to tell the operator.
public struct EntryContext: Sendable, Hashable {
    public var kind: EntryKind
    /// The entry's number among entries of its header, 1-based ("[[directory]] #3").
    public var ordinal: Int
    /// The line of the entry's header (or of the key that holds it).
    public var line: Int
    /// The line of each key of the entry that the source map found.
    public var keyLines: KeyLines
    public var condition: Condition
    public var severity: Severity
    /// The operator-facing reason printed with a failure.
    public var message: String?
    /// An accepted exception with an end date: failing checks are waived until then.
    public var waiver: Waiver?
    /// Labels that `check --tags` selects entries by.
    public var tags: [String]
    /// The included file the entry comes from; nil for the contract's own file.
    public var file: String?

    public init(
        kind: EntryKind, ordinal: Int = 1, line: Int = 0, keyLines: KeyLines = [:],
        condition: Condition = Condition(), severity: Severity = .error, message: String? = nil,
        waiver: Waiver? = nil, tags: [String] = [], file: String? = nil
    ) {
        self.kind = kind
        self.ordinal = ordinal
        self.line = line
        self.keyLines = keyLines
        self.condition = condition
        self.severity = severity
        self.message = message
        self.waiver = waiver
        self.tags = tags
        self.file = file
    }

    /// `FILE:LINE` for an entry of an included file, `line N` for one of the contract's own.
    public var place: String { file.map { "\($0):\(line)" } ?? "line \(line)" }

    /// The line of `key`, or of the entry where the key was not found in the text.
    public func line(of key: String) -> Int { keyLines[key] ?? line }
}
