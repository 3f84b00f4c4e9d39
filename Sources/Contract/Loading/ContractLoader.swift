import TOMLKit

/// Turns the text of a contract into a ``Contract``, or into every diagnostic it deserves, in
/// one pass. Reads no file: the caller hands it the text and the name to report.
public enum ContractLoader {
    /// The outcome of loading: the contract when it has no error, and every diagnostic.
    public struct Outcome: Sendable {
        public var contract: Contract?
        public var diagnostics: [Diagnostic]
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

        public init(contract: Contract?, diagnostics: [Diagnostic]) {
            self.contract = contract
            self.diagnostics = diagnostics
        }
    }

    static let entryKeys = ["when", "severity", "message", "waiver", "tags"]

    /// Reads a file a contract includes, by its path as resolved against the including file's
    /// directory: its text, or why it cannot be read.
    public typealias IncludeReader = (String) -> Result<String, IncludeFailure>

    /// Why an included file cannot be read (`no such file`, `is not UTF-8 text`).
    public struct IncludeFailure: Error, Sendable {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    /// `patterns` compiles the contract's regular expressions; the model keeps them compiled.
    /// `include` reads the files of an `include` list; without it (standard input) a contract
    /// that includes files is an error.
    public static func load(
        text: String, file: String, patterns: any PatternEngine, include: IncludeReader? = nil
    ) -> Outcome {
        let loading = Loading(patterns: patterns, include: include)
        let log = DiagnosticLog(file: file)
        loading.logs.append(log)
        guard let table = parse(text, log: log) else { return Outcome(contract: nil, diagnostics: log.diagnostics) }
        var contract = Contract(name: "", file: file)
        Loader(table: table, map: SourceMap(text: text), log: log, file: file, loading: loading)
            .run(into: &contract, chain: [normalise(file)])
        CrossCheck(contract: contract, references: loading.references, log: log).run()
        let diagnostics = loading.logs.flatMap(\.diagnostics)
        let failed = diagnostics.contains { $0.severity == .error }
        return Outcome(contract: failed ? nil : contract, diagnostics: diagnostics)
    }

    /// The TOML table of `text`, or nil with its syntax error logged.
    static func parse(_ text: String, log: DiagnosticLog) -> TOMLTable? {
        if let problem = SyntaxGuard.firstProblem(in: text) {
            log.error(line: problem.line, column: problem.column, problem.message)
            return nil
        }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            log.error(line: error.source.begin.line, column: error.source.begin.column, syntaxMessage(error, text: text))
        } catch {
            log.error(line: 1, "cannot be read as TOML: \(error)")
        }
        return nil
    }

    /// TOML's own message, with the likely intent where the error has a classic cause.
    static func syntaxMessage(_ error: TOMLParseError, text: String) -> String {
        var message = error.description.prefix(1).lowercased() + error.description.dropFirst()
        while message.hasSuffix(".") { message.removeLast() }
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        let line = error.source.begin.line - 1
        if message.contains("leading zero"), line >= 0, line < lines.count, String(String.UnicodeScalarView(lines[line])).contains("mode") {
            message += "; write mode as a quoted octal string, e.g. \"0750\""
        }
        return message
    }
}

/// What the files of one load share: the variable references (checked once every file is
/// read), the log of each file, where `[environment]` and `[nginx]` were given, and which
/// files were read.
private final class Loading {
    let patterns: any PatternEngine
    let include: ContractLoader.IncludeReader?
    let references = ReferenceLog()
    var logs: [DiagnosticLog] = []
    /// Files read so far, normalised: a file included twice (by two others) is read once.
    var read: Set<String> = []
    var environmentPlace: String?
    var nginxPlace: String?

    /// Includes nest at most this deep: a circle through a link, whose paths differ, ends here.
    static let maximumDepth = 16

    init(patterns: any PatternEngine, include: ContractLoader.IncludeReader?) {
        self.patterns = patterns
        self.include = include
    }
}

/// One file of a load: its TOML table, source map and log.
private final class Loader {
    let table: TOMLTable
    let map: SourceMap
    let log: DiagnosticLog
    let file: String
    let loading: Loading
    var patterns: any PatternEngine { loading.patterns }
    var references: ReferenceLog { loading.references }

    init(table: TOMLTable, map: SourceMap, log: DiagnosticLog, file: String, loading: Loading) {
        self.table = table
        self.map = map
        self.log = log
        self.file = file
        self.loading = loading
    }

    static let arrayKinds: [String] = [
        "directory", "file", "key", "tree", "user", "group", "access", "variable", "encrypted", "certificate",
        "unit", "package", "config", "port", "connect", "http", "command",
    ]
    static let topKeys = ["contract", "schema", "description", "include", "environment", "nginx"] + arrayKinds

    /// Adds this file's entries to `contract`, after those of the files it includes (in their
    /// order, each after its own includes). `chain`: the files that led here, this one last.
    func run(into contract: inout Contract, chain: [String]) {
        loading.read.insert(chain.last!)
        let top = TableReader(
            table: table, section: map.table(""), fallbackLine: 1, label: nil, log: log, references: references)
        let isIncluded = log.isIncluded
        // An included file may stand alone as a contract; its name and description are its own.
        let name = top.nonEmptyString("contract", required: !isIncluded)
        if let schema = top.integer("schema") {
            if schema != 1 {
                top.error("schema", "schema \(schema) is not supported; this hostcontract reads schema 1")
            }
        } else if !table.contains(key: "schema"), !isIncluded {
            top.error(nil, "missing required key 'schema' (write 'schema = 1')")
        }
        let description = top.string("description")
        if !isIncluded {
            contract.name = name ?? ""
            contract.description = description
        }
        for (key, value) in table where !Self.topKeys.contains(key) {
            let line = map.arrayEntry(key, index: 0)?.line ?? map.table(key)?.line ?? top.line(of: key)
            let isEntry = value.array != nil || value.table != nil
            let candidates = isEntry ? Self.arrayKinds + ["environment", "nginx"] : Self.topKeys
            let hint = closest(to: key, in: candidates).map { isEntry ? "; did you mean '\(header(of: $0))'?" : "; did you mean '\($0)'?" } ?? ""
            let what = isEntry ? "unknown entry kind '\(header(of: key))'" : "unknown key '\(key)'"
            log.error(line: line, what + hint)
        }
        for path in top.strings("include") ?? [] {
            include(path, line: top.line(of: "include"), into: &contract, chain: chain)
        }
        references.file = isIncluded ? file : nil
        if let environment = table["environment"] {
            let line = map.table("environment")?.line ?? top.line(of: "environment")
            if let other = loading.environmentPlace {
                log.error(line: line, "[environment] is also given at \(other): give it in one file")
            } else {
                loading.environmentPlace = "\(file):\(line)"
                contract.environment = EnvironmentSection.read(environment, map: map, log: log, references: references)
            }
        }
        entries("directory", into: &contract.directories) { DirectoryEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("file", into: &contract.files) { FileEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("key", into: &contract.keys) { KeyEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("tree", into: &contract.trees) { TreeEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("user", into: &contract.users) { UserEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("group", into: &contract.groups) { GroupEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("access", into: &contract.accesses) { AccessEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("variable", into: &contract.variables) { VariableEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("encrypted", into: &contract.encrypted) { EncryptedEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("certificate", into: &contract.certificates) { CertificateEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("unit", into: &contract.units) { UnitEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("package", into: &contract.packages) { PackageEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("config", into: &contract.configs) { ConfigEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("port", into: &contract.ports) { PortEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("connect", into: &contract.connections) { ConnectEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("http", into: &contract.requests) { HTTPEntry.read($0, ordinal: $1, patterns: patterns) }
        entries("command", into: &contract.commands) { CommandEntry.read($0, ordinal: $1, patterns: patterns) }
        if let nginx = table["nginx"] {
            let line = map.table("nginx")?.line ?? top.line(of: "nginx")
            if let other = loading.nginxPlace {
                log.error(line: line, "[nginx] is also given at \(other): give it, with its locations and servers, in one file")
            } else {
                loading.nginxPlace = "\(file):\(line)"
                contract.nginx = NginxSection.read(nginx, map: map, log: log, references: references, patterns: patterns)
            }
        }
    }

    /// Reads the file `path` names (relative to this file's directory) and adds its entries.
    private func include(_ path: String, line: Int, into contract: inout Contract, chain: [String]) {
        guard let reader = loading.include else {
            log.error(line: line, key: "include", "a contract on standard input cannot include files: they are found beside the including file")
            return
        }
        guard !path.isEmpty else {
            log.error(line: line, key: "include", "an empty path includes nothing")
            return
        }
        let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        let resolved = normalise(path.hasPrefix("/") ? path : (directory.isEmpty ? "/" : directory) + "/" + path)
        if let start = chain.firstIndex(of: resolved) {
            let circle = (chain[start...] + [resolved]).joined(separator: " -> ")
            log.error(line: line, key: "include", "'\(path)' includes itself: \(circle)")
            return
        }
        guard !loading.read.contains(resolved) else { return }
        guard chain.count < Loading.maximumDepth else {
            log.error(line: line, key: "include", "'\(path)' is more than \(Loading.maximumDepth) includes deep (a circle through a link?)")
            return
        }
        switch reader(resolved) {
        case .failure(let failure):
            log.error(line: line, key: "include", "cannot include '\(path)' (\(resolved)): \(failure.reason)")
        case .success(let text):
            let included = DiagnosticLog(file: resolved, isIncluded: true)
            loading.logs.append(included)
            guard let table = ContractLoader.parse(text, log: included) else { return }
            Loader(table: table, map: SourceMap(text: text), log: included, file: resolved, loading: loading)
                .run(into: &contract, chain: chain + [resolved])
            contract.includedFiles.append(resolved)
        }
    }

    func header(of kind: String) -> String {
        kind == "environment" || kind == "nginx" ? "[\(kind)]" : "[[\(kind)]]"
    }

    /// Reads every element of the top-level array of tables `name` onto the end of `list`.
    func entries<Entry>(_ name: String, into list: inout [Entry], _ read: (TableReader, Int) -> Entry?) {
        ContractLoader.entries(name, in: table, map: map, log: log, references: references, into: &list, read)
    }
}

extension ContractLoader {
    /// Reads every element of the array of tables `name` in `parent`; `prefix` names the table
    /// that holds a nested array ("nginx" for `[[nginx.location]]`), empty at the top level.
    static func entries<Entry>(
        _ name: String, in parent: TOMLTable, prefix: String = "", map: SourceMap, log: DiagnosticLog,
        references: ReferenceLog, _ read: (TableReader, Int) -> Entry?
    ) -> [Entry] {
        var result: [Entry] = []
        entries(name, in: parent, prefix: prefix, map: map, log: log, references: references, into: &result, read)
        return result
    }

    /// ``entries(_:in:prefix:map:log:references:_:)`` onto the end of `result`: the contract's
    /// lists grow in place, where `+=` would copy each entry of a new list and then free it.
    static func entries<Entry>(
        _ name: String, in parent: TOMLTable, prefix: String = "", map: SourceMap, log: DiagnosticLog,
        references: ReferenceLog, into result: inout [Entry], _ read: (TableReader, Int) -> Entry?
    ) {
        let qualified = prefix.isEmpty ? name : prefix + "." + name
        guard let raw = parent[name] else { return }
        guard let array = raw.array else {
            let line = map.table(qualified)?.line ?? map.table(prefix)?.keys[name] ?? map.table("")?.keys[name] ?? 1
            log.error(line: line, "'\(qualified)' must be an array of tables: write [[\(qualified)]] for each entry")
            return
        }
        if result.isEmpty { result.reserveCapacity(array.count) }
        let fallback = map.table(prefix)?.keys[name] ?? map.table("")?.keys[name] ?? 1
        for (index, element) in array.enumerated() {
            let section = map.arrayEntry(qualified, index: index)
            guard let entryTable = element.table else {
                log.error(line: section?.line ?? fallback, "[[\(qualified)]] #\(index + 1) must be a table")
                continue
            }
            let reader = TableReader(
                table: entryTable, section: section, fallbackLine: fallback,
                label: Self.label(qualified, index: index + 1, table: entryTable), log: log,
                references: references)
            if let entry = read(reader, index + 1) { result.append(entry) }
        }
    }

    static func label(_ kind: String, index: Int, table: TOMLTable) -> String {
        var label = "[[\(kind)]] #\(index)"
        for key in ["path", "name", "principal"] {
            if let value = table[key]?.string {
                let shown = value.count > 80 ? String(value.prefix(77)) + "..." : value
                label += " (\(key) = \"\(shown)\")"
                break
            }
        }
        return label
    }
}
