import Contract
import Foundation
import TestSupport
import Testing

/// systemd 252 itself is the oracle for the offline unit reading in Contract/Systemd: on seeded
/// random trees of units, drop-ins, masks, aliases, linked files, templates, [Install] sections
/// and .wants/.requires links,
///
/// - the manager (`systemd --test --system`, run as nobody with SYSTEMD_UNIT_PATH naming the tree's
///   directories before the host's) loads every unit, and its dump must match ``UnitSearch``: load
///   state, unit file, drop-ins in order, ExecStart= command lines, Environment=, User=,
///   EnvironmentFile=, ReadWritePaths=, and the file:line syntax warnings;
/// - `systemctl --root=TREE is-enabled` must print what ``UnitEnablement`` decides (or fail where
///   it fails).
///
/// (`systemctl cat` refuses --root in 252, so the manager's dump stands in for it.) A failure
/// prints its seed (for the manager, whose trees share one run, the first seed and the count);
/// replay with HOSTCONTRACT_UNIT_ORACLE_SEED and HOSTCONTRACT_UNIT_ORACLE_RUNS (with
/// HOSTCONTRACT_UNIT_ORACLE_DEBUG=GLOB an is-enabled disagreement also lists the tree's files
/// matching GLOB), lengthen with
/// HOSTCONTRACT_UNIT_ORACLE_RUNS (trees per test, default 8: about 140 units and 140 is-enabled
/// states, some 15 s each in a debug build).
@Suite(.enabled(
    if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
    "needs root, systemd and setpriv"))
struct UnitOracleTests {
    static let environment = ProcessInfo.processInfo.environment
    static let runs = Int(environment["HOSTCONTRACT_UNIT_ORACLE_RUNS"] ?? "") ?? 8
    /// The trees' seeds: HOSTCONTRACT_UNIT_ORACLE_SEED (or a random one) and the ones after it.
    static func seeds() -> [UInt64] {
        let base = UInt64(environment["HOSTCONTRACT_UNIT_ORACLE_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        return (0..<UInt64(runs)).map { base &+ $0 }
    }

    @Test func theManagerLoadsUnitsAsTheSearchReadsThem() throws {
        // All trees go into one manager run: their directories, tree after tree, then the host's,
        // make one search path that systemd and UnitSearch both read.
        let seeds = Self.seeds()
        let start = ContinuousClock.now
        let trees = try seeds.map { try UnitOracleTree(seed: $0) }
        let made = ContinuousClock.now
        let dump = try UnitOracleTree.managerDump(trees)
        let dumped = ContinuousClock.now
        defer { print("unit oracle: trees made in \(made - start), systemd in \(dumped - made), compared in \(ContinuousClock.now - dumped)") }
        let searchPath = UnitSearchPath(directories: trees.flatMap(\.managerDirectories) + UnitSearchPath.debian12.directories)
        let search = UnitSearch(listing: DiskUnitListing(root: "/"), searchPath: searchPath)
        let label = "HOSTCONTRACT_UNIT_ORACLE_SEED=\(seeds.first!) HOSTCONTRACT_UNIT_ORACLE_RUNS=\(seeds.count)"
        var expectedWarnings: Set<String> = []
        var files: Set<String> = []
        let loaded = trees.flatMap(\.queries).filter { !$0.hasSuffix("@.service") }
        // Specifiers resolve against the name a unit is first loaded under; compare values only
        // where one name alone leads to the unit.
        let definitions = Dictionary(loaded.map { ($0, search.unit($0)) }, uniquingKeysWith: { first, _ in first })
        let ids = Dictionary(grouping: loaded) { definitions[$0]!.id?.text ?? $0 }
        for query in loaded {
            let unit = definitions[query]!
            let id = unit.id?.text ?? query
            let block = dump.units[id]
            let name = "\(label): \(query)"
            let systemdState = block?["Unit Load State"]?.first
            #expect(systemdState == unit.loadState.name, "\(name): load state \(unit.loadState)")
            guard let block, systemdState == unit.loadState.name, unit.loadState != .notFound else { continue }
            #expect(block["Fragment Path"] ?? [] == unit.fragmentPath.map { [$0] } ?? [], "\(name): fragment")
            #expect(block["DropIn Path"] ?? [] == unit.dropInPaths, "\(name): drop-ins")
            for file in unit.files {
                files.insert(file.path)
                for diagnostic in file.diagnostics where diagnostic.kind != .invalidValue {
                    expectedWarnings.insert(diagnostic.description)
                }
            }
            guard unit.loadState == .loaded, ids[id]?.count == 1 else { continue }
            let commands = unit.commands("Service", "ExecStart").map { $0.arguments.map(Self.shellQuote).joined(separator: " ") }
            #expect(block["ExecStart"] ?? [] == commands, "\(name): ExecStart")
            #expect(block["Environment"] ?? [] == unit.effective("Service", "Environment").map(\.text), "\(name): Environment")
            #expect(block["EnvironmentFile"] ?? [] == unit.effective("Service", "EnvironmentFile").map(\.text), "\(name): EnvironmentFile")
            #expect(block["User"] ?? [] == unit.effective("Service", "User").map(\.text), "\(name): User")
            let paths = unit.effective("Service", "ReadWritePaths").map(\.text)
            #expect(block["ReadWritePaths"] ?? [] == (paths.isEmpty ? [] : [paths.joined(separator: " ")]), "\(name): ReadWritePaths")
        }
        let syntax = ["Missing '='", "Missing key name", "Assignment outside of section", "Unknown section", "Invalid section header",
                      "Bad characters in section header", "String is not UTF-8 clean"]
        let warnings = dump.warnings.filter { line in
            files.contains { line.hasPrefix($0 + ":") } && syntax.contains { line.contains(": " + $0) }
        }
        let systemdOnly = Set(warnings).subtracting(expectedWarnings).sorted()
        let oursOnly = expectedWarnings.subtracting(warnings).sorted()
        #expect(systemdOnly.isEmpty && oursOnly.isEmpty, "\(label): warnings only systemd logs \(systemdOnly), only UnitFile gives \(oursOnly)")
        print("unit oracle: \(loaded.count) units of \(trees.count) trees compared with systemd --test, \(expectedWarnings.count) syntax warnings")
    }

    @Test func isEnabledAgreesWithSystemctl() throws {
        var compared = 0
        for seed in Self.seeds() {
            let tree = try UnitOracleTree(seed: seed)
            let enablement = UnitEnablement(listing: DiskUnitListing(root: tree.root.path), searchPath: .debian12)
            for (query, printed) in try tree.isEnabled() {
                let ours: String
                switch enablement.state(of: query) {
                case .success(let state): ours = state.rawValue
                case .failure: ours = "error"
                }
                #expect(ours == printed, "seed \(seed): is-enabled \(query)")
                if ours != printed, let pattern = ProcessInfo.processInfo.environment["HOSTCONTRACT_UNIT_ORACLE_DEBUG"] {
                    print("DEBUG \(query): ours \(ours) \(enablement.state(of: query)), systemctl \(printed)")
                    print(try run("/usr/bin/find", [tree.root.path, "-name", pattern, "-printf", "%p -> %l %s\\n"]).standardOutput)
                }
                compared += 1
            }
        }
        print("unit oracle: \(compared) is-enabled states compared with systemctl --root")
    }

    /// `shell_maybe_quote()` as the manager's dump quotes each argument.
    static func shellQuote(_ word: String) -> String {
        if word.isEmpty { return "\"\"" }
        let special = Set(" \t\n\r\"\\`$*?[]'()<>|&;!".unicodeScalars)
        if !word.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || special.contains($0) }) { return word }
        let escapes: [UInt32: String] = [7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"]
        var quoted = "\""
        for scalar in word.unicodeScalars {
            if let escape = escapes[scalar.value] {
                quoted += escape
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                quoted += "\\x" + String(scalar.value, radix: 16).leftPadded
            } else {
                if "\"\\`$".unicodeScalars.contains(scalar) { quoted += "\\" }
                quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

extension String {
    fileprivate var leftPadded: String { count < 2 ? "0" + self : self }
}

/// One random tree of units under a temporary root, with the names to ask about.
struct UnitOracleTree {
    let root = TemporaryDirectory("unit-oracle")
    let tag: String
    private(set) var queries: [String] = []
    private var random: SeededGenerator

    /// The directories units go in, inside the root, from systemd 252's search path.
    static let directories = [
        "/etc/systemd/system.control", "/run/systemd/transient", "/etc/systemd/system", "/run/systemd/system",
        "/run/systemd/generator", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
        "/run/systemd/generator.late",
    ]

    init(seed: UInt64) throws {
        random = SeededGenerator(seed: seed)
        tag = "hq\(seed % 100_000)"
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        try make()
    }

    /// This tree's unit directories, in search path order.
    var managerDirectories: [String] { Self.directories.map { root.path + $0 } }

    private mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }
    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    private func write(_ path: String, _ text: String) {
        root.write(String(path.dropFirst()), text)
    }

    private func link(_ path: String, _ target: String) throws {
        let full = root.path + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: full)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    private mutating func line() -> String {
        let arguments = ["a1", "\"two words\"", "'single'", "%n", "%N", "%p", "%i", "%I", "%j", "%J", "%u", "%%", "x\\ty", "-v", "\\;", "$HOME"]
        switch Int.random(in: 0..<30, using: &random) {
        case 0..<6:
            let prefix = pick(["", "", "-", "@", "+", "!!"])
            var words = ["/usr/bin/\(pick(["app", "tool", "srv"]))"] + (0..<Int.random(in: 0...3, using: &random)).map { _ in pick(arguments) }
            if prefix == "@" { words.insert("argv0", at: 1) }
            return "ExecStart=" + prefix + words.joined(separator: " ")
        case 6: return "ExecStart="
        case 7, 8: return "Environment=\(pick(["A", "B", "C"]))=\(pick(["1", "%n", "\"x y\"", "%I"])) \(pick(["", "D=2", "bad-name=1"]))"
        case 9: return "Environment="
        case 10: return "User=\(pick(["app", "svc", "%p", "1000", "%u"]))"
        case 11: return "EnvironmentFile=\(pick(["-", ""]))/etc/default/\(pick(["a", "%p", "%i"]))"
        case 12: return "ReadWritePaths=\(pick(["/var/lib/a", "-/srv/b", "\"/srv/c d\"", "/run/%p", ""]))"
        case 13: return "Type=\(pick(["simple", "oneshot", "exec", "notify"]))"
        case 14: return "# comment \\"
        case 15: return "; other comment"
        case 16: return pick(["garbage", "=novalue", "   ", ".include /etc/x.conf"])
        case 17: return "Description=unit %n"
        case 18: return "RemainAfterExit=\(pick(["yes", "no"]))"
        case 19: return "ExecStart=/usr/bin/cont \\"
        case 20 where chance(25):
            // Lines that stop systemd reading the file: an unclosed or unsafe section header, a
            // noncharacter (not UTF-8 clean for systemd), a NUL that ends the line early.
            return pick(["[Unclosed", "[Bad\\Name]", "Description=\u{FFFE}", "Description=a\u{0}b=c", "\u{FEFF}[Service]"])
        default: return "ExecStop=/bin/\(pick(["true", "false"]))"
        }
    }

    private mutating func unitText() -> String {
        var lines: [String] = []
        if chance(10) { lines.append(line()) }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            lines.append(pick(["[Service]", "[Service]", "[Unit]", "[Install]", "[X-Extra]", "[Bogus]"]))
            for _ in 0..<Int.random(in: 0...5, using: &random) { lines.append(line()) }
        }
        if chance(60) {
            lines.append("[Install]")
            if chance(70) { lines.append("WantedBy=\(pick(["multi-user.target", "\(tag)-t.target", ""]))") }
            if chance(20) { lines.append("Alias=\(tag)-named\(Int.random(in: 0..<3, using: &random)).service") }
            if chance(15) { lines.append("Also=\(tag)-app-\(Int.random(in: 0..<4, using: &random)).service") }
            if chance(10) { lines.append("DefaultInstance=def") }
            if chance(10) { lines.append("RequiredBy=\(tag)-t.target") }
        }
        let separator = chance(10) ? "\r\n" : "\n"
        return lines.joined(separator: separator) + (chance(90) ? separator : "")
    }

    private mutating func make() throws {
        let words = ["app", "web", "db-main"]
        var units: [String] = []
        for index in 0..<8 { units.append("\(tag)-\(pick(words))-\(index).service") }
        let templates = ["\(tag)-tpl@.service", "\(tag)-web-tpl@.service"]
        for name in units + templates {
            let directories = (0..<Int.random(in: 1...2, using: &random)).map { _ in pick(Self.directories) }
            for directory in directories { write("\(directory)/\(name)", unitText()) }
            if chance(10) { try link("\(pick(Self.directories))/\(name)", "/dev/null") }
            if chance(5) { write("\(pick(Self.directories))/\(name)", "") }
            if chance(12) {
                write("/opt/units/\(name)", unitText())
                try link("/etc/systemd/system/\(name)", "/opt/units/\(name)")
            }
        }
        // Aliases: relative and absolute links inside the search path, some broken or incompatible.
        var aliases: [String] = []
        for index in 0..<4 {
            let alias = "\(tag)-named\(index).service"
            let target = pick(units + ["\(tag)-missing.service", "\(tag)-app-0.socket"])
            let directory = pick(Self.directories)
            try link("\(directory)/\(alias)", chance(50) ? target : pick(Self.directories) + "/" + target)
            aliases.append(alias)
        }
        // Drop-ins in every kind of drop-in directory.
        let instanceNames = ["\(tag)-tpl@one.service", "\(tag)-tpl@x\\x2dy.service", "\(tag)-web-tpl@two.service"]
        let dropInOwners = units + templates + instanceNames + ["service", "\(tag)-.service", "\(tag)-web-.service", "\(tag)-db-.service", "\(tag)-web-tpl@.service"]
        for _ in 0..<Int.random(in: 4...10, using: &random) {
            let owner = pick(dropInOwners)
            let directory = pick(Self.directories)
            let file = pick(["10-a.conf", "20-b.conf", "override.conf", ".hidden.conf", "x.conf~", "not-conf.txt"])
            if chance(10) {
                try link("\(directory)/\(owner).d/\(file)", "/dev/null")
            } else {
                write("\(directory)/\(owner).d/\(file)", unitText())
            }
        }
        // Enablement links.
        for name in units + instanceNames + aliases where chance(30) {
            let directory = pick(["/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system"])
            let kind = pick(["multi-user.target.wants", "\(tag)-t.target.requires", "\(tag)-t.target.wants"])
            let target = name.contains("@") ? "/lib/systemd/system/\(tag)-tpl@.service" : "/lib/systemd/system/\(name)"
            try link("\(directory)/\(kind)/\(name)", target)
        }
        if chance(50) { try link("/etc/systemd/system/\(tag)-named0.service", "/lib/systemd/system/\(units[0])") }
        write("/etc/systemd/system/\(tag)-t.target", "[Unit]\nDescription=t\n")
        queries = units + aliases + instanceNames + templates + ["\(tag)-missing.service"]
        _ = try run("/bin/chmod", ["-R", "a+rX", root.path])
    }

    /// The manager's view of `trees`: one `systemd --test` run whose search path is the trees'
    /// directories and then the host's, loading every query through a target that wants them all.
    static func managerDump(_ trees: [UnitOracleTree]) throws -> UnitManagerDump {
        let first = trees[0]
        let wants = trees.flatMap(\.queries).filter { !$0.hasSuffix("@.service") }.joined(separator: " ")
        first.write("/etc/systemd/system/\(first.tag)-oracle.target", "[Unit]\nWants=\(wants)\n")
        _ = try run("/bin/chmod", ["-R", "a+rX", first.root.path])
        let path = trees.flatMap(\.managerDirectories).joined(separator: ":") + ":"
        let outcome = try run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "/lib/systemd/systemd", "--test", "--system",
             "--unit=\(first.tag)-oracle.target", "--no-pager", "--log-target=console", "--log-level=notice"],
            environment: ["SYSTEMD_UNIT_PATH": path, "PATH": "/usr/bin:/bin"], directory: "/")
        return UnitManagerDump(outcome.all)
    }

    /// `systemctl --root is-enabled` for every query: one call, and one per unit when a unit makes
    /// systemctl stop with an error ("error" then).
    func isEnabled() throws -> [(String, String)] {
        let names = queries
        let all = try run("/bin/systemctl", ["--root=\(root.path)", "is-enabled"] + names, directory: "/")
        let lines = all.standardOutput.split(separator: "\n").map(String.init)
        if lines.count == names.count && !all.standardError.contains("Failed") { return Array(zip(names, lines)) }
        return try names.map { name in
            let one = try run("/bin/systemctl", ["--root=\(root.path)", "is-enabled", name], directory: "/")
            let printed = one.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            return (name, printed.isEmpty ? "error" : printed)
        }
    }
}

/// The parts of `systemd --test`'s dump the oracle compares: per unit, the values of its
/// `Key: value` lines (ExecStart= as its command lines), and the file:line warnings.
struct UnitManagerDump {
    var units: [String: [String: [String]]] = [:]
    var warnings: [String] = []

    init(_ text: String) {
        var current: String?
        var list: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("\t-> Unit "), line.hasSuffix(":") {
                let name = String(line.dropFirst("\t-> Unit ".count).dropLast())
                current = units[name] == nil ? name : nil
                if let current { units[current] = [:] }
                list = nil
                continue
            }
            if !line.hasPrefix("\t") {
                if line.hasPrefix("/"), line.contains(": ") { warnings.append(line) }
                continue
            }
            guard let unit = current else { continue }
            if line.hasPrefix("\t\t-> ") {
                list = String(line.dropFirst(5).dropLast())
                continue
            }
            if line.hasPrefix("\t\t\tCommand Line: "), let list {
                units[unit]![list, default: []].append(String(line.dropFirst("\t\t\tCommand Line: ".count)))
                continue
            }
            guard line.hasPrefix("\t\t"), !line.hasPrefix("\t\t\t") else { continue }
            list = nil
            let body = line.dropFirst(2)
            guard let colon = body.range(of: ": ") else {
                if body.hasSuffix(":") { units[unit]![String(body.dropLast()), default: []].append("") }
                continue
            }
            units[unit]![String(body[..<colon.lowerBound]), default: []].append(String(body[colon.upperBound...]))
        }
    }
}
