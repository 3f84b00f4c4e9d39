/// A problem with the contract file itself: where it is, which entry and key it concerns, what
/// is wrong. Printed as `FILE:LINE[:COL]: error: [[directory]] #3 (path = "/x") mode: message`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public var severity: Severity
    public var file: String
    public var line: Int
    public var column: Int?
    /// The entry concerned (`[[directory]] #3 (path = "/x")`), if any.
    public var entry: String?
    /// The key concerned (`mode`, `directives.alias`), if any.
    public var key: String?
    /// Lowercase, no trailing period; user values in single quotes.
    public var message: String

    public init(
        severity: Severity = .error, file: String, line: Int, column: Int? = nil,
        entry: String? = nil, key: String? = nil, message: String
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.entry = entry
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = "\(file):\(line)"
        if let column { location += ":\(column)" }
        var subject = [entry, key].compactMap { $0 }.joined(separator: " ")
        if !subject.isEmpty { subject += ": " }
        return "\(location): \(severity.rawValue): \(subject)\(message)"
    }
}

/// Gathers diagnostics over one load, so every error is reported in one pass.
final class DiagnosticLog {
    let file: String
    /// Whether `file` is included by another contract file (its entries then name it).
    let isIncluded: Bool
    var diagnostics: [Diagnostic] = []

    init(file: String, isIncluded: Bool = false) {
        self.file = file
        self.isIncluded = isIncluded
    }

    /// `in`: the included file the line is in, for the checks of the whole contract; nil for this log's.
    func error(in other: String? = nil, line: Int, column: Int? = nil, entry: String? = nil, key: String? = nil, _ message: String) {
        diagnostics.append(Diagnostic(file: other ?? file, line: line, column: column, entry: entry, key: key, message: message))
    }

    func warning(in other: String? = nil, line: Int, entry: String? = nil, key: String? = nil, _ message: String) {
        diagnostics.append(Diagnostic(severity: .warning, file: other ?? file, line: line, entry: entry, key: key, message: message))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
