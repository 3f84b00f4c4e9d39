import TOMLKit

/// One directive rule on what nginx applies in the block (its own directives, or those it
/// inherits): `true` or `{ present = true }` (present, with any arguments), a string (the
/// arguments joined by one space), a list (each element among the directive's occurrences), or
/// `{ matches = "REGEX" }` (each pattern found in the arguments of some occurrence).
public struct NginxDirectiveRule: Sendable, Hashable {
    public enum Expectation: Sendable, Hashable {
        case present
        case equals(Template)
        case includes([Template])
        case matches([Pattern])
    }

    public var name: String
    public var expectation: Expectation
}

extension NginxDirectiveRule {
    /// The keys of a directive's table form.
    static let tableKeys = ["present", "matches"]

    /// The `directives` table of a location or server rule, by name.
    static func read(_ r: TableReader, patterns: any PatternEngine) -> [NginxDirectiveRule] {
        guard let raw = r.raw("directives") else { return [] }
        guard let table = raw.table else {
            r.error("directives", "expected a table such as { internal = true, alias = \"/srv/\" }, found \(TableReader.describe(raw))")
            return []
        }
        var rules: [NginxDirectiveRule] = []
        for (name, value) in table {
            let key = "directives"
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                name.first?.isLetter == true
            else {
                r.error(key, "'\(name)' is not an nginx directive name")
                continue
            }
            if let flag = value.bool {
                if !flag {
                    r.error(key, "\(name) = false cannot be checked; write true for a directive that must be present")
                    continue
                }
                rules.append(NginxDirectiveRule(name: name, expectation: .present))
            } else if let text = value.string {
                if let template = r.template(key, text: text) {
                    rules.append(NginxDirectiveRule(name: name, expectation: .equals(template)))
                }
            } else if let array = value.array, !array.isEmpty, array.allSatisfy({ $0.string != nil }) {
                let templates = array.compactMap { r.template(key, text: $0.string) }
                rules.append(NginxDirectiveRule(name: name, expectation: .includes(templates)))
            } else if let inner = value.table {
                if let expectation = tableExpectation(inner, name: name, r, patterns: patterns) {
                    rules.append(NginxDirectiveRule(name: name, expectation: expectation))
                }
            } else {
                r.error(
                    key,
                    "\(name) must be true, a string, a non-empty array of strings or a table such as { matches = \"^zone=\" }, found \(TableReader.describe(value))")
            }
        }
        return rules.sorted { $0.name < $1.name }
    }

    /// `{ present = true }` or `{ matches = "REGEX" }` (or a list of them), each pattern compiled
    /// now, so a bad one is a lint error at the `directives` line.
    static func tableExpectation(
        _ table: TOMLTable, name: String, _ r: TableReader, patterns: any PatternEngine
    ) -> Expectation? {
        let key = "directives"
        var present: Bool? = nil
        var sources: [String]? = nil
        var valid = true
        for (option, value) in table {
            switch option {
            case "present":
                guard let flag = value.bool else {
                    r.error(key, "\(name): present must be true, found \(TableReader.describe(value))")
                    valid = false
                    continue
                }
                if !flag { r.error(key, "\(name): present = false cannot be checked; write present = true for a directive that must be present") }
                present = flag
                valid = valid && flag
            case "matches":
                if let text = value.string {
                    sources = [text]
                } else if let array = value.array, !array.isEmpty, array.allSatisfy({ $0.string != nil }) {
                    sources = array.compactMap(\.string)
                } else {
                    r.error(key, "\(name): matches must be a regular expression or a non-empty array of them, found \(TableReader.describe(value))")
                    valid = false
                }
            default:
                let hint = closest(to: option, in: tableKeys).map { "; did you mean '\($0)'?" } ?? ""
                r.error(key, "\(name): unknown key '\(option)'\(hint) (write { present = true } or { matches = \"REGEX\" })")
                valid = false
            }
        }
        if let sources {
            let compiled = sources.compactMap { r.regularExpression($0, key: key, compiledBy: patterns) }
            guard valid, compiled.count == sources.count else { return nil }
            return .matches(compiled)
        }
        if present == nil, valid { r.error(key, "\(name): write { present = true } or { matches = \"REGEX\" }") }
        return valid && present == true ? .present : nil
    }
}
