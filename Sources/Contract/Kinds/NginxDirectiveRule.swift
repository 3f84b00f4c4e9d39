import TOMLKit

/// One directive rule on what nginx applies in the block (its own directives, or those it
/// inherits): `true` (present, with any arguments), a string (the arguments joined by one
/// space), or a list (each element among the directive's occurrences).
public struct NginxDirectiveRule: Sendable, Hashable {
    public enum Expectation: Sendable, Hashable {
        case present
        case equals(Template)
        case includes([Template])
    }

    public var name: String
    public var expectation: Expectation
}

extension NginxDirectiveRule {
    /// The `directives` table of a location or server rule, by name.
    static func read(_ r: TableReader) -> [NginxDirectiveRule] {
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
            } else {
                r.error(key, "\(name) must be true, a string or a non-empty array of strings, found \(TableReader.describe(value))")
            }
        }
        return rules.sorted { $0.name < $1.name }
    }
}
