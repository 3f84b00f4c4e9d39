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
    /// Whether ``readError`` is that this user may not read the file, or an I/O error: the
    /// checks that need it could not be evaluated (a missing file, a FIFO or a directory in
    /// its place are violations).
    public var readErrorIsInaccessible = false
    public var problems: [Problem]
    /// The variables whose value is not provably what its line says (the assignment took in
    /// other lines through a trailing backslash or an open quote, or a problem was reported on
    /// its lines), with the lines it spans: such a value may hold another line, a secret, so
    /// it is never shown, only named with these lines.
    public var unclean: [String: ClosedRange<Int>]
    /// Why no value of this source may be shown, when none may: the file is a key (a `[[key]]`
    /// names it, or it holds a PEM block), so every value in it may be key material.
    public var withheldSource: String?
    /// Other variables whose value cannot be proven to be its own line, each with why (`gate`
    /// when the environment file systemd read cannot be read to prove it).
    public var unproven: [String: String]

    public init(
        values: [String: String], origin: Origin, readError: String? = nil, problems: [Problem] = [],
        unclean: [String: ClosedRange<Int>] = [:], withheldSource: String? = nil, unproven: [String: String] = [:]
    ) {
        self.values = values
        self.origin = origin
        self.readError = readError
        self.problems = problems
        self.unclean = unclean
        self.withheldSource = withheldSource
        self.unproven = unproven
    }

    /// Every variable this input withholds, with why: the whole source, an unclean value (named
    /// with the lines it spans), or an unproven one.
    public var withheldReasons: [String: String] {
        var reasons = unproven
        for (name, lines) in unclean where values[name] != nil {
            reasons[name] = lines.count == 1
                ? "line \(lines.lowerBound) of the environment file, where \(name) is set, has a problem"
                : "\(name) is set on lines \(lines.lowerBound)-\(lines.upperBound) of the environment file, which took in other lines"
        }
        if let withheldSource {
            for name in values.keys { reasons[name] = withheldSource }
        }
        return reasons
    }
}
