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
    /// The secret variables and those derived from one: their aliases (and the variable a
    /// secret alias stands for), and every variable whose default takes one of these.
    public let secrets: Set<String>
    /// The variables whose values are never shown, each with why (``withheldReason(_:)``): the
    /// ``secrets``, and every variable whose value in the environment file is not clean (it
    /// took in other lines), or derived from one.
    private let withheld: [String: String]
    /// The variables the contract declares, aliases included.
    private let declared: Set<String>
    /// Each default resolved once (nil: it cannot be), so defaults that repeat each other cost
    /// one resolution each, not one per path to them.
    private let resolvedDefaults: [String: String?]

    /// The environment `input` gives, with the provenance of its values.
    public init(contract: Contract, input: EnvironmentInput) {
        self.init(contract: contract, given: input.values, withheld: input.withheldReasons)
    }

    /// `withheld`: the variables whose value is not provably what its line says, each with why
    /// (``EnvironmentInput/withheldReasons``).
    public init(contract: Contract, given: [String: String], withheld: [String: String] = [:]) {
        self.given = given
        self.declared = contract.declaredVariables
        var defaults: [String: Template] = [:]
        var aliases: [String: [String]] = [:]
        for variable in contract.variables {
            if let value = variable.defaultValue, defaults[variable.name] == nil { defaults[variable.name] = value }
            if !variable.aliases.isEmpty, aliases[variable.name] == nil { aliases[variable.name] = variable.aliases }
        }
        self.defaults = defaults
        self.aliases = aliases
        self.withheld = Self.withheldNames(
            secrets: contract.secretVariables, defaults: defaults, aliases: aliases, given: given, withheld: withheld)
        self.secrets = Set(Self.withheldNames(
            secrets: contract.secretVariables, defaults: defaults, aliases: aliases, given: given, withheld: [:]).keys)
        self.resolvedDefaults = Self.resolveDefaults(defaults, aliases: aliases, given: given)
    }

    /// Which names are withheld and why, to a fixed point: a secret; a value from the file that
    /// is not clean; an alias of a withheld variable (and the variable an withheld alias stands
    /// for: they hold one value); a default that takes a withheld variable. Each pass adds a
    /// name or stops, so there are at most as many passes as names.
    private static func withheldNames(
        secrets: Set<String>, defaults: [String: Template], aliases: [String: [String]],
        given: [String: String], withheld: [String: String]
    ) -> [String: String] {
        var reasons: [String: String] = [:]
        for name in secrets { reasons[name] = "\(name) is secret" }
        for (name, reason) in withheld where given[name] != nil && reasons[name] == nil { reasons[name] = reason }
        var changed = true
        while changed {
            changed = false
            for (name, names) in aliases.sorted(by: { $0.key < $1.key }) {
                for alias in names {
                    if reasons[alias] == nil, let reason = reasons[name] {
                        reasons[alias] = "\(alias) is an alias of \(name): " + reason
                        changed = true
                    }
                    if reasons[name] == nil, let reason = reasons[alias] {
                        reasons[name] = "\(name) may take its value from its alias \(alias): " + reason
                        changed = true
                    }
                }
            }
            for (name, template) in defaults.sorted(by: { $0.key < $1.key }) where reasons[name] == nil {
                if let other = template.variables.first(where: { reasons[$0] != nil }), let reason = reasons[other] {
                    reasons[name] = "the default of \(name) takes ${\(other)}: " + reason
                    changed = true
                }
            }
        }
        return reasons
    }

    /// Why the value of `name` is never shown, or nil when it may be: the one place that
    /// decides whether a variable's value may appear in a result.
    /// A variable no `[[variable]]` declares is read from the environment (lint warns) but is
    /// not known to be other than secret, so its value is withheld too.
    public func withheldReason(_ name: String) -> String? {
        withheld[name] ?? (declared.contains(name) ? nil : "\(name) is not declared by any [[variable]], so it is not known not to be secret")
    }

    /// Whether the value of `name` may appear in output.
    public func isPrintable(_ name: String) -> Bool { withheldReason(name) == nil }

    /// Why an entry with `condition` does not apply, never showing a withheld value: a test of
    /// a withheld variable's value is unmet (lint rejects secret ones; an unclean value is not
    /// what its line says, so it decides nothing). Whether a secret is set is decided: that is
    /// not its value (`required` tells as much); whether an unclean one is, is not.
    public func unmetReason(_ condition: Condition) -> String? {
        condition.unmetReason(
            { value(of: $0) }, withheld: { withheldReason($0) },
            presenceWithheld: { secrets.contains($0) ? nil : withheld[$0] })
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

    /// The text of `template`, which fails on a withheld variable as on an unset one: resolved
    /// text reaches paths, fix lines and messages, so it never holds a withheld value.
    public func resolve(_ template: Template) -> Result<String, Template.Unresolved> {
        if let name = template.variables.first(where: { withheldReason($0) != nil }), let reason = withheldReason(name) {
            return .failure(Template.Unresolved(variable: name, withheldBecause: reason))
        }
        return template.resolve { value(of: $0) }
    }

    /// The aliases the contract declares for `name`.
    public func aliases(of name: String) -> [String] { aliases[name] ?? [] }

    /// The values that must never be shown: every withheld variable's, and its aliases'.
    public var secretValues: [String] {
        var values: [String] = []
        for name in withheld.keys.sorted() {
            if let value = value(of: name) { values.append(value) }
            if let value = given[name] { values.append(value) }
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
