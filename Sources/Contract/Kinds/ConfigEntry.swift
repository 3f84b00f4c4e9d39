import TOMLKit

/// `[[config]]`: one value inside a structured configuration file (TOML, JSON, INI), addressed
/// by its key path, with the value rules of `[[variable]]` and a reference rule: the value
/// names a key of a table of the same file (`default_source` names an entry of `sources`).
/// Nothing of the host runs: the file is read as text and parsed here.
public struct ConfigEntry: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case toml, json, ini

        /// The `format` key, or else the format the name of the file at `pathKey` tells; an
        /// error where neither says.
        static func read(_ r: TableReader, of path: Template?, pathKey: String) -> Format? {
            let format = r.choice("format", as: Format.self)
            guard format == nil, r.raw("format") == nil, let path else { return format }
            let guessed = guessed(from: path.source)
            if guessed == nil {
                r.error(pathKey, "cannot tell the format of '\(path.source)' from its name; add format = \"toml\", \"json\" or \"ini\"")
            }
            return guessed
        }

        /// From a file name's extension: `.toml`, `.json`, `.ini` or `.cfg`.
        static func guessed(from path: String) -> Format? {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            guard let dot = name.lastIndex(of: ".") else { return nil }
            switch name[name.index(after: dot)...].lowercased() {
            case "toml": return .toml
            case "json": return .json
            case "ini", "cfg": return .ini
            default: return nil
            }
        }
    }

    /// What `type` asks the value to be. In an INI file every value is text: `integer`,
    /// `float` and `boolean` there ask that the text reads as one (as configparser's getint,
    /// getfloat and getboolean would).
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        case string, integer, float, boolean, datetime, table, array
    }

    public var context: EntryContext
    public var path: Template
    public var format: Format
    /// The key path, one element per level (`["sources", "aria", "host"]`).
    public var key: ConfigKeyPath
    /// Default true: the key must be present.
    public var required: Bool = true
    public var type: ValueType? = nil
    public var equals: Template? = nil
    public var oneOf: [String]? = nil
    /// Values it must not have.
    public var forbid: [String] = []
    /// A regular expression the whole value must match.
    public var pattern: Pattern? = nil
    /// The table (of the same file) whose keys the value (a string, or each string of an
    /// array) must name; an empty path is the top level (an INI file's sections).
    public var namesKeyIn: ConfigKeyPath? = nil
    /// The value appears in no output of any kind.
    public var secret: Bool = false

    /// The value checks the entry asks for, each with the contract key it comes from.
    var valueChecks: [String] {
        [
            type != nil ? "type" : nil, equals != nil ? "equals" : nil, oneOf != nil ? "one_of" : nil,
            forbid.isEmpty ? nil : "forbid", pattern != nil ? "pattern" : nil, namesKeyIn != nil ? "names_key_in" : nil,
        ].compactMap { $0 }
    }
}

extension ConfigEntry {
    static let keys = [
        "path", "format", "key", "required", "type", "equals", "one_of", "forbid", "pattern", "names_key_in", "secret",
    ]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> ConfigEntry? {
        let context = r.context(kind: .config, ordinal: ordinal)
        let path = r.path()
        let format = Format.read(r, of: path, pathKey: "path")
        let key = keyPath(r, "key", required: true, allowEmpty: false, format: format)
        let namesKeyIn = keyPath(r, "names_key_in", required: false, allowEmpty: true)
        if format == .ini {
            if let namesKeyIn, namesKeyIn.elements.count > 1 {
                r.error("names_key_in", "in an INI file only the top level (names_key_in = []) or a section holds keys")
            }
        }
        let oneOf = r.strings("one_of")
        if let oneOf, oneOf.isEmpty { r.error("one_of", "must list at least one value") }
        let pattern = r.regularExpressions("pattern", compiledBy: patterns).first
        if let raw = r.raw("pattern"), raw.array != nil { r.error("pattern", "expected one regular expression as a string") }
        let type = r.choice("type", as: ValueType.self)
        let equals = r.template("equals", text: r.string("equals"))
        let entry = ConfigEntry(
            context: context, path: path ?? Template(literal: "/"), format: format ?? .toml,
            key: key ?? ConfigKeyPath(elements: []), required: r.bool("required") ?? true, type: type, equals: equals,
            oneOf: oneOf, forbid: r.strings("forbid") ?? [], pattern: pattern, namesKeyIn: namesKeyIn,
            secret: r.bool("secret") ?? false)
        if type == .table || type == .array, let single = ["equals", "one_of", "forbid", "pattern"].first(where: { r.raw($0) != nil }) {
            r.error(single, "a \(type!.rawValue) has no single value to compare; address one of its values with a longer key")
        }
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return path == nil || key == nil || format == nil ? nil : entry
    }

    /// A dotted string or an array of elements (strings, or integers for array indexes); in an
    /// INI file (`format`) at most a section and a key.
    static func keyPath(
        _ r: TableReader, _ name: String, required: Bool, allowEmpty: Bool, format: Format? = nil
    ) -> ConfigKeyPath? {
        guard let raw = r.raw(name) else {
            if required { r.error(nil, "missing required key '\(name)'") }
            return nil
        }
        let parsed: Result<ConfigKeyPath, Template.SyntaxError>
        if let text = raw.string {
            parsed = ConfigKeyPath.parse(dotted: text)
        } else if let array = raw.array {
            var texts: [String] = []
            for (index, element) in array.enumerated() {
                if let text = element.string, !text.isEmpty {
                    texts.append(text)
                } else if element.type == .int, let number = element.int, number >= 0 {
                    texts.append(String(number))
                } else {
                    r.error(name, "element \(index + 1) must be a non-empty string or an array index (an integer from 0)")
                    return nil
                }
            }
            if texts.isEmpty && !allowEmpty {
                r.error(name, "must name at least one key")
                return nil
            }
            parsed = ConfigKeyPath.parse(elements: texts)
        } else {
            r.error(name, "expected a dotted key path such as \"sources.aria\" or an array of keys, found \(TableReader.describe(raw))")
            return nil
        }
        switch parsed {
        case .failure(let problem):
            r.error(name, problem.message)
            return nil
        case .success(let path):
            for variable in path.elements.flatMap(\.variables) {
                r.references.add(variable, line: r.line(of: name), entry: r.label, key: name)
            }
            if format == .ini, path.elements.count > 2 {
                r.error(name, "an INI file has two levels, a section and a key: write \(name) = \"SECTION.KEY\" or \"SECTION\"")
            }
            return path
        }
    }
}

extension Evaluation {
    func evaluate(_ entry: ConfigEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        let checks = ["parse"] + (entry.required ? ["required"] : []) + entry.valueChecks
        func contractKey(_ check: String) -> String {
            switch check {
            case "parse": "path"
            case "required": "key"
            default: check
            }
        }
        func skipAll(_ reason: String, from first: Int = 0) -> [CheckResult] {
            for check in checks.dropFirst(first) { recorder.skip(check, key: contractKey(check), reason) }
            return recorder.results
        }

        let key: [String]
        switch resolve(entry.key) {
        case .failure(let reason):
            recorder.subject = path + " " + entry.key.description
            return skipAll("key " + reason.reason)
        case .success(let elements): key = elements
        }
        let keyText = ConfigKeyPath.display(key)
        recorder.subject = path + " " + keyText
        if recorder.skipReason != nil { return skipAll("") }

        let file = host.operatorPath(path)
        let formatName = entry.format.rawValue.uppercased()
        let root: ConfigNode
        let holdsSecret = contract.configs.contains { $0.secret && $0.path == entry.path }
        switch configuration(at: path, format: entry.format, quoteParserWords: !holdsSecret) {
        case .failure(.unreadable(let error)) where error.isNotFound && !entry.required:
            return skipAll("\(path) does not exist, and \(keyText) is not required")
        case .failure(let problem):
            let unusable = record(problem, path: path, format: entry.format, wanted: keyText, as: "parse", key: "path", in: &recorder)
            guard unusable.evaluated else {
                for check in checks.dropFirst() { recorder.cannotEvaluate(check, key: contractKey(check), unusable.reason) }
                return recorder.results
            }
            return skipAll(unusable.reason, from: 1)
        case .success(let node):
            recorder.pass("parse", key: "path", "read \(path) as \(formatName)")
            root = node
        }

        let folded: Set<Int> = entry.format == .ini ? [1] : []
        let node: ConfigNode
        switch ConfigKeyPath.find(key, in: root, foldedLevels: folded) {
        case .found(let found):
            node = found
            if entry.required { recorder.pass("required", key: "key", "\(at(node))\(keyText) is set") }
        case .missing(let depth), .notContainer(let depth, _):
            if entry.required {
                recorder.fail(
                    "required", key: "key", "\(keyText) is not set in \(path)" + whyMissing(key, in: root, folded: folded),
                    expected: "set", actual: "unset", fix: ShellWords.decision("set \(keyText) in \(file)"))
            }
            _ = depth
            return skipAll("\(keyText) is not set", from: entry.required ? 2 : 1)
        }

        let secret = entry.secret
        let shownKey = at(node) + keyText
        func shown(_ value: String) -> String { secret ? "(secret)" : "'\(clipped(value))'" }
        func raw(_ value: String) -> String? { secret ? nil : value }
        let setting = ShellWords.decision("set \(keyText) in \(file)")

        if let type = entry.type {
            let actual = typeName(of: node, as: type, format: entry.format)
            recorder.verify(
                "type", key: "type", actual == type.rawValue,
                pass: "\(shownKey) is \(article(type.rawValue))",
                fail: "\(shownKey) is \(article(actual)), contract requires \(article(type.rawValue))",
                expected: type.rawValue, actual: actual, fix: ShellWords.decision("set \(keyText) in \(file) to \(article(type.rawValue))"))
        }

        let single = node.scalarText
        func notSingle(_ check: String) {
            recorder.fail(
                check, key: check, "\(shownKey) is \(article(node.typeName)), not a single value", expected: "a single value",
                actual: node.typeName, fix: ShellWords.decision("set \(keyText) in \(file) to a single value"))
        }
        if let equals = entry.equals {
            switch environment.resolve(equals) {
            case .failure(let missing):
                recorder.skip("equals", key: "equals", "equals depends on ${\(missing.variable)}, \(missing.reason)")
            case .success(let wanted):
                if let value = single {
                    let visible = !secret && equals.variables.allSatisfy(environment.isPrintable)
                    let target = visible ? "'\(clipped(wanted))'" : secret ? "(secret)" : "(not shown)"
                    recorder.verify(
                        "equals", key: "equals", value == wanted,
                        pass: "\(shownKey) is \(target)",
                        fail: "\(shownKey) is \(visible ? shown(value) : secret ? "(secret)" : "not the value"), contract requires \(target)",
                        expected: visible ? wanted : nil, actual: visible ? raw(value) : nil,
                        fix: visible ? ShellWords.decision("set \(keyText) in \(file) to \(ShellWords.quote(wanted))") : setting)
                } else {
                    notSingle("equals")
                }
            }
        }
        if let oneOf = entry.oneOf {
            if let value = single {
                let listed = oneOf.map { "'\($0)'" }.joined(separator: ", ")
                recorder.verify(
                    "one_of", key: "one_of", oneOf.contains(value),
                    pass: secret ? "\(shownKey) is one of the allowed values" : "\(shownKey) is one of \(listed)",
                    fail: secret ? "\(shownKey) (secret) is not one of the allowed values" : "\(shownKey) is \(shown(value)), which is not one of \(listed)",
                    expected: secret ? nil : "one of " + oneOf.joined(separator: ", "), actual: raw(value),
                    fix: secret ? setting : ShellWords.decision("set \(keyText) in \(file) to one of \(oneOf.joined(separator: ", "))"))
            } else {
                notSingle("one_of")
            }
        }
        if !entry.forbid.isEmpty {
            if let value = single {
                recorder.verify(
                    "forbid", key: "forbid", !entry.forbid.contains(value),
                    pass: "\(shownKey) has none of the forbidden values",
                    fail: secret ? "\(shownKey) (secret) has a forbidden value" : "\(shownKey) is \(shown(value)), which is forbidden",
                    expected: secret ? nil : "none of " + entry.forbid.joined(separator: ", "), actual: raw(value), fix: setting)
            } else {
                notSingle("forbid")
            }
        }
        if let pattern = entry.pattern {
            if let value = single {
                let outcome = pattern.compiled.wholeMatch(value[...])
                if case .gaveUp(let limit) = outcome {
                    recorder.fail(
                        "pattern", key: "pattern", "\(keyText): " + pattern.tooMuchWork(limit: limit),
                        expected: pattern.source, actual: "undecided",
                        fix: ShellWords.decision("simplify the pattern '\(pattern)' in the contract"))
                } else {
                    recorder.verify(
                        "pattern", key: "pattern", outcome == .match,
                        pass: "\(shownKey) matches '\(pattern)'",
                        fail: "\(shownKey) is \(shown(value)), which does not match '\(pattern)'",
                        expected: pattern.source, actual: raw(value), fix: setting)
                }
            } else {
                notSingle("pattern")
            }
        }
        if let namesKeyIn = entry.namesKeyIn {
            checkNamesKey(&recorder, entry, node: node, namesKeyIn: namesKeyIn, root: root, keyText: keyText, file: file)
        }
        return recorder.results
    }

    /// `names_key_in`: the value (a string, or each string of an array) names a key of a table.
    private func checkNamesKey(
        _ recorder: inout Recorder, _ entry: ConfigEntry, node: ConfigNode, namesKeyIn: ConfigKeyPath, root: ConfigNode,
        keyText: String, file: String
    ) {
        let shownKey = at(node) + keyText
        let tablePath: [String]
        switch resolve(namesKeyIn) {
        case .failure(let reason):
            recorder.skip("names_key_in", key: "names_key_in", "names_key_in " + reason.reason)
            return
        case .success(let elements): tablePath = elements
        }
        let tableText = ConfigKeyPath.display(tablePath)
        let folded: Set<Int> = entry.format == .ini ? [1] : []
        guard case .found(let table) = ConfigKeyPath.find(tablePath, in: root, foldedLevels: folded), case .table = table.value else {
            recorder.fail(
                "names_key_in", key: "names_key_in", "\(tableText) is not a table in the file, so \(keyText) names nothing there",
                expected: "a key of \(tableText)", actual: "no table \(tableText)",
                fix: ShellWords.decision("add the table \(tableText) to \(file), with an entry \(keyText) names"))
            return
        }
        let names: [String]
        switch node.value {
        case .string(let name): names = [name]
        case .array(let elements) where elements.allSatisfy({ if case .string = $0.value { true } else { false } }):
            names = elements.compactMap(\.scalarText)
        default:
            recorder.fail(
                "names_key_in", key: "names_key_in", "\(shownKey) is \(article(node.typeName)), not a name or a list of names",
                expected: "a key of \(tableText)", actual: node.typeName,
                fix: ShellWords.decision("set \(keyText) in \(file) to the name of an entry of \(tableText)"))
            return
        }
        let foldNames = entry.format == .ini && tablePath.count == 1
        let keys = table.keys
        let known = Set(foldNames ? keys.map { $0.lowercased() } : keys)
        let dangling = names.filter { !known.contains(foldNames ? $0.lowercased() : $0) }
        let listing = keys.isEmpty ? "it has none" : "it has " + keys.prefix(10).joined(separator: ", ") + (keys.count > 10 ? " and \(keys.count - 10) more" : "")
        if entry.secret {
            recorder.verify(
                "names_key_in", key: "names_key_in", dangling.isEmpty,
                pass: "\(shownKey) names an entry of \(tableText)",
                fail: "\(shownKey) (secret) names no entry of \(tableText) (\(listing))",
                expected: "a key of \(tableText)", actual: dangling.isEmpty ? "a key" : "not a key",
                fix: ShellWords.decision("set \(keyText) in \(file) to the name of an entry of \(tableText)"))
            return
        }
        let named = names.map { "'\(clipped($0))'" }.joined(separator: ", ")
        let missing = dangling.map { "'\(clipped($0))'" }.joined(separator: ", ")
        recorder.verify(
            "names_key_in", key: "names_key_in", dangling.isEmpty,
            pass: "\(shownKey) names \(names.isEmpty ? "nothing" : named) in \(tableText)",
            fail: "\(shownKey) names \(missing), \(dangling.count == 1 ? "which is not an entry" : "which are not entries") of \(tableText) (\(listing))",
            expected: "a key of \(tableText)", actual: dangling.joined(separator: ", "),
            fix: ShellWords.decision(
                "set \(keyText) in \(file) to the name of an entry of \(tableText), or add \(dangling.joined(separator: ", ")) under \(tableText)"))
    }

    /// What the value is as `type` asks it: the value's own type, or for an INI file's text
    /// the type it reads as.
    private func typeName(of node: ConfigNode, as type: ConfigEntry.ValueType, format: ConfigEntry.Format) -> String {
        guard format == .ini, case .string(let text) = node.value else { return node.typeName }
        let trimmed = text.trimmingPrefix(while: { $0 == " " })
        switch type {
        case .integer where Int(trimmed) != nil: return "integer"
        case .float where Double(trimmed) != nil: return "float"
        case .boolean where ["1", "yes", "true", "on", "0", "no", "false", "off"].contains(text.lowercased()): return "boolean"
        default: return node.typeName
        }
    }
}
