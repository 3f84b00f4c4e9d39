import TOMLKit

/// `[environment]`: where the environment under contract is read from.
public struct EnvironmentSection: Sendable, Hashable {
    public var line: Int
    /// A file in systemd's EnvironmentFile= syntax, resolved under the root.
    public var file: Template?
}

/// `[[variable]]`: a variable of the environment under contract and the rules its value obeys.
public struct VariableEntry: Sendable, Hashable {
    public var context: EntryContext
    public var name: String
    public var required: Bool
    /// The value where the variable is unset.
    public var defaultValue: Template?
    /// Older names: where set, they must equal this variable.
    public var aliases: [String]
    public var equals: Template?
    public var oneOf: [String]?
    /// Values it must not have.
    public var forbid: [String]
    /// A regular expression the whole value must match.
    public var pattern: Pattern?
    public var minLength: Int?
    /// The value appears in no output of any kind.
    public var secret: Bool
    /// An absolute path, compared as a normalised path.
    public var path: Bool
    /// A path the value must lie inside.
    public var inside: Template?
    /// The path it names exists under the root.
    public var exists: Bool?
    /// The name of a variable holding a comma-separated list of `ID:SECRET` entries
    /// (`ENCRYPTION_KEYS=k1:...,k2:...`): the value must be one of those ids. The list is never shown.
    public var keyIDIn: String? = nil
}

extension EnvironmentSection {
    static let keys = ["file"]

    static func read(
        _ raw: any TOMLValueConvertible, map: SourceMap, log: DiagnosticLog, references: ReferenceLog
    ) -> EnvironmentSection? {
        let section = map.table("environment")
        guard let table = raw.table else {
            log.error(line: map.table("")?.keys["environment"] ?? 1, "'environment' must be a table: write [environment]")
            return nil
        }
        let r = TableReader(
            table: table, section: section, fallbackLine: 1, label: "[environment]", log: log, references: references)
        let file = r.path("file", required: false)
        r.finish(allowed: keys)
        return EnvironmentSection(line: r.line, file: file)
    }
}

extension VariableEntry {
    static let keys = [
        "name", "required", "default", "aliases", "equals", "one_of", "forbid", "pattern", "min_length",
        "secret", "path", "inside", "exists", "key_id_in",
    ]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> VariableEntry? {
        let context = r.context(kind: .variable, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        if let name, !VariableName.isValid(name) {
            r.error("name", "'\(name)' is not a valid variable name (letters, digits and '_', not starting with a digit)")
        }
        let aliases = r.strings("aliases") ?? []
        for alias in aliases where !VariableName.isValid(alias) {
            r.error("aliases", "'\(alias)' is not a valid variable name")
        }
        if let name, aliases.contains(name) { r.error("aliases", "'\(name)' cannot be an alias of itself") }
        let oneOf = r.strings("one_of")
        if let oneOf, oneOf.isEmpty { r.error("one_of", "must list at least one value") }
        let pattern = r.regularExpressions("pattern", compiledBy: patterns).first
        if let raw = r.raw("pattern"), raw.array != nil { r.error("pattern", "expected one regular expression as a string") }
        let isPath = r.bool("path") ?? false
        let inside = r.path("inside", required: false)
        let exists = r.bool("exists")
        let entry = VariableEntry(
            context: context, name: name ?? "", required: r.bool("required") ?? false,
            defaultValue: r.template("default", text: r.string("default")), aliases: aliases,
            equals: r.template("equals", text: r.string("equals")), oneOf: oneOf,
            forbid: r.strings("forbid") ?? [], pattern: pattern,
            minLength: r.integer("min_length", minimum: 0), secret: r.bool("secret") ?? false,
            path: isPath, inside: inside, exists: exists, keyIDIn: r.nonEmptyString("key_id_in"))
        if let list = entry.keyIDIn {
            if !VariableName.isValid(list) { r.error("key_id_in", "'\(list)' is not a variable name") }
            r.references.add(list, line: r.line(of: "key_id_in"), entry: r.label, key: "key_id_in", isListing: true)
        }
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return name == nil ? nil : entry
    }
}

/// The variable's value, and the environment file itself. A secret's value is never put in a result.
extension Evaluation {
    func evaluate(_ entry: VariableEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        let name = entry.name
        let found = recorder.skipReason == nil ? environment.lookup(name) : nil
        let setting = settingAdvice(name)
        let checks = ["equals", "one_of", "forbid", "pattern", "min_length", "path", "inside", "exists", "key_id_in"]
        let present: [String: Bool] = [
            "equals": entry.equals != nil, "one_of": entry.oneOf != nil, "forbid": !entry.forbid.isEmpty,
            "pattern": entry.pattern != nil, "min_length": entry.minLength != nil, "path": entry.path,
            "inside": entry.inside != nil, "exists": entry.exists != nil, "key_id_in": entry.keyIDIn != nil,
        ]

        // The file exists but this user cannot read it: nothing about its variables is known.
        if recorder.skipReason == nil, case .file(let subject, _) = input.origin, let error = input.readError,
            input.readErrorIsInaccessible
        {
            for check in (entry.required ? ["required"] : []) + checks.filter({ present[$0] == true }) {
                recorder.cannotEvaluate(check, key: check, "\(name) cannot be evaluated: the environment file \(subject) cannot be read (\(error))")
            }
            return recorder.results
        }

        if entry.required {
            let aliasSet = environment.aliases(of: name).first { environment.given[$0] != nil }
            recorder.verify(
                "required", key: "required", environment.given[name] != nil || aliasSet != nil,
                pass: "\(name) is set", fail: "\(name) is required but not set",
                expected: "set", actual: environment.given[name] != nil || aliasSet != nil ? "set" : "unset",
                fix: setting)
        }
        checkAliases(&recorder, entry)

        // `secret` also hides the contract's own values for it; `printable` decides the value's.
        let secret = entry.secret || environment.secrets.contains(name)
        let printable = !secret && environment.isPrintable(name)
        func shown(_ value: String) -> String { printable ? "'\(value)'" : withheldValue(of: name) }
        func raw(_ value: String) -> String? { printable ? value : nil }

        guard let (value, _) = found else {
            for check in checks where present[check] == true {
                recorder.skip(check, key: check, "\(name) is not set")
            }
            return recorder.results
        }
        let compared = entry.path ? normalise(value) : value

        if let equals = entry.equals {
            switch environment.resolve(equals) {
            case .failure(let missing):
                recorder.skip("equals", key: "equals", "equals depends on ${\(missing.variable)}, \(missing.reason)")
            case .success(let wanted):
                let target = entry.path ? normalise(wanted) : wanted
                recorder.verify(
                    "equals", key: "equals", compared == target,
                    pass: "\(name) is '\(secret ? "(secret)" : wanted)'",
                    fail: "\(name) is \(shown(value)), contract requires '\(secret ? "(secret)" : wanted)'",
                    expected: secret ? nil : wanted, actual: raw(value), fix: secret ? setting : settingAdvice(name, to: wanted))
            }
        }
        if let oneOf = entry.oneOf {
            let listed = oneOf.map { "'\($0)'" }.joined(separator: ", ")
            recorder.verify(
                "one_of", key: "one_of", oneOf.contains(value),
                pass: "\(name) is one of \(listed)", fail: "\(name) is \(shown(value)), which is not one of \(listed)",
                expected: "one of " + oneOf.joined(separator: ", "), actual: raw(value),
                fix: settingAdvice(name, toOneOf: oneOf))
        }
        if !entry.forbid.isEmpty {
            let hit = entry.forbid.first { $0 == value }
            recorder.verify(
                "forbid", key: "forbid", hit == nil,
                pass: "\(name) has none of the forbidden values",
                fail: "\(name) is \(shown(value)), which is forbidden",
                expected: "none of " + entry.forbid.joined(separator: ", "), actual: raw(value), fix: setting)
        }
        if let pattern = entry.pattern {
            let outcome = pattern.compiled.wholeMatch(value[...])
            if case .gaveUp(let limit) = outcome {
                recorder.fail(
                    "pattern", key: "pattern", "\(name): " + pattern.tooMuchWork(limit: limit),
                    expected: pattern.source, actual: "undecided", fix: ShellWords.decision("simplify the pattern '\(pattern)' in the contract"))
            } else {
                recorder.verify(
                    "pattern", key: "pattern", outcome == .match,
                    pass: "\(name) matches '\(pattern)'", fail: "\(name) is \(shown(value)), which does not match '\(pattern)'",
                    expected: pattern.source, actual: raw(value), fix: setting)
            }
        }
        if let minLength = entry.minLength {
            // Never the length itself: for a secret that tells an attacker too much.
            recorder.verify(
                "min_length", key: "min_length", value.count >= minLength,
                pass: "\(name) has at least \(minLength) characters",
                fail: "\(name) is shorter than \(minLength) characters",
                expected: "at least \(minLength) characters", actual: value.count >= minLength ? "long enough" : "shorter",
                fix: setting)
        }
        if entry.path {
            recorder.verify(
                "path", key: "path", value.hasPrefix("/"),
                pass: "\(name) is an absolute path", fail: "\(name) is \(shown(value)), not an absolute path",
                expected: "an absolute path", actual: raw(value), fix: setting)
        }
        if let inside = entry.inside {
            switch environment.resolve(inside) {
            case .failure(let missing):
                recorder.skip("inside", key: "inside", "inside depends on ${\(missing.variable)}, \(missing.reason)")
            case .success(let base):
                recorder.verify(
                    "inside", key: "inside", isInside(value, base),
                    pass: "\(name) lies inside \(normalise(base))",
                    fail: "\(name) is \(shown(value)), outside \(normalise(base))",
                    expected: "inside \(normalise(base))", actual: raw(value), fix: setting)
            }
        }
        if let exists = entry.exists {
            let state = inspect(value)
            let isThere: Bool = if case .present = state { true } else { false }
            recorder.verify(
                "exists", key: "exists", isThere == exists,
                pass: "\(printable ? value : name) \(exists ? "exists" : "does not exist")",
                fail: !printable ? "the path in \(name) \(exists ? "does not exist" : "exists")" : describe(state, path: value),
                expected: exists ? "present" : "absent", actual: isThere ? "present" : actual(state),
                fix: exists && printable ? ShellWords.decision("create \(host.operatorPath(value))") : nil)
        }
        if let list = entry.keyIDIn {
            // The list holds secrets: neither it, nor its ids, nor its length is shown.
            let ids = (environment.value(of: list) ?? "").split(separator: ",").map {
                String($0.prefix { $0 != ":" }).trimmingCharacters()
            }
            recorder.verify(
                "key_id_in", key: "key_id_in", ids.contains(value),
                pass: "\(name) names one of the keys in \(list)",
                fail: environment.value(of: list) == nil ? "\(list) is not set, so \(name) names no key"
                    : "\(name) names no key in \(list)",
                expected: "the id of a key in \(list)", actual: ids.contains(value) ? "listed" : "not listed",
                fix: ShellWords.decision("set \(name) to the id of one of the keys in \(list) (the part before ':')"))
        }
        return recorder.results
    }

    /// Aliases: where set they must equal the canonical variable; set while it is not is a
    /// migration to finish.
    func checkAliases(_ recorder: inout Recorder, _ entry: VariableEntry) {
        let name = entry.name
        let secret = entry.secret || environment.secrets.contains(name)
        let canonical = environment.given[name]
        let printable = !secret && environment.isPrintable(name)
        defer { recorder.subject = name }
        for alias in entry.aliases {
            recorder.subject = alias
            guard let value = recorder.skipReason == nil ? environment.given[alias] : nil else {
                recorder.pass("alias", key: "aliases", "\(alias) is not set")
                continue
            }
            guard let canonical else {
                recorder.fail(
                    "alias", key: "aliases",
                    "\(alias) is set but \(name) is not: rename \(alias) to \(name) (\(alias) is an older name of it)",
                    expected: "\(name) set", actual: "only \(alias) set", fix: ShellWords.decision("rename \(alias) to \(name) in \(environmentName)"))
                continue
            }
            let same = entry.path ? normalise(value) == normalise(canonical) : value == canonical
            let shown = printable && environment.isPrintable(alias)
            recorder.verify(
                "alias", key: "aliases", same,
                pass: "\(alias) equals \(name)",
                fail: !shown
                    ? "\(alias) differs from \(name)"
                    : "\(alias) is '\(value)' but \(name) is '\(canonical)'; they must name the same \(entry.path ? "path" : "value")",
                expected: shown ? canonical : nil, actual: shown ? value : nil,
                fix: ShellWords.decision(!shown ? "set \(alias) to the value of \(name) in \(environmentName), or remove it"
                    : "set \(alias)=\(ShellWords.quote(canonical)) in \(environmentName), or remove it"))
        }
    }

    var environmentName: String {
        switch input.origin {
        case .file(let subject, let onThisMachine): onThisMachine ? subject : host.operatorPath(subject)
        case .process: "the service's environment"
        case .none: "the environment"
        }
    }

    func settingAdvice(_ name: String, to value: String? = nil) -> String {
        guard let value else { return ShellWords.decision("set \(name) in \(environmentName)") }
        return ShellWords.decision("set \(name)=\(ShellWords.quote(value)) in \(environmentName)")
    }

    func settingAdvice(_ name: String, toOneOf values: [String]) -> String {
        ShellWords.decision("set \(name) to one of \(values.joined(separator: ", ")) in \(environmentName)")
    }

    /// The environment file itself: readable, and every line one systemd takes as meant.
    func environmentFileResults() -> [CheckResult] {
        guard case .file(let subject, let onThisMachine) = input.origin else { return [] }
        let target = onThisMachine ? subject : host.operatorPath(subject)
        let line = contract.environment?.line
        var results: [CheckResult] = []
        if let error = input.readError {
            // Missing (or not a regular file) is a violation with its fix; unreadable to this user
            // (permission denied, an I/O error) means the check could not be evaluated.
            let inaccessible = input.readErrorIsInaccessible
            results.append(CheckResult(
                kind: .environment, subject: subject, check: "readable", status: inaccessible ? .error : .fail,
                message: "environment file \(subject) cannot be read: \(error)", expected: "readable", actual: error,
                fix: inaccessible ? nil : ShellWords.decision("create \(target)"), line: line))
            return results
        }
        results.append(CheckResult(
            kind: .environment, subject: subject, check: "readable", status: .pass,
            message: "read \(input.values.count) variables from \(subject)", line: line))
        for problem in input.problems {
            results.append(CheckResult(
                kind: .environment, subject: subject, check: "syntax", status: .fail, severity: problem.severity,
                message: "\(subject):\(problem.line): \(problem.message)", actual: "line \(problem.line)",
                fix: ShellWords.decision("edit \(target) at line \(problem.line)"), line: line))
        }
        return results
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
