/// The environment under contract with the contract's rules of resolution applied: a set
/// variable wins; an unset one takes an alias that is set (a migration failure is reported
/// elsewhere, but the value still resolves), then its `default`.
public struct ResolvedEnvironment: Sendable {
    public enum Source: Sendable, Equatable {
        case given
        case alias(String)
        case defaultValue
    }

    public let given: [String: String]
    private let defaults: [String: Template]
    private let aliases: [String: [String]]
    public let secrets: Set<String>
    /// Each default resolved once (nil: it cannot be), so defaults that repeat each other cost
    /// one resolution each, not one per path to them.
    private let resolvedDefaults: [String: String?]

    public init(contract: Contract, given: [String: String]) {
        self.given = given
        var defaults: [String: Template] = [:]
        var aliases: [String: [String]] = [:]
        for variable in contract.variables {
            if let value = variable.defaultValue, defaults[variable.name] == nil { defaults[variable.name] = value }
            if !variable.aliases.isEmpty, aliases[variable.name] == nil { aliases[variable.name] = variable.aliases }
        }
        self.defaults = defaults
        self.aliases = aliases
        self.secrets = contract.secretVariables
        self.resolvedDefaults = Self.resolveDefaults(defaults, aliases: aliases, given: given)
    }

    /// Resolves every default in dependency order without recursion; a default on a circle (an
    /// error lint reports) or longer than ``Template/maximumExpansion`` resolves to nil.
    private static func resolveDefaults(
        _ defaults: [String: Template], aliases: [String: [String]], given: [String: String]
    ) -> [String: String?] {
        var resolved: [String: String?] = [:]
        var onStack = Set<String>()
        func direct(_ name: String) -> String? {
            if let value = given[name] { return value }
            for alias in aliases[name] ?? [] { if let value = given[alias] { return value } }
            return nil
        }
        for start in defaults.keys.sorted() where resolved[start] == nil {
            var stack: [(name: String, expanded: Bool)] = [(start, false)]
            while let (name, expanded) = stack.popLast() {
                guard let template = defaults[name] else { continue }
                if expanded {
                    onStack.remove(name)
                    let value = template.resolve { other in
                        direct(other) ?? resolved[other] ?? nil
                    }
                    resolved[name] = .some(try? value.get())
                } else if resolved[name] == nil, !onStack.contains(name) {
                    onStack.insert(name)
                    stack.append((name, true))
                    for other in template.variables
                    where direct(other) == nil && resolved[other] == nil && !onStack.contains(other) {
                        stack.append((other, false))
                    }
                }
            }
        }
        return resolved
    }

    /// The value of `name` and where it came from, or nil when it has none.
    public func lookup(_ name: String) -> (value: String, source: Source)? {
        if let value = given[name] { return (value, .given) }
        for alias in aliases[name] ?? [] {
            if let value = given[alias] { return (value, .alias(alias)) }
        }
        guard let value = resolvedDefaults[name] ?? nil else { return nil }
        return (value, .defaultValue)
    }

    public func value(of name: String) -> String? { lookup(name)?.value }

    public func resolve(_ template: Template) -> Result<String, Template.Unresolved> {
        template.resolve { value(of: $0) }
    }

    /// The aliases the contract declares for `name`.
    public func aliases(of name: String) -> [String] { aliases[name] ?? [] }

    /// The values that must never be shown: every secret variable's, and its aliases'.
    public var secretValues: [String] {
        var values: [String] = []
        for name in secrets {
            if let value = value(of: name) { values.append(value) }
            for alias in aliases(of: name) { if let value = given[alias] { values.append(value) } }
        }
        return values
    }

    /// The environment a program should see: defaults filled in, every alias set to its
    /// canonical variable's value.
    public func normalised() -> [String: String] {
        var result = given
        for name in defaults.keys where result[name] == nil {
            if let value = value(of: name) { result[name] = value }
        }
        for (name, names) in aliases {
            guard let value = value(of: name) else { continue }
            if result[name] == nil { result[name] = value }
            for alias in names { result[alias] = value }
        }
        return result
    }
}
