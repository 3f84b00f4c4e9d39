/// Turns a contract, the environment under contract and a host's answers into results: the
/// pure heart of `check`. It asks the host only through ``ObservedHost``.
public struct Evaluation {
    public let contract: Contract
    public let environment: ResolvedEnvironment
    public let input: EnvironmentInput
    public let host: any ObservedHost
    /// The kinds to check; nil for all.
    public let only: Set<EntryKind>?

    public init(
        contract: Contract, input: EnvironmentInput, host: any ObservedHost, only: Set<EntryKind>? = nil
    ) {
        self.contract = contract
        self.input = input
        self.environment = ResolvedEnvironment(contract: contract, input: input)
        self.host = host
        self.only = only
    }

    func includes(_ kind: EntryKind) -> Bool { only?.contains(kind) ?? true }

    /// Every result, in contract order by kind; no secret value appears in any of them.
    public func run() -> [CheckResult] {
        var results: [CheckResult] = []
        if includes(.environment) || includes(.variable) { results += environmentFileResults() }
        if includes(.directory) { for entry in contract.directories { results += evaluate(entry) } }
        if includes(.file) { for entry in contract.files { results += evaluate(entry) } }
        if includes(.key) { for entry in contract.keys { results += evaluate(entry) } }
        if includes(.tree) { for entry in contract.trees { results += evaluate(entry) } }
        if includes(.access) { for entry in contract.accesses { results += evaluate(entry) } }
        if includes(.user) { for entry in contract.users { results += evaluate(entry) } }
        if includes(.group) { for entry in contract.groups { results += evaluate(entry) } }
        if includes(.variable) { for entry in contract.variables { results += evaluate(entry) } }
        if includes(.nginx) { results += nginxResults() }
        if includes(.encrypted) { for entry in contract.encrypted { results += evaluate(entry) } }
        if includes(.certificate) { for entry in contract.certificates { results += evaluate(entry) } }
        results += pendingResults()
        return redacted(FindingLimit.capped(results))
    }

    /// Why an entry does not apply: its `when` is unmet.
    func skipReason(_ context: EntryContext) -> String? {
        environment.unmetReason(context.condition)
    }

    /// Resolves an entry's path; where a variable it needs is unset, the reason to skip.
    func resolvePath(_ template: Template) -> (path: String, unresolved: String?) {
        switch environment.resolve(template) {
        case .success(let path): return (normalise(path), nil)
        case .failure(let missing):
            return (template.source, "depends on ${\(missing.variable)}, \(missing.reason)")
        }
    }

    /// The resolved path of a path entry and a recorder for it, which skips every check when
    /// the entry does not apply or its path depends on an unset variable.
    func start(_ context: EntryContext, path template: Template) -> (path: String, recorder: Recorder) {
        let (path, unresolved) = resolvePath(template)
        let reason = skipReason(context) ?? unresolved.map { "path " + $0 }
        return (path, Recorder(context: context, subject: path, skipReason: reason))
    }

    /// How a variable's value that may not be shown (``ResolvedEnvironment/isPrintable(_:)``,
    /// the one decision) appears instead: by name and, for a value that is not clean, the lines
    /// of the environment file it came from. Never the value, nor its length.
    func withheldValue(of name: String) -> String {
        if environment.secrets.contains(name) { return "(secret)" }
        return "(not shown: \(environment.withheldReason(name) ?? "withheld"))"
    }

    /// Replaces every secret value that slipped into a result by a placeholder: the last line
    /// of defence behind messages that never print secret values to begin with.
    func redacted(_ results: [CheckResult]) -> [CheckResult] {
        let secrets = environment.secretValues.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
        guard !secrets.isEmpty else { return results }
        func scrub(_ text: String?) -> String? {
            guard var text else { return nil }
            for secret in secrets where text.contains(secret) { text = text.replacing(secret, with: "[secret]") }
            return text
        }
        return results.map { result in
            var result = result
            result.subject = scrub(result.subject) ?? ""
            result.message = scrub(result.message) ?? ""
            result.expected = scrub(result.expected)
            result.actual = scrub(result.actual)
            result.fix = scrub(result.fix)
            return result
        }
    }
}

/// A path with repeated and trailing slashes and `.` components removed ("/a//b/./" -> "/a/b").
public func normalise(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        if part == "." { continue }
        if part == "..", !parts.isEmpty, parts.last != ".." { parts.removeLast(); continue }
        parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
}

/// Whether `path` is `base` or lies below it (both normalised, compared by component).
public func isInside(_ path: String, _ base: String) -> Bool {
    let path = normalise(path), base = normalise(base)
    if base == "/" { return path.hasPrefix("/") }
    return path == base || path.hasPrefix(base + "/")
}
