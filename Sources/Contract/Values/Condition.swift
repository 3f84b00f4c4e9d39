/// A `when` table: the entry applies only when every named variable has one of the listed values.
public struct Condition: Hashable, Sendable {
    public struct Clause: Hashable, Sendable {
        public var variable: String
        public var values: [String]
    }

    public var clauses: [Clause]

    public init(clauses: [Clause] = []) { self.clauses = clauses }

    public var isAlways: Bool { clauses.isEmpty }

    /// Nil when the condition holds; otherwise why not, for the skip message. A variable
    /// `withheld` names (with why) is never shown, and a test of it is unmet.
    public func unmetReason(
        _ lookup: (String) -> String?, withheld: (String) -> String? = { _ in nil }
    ) -> String? {
        for clause in clauses {
            let expected = clause.values.count == 1
                ? "'\(clause.values[0])'" : "one of " + clause.values.map { "'\($0)'" }.joined(separator: ", ")
            if let reason = withheld(clause.variable), lookup(clause.variable) != nil {
                return "applies when \(clause.variable) is \(expected); its value is never shown (\(reason))"
            }
            guard let value = lookup(clause.variable) else {
                return "applies when \(clause.variable) is \(expected); it is not set"
            }
            if !clause.values.contains(value) {
                return "applies when \(clause.variable) is \(expected), not '\(value)'"
            }
        }
        return nil
    }
}
