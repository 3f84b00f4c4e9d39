/// What a contract requires of an installed Debian package's version: one relation and version
/// (`>= 7:5.1`, `= 2.3.1-1`, `<< 6`), or several separated by commas that must all hold
/// (`>= 1.2, << 2`). A version alone means `=`. The relations are Debian's (deb-control(5)):
/// `<<` strictly earlier, `<=` earlier or equal, `=` exactly equal, `>=` later or equal, `>>`
/// strictly later, ordered as dpkg orders versions. The versions must be ones dpkg reads without
/// a warning.
public struct DebianVersionConstraint: Sendable, Hashable, CustomStringConvertible {
    /// A relation between an installed version and the version a contract names.
    public enum Relation: String, Sendable, Hashable, CaseIterable {
        case strictlyEarlier = "<<"
        case earlierOrEqual = "<="
        case exactlyEqual = "="
        case laterOrEqual = ">="
        case strictlyLater = ">>"

        /// Whether `installed` stands in this relation to `required`.
        public func holds(_ installed: DebianVersion, _ required: DebianVersion) -> Bool {
            let order = DebianVersion.compare(installed, required)
            switch self {
            case .strictlyEarlier: return order < 0
            case .earlierOrEqual: return order <= 0
            case .exactlyEqual: return order == 0
            case .laterOrEqual: return order >= 0
            case .strictlyLater: return order > 0
            }
        }

        /// What dpkg makes of its obsolete `<` and `>`: not strictly earlier or later, but
        /// `<=` and `>=` (deb-control(5); `dpkg --compare-versions 1 '<' 1` is true). A
        /// contract refuses them, as they read as the opposite of what they mean.
        public static func obsolete(_ symbol: String) -> Relation? {
            switch symbol {
            case "<": .earlierOrEqual
            case ">": .laterOrEqual
            default: nil
            }
        }
    }

    /// One relation and its version.
    public struct Clause: Sendable, Hashable, CustomStringConvertible {
        public let relation: Relation
        public let version: DebianVersion

        public init(_ relation: Relation, _ version: DebianVersion) {
            self.relation = relation
            self.version = version
        }

        public var description: String { "\(relation.rawValue) \(version.text)" }
    }

    /// Why a text is not a constraint, with what to write instead.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public let clauses: [Clause]

    public init(clauses: [Clause]) { self.clauses = clauses }

    public init(_ text: String) throws(SyntaxError) {
        var clauses: [Clause] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let clause = part.trimmingBlanks
            guard !clause.isEmpty else {
                throw SyntaxError(message: text.trimmingBlanks.isEmpty
                    ? "the version constraint is empty; write a relation and a version such as '>= 1.2'"
                    : "'\(text)' has an empty part between commas")
            }
            let symbol = String(clause.prefix { "<=>!".contains($0) })
            let versionText = String(clause.dropFirst(symbol.count)).trimmingBlanks
            let relation: Relation
            if symbol.isEmpty {
                relation = .exactlyEqual
            } else if let known = Relation(rawValue: symbol) {
                relation = known
            } else if let meant = Relation.obsolete(symbol) {
                let strict: Relation = symbol == "<" ? .strictlyEarlier : .strictlyLater
                throw SyntaxError(message: "'\(symbol)' is dpkg's obsolete spelling of '\(meant.rawValue)', not strictly "
                    + (symbol == "<" ? "earlier" : "later") + "; write '\(meant.rawValue) \(versionText)' or '\(strict.rawValue) \(versionText)'")
            } else if symbol == "==" {
                throw SyntaxError(message: "Debian writes equality as '=': write '= \(versionText)'")
            } else if symbol == "!=" {
                throw SyntaxError(message: "Debian relations have no '!='; require '<< \(versionText)' or '>> \(versionText)'")
            } else {
                throw SyntaxError(message: "'\(symbol)' is not a Debian version relation; use <<, <=, =, >= or >>")
            }
            guard !versionText.isEmpty else {
                throw SyntaxError(message: "'\(clause)' has no version after '\(symbol)'")
            }
            do {
                clauses.append(Clause(relation, try DebianVersion(versionText)))
            } catch {
                throw SyntaxError(message: error.description)
            }
        }
        self.clauses = clauses
    }

    /// Whether `version` stands in every clause's relation.
    public func isSatisfied(by version: DebianVersion) -> Bool {
        clauses.allSatisfy { $0.relation.holds(version, $0.version) }
    }

    /// "`>= 1.2, << 2`".
    public var description: String { clauses.map(\.description).joined(separator: ", ") }
}

extension StringProtocol {
    /// Without spaces and tabs at either end.
    fileprivate var trimmingBlanks: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }) else { return "" }
        let last = lastIndex(where: { !blank($0) })!
        return String(self[first...last])
    }
}
