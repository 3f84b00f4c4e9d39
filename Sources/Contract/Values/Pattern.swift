/// A regular expression of a contract (`pattern`, `forbid`, `require`) as written, with what
/// the loader's ``PatternEngine`` compiled it to. Two patterns are equal when their sources are.
public struct Pattern: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    public let compiled: any CompiledPattern

    public init(source: String, compiled: any CompiledPattern) {
        self.source = source
        self.compiled = compiled
    }

    public var description: String { source }

    public static func == (left: Pattern, right: Pattern) -> Bool { left.source == right.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    /// What a check says where the engine gave up: never the text it was matching (a line of
    /// an environment file or a variable's value may be secret).
    func tooMuchWork(limit: String) -> String {
        "pattern '\(source)' needs more work than the limit of \(limit) allows; simplify the pattern"
    }

    /// What one match attempt found. An engine bounds its work, so it may give up instead of
    /// answering; a check never counts that as a pass.
    public enum Outcome: Sendable, Hashable {
        case match
        case noMatch
        /// The attempt needed more work than `limit` (in words: "1,000,000 steps") allows.
        case gaveUp(limit: String)
    }

    /// Why an engine refused a pattern: its own message and where in the pattern.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        /// Characters (Unicode scalars) before the point where the engine stopped.
        public let offset: Int

        public init(message: String, offset: Int) {
            self.message = message
            self.offset = offset
        }

        public var description: String { "\(message) at offset \(offset)" }
    }
}
