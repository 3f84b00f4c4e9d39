/// A file in the syntax of systemd's EnvironmentFile= (systemd.exec(5)), parsed the way
/// systemd's own parser (parse_env_file) reads it: `#` and `;` comment lines, whitespace
/// around `=` and the name ignored, single quotes literal, double quotes with backslash
/// escapes of `"`, `\`, `` ` `` and `$` (any other escaped character keeps its backslash),
/// unquoted backslash escapes, and a trailing backslash continuing the line.
///
/// Lines systemd silently ignores are reported as ``Problem``s so the operator sees them;
/// a problem never carries a value (the file holds secrets).
public struct EnvironmentFile: Sendable, Equatable {
    public struct Assignment: Sendable, Equatable {
        public var name: String
        public var value: String
        /// The line the assignment starts on (1-based).
        public var line: Int
        /// The line the assignment ends on: past ``line`` when a trailing backslash or an open
        /// quote took in the lines after it.
        public var endLine: Int
        /// Whether the value provably is what the line says: the assignment sits on one
        /// physical line, and no problem (an unterminated quote, an ignored line) was reported
        /// on its lines. A value that is not clean may hold another line, a secret, so it is
        /// described by name and line numbers, never shown.
        public var isClean: Bool
        /// An unquoted trailing backslash joined the next line into the value: the typo that
        /// takes in the assignment below (a quoted value over several lines is meant so).
        public var isContinued: Bool

        public init(
            name: String, value: String, line: Int, endLine: Int? = nil, isClean: Bool = true, isContinued: Bool = false
        ) {
            self.name = name
            self.value = value
            self.line = line
            self.endLine = endLine ?? line
            self.isClean = isClean
            self.isContinued = isContinued
        }
    }

    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var message: String
        /// An unterminated quote: systemd takes everything after it as one value.
        public var swallowsRest: Bool = false
    }

    public var assignments: [Assignment] = []
    /// The first ``problemLimit`` problems, and every unterminated quote.
    public var problems: [Problem] = []
    /// How many problems past the first ``problemLimit`` were counted but not kept, so a file
    /// of broken lines costs memory for 20 problems, not one per line.
    public var omittedProblems = 0
    /// The line of the first problem not kept.
    public var firstOmittedLine: Int? = nil
    public static let problemLimit = 20

    /// The value of each name, the last assignment winning, as systemd applies them.
    public var values: [String: String] {
        var values: [String: String] = [:]
        for assignment in assignments { values[assignment.name] = assignment.value }
        return values
    }

    /// The assignment that sets each name, the last one winning, as systemd applies them.
    public var effectiveAssignments: [String: Assignment] {
        var effective: [String: Assignment] = [:]
        for assignment in assignments { effective[assignment.name] = assignment }
        return effective
    }

    private enum State {
        case preKey, key, preValue, value, valueEscape
        case singleQuote, doubleQuote, doubleQuoteEscape
        case comment, commentEscape
    }

    public init(parsing text: String) {
        var state = State.preKey
        var line = 1
        var startLine = 1
        var quoteLine = 1
        var key: [Unicode.Scalar] = []
        var keyTrailingWhitespace: Int? = nil
        var value: [Unicode.Scalar] = []
        var valueTrailingWhitespace: Int? = nil
        var continued = false

        func isWhitespace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
        func isNewline(_ c: Unicode.Scalar) -> Bool { c == "\n" || c == "\r" }

        func push() {
            if let cut = keyTrailingWhitespace { key.removeSubrange(cut...) }
            if let cut = valueTrailingWhitespace { value.removeSubrange(cut...) }
            let name = String(String.UnicodeScalarView(key))
            if Self.isValidName(name) {
                // The line counter has not yet passed the newline that ends the value.
                assignments.append(Assignment(
                    name: name, value: String(String.UnicodeScalarView(value)), line: startLine, endLine: line,
                    isContinued: continued))
            } else {
                report(Problem(line: startLine, message: Self.invalidNameMessage(name)))
            }
            key = []
            value = []
            continued = false
            keyTrailingWhitespace = nil
            valueTrailingWhitespace = nil
        }

        for c in text.unicodeScalars {
            switch state {
            case .preKey:
                if c == "#" || c == ";" {
                    state = .comment
                } else if !isWhitespace(c) {
                    state = .key
                    startLine = line
                    key = [c]
                    keyTrailingWhitespace = nil
                }
            case .key:
                if isNewline(c) {
                    report(Problem(line: startLine, message: "line has no '=' and is ignored"))
                    state = .preKey
                    key = []
                } else if c == "=" {
                    state = .preValue
                    valueTrailingWhitespace = nil
                } else {
                    if !isWhitespace(c) {
                        keyTrailingWhitespace = nil
                    } else if keyTrailingWhitespace == nil {
                        keyTrailingWhitespace = key.count
                    }
                    key.append(c)
                }
            case .preValue:
                if isNewline(c) {
                    push()
                    state = .preKey
                } else if c == "'" {
                    state = .singleQuote
                    quoteLine = line
                } else if c == "\"" {
                    state = .doubleQuote
                    quoteLine = line
                } else if c == "\\" {
                    state = .valueEscape
                } else if !isWhitespace(c) {
                    state = .value
                    value.append(c)
                }
            case .value:
                if isNewline(c) {
                    push()
                    state = .preKey
                } else if c == "\\" {
                    state = .valueEscape
                    valueTrailingWhitespace = nil
                } else {
                    if !isWhitespace(c) {
                        valueTrailingWhitespace = nil
                    } else if valueTrailingWhitespace == nil {
                        valueTrailingWhitespace = value.count
                    }
                    value.append(c)
                }
            case .valueEscape:
                state = .value
                if !isNewline(c) { value.append(c) } else { continued = true }
            case .singleQuote:
                if c == "'" { state = .preValue } else { value.append(c) }
            case .doubleQuote:
                if c == "\"" {
                    state = .preValue
                } else if c == "\\" {
                    state = .doubleQuoteEscape
                } else {
                    value.append(c)
                }
            case .doubleQuoteEscape:
                state = .doubleQuote
                if c == "\"" || c == "\\" || c == "`" || c == "$" {
                    value.append(c)
                } else if c != "\n" {
                    value.append("\\")
                    value.append(c)
                }
            case .comment:
                if c == "\\" {
                    state = .commentEscape
                } else if isNewline(c) {
                    state = .preKey
                }
            case .commentEscape:
                state = isNewline(c) ? .preKey : .comment
            }
            if c == "\n" { line += 1 }
        }

        switch state {
        case .singleQuote, .doubleQuote, .doubleQuoteEscape:
            report(Problem(
                line: quoteLine,
                message: "quote opened here is never closed; systemd takes the rest of the file as the value",
                swallowsRest: true))
            push()
        case .preValue, .value, .valueEscape:
            push()
        case .key:
            report(Problem(line: startLine, message: "line has no '=' and is ignored"))
        case .preKey, .comment, .commentEscape:
            break
        }
        markUnclean()
    }

    /// Marks an assignment not clean when it spans lines, an unterminated quote comes before its
    /// end, or a problem (kept or only counted) was reported on one of its lines.
    private mutating func markUnclean() {
        let swallowed = problems.filter(\.swallowsRest).map(\.line).min()
        for index in assignments.indices {
            let assignment = assignments[index]
            let lines = assignment.line...assignment.endLine
            let touched = lines.count > 1
                || swallowed.map { $0 <= assignment.endLine } == true
                || lines.contains { problemLines.contains($0) }
            assignments[index].isClean = !touched
        }
    }

    /// Every line a problem was reported on, kept or only counted.
    private var problemLines: Set<Int> = []

    private mutating func report(_ problem: Problem) {
        problemLines.insert(problem.line)
        if problems.count < Self.problemLimit || problem.swallowsRest {
            problems.append(problem)
        } else {
            omittedProblems += 1
            if firstOmittedLine == nil { firstOmittedLine = problem.line }
        }
    }

    /// A name systemd passes to the service: a shell variable name.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Never quotes the line: a mistyped assignment may hold a secret.
    private static func invalidNameMessage(_ name: String) -> String {
        if name.hasPrefix("export ") || name.hasPrefix("export\t") {
            return "'export' is shell syntax; systemd ignores this assignment (write NAME=value)"
        }
        if name.isEmpty { return "assignment without a name is ignored" }
        return "the text before '=' is not a valid variable name; systemd ignores this assignment"
    }
}
