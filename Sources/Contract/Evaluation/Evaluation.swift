/// Turns a contract, the environment under contract and a host's answers into results: the
/// pure heart of `check`. It asks the host only through ``ObservedHost``.
public struct Evaluation {
    public let contract: Contract
    public let environment: ResolvedEnvironment
    public let input: EnvironmentInput
    public let host: any ObservedHost
    /// The kinds to check; nil for all.
    public let only: Set<EntryKind>?
    /// `check --tags`: only entries carrying one of these tags; nil for all.
    public let tags: Set<String>?
    /// The day against which waivers are judged; nil: the UTC day of the host's clock.
    public let today: CalendarDay?
    /// Package databases read once for every `[[package]]` entry (see ``PackageDatabases``).
    let packageDatabases = PackageDatabases()
    /// The host's unit directories, read once for every `[[unit]]` entry (see ``UnitDirectories``).
    let unitDirectories: UnitDirectories
    /// Each path's access trace, asked of the host once (see ``AccessTraces``).
    let accessTraces = AccessTraces()

    public init(
        contract: Contract, input: EnvironmentInput, host: any ObservedHost, only: Set<EntryKind>? = nil,
        tags: Set<String>? = nil, today: CalendarDay? = nil
    ) {
        self.contract = contract
        self.input = input
        self.environment = ResolvedEnvironment(contract: contract, input: input)
        self.host = host
        self.only = only
        self.tags = tags
        self.today = today
        unitDirectories = UnitDirectories(listing: host, underRoot: host.rootDirectory != nil)
    }

    func includes(_ kind: EntryKind) -> Bool { only?.contains(kind) ?? true }

    /// Whether `check --tags` selects the entry: it carries one of the tags asked for.
    func selected(_ context: EntryContext) -> Bool {
        guard let tags else { return true }
        return context.tags.contains(where: tags.contains)
    }

    /// Every result of the kinds asked for, in contract order by kind; no secret value appears in
    /// any of them.
    public func run() -> [CheckResult] {
        var results: [CheckResult] = []
        if includes(.environment), tags == nil || contract.variables.contains(where: { selected($0.context) }) {
            results += environmentFileResults()
        }
        if includes(.directory) { for entry in contract.directories where selected(entry.context) { results += evaluate(entry) } }
        if includes(.file) { for entry in contract.files where selected(entry.context) { results += evaluate(entry) } }
        if includes(.key) { for entry in contract.keys where selected(entry.context) { results += evaluate(entry) } }
        if includes(.tree) { for entry in contract.trees where selected(entry.context) { results += evaluate(entry) } }
        if includes(.access) { for entry in contract.accesses where selected(entry.context) { results += evaluate(entry) } }
        if includes(.user) { for entry in contract.users where selected(entry.context) { results += evaluate(entry) } }
        if includes(.group) { for entry in contract.groups where selected(entry.context) { results += evaluate(entry) } }
        if includes(.variable) { for entry in contract.variables where selected(entry.context) { results += evaluate(entry) } }
        if includes(.nginx), let nginx = contract.nginx { results += evaluate(nginx) }
        if includes(.encrypted) { for entry in contract.encrypted where selected(entry.context) { results += evaluate(entry) } }
        if includes(.certificate) { for entry in contract.certificates where selected(entry.context) { results += evaluate(entry) } }
        if includes(.unit) { for entry in contract.units where selected(entry.context) { results += evaluate(entry) } }
        if includes(.package) { for entry in contract.packages where selected(entry.context) { results += evaluate(entry) } }
        if includes(.config) { for entry in contract.configs where selected(entry.context) { results += evaluate(entry) } }
        if includes(.port) { for entry in contract.ports where selected(entry.context) { results += evaluate(entry) } }
        if includes(.connect) { for entry in contract.connections where selected(entry.context) { results += evaluate(entry) } }
        if includes(.http) { for entry in contract.requests where selected(entry.context) { results += evaluate(entry) } }
        if includes(.command) { for entry in contract.commands where selected(entry.context) { results += evaluate(entry) } }
        return redacted(waived(FindingLimit.capped(results)))
    }

    /// Failed and unevaluated checks of an entry whose waiver holds today become `waived`; after
    /// its day they stay failed, and say that the waiver expired.
    func waived(_ results: [CheckResult]) -> [CheckResult] {
        guard results.contains(where: { $0.waiver != nil }) else { return results }
        let today = today ?? CalendarDay(secondsSinceEpoch: Int(host.currentTime))
        return results.map { result in
            guard let waiver = result.waiver, result.status == .fail || result.status == .error else { return result }
            var result = result
            if waiver.holds(on: today) {
                result.status = .waived
            } else {
                result.message += " (waiver expired on \(waiver.until): \(waiver.reason))"
            }
            return result
        }
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

    /// What a result field holding a withheld value reads instead: a fixed text, so what was
    /// replaced reveals nothing of the value (replacing the value inside the text would: a weak
    /// secret `backup` made `/etc/dicom-[secret]/[secret].env`).
    public static let withheldField = "(withheld: this text would contain a secret value)"

    /// The last line of defence behind results that never put a withheld value in a field to
    /// begin with: a field (subject, message, expected, actual, fix) that contains the value of
    /// a withheld variable, however short, or its form with paths normalised, is replaced whole
    /// by ``withheldField``.
    func redacted(_ results: [CheckResult]) -> [CheckResult] {
        let secrets = Set(environment.secretValues.filter { !$0.isEmpty })
        guard !secrets.isEmpty else { return results }
        let squashed = Set(secrets.map(Self.squashed).filter { !$0.isEmpty && $0 != "/" })
        // A text normalisation leaves alone (most are) has been searched for every secret that
        // is its own squashed form already.
        let squashedOnly = squashed.subtracting(secrets)
        func reveals(_ text: String) -> Bool {
            if secrets.contains(where: { text.contains($0) }) { return true }
            if Self.isSquashed(text) { return squashedOnly.contains { text.contains($0) } }
            let text = Self.squashed(text)
            return squashed.contains { text.contains($0) }
        }
        func scrub(_ text: String?) -> String? {
            guard let text, reveals(text) else { return text }
            return Self.withheldField
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

    /// Whether ``squashed(_:)`` leaves `text` as it is: no `//`, no `/./`, no trailing `/` or `/.`.
    static func isSquashed(_ text: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        var count = 0
        for byte in text.utf8 {
            if byte == slash && (previous == slash || (previous == dot && beforePrevious == slash && count >= 2)) { return false }
            beforePrevious = previous
            previous = byte
            count += 1
        }
        if count > 1 && previous == slash { return false }
        return !(count >= 2 && previous == dot && beforePrevious == slash)
    }

    /// `text` with the changes path normalisation makes inside it: runs of `/` as one, `/./` as
    /// `/`, no trailing `/`; so a value with `//` is still found in a normalised path.
    static func squashed(_ text: String) -> String {
        // On bytes: `/` and `.` are ASCII, and no other byte of UTF-8 equals them.
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte == slash, result.last == slash { continue }
            result.append(byte)
            if byte == slash, result.count >= 3, result[result.count - 2] == dot, result[result.count - 3] == slash {
                result.removeLast(2)
            }
        }
        if result.count > 1, result.last == slash { result.removeLast() }
        if result.count >= 2, result.last == dot, result[result.count - 2] == slash { result.removeLast(2) }
        return String(decoding: result, as: UTF8.self)
    }
}

/// A path with repeated and trailing slashes and `.` components removed ("/a//b/./" -> "/a/b").
public func normalise(_ path: String) -> String {
    if isNormalised(path) { return path }
    // On bytes (`/` and `.` are ASCII): every check and cross-check normalises paths.
    let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
    let bytes = path.utf8
    var parts: [Substring.UTF8View] = []
    for part in path.utf8.split(separator: slash) {
        let isDot = part.count == 1 && part.first == dot
        let isDotDot = part.count == 2 && part.allSatisfy { $0 == dot }
        if isDot { continue }
        if isDotDot, let last = parts.last, !(last.count == 2 && last.allSatisfy { $0 == dot }) {
            parts.removeLast()
            continue
        }
        parts.append(part)
    }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + 1)
    let absolute = bytes.first == slash
    for (index, part) in parts.enumerated() {
        if absolute || index > 0 { result.append(slash) }
        result.append(contentsOf: part)
    }
    if result.isEmpty { return absolute ? "/" : "." }
    return String(decoding: result, as: UTF8.self)
}

/// Whether `normalise(path)` is `path` itself: "/", or components that are neither empty
/// (no "//", no trailing '/') nor "." nor "..", after at most one leading '/'.
func isNormalised(_ path: String) -> Bool {
    let bytes = path.utf8
    guard !bytes.isEmpty else { return false }
    if bytes.count == 1 && bytes.first == UInt8(ascii: "/") { return true }
    var length = 0, dots = 0
    var first = true
    for byte in bytes {
        if byte == UInt8(ascii: "/") {
            if !(first && length == 0) && (length == 0 || dots == length && dots <= 2) { return false }
            first = false
            length = 0
            dots = 0
        } else {
            length += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
    }
    return length > 0 && !(dots == length && dots <= 2)
}

/// Whether `path` is `base` or lies below it (both normalised, compared by component).
public func isInside(_ path: String, _ base: String) -> Bool {
    let path = normalise(path), base = normalise(base)
    if base == "/" { return path.hasPrefix("/") }
    return path == base || path.hasPrefix(base + "/")
}
