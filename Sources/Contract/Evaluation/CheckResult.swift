/// One check of one subject: the record every output format is a function of.
public struct CheckResult: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case pass, fail, skip
        /// The check could not be evaluated: what it needs could not be read (permission
        /// denied, an I/O error). Neither a pass nor a violation: the host may well be right.
        case error
        /// It failed (or could not be evaluated), and the entry's waiver holds: reported, but
        /// the contract does not fail for it.
        case waived
    }

    public var kind: EntryKind
    /// The host path as in the contract, or the user, group, variable or location name.
    public var subject: String
    /// What was checked: `exists`, `owner`, `mode`, `forbid`, `alias`, ...
    public var check: String
    public var status: Status
    public var severity: Severity
    public var message: String
    public var expected: String?
    public var actual: String?
    /// A command an operator can paste, or what to do.
    public var fix: String?
    /// The contract line that required the check.
    public var line: Int?
    /// The included file that line is in; nil for the contract's own file.
    public var file: String?
    /// The user whose access an `[[access]]` check is about.
    public var principal: String?
    /// The entry's waiver, on every check of an entry that has one.
    public var waiver: Waiver?
    /// Stable from run to run and unique within a report: kind, subject, check and principal
    /// (see ``Report/identify(_:)``); empty until a report assigns it.
    public var id: String = ""

    public init(
        kind: EntryKind, subject: String, check: String, status: Status, severity: Severity = .error,
        message: String, expected: String? = nil, actual: String? = nil, fix: String? = nil, line: Int? = nil,
        principal: String? = nil, waiver: Waiver? = nil
    ) {
        self.kind = kind
        self.subject = subject
        self.check = check
        self.status = status
        self.severity = severity
        self.message = message
        self.expected = expected
        self.actual = actual
        self.fix = fix
        self.line = line
        self.principal = principal
        self.waiver = waiver
    }

    /// A failure that makes the contract not hold.
    public var isViolation: Bool { status == .fail && severity == .error }

    /// A check of severity error that could not be evaluated: the contract is then not known to hold.
    public var isUnevaluated: Bool { status == .error && severity == .error }
}
