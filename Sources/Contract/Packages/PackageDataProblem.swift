/// Something wrong in a package manager's own file (dpkg's status file, a distribution's
/// METADATA), found while reading it. Reading goes on past it: the file's other packages are
/// still answered for.
public struct PackageDataProblem: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line, when the problem has one.
    public let line: Int?
    /// The package of the stanza the problem is in, when known.
    public let package: String?
    public let message: String
    /// `error` where the package manager itself refuses the file (dpkg stops reading its
    /// database), `warning` where it only warns and goes on.
    public let severity: Severity

    public init(line: Int?, package: String? = nil, message: String, severity: Severity = .error) {
        self.line = line
        self.package = package
        self.message = message
        self.severity = severity
    }

    /// "line 12: package 'foo': missing 'Version' field".
    public var description: String {
        (line.map { "line \($0): " } ?? "") + (package.map { "package '\($0)': " } ?? "") + message
    }

    /// At most `limit` problems, then one that counts the rest, as severe as the worst of them:
    /// a file malformed on every line cannot make a report without end.
    static func capped(_ problems: [PackageDataProblem], limit: Int = 50) -> [PackageDataProblem] {
        guard problems.count > limit + 1 else { return problems }
        let rest = problems[limit...]
        let severity: Severity = rest.contains { $0.severity == .error } ? .error : .warning
        return Array(problems[..<limit]) + [PackageDataProblem(
            line: rest.first?.line, message: "and \(rest.count) more problems (only the first \(limit) are listed)",
            severity: severity)]
    }
}
