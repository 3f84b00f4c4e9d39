import TOMLKit

/// Reads the keys of one TOML table into typed values, reporting a wrong type, a bad value or
/// an unknown key (with the closest valid key) as a diagnostic at the key's line.
final class TableReader {
    let table: TOMLTable
    let section: SourceMap.Section?
    let fallbackLine: Int
    /// `[[directory]] #3 (path = "/x")`, or nil for the top of the file; made when first needed
    /// (a diagnostic or a variable reference).
    private(set) lazy var label: String? = makeLabel()
    private let makeLabel: () -> String?
    let log: DiagnosticLog
    let references: ReferenceLog
    /// Every key asked for so far, present or not, in order and possibly twice: a key asked
    /// for has been read. Appended, and searched only by ``finish(allowed:)`` for a key its
    /// kind does not allow, so asking costs no comparison.
    private var asked: [String] = []
    /// The table's keys and values in the table's order, read from TOMLKit once (its key list
    /// and value list, one call each): each lookup after that compares a few Swift strings
    /// instead of calling into the TOML library.
    private let keys: [String]
    private let values: [TOMLValue]

    init(
        table: TOMLTable, section: SourceMap.Section?, fallbackLine: Int, label: @autoclosure @escaping () -> String?,
        log: DiagnosticLog, references: ReferenceLog
    ) {
        self.table = table
        self.section = section
        self.fallbackLine = fallbackLine
        self.makeLabel = label
        self.log = log
        self.references = references
        // `for (key, value) in table` would list the keys again for the first pair and look
        // each value up by its key (a C string made per lookup); the two lists come in the
        // same order, the table's.
        keys = table.keys
        values = table.values
        asked.reserveCapacity(24)
    }

    var line: Int { section?.line ?? fallbackLine }
    var keyLines: KeyLines { section?.keys ?? [:] }

    func line(of key: String) -> Int { section?.keys[key] ?? line }

    func error(_ key: String?, _ message: String) {
        log.error(line: key.map(line(of:)) ?? line, entry: label, key: key, message)
    }

    private func value(_ key: String) -> TOMLValue? {
        asked.append(key)
        return lookup(key)
    }

    /// The value of `key`, without marking it read.
    private func lookup(_ key: String) -> TOMLValue? {
        index(of: key).map { values[$0] }
    }

    /// The position of `key` among ``keys``. Most keys asked for are absent, and most differ
    /// from each present key in length, which a native string knows without a comparison.
    private func index(of key: String) -> Int? {
        let length = key.utf8.count
        for index in keys.indices where keys[index].utf8.count == length && keys[index] == key { return index }
        return nil
    }

    private func typeError(_ key: String, expected: String, found: any TOMLValueConvertible) {
        error(key, "expected \(expected), found \(Self.describe(found))")
    }

    static func describe(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        default: "a date or time"
        }
    }

    /// The raw value of `key`, marked as read.
    func raw(_ key: String) -> (any TOMLValueConvertible)? { value(key) }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let raw = value(key) else {
            if required { error(nil, "missing required key '\(key)'") }
            return nil
        }
        guard let text = raw.string else {
            typeError(key, expected: "a string", found: raw)
            return nil
        }
        return text
    }

    func nonEmptyString(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        if text.isEmpty {
            error(key, "must not be empty")
            return nil
        }
        return text
    }

    func bool(_ key: String) -> Bool? {
        guard let raw = value(key) else { return nil }
        guard let flag = raw.bool else {
            typeError(key, expected: "true or false", found: raw)
            return nil
        }
        return flag
    }

    func integer(_ key: String, minimum: Int = 0) -> Int? {
        guard let raw = value(key) else { return nil }
        guard raw.type == .int, let number = raw.int else {
            typeError(key, expected: "an integer", found: raw)
            return nil
        }
        if number < minimum {
            error(key, "must be at least \(minimum), found \(number)")
            return nil
        }
        return number
    }

    /// A string or an array of strings.
    func strings(_ key: String) -> [String]? {
        guard let raw = value(key) else { return nil }
        if let text = raw.string { return [text] }
        guard let array = raw.array else {
            typeError(key, expected: "a string or an array of strings", found: raw)
            return nil
        }
        var texts: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.string else {
                error(key, "element \(index + 1) is \(Self.describe(element)), expected a string")
                return nil
            }
            texts.append(text)
        }
        return texts
    }

    /// A string that may reference variables; the references are checked once all variables are known.
    func template(_ key: String, required: Bool = false, text: String? = nil) -> Template? {
        guard let source = text ?? nonEmptyString(key, required: required) else { return nil }
        switch Template.parse(source) {
        case .failure(let problem):
            error(key, problem.message)
            return nil
        case .success(let template):
            for variable in template.variables {
                references.add(variable, line: line(of: key), entry: label, key: key)
            }
            return template
        }
    }

    /// An absolute path, possibly built from variables.
    func path(_ key: String = "path", required: Bool = true) -> Template? {
        guard let template = template(key, required: required) else { return nil }
        if let first = template.segments.first, case .literal(let text) = first, !text.hasPrefix("/") {
            error(key, "'\(template.source)' must be an absolute path (start with '/' or a ${VARIABLE})")
            return nil
        }
        if Self.hasParentComponent(template.source) {
            error(key, "'\(template.source)' must not contain '..'")
            return nil
        }
        return template
    }

    /// Whether a '/'-separated component of `path` is "..".
    static func hasParentComponent(_ path: String) -> Bool {
        let bytes = path.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return path.split(separator: "/").contains("..") }
        var run = 0
        for byte in bytes {
            if byte == UInt8(ascii: "/") {
                if run == 2 { return true }
                run = 0
            } else {
                run = byte == UInt8(ascii: ".") && run >= 0 ? run + 1 : -1
            }
        }
        return run == 2
    }

    /// A user or group name, or a numeric id, possibly from a variable.
    func principal(_ key: String) -> Template? {
        guard let template = template(key) else { return nil }
        if let literal = template.literalValue, !Self.isPrincipalName(literal) {
            error(key, "'\(literal)' is not a valid user or group name")
            return nil
        }
        return template
    }

    static func isPrincipalName(_ name: String) -> Bool {
        let bytes = name.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // ASCII: a letter is A-Z or a-z and a number 0-9, as Character says.
            guard !bytes.isEmpty, bytes.count <= 256, bytes.first != UInt8(ascii: "-") else { return false }
            return bytes.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "$"):
                    true
                default: false
                }
            }
        }
        guard !name.isEmpty, name.count <= 256, name.first != "-" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || "._-$".contains($0) }
    }

    /// A list of user or group names (`groups`, `members`), each checked as a name.
    func principalNames(_ key: String) -> [String] {
        let names = strings(key) ?? []
        for name in names where !Self.isPrincipalName(name) {
            error(key, "'\(name)' is not a valid user or group name")
        }
        return names
    }

    /// A quoted octal mode; an integer is the classic mistake and gets its own message.
    func mode(_ key: String) -> FileMode? {
        guard let raw = value(key) else { return nil }
        if raw.type == .int {
            let shown = raw.int.map(String.init) ?? "an integer"
            error(key, "mode \(shown) must be a quoted octal string such as '0750' (write mode as a quoted octal string, e.g. \"0750\")")
            return nil
        }
        guard let text = raw.string else {
            typeError(key, expected: "a quoted octal string such as '0750'", found: raw)
            return nil
        }
        guard let mode = FileMode(octal: text) else {
            error(key, "'\(text)' is not an octal mode; write three or four digits 0-7 such as '0750'")
            return nil
        }
        return mode
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, as type: E.Type) -> E? where E.RawValue == String {
        guard let text = string(key) else { return nil }
        guard let value = E(rawValue: text) else {
            let names = E.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let hint = closest(to: text, in: E.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
            error(key, "'\(text)' is not one of \(names)\(hint)")
            return nil
        }
        return value
    }

    /// Regular expressions, each compiled once by `engine`; a refused one is an error with the
    /// engine's message and offset.
    func regularExpressions(_ key: String, compiledBy engine: any PatternEngine) -> [Pattern] {
        guard let sources = strings(key) else { return [] }
        return sources.compactMap { regularExpression($0, key: key, compiledBy: engine) }
    }

    /// One regular expression, compiled by `engine`, its errors reported at `key`'s line.
    func regularExpression(_ source: String, key: String, compiledBy engine: any PatternEngine) -> Pattern? {
        if let name = Self.interpolation(in: source) {
            error(
                key, "'\(source)' uses ${\(name)}, which a regular expression does not interpolate: there '$' is the end of the line, so it can never match; to match the text, write '\\$\\{\(name)\\}'")
            return nil
        }
        switch engine.compile(source) {
        case .success(let compiled): return Pattern(source: source, compiled: compiled)
        case .failure(let problem):
            error(key, "'\(source)' is not a valid regular expression: \(problem)")
            return nil
        }
    }

    /// The name in the first `${NAME}` of a regular expression whose `$` is not escaped (an
    /// even number of backslashes before it), or nil.
    static func interpolation(in source: String) -> String? {
        let scalars = Array(source.unicodeScalars)
        var backslashes = 0
        for (index, scalar) in scalars.enumerated() {
            defer { backslashes = scalar == "\\" ? backslashes + 1 : 0 }
            guard scalar == "$", backslashes % 2 == 0, index + 1 < scalars.count, scalars[index + 1] == "{" else { continue }
            let rest = scalars[(index + 2)...]
            guard let close = rest.firstIndex(of: "}") else { continue }
            let name = String(String.UnicodeScalarView(rest[..<close]))
            if let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
                name.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) })
            {
                return name
            }
        }
        return nil
    }

    /// A longest age such as "26h" (s, m, h, d).
    func ageLimit(_ key: String) -> AgeLimit? {
        guard let raw = value(key) else { return nil }
        guard let text = raw.string else {
            typeError(key, expected: "a quoted duration such as \"26h\"", found: raw)
            return nil
        }
        guard let limit = AgeLimit(text) else {
            error(key, "'\(text)' is not an age: write a whole number and s, m, h or d, such as \"26h\" or \"7d\"")
            return nil
        }
        return limit
    }

    func accessRights(_ key: String) -> AccessRights? {
        guard let text = string(key) else { return nil }
        guard let rights = AccessRights(letters: text) else {
            error(key, "'\(text)' is not a set of the letters r, w and x")
            return nil
        }
        return rights
    }

    func accessControlEntries(_ key: String) -> [AccessControlEntry] {
        guard let texts = strings(key) else { return [] }
        return texts.compactMap { text in
            switch AccessControlEntry.parse(text) {
            case .success(let entry): return entry
            case .failure(let problem):
                error(key, problem.message)
                return nil
            }
        }
    }

    /// `when`: a table of tests that must all hold (`{ VAR = "value" }`, `{ VAR = ["a", "b"] }`,
    /// `{ VAR = { set = false } }`), or a list of such tables of which one must hold.
    func condition() -> Condition {
        guard let raw = value("when") else { return Condition() }
        if let table = raw.table { return Condition(clauses: clauses(of: table, element: nil)) }
        guard let array = raw.array else {
            typeError("when", expected: "a table such as { ROLE = \"central_hub\" }, or a list of them of which one must hold", found: raw)
            return Condition()
        }
        if array.isEmpty { error("when", "an empty list never holds: give at least one table, or leave 'when' out") }
        var alternatives: [[Condition.Clause]] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else {
                error("when", "element \(index + 1) is \(Self.describe(element)), expected a table such as { ROLE = \"central_hub\" }")
                continue
            }
            if table.isEmpty {
                error("when", "element \(index + 1) is an empty table, which always holds, and so would the whole list")
                continue
            }
            alternatives.append(clauses(of: table, element: index + 1))
        }
        return Condition(alternatives: alternatives)
    }

    /// The tests of one `when` table, each variable's value a string, a non-empty array of
    /// strings, or `{ set = true }` / `{ set = false }`.
    private func clauses(of table: TOMLTable, element: Int?) -> [Condition.Clause] {
        let place = element.map { "element \($0): " } ?? ""
        var clauses: [Condition.Clause] = []
        for (name, value) in table {
            if !VariableName.isValid(name) {
                error("when", "\(place)'\(name)' is not a variable name")
                continue
            }
            let test: Condition.Test
            if let text = value.string {
                test = .oneOf([text])
            } else if let array = value.array, array.allSatisfy({ $0.string != nil }), !array.isEmpty {
                test = .oneOf(array.compactMap(\.string))
            } else if let flag = value.bool {
                error("when", "\(place)\(name) = \(flag) must be a quoted string: variables are text, write \"\(flag)\" (or { set = \(flag) } to test whether it is set)")
                continue
            } else if let inner = value.table {
                guard let set = presence(inner, name: name, place: place) else { continue }
                test = .set(set)
            } else {
                error("when", "\(place)\(name) must be a string, a non-empty array of strings, or { set = true } / { set = false }")
                continue
            }
            let isPresence = if case .set = test { true } else { false }
            references.add(name, line: line(of: "when"), entry: label, key: "when", isCondition: true, isPresence: isPresence)
            clauses.append(Condition.Clause(variable: name, test: test))
        }
        return clauses.sorted { $0.variable < $1.variable }
    }

    /// `{ set = true }` or `{ set = false }`, and nothing else.
    private func presence(_ table: TOMLTable, name: String, place: String) -> Bool? {
        var set: Bool? = nil
        var valid = true
        for (key, value) in table {
            if key != "set" {
                let hint = closest(to: key, in: ["set"]).map { "; did you mean '\($0)'?" } ?? ""
                error("when", "\(place)\(name): unknown test '\(key)'\(hint) (write { set = true } or { set = false })")
                valid = false
            } else if let flag = value.bool {
                set = flag
            } else {
                error("when", "\(place)\(name): set must be true or false, found \(Self.describe(value))")
                valid = false
            }
        }
        if set == nil, valid { error("when", "\(place)\(name): write { set = true } or { set = false }") }
        return valid ? set : nil
    }

    /// The keys every entry may carry: when, severity, message.
    func context(kind: EntryKind, ordinal: Int) -> EntryContext {
        let severity = choice("severity", as: Severity.self) ?? .error
        let message = nonEmptyString("message")
        return EntryContext(
            kind: kind, ordinal: ordinal, line: line, keyLines: keyLines,
            condition: condition(), severity: severity, message: message, waiver: waiver(), tags: tags(),
            file: log.isIncluded ? log.file : nil)
    }

    /// `waiver = { until = 2027-03-31, reason = "..." }` (the date a TOML date or a
    /// "YYYY-MM-DD" string), both keys required and nothing else.
    func waiver() -> Waiver? {
        guard let raw = value("waiver") else { return nil }
        let example = "{ until = \"2027-03-31\", reason = \"...\" }"
        guard let table = raw.table else {
            typeError("waiver", expected: "a table such as \(example)", found: raw)
            return nil
        }
        var until: CalendarDay?, reason: String?, valid = true
        for (key, value) in table {
            switch key {
            case "until":
                if let date = value.date {
                    until = CalendarDay(year: date.year, month: date.month, day: date.day)
                    if until == nil { error("waiver", "until: \(date.year)-\(date.month)-\(date.day) is not a day of the calendar") }
                } else if let text = value.string {
                    until = CalendarDay(text)
                    if until == nil { error("waiver", "until: '\(text)' is not a date written YYYY-MM-DD") }
                } else {
                    error("waiver", "until: expected a date such as 2027-03-31, found \(Self.describe(value))")
                }
                if until == nil { valid = false }
            case "reason":
                if let text = value.string, !text.allSatisfy(\.isWhitespace) {
                    reason = text
                } else {
                    error("waiver", "reason: expected a non-empty string saying why the exception was accepted")
                    valid = false
                }
            default:
                let hint = closest(to: key, in: ["until", "reason"]).map { "; did you mean '\($0)'?" } ?? ""
                error("waiver", "unknown key '\(key)'\(hint)")
                valid = false
            }
        }
        if valid, until == nil { error("waiver", "missing 'until': the last day the exception holds, e.g. \(example)") }
        if valid, reason == nil { error("waiver", "missing 'reason': why the exception was accepted, e.g. \(example)") }
        guard let until, let reason else { return nil }
        return Waiver(until: until, reason: reason)
    }

    /// `tags = ["pci", "hub"]`: names made of letters, digits, `_`, `.` and `-` (so that
    /// `check --tags pci,hub` can list them), each once.
    func tags() -> [String] {
        guard raw("tags") != nil, let texts = strings("tags") else { return [] }
        var tags: [String] = []
        for text in texts {
            if !Contract.isTag(text) {
                error("tags", "'\(text)' is not a tag: use letters, digits, '_', '.' and '-'")
            } else if tags.contains(text) {
                error("tags", "'\(text)' is listed twice")
            } else {
                tags.append(text)
            }
        }
        return tags
    }

    /// `absent = true`: the path must not exist. Each key of `describing` the table also gives
    /// is an error, since it describes a path that is there.
    func absence(excluding describing: [String]) -> Bool {
        guard bool("absent") == true else { return false }
        for key in describing where lookup(key) != nil {
            error(key, "'\(key)' describes a path that exists and cannot be combined with absent = true")
        }
        return true
    }

    /// Reports keys not in `allowed` (nor read), with the closest valid key suggested.
    func finish(allowed: [String]) {
        for key in keys where !allowed.contains(key) && !asked.contains(key) {
            let known = Set(allowed).union(asked)
            let hint = closest(to: key, in: Array(known)).map { "; did you mean '\($0)'?" } ?? ""
            error(key, "unknown key '\(key)'\(hint)")
        }
    }
}

/// The `${VAR}` and `when` references met while loading, checked once every variable is known.
final class ReferenceLog {
    struct Reference {
        var variable: String
        var line: Int
        /// The included file the reference is in; nil for the contract's own.
        var file: String?
        var entry: String?
        var key: String
        var isCondition: Bool
        /// Named (not interpolated) by `key_id_in`: a secret may be named, it is never shown.
        var isListing: Bool = false
        /// Tested by `when` only for being set: a secret may be, its value is never shown.
        var isPresence: Bool = false
    }

    var references: [Reference] = []
    /// The included file being read; nil while the contract's own is.
    var file: String?

    func add(
        _ variable: String, line: Int, entry: String?, key: String, isCondition: Bool = false, isListing: Bool = false,
        isPresence: Bool = false
    ) {
        references.append(Reference(
            variable: variable, line: line, file: file, entry: entry, key: key, isCondition: isCondition, isListing: isListing,
            isPresence: isPresence))
    }
}
