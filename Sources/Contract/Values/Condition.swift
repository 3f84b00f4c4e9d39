/// A `when` condition: the entry applies only when it holds.
///
/// `when = { A = "x", B = ["y", "z"], C = { set = false } }` holds when every named variable
/// passes its test (a value, one of several values, or being set); `when = [ {...}, {...} ]`
/// holds when any one of its tables does.
public struct Condition: Hashable, Sendable {
    public enum Test: Hashable, Sendable {
        /// The variable has one of these values.
        case oneOf([String])
        /// The variable has a non-empty value (true), or is unset or empty (false).
        case set(Bool)
    }

    public struct Clause: Hashable, Sendable {
        public var variable: String
        public var test: Test

        public init(variable: String, test: Test) {
            self.variable = variable
            self.test = test
        }
    }

    /// Any one of these holds the condition; each holds when all its clauses do. None: always.
    public var alternatives: [[Clause]]

    public init(alternatives: [[Clause]] = []) { self.alternatives = alternatives.filter { !$0.isEmpty } }

    /// Every clause must hold (`when = { ... }`).
    public init(clauses: [Clause]) { self.init(alternatives: [clauses]) }

    public var isAlways: Bool { alternatives.isEmpty }

    /// Why a clause does not hold.
    enum Miss {
        case unset, value(String), set, withheld(String)
    }

    /// Nil when the condition holds; otherwise why not, for the skip message. A variable
    /// `withheld` names (with why) is never shown, and a test of its value is unmet; a test of
    /// whether it is set is decided unless `presenceWithheld` names it too (a value that is not
    /// what its line says, as opposed to a secret one: whether a secret is set is no secret).
    public func unmetReason(
        _ lookup: (String) -> String?, withheld: (String) -> String? = { _ in nil },
        presenceWithheld: (String) -> String? = { _ in nil }
    ) -> String? {
        var misses: [(Clause, Miss)] = []
        for clauses in alternatives {
            guard let miss = Self.firstMiss(clauses, lookup, withheld: withheld, presenceWithheld: presenceWithheld) else { return nil }
            misses.append(miss)
        }
        guard misses.count > 1 else { return misses.first.map { "applies when " + Self.single($0.0, $0.1) } }
        let cases = alternatives.map { $0.map(Self.expectation).joined(separator: " and ") }.joined(separator: ", or when ")
        return "applies when \(cases); \(misses.count == 2 ? "neither" : "none") holds: "
            + misses.map { Self.found($0.0, $0.1) }.joined(separator: "; ")
    }

    static func firstMiss(
        _ clauses: [Clause], _ lookup: (String) -> String?, withheld: (String) -> String?, presenceWithheld: (String) -> String?
    ) -> (Clause, Miss)? {
        for clause in clauses {
            let value = lookup(clause.variable)
            switch clause.test {
            case .oneOf(let values):
                if let reason = withheld(clause.variable), value != nil { return (clause, .withheld(reason)) }
                guard let value else { return (clause, .unset) }
                if !values.contains(value) { return (clause, .value(value)) }
            case .set(let wanted):
                if let reason = presenceWithheld(clause.variable), value != nil { return (clause, .withheld(reason)) }
                let isSet = !(value ?? "").isEmpty
                if isSet != wanted { return (clause, isSet ? .set : .unset) }
            }
        }
        return nil
    }

    /// What the clause asks: "ROLE is 'hub'", "ROLE is one of 'a', 'b'", "URL is set".
    static func expectation(_ clause: Clause) -> String {
        switch clause.test {
        case .oneOf(let values) where values.count == 1: "\(clause.variable) is '\(values[0])'"
        case .oneOf(let values): "\(clause.variable) is one of " + values.map { "'\($0)'" }.joined(separator: ", ")
        case .set(true): "\(clause.variable) is set"
        case .set(false): "\(clause.variable) is unset or empty"
        }
    }

    /// One clause's miss after its expectation: "ROLE is 'hub', not 'site'".
    static func single(_ clause: Clause, _ miss: Miss) -> String {
        let expected = expectation(clause)
        return switch miss {
        case .unset: clause.test == .set(true) ? "\(expected); it is unset or empty" : "\(expected); it is not set"
        case .value(let value): "\(expected), not '\(value)'"
        case .set: "\(expected); it is set"
        case .withheld(let reason): "\(expected); its value is never shown (\(reason))"
        }
    }

    /// One clause's miss on its own: "ROLE is 'site'", "URL is not set".
    static func found(_ clause: Clause, _ miss: Miss) -> String {
        switch miss {
        case .unset: clause.test == .set(true) ? "\(clause.variable) is unset or empty" : "\(clause.variable) is not set"
        case .value(let value): "\(clause.variable) is '\(value)'"
        case .set: "\(clause.variable) is set"
        case .withheld(let reason): "the value of \(clause.variable) is never shown (\(reason))"
        }
    }
}
