/// The environment under contract as it was read: from the `[environment]` file, an
/// `--env-file`, or the process (for `gate`), with what went wrong reading it.
public struct EnvironmentInput: Sendable {
    public enum Origin: Sendable, Equatable {
        /// A file; `subject` is how findings name it. `onThisMachine`: given with --env-file, so
        /// not under --root.
        case file(subject: String, onThisMachine: Bool = false)
        case process
        /// The contract names no environment file and none was given.
        case none
    }

    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var message: String
        public var severity: Severity

        public init(line: Int, message: String, severity: Severity) {
            self.line = line
            self.message = message
            self.severity = severity
        }
    }

    public var values: [String: String]
    public var origin: Origin
    /// Why the file could not be read, if it could not.
    public var readError: String?
    public var problems: [Problem]
    /// The variables whose value is not provably what its line says (the assignment took in
    /// other lines through a trailing backslash or an open quote, or a problem was reported on
    /// its lines), with the lines it spans: such a value may hold another line, a secret, so
    /// it is never shown, only named with these lines.
    public var unclean: [String: ClosedRange<Int>]

    public init(
        values: [String: String], origin: Origin, readError: String? = nil, problems: [Problem] = [],
        unclean: [String: ClosedRange<Int>] = [:]
    ) {
        self.values = values
        self.origin = origin
        self.readError = readError
        self.problems = problems
        self.unclean = unclean
    }
}
