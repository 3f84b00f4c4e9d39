/// A contract string that may reference variables of the environment under contract as
/// `${NAME}`; `$${` writes a literal `${`, and a bare `$name` stays literal (nginx variables).
public struct Template: Hashable, Sendable, CustomStringConvertible {
    public enum Segment: Hashable, Sendable {
        case literal(String)
        case variable(String)
    }

    public let segments: [Segment]
    /// The text as written in the contract.
    public let source: String

    public init(literal: String) {
        segments = literal.isEmpty ? [] : [.literal(literal)]
        source = literal.replacing("${", with: "$${")
    }

    /// Parses `${NAME}` references; the error says what is malformed.
    public static func parse(_ text: String) -> Result<Template, SyntaxError> {
        // Most contract strings have no '$': they are one literal, read without a scan.
        if !text.utf8.contains(UInt8(ascii: "$")) {
            return .success(Template(segments: text.isEmpty ? [] : [.literal(text)], source: text))
        }
        var segments: [Segment] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("$${") {
                literal += "${"
                index = text.index(index, offsetBy: 3)
            } else if rest.hasPrefix("${") {
                let nameStart = text.index(index, offsetBy: 2)
                guard let close = text[nameStart...].firstIndex(of: "}") else {
                    return .failure(SyntaxError(message: "'${' is never closed; write '$${' for a literal '${'"))
                }
                let name = String(text[nameStart..<close])
                guard VariableName.isValid(name) else {
                    return .failure(SyntaxError(message: "'${\(name)}' does not name a variable"))
                }
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                segments.append(.variable(name))
                index = text.index(after: close)
            } else {
                literal.append(text[index])
                index = text.index(after: index)
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return .success(Template(segments: segments, source: text))
    }

    private init(segments: [Segment], source: String) {
        self.segments = segments
        self.source = source
    }

    public struct SyntaxError: Error, Sendable {
        public let message: String
    }

    /// The variables referenced, in order.
    public var variables: [String] {
        segments.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// The most bytes a resolved template may hold (64 KiB): longer values are refused, so
    /// defaults that repeat each other cannot grow without bound.
    public static let maximumExpansion = 64 << 10

    /// The text with each variable replaced by `lookup`, or the first variable it cannot
    /// resolve (or whose value makes the text longer than ``maximumExpansion``).
    public func resolve(_ lookup: (String) -> String?) -> Result<String, Unresolved> {
        var text = ""
        for segment in segments {
            switch segment {
            case .literal(let literal): text += literal
            case .variable(let name):
                guard let value = lookup(name) else { return .failure(Unresolved(variable: name)) }
                guard text.utf8.count + value.utf8.count <= Self.maximumExpansion else {
                    return .failure(Unresolved(variable: name, isTooLong: true))
                }
                text += value
            }
        }
        return .success(text)
    }

    public struct Unresolved: Error, Sendable, Equatable {
        public let variable: String
        /// The variable is set, but the text would exceed ``Template/maximumExpansion``.
        public var isTooLong: Bool = false
        /// The variable is set, but its value is never shown, for this reason.
        public var withheldBecause: String? = nil

        public init(variable: String, isTooLong: Bool = false, withheldBecause: String? = nil) {
            self.variable = variable
            self.isTooLong = isTooLong
            self.withheldBecause = withheldBecause
        }

        /// Why, after "depends on ${NAME}, ": "which is not set".
        public var reason: String {
            if let withheldBecause { return "whose value is never shown (\(withheldBecause))" }
            return isTooLong ? "which makes it longer than \(Template.maximumExpansion) bytes" : "which is not set"
        }
    }

    /// Whether the text is fixed (no variable).
    public var literalValue: String? {
        // Nearly every template is one literal or none: read without building lists.
        if segments.isEmpty { return "" }
        if segments.count == 1, case .literal(let text) = segments[0] { return text }
        if variables.isEmpty { return segments.map { if case .literal(let s) = $0 { s } else { "" } }.joined() }
        return nil
    }

    public var description: String { source }
}

/// Names of environment variables: a shell variable name.
public enum VariableName {
    /// ASCII letters, digits and `_`, not beginning with a digit. On the UTF-8 bytes (a byte
    /// outside ASCII is never valid): the ASCII letters are the ASCII scalars Unicode calls
    /// alphabetic, and asking Unicode's tables at each name cost more than a start can spare.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
