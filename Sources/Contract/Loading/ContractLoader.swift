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

    /// `patterns` compiles the contract's regular expressions; the model keeps them compiled.
    public static func load(text: String, file: String, patterns: any PatternEngine) -> Outcome {
        let log = DiagnosticLog(file: file)
        if let problem = SyntaxGuard.firstProblem(in: text) {
            log.error(line: problem.line, column: problem.column, problem.message)
            return Outcome(contract: nil, diagnostics: log.diagnostics)
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            log.error(line: error.source.begin.line, column: error.source.begin.column, syntaxMessage(error, text: text))
            return Outcome(contract: nil, diagnostics: log.diagnostics)
        } catch {
            log.error(line: 1, "cannot be read as TOML: \(error)")
            return Outcome(contract: nil, diagnostics: log.diagnostics)
        }
        let loader = Loader(table: table, map: SourceMap(text: text), log: log, file: file, patterns: patterns)
        let contract = loader.run()
        return Outcome(contract: log.hasErrors ? nil : contract, diagnostics: log.diagnostics)
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

/// One load: the TOML table, the source map and the log.
private final class Loader {
    let table: TOMLTable
    let map: SourceMap
    let log: DiagnosticLog
    let file: String
    let patterns: any PatternEngine
    let references = ReferenceLog()

    init(table: TOMLTable, map: SourceMap, log: DiagnosticLog, file: String, patterns: any PatternEngine) {
        self.table = table
        self.map = map
        self.log = log
        self.file = file
        self.patterns = patterns
    }

    static let arrayKinds: [String] = [
        "directory", "file", "key", "tree", "user", "group", "access", "variable", "encrypted", "certificate",
        "unit", "package", "config", "port", "connect", "http", "command",
    ]
    static let topKeys = ["contract", "schema", "description", "environment", "nginx"] + arrayKinds

    func run() -> Contract {
        let top = TableReader(
            table: table, section: map.table(""), fallbackLine: 1, label: nil, log: log, references: references)
        let name = top.nonEmptyString("contract", required: true) ?? ""
        if let schema = top.integer("schema") {
            if schema != 1 {
                top.error("schema", "schema \(schema) is not supported; this hostcontract reads schema 1")
            }
        } else if !table.contains(key: "schema") {
            top.error(nil, "missing required key 'schema' (write 'schema = 1')")
        }
        var contract = Contract(name: name, description: top.string("description"), file: file)
        for (key, value) in table where !Self.topKeys.contains(key) {
            let line = map.arrayEntry(key, index: 0)?.line ?? map.table(key)?.line ?? top.line(of: key)
            let isEntry = value.array != nil || value.table != nil
            let candidates = isEntry ? Self.arrayKinds + ["environment", "nginx"] : Self.topKeys
            let hint = closest(to: key, in: candidates).map { isEntry ? "; did you mean '\(header(of: $0))'?" : "; did you mean '\($0)'?" } ?? ""
            let what = isEntry ? "unknown entry kind '\(header(of: key))'" : "unknown key '\(key)'"
            log.error(line: line, what + hint)
        }
        if let environment = table["environment"] {
            contract.environment = EnvironmentSection.read(environment, map: map, log: log, references: references)
        }
        contract.directories = entries("directory") { DirectoryEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.files = entries("file") { FileEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.keys = entries("key") { KeyEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.trees = entries("tree") { TreeEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.users = entries("user") { UserEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.groups = entries("group") { GroupEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.accesses = entries("access") { AccessEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.variables = entries("variable") { VariableEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.encrypted = entries("encrypted") { EncryptedEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.certificates = entries("certificate") { CertificateEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.units = entries("unit") { UnitEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.packages = entries("package") { PackageEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.configs = entries("config") { ConfigEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.ports = entries("port") { PortEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.connections = entries("connect") { ConnectEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.requests = entries("http") { HTTPEntry.read($0, ordinal: $1, patterns: patterns) }
        contract.commands = entries("command") { CommandEntry.read($0, ordinal: $1, patterns: patterns) }
        if let nginx = table["nginx"] {
            contract.nginx = NginxSection.read(nginx, map: map, log: log, references: references, patterns: patterns)
        }
        CrossCheck(contract: contract, references: references, log: log).run()
        return contract
    }

    func header(of kind: String) -> String {
        kind == "environment" || kind == "nginx" ? "[\(kind)]" : "[[\(kind)]]"
    }

    /// Reads every element of the top-level array of tables `name`.
    func entries<Entry>(_ name: String, _ read: (TableReader, Int) -> Entry?) -> [Entry] {
        ContractLoader.entries(name, in: table, map: map, log: log, references: references, read)
    }
}

extension ContractLoader {
    /// Reads every element of the array of tables `name` in `parent`; `prefix` names the table
    /// that holds a nested array ("nginx" for `[[nginx.location]]`), empty at the top level.
    static func entries<Entry>(
        _ name: String, in parent: TOMLTable, prefix: String = "", map: SourceMap, log: DiagnosticLog,
        references: ReferenceLog, _ read: (TableReader, Int) -> Entry?
    ) -> [Entry] {
        let qualified = prefix.isEmpty ? name : prefix + "." + name
        guard let raw = parent[name] else { return [] }
        guard let array = raw.array else {
            let line = map.table(qualified)?.line ?? map.table(prefix)?.keys[name] ?? map.table("")?.keys[name] ?? 1
            log.error(line: line, "'\(qualified)' must be an array of tables: write [[\(qualified)]] for each entry")
            return []
        }
        var result: [Entry] = []
        for (index, element) in array.enumerated() {
            let section = map.arrayEntry(qualified, index: index)
            let fallback = map.table(prefix)?.keys[name] ?? map.table("")?.keys[name] ?? 1
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
        return result
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
