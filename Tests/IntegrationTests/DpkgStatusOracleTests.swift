import Contract
import Foundation
import TestSupport
import Testing

/// dpkg-query is the oracle for DpkgStatus: random status files (every Status word, held,
/// removed-but-configured, half-installed, reinstreq, trigger states, Multi-Arch: same pairs,
/// foreign architectures, continuation lines, field names in any case, spacing, extra blank
/// lines, names in upper case) are put in a temporary admin directory (`status` with empty
/// `info/` and `updates/`, all dpkg-query needs) and read by
/// `dpkg-query --admindir=DIR -W -f='${Package} ${db:Status-Abbrev} ${Version}...'`; every
/// instance must read the same. Queries by `name` and `name:arch` must list the same instances,
/// and damaged files (one fault each, of the kinds dpkg refuses) must be refused by dpkg exactly
/// when DpkgStatus reports an error.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-query"), "needs dpkg-query"))
struct DpkgStatusOracleTests {
    static let native: String = {
        (try? run("/usr/bin/dpkg", ["--print-architecture"]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "amd64"
    }()

    static let format = "${Package}\\t${binary:Package}\\t${db:Status-Abbrev}\\t${Version}\\t${Architecture}\\n"

    @Test func dpkgQueryReadsTheSameInstances() throws {
        var random = VersionOracle.generator("dpkg-status")
        let scratch = TemporaryDirectory("dpkg-status-oracle")
        var commands: [String] = []
        var files: [(directory: String, file: StatusSample, queries: [String])] = []
        for index in 0..<(12 * VersionOracle.scale) {
            let file = StatusSample(using: &random)
            let directory = scratch.path + "/admin\(index)"
            scratch.write("admin\(index)/status", file.text)
            scratch.write("admin\(index)/info/.keep", "")
            try FileManager.default.createDirectory(atPath: directory + "/updates", withIntermediateDirectories: true)
            var queries = file.names.shuffled(using: &random).prefix(25).map { $0 }
            for name in file.names.prefix(15) {
                queries.append(name + ":" + ["amd64", "i386", "all", "arm64"].randomElement(using: &random)!)
            }
            queries.append("absent-package")
            files.append((directory, file, queries))
            let admin = "--admindir=\(VersionOracle.quoted(directory))"
            commands.append("dpkg-query \(admin) -W -f=\(VersionOracle.quoted(Self.format)) \(file.names.map(VersionOracle.quoted).joined(separator: " "))")
            for query in queries {
                commands.append("dpkg-query \(admin) -W -f='${binary:Package}\\n' \(VersionOracle.quoted(query))")
            }
        }
        let outcomes = try VersionOracle.runShell(commands)
        var position = 0
        var disagreements: [String] = []
        var instances = 0, queried = 0
        var kinds: [String: Int] = [:]
        for (directory, file, queries) in files {
            let listing = outcomes[position]
            position += 1
            let status = DpkgStatus(text: file.text)
            if let error = status.problems.first(where: { $0.severity == .error }) {
                disagreements.append("\(directory)/status: DpkgStatus reports \(error) in a file the generator meant to be valid")
            }
            let theirs = Set(listing.output.split(separator: "\n").filter { !$0.hasPrefix("dpkg-query: warning") && !$0.hasPrefix(" ") }.map(String.init))
            let ours = Set(status.packages.map { package in
                [package.name, package.qualifiedName(nativeArchitecture: Self.native), package.statusAbbreviation,
                 package.version?.description ?? "", package.architecture ?? ""].joined(separator: "\t")
            })
            instances += ours.count
            for package in status.packages {
                kinds[package.state.rawValue, default: 0] += 1
                if package.isHeld { kinds["held", default: 0] += 1 }
                if package.needsReinstallation { kinds["reinstreq", default: 0] += 1 }
                if package.multiArch == "same" { kinds["multi-arch same", default: 0] += 1 }
            }
            if listing.status != 0 {
                let error = listing.output.split(separator: "\n").drop { !$0.hasPrefix("dpkg-query: error") }.prefix(2)
                disagreements.append("\(directory)/status: dpkg-query refuses the file: \(error.joined(separator: " "))")
                position += queries.count
                continue
            }
            if theirs != ours {
                disagreements.append("""
                    \(directory)/status:
                      only dpkg-query: \(theirs.subtracting(ours).sorted())
                      only DpkgStatus: \(ours.subtracting(theirs).sorted())
                    """)
            }
            for query in queries {
                let outcome = outcomes[position]
                position += 1
                queried += 1
                let theirs = outcome.status == 0 ? Set(outcome.output.split(separator: "\n").filter { !$0.hasPrefix("dpkg-query: warning") && !$0.hasPrefix(" ") }.map(String.init)) : []
                let ours = Set(status.instances(of: query).map { $0.qualifiedName(nativeArchitecture: Self.native) })
                if theirs != ours {
                    disagreements.append("\(directory)/status: '\(query)': dpkg-query \(theirs.sorted()) (exit \(outcome.status)), DpkgStatus \(ours.sorted())")
                }
            }
        }
        VersionOracle.report(
            "dpkg-query --admindir on \(files.count) status files", cases: files.count + queried, disagreements: disagreements,
            detail: "\(instances) instances: " + kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                + "; \(queried) name queries")
    }

    @Test func dpkgRefusesExactlyTheFilesDpkgStatusFindsAnErrorIn() throws {
        var random = VersionOracle.generator("dpkg-status-damage")
        let scratch = TemporaryDirectory("dpkg-status-damage")
        var cases: [(fault: String, text: String)] = []
        for index in 0..<(60 * VersionOracle.scale) {
            var file = StatusSample(using: &random, stanzas: 6)
            let fault = file.damage(using: &random)
            scratch.write("admin\(index)/status", file.text)
            scratch.write("admin\(index)/info/.keep", "")
            try FileManager.default.createDirectory(atPath: scratch.path + "/admin\(index)/updates", withIntermediateDirectories: true)
            cases.append((fault, file.text))
        }
        let outcomes = try VersionOracle.runShell(cases.indices.map {
            "dpkg-query --admindir=\(VersionOracle.quoted(scratch.path + "/admin\($0)")) -W -f='${Package}\\n' > /dev/null"
        })
        var disagreements: [String] = []
        var refused = 0
        for (index, (item, outcome)) in zip(cases, outcomes).enumerated() {
            let errors = DpkgStatus(text: item.text).problems.filter { $0.severity == .error }
            if outcome.status == 2 { refused += 1 }
            if (outcome.status == 2) != !errors.isEmpty {
                let dpkgSays = outcome.output.split(separator: "\n").filter { !$0.contains("warning") && !$0.contains("missing 'Desc") }
                disagreements.append("admin\(index) (\(item.fault)): dpkg-query exit \(outcome.status) \(dpkgSays.suffix(2)); DpkgStatus errors: \(errors)")
            }
        }
        VersionOracle.report("damaged status files", cases: cases.count, disagreements: disagreements, detail: "\(refused) refused by dpkg")
    }
}

/// A random, valid dpkg status file, and one fault put into it on request.
struct StatusSample {
    var stanzas: [[(name: String, value: String)]] = []
    var names: [String] = []
    var separators: [String] = []
    var finalNewline = true

    var text: String {
        var text = ""
        for (index, stanza) in stanzas.enumerated() {
            for field in stanza { text += field.name + field.value + "\n" }
            text += index < separators.count ? separators[index] : "\n"
        }
        return finalNewline ? text : String(text.trimmingCharacters(in: .newlines))
    }

    init(using random: inout SeededGenerator, stanzas count: Int? = nil) {
        let total = count ?? Int.random(in: 40...120, using: &random)
        var used: Set<String> = []
        while stanzas.count < total {
            var name = Self.packageName(using: &random)
            while used.contains(name) { name += "x" }
            used.insert(name)
            names.append(name)
            let pair = Int.random(in: 0..<8, using: &random) == 0
            let version = Self.version(using: &random)
            for architecture in pair ? ["amd64", "i386"] : [["amd64", "amd64", "all", "i386", "arm64"].randomElement(using: &random)!] {
                stanzas.append(Self.stanza(name: name, architecture: architecture, multiArch: pair ? "same" : nil, version: version, using: &random))
                separators.append(["\n", "\n", "\n", "\n\n", "\n\n\n"].randomElement(using: &random)!)
            }
        }
    }

    static func packageName(using random: inout SeededGenerator) -> String {
        let first = Array("abcdefghijklmnopqrstuvwxyz0123456789"), rest = Array("abcdefghijklmnopqrstuvwxyz0123456789-+.")
        return String(first.randomElement(using: &random)!) + String((0..<Int.random(in: 1...14, using: &random)).map { _ in rest.randomElement(using: &random)! })
    }

    /// A version dpkg reads without a word (a few it warns about).
    static func version(using random: inout SeededGenerator) -> String {
        while true {
            let text = DebianVersionSample.version(using: &random)
            guard let problem = DebianVersion.problem(in: text) else { return text }
            if problem.severity == .warning, Int.random(in: 0..<4, using: &random) == 0 { return text }
        }
    }

    static func stanza(name: String, architecture: String, multiArch: String?, version: String, using random: inout SeededGenerator)
        -> [(name: String, value: String)]
    {
        let want = ["unknown", "install", "install", "install", "hold", "deinstall", "purge"].randomElement(using: &random)!
        let flag = Int.random(in: 0..<8, using: &random) == 0 ? "reinstreq" : "ok"
        let state = DpkgPackage.State.allCases.randomElement(using: &random)!.rawValue
        var fields: [(String, String)] = [
            ("Package", Int.random(in: 0..<10, using: &random) == 0 ? name.uppercased() : name),
            ("Status", "\(want) \(flag) \(state)"),
            ("Priority", "optional"),
            ("Section", "misc"),
            ("Installed-Size", String(Int.random(in: 1...99999, using: &random))),
            ("Maintainer", "Debian Maintainers <maintainers@example.org>"),
        ]
        // Architecture may be missing where dpkg does not warn; Version where dpkg allows it.
        if multiArch != nil || !["not-installed", "config-files", "half-installed"].contains(state) || Int.random(in: 0..<4, using: &random) > 0 {
            fields.append(("Architecture", architecture))
        }
        if let multiArch { fields.append(("Multi-Arch", multiArch)) } else if Bool.random(using: &random) {
            fields.append(("Multi-Arch", ["foreign", "allowed", "no"].randomElement(using: &random)!))
        }
        if !["not-installed", "half-installed"].contains(state) || Bool.random(using: &random) {
            fields.append(("Version", version))
        }
        if state == "triggers-pending" || (state == "triggers-awaited" && Bool.random(using: &random)) {
            fields.append(("Triggers-Pending", "/usr/share/man ldconfig"))
        }
        if state == "triggers-awaited" || (["unpacked", "half-configured", "half-installed"].contains(state) && Int.random(in: 0..<4, using: &random) == 0) {
            fields.append(("Triggers-Awaited", "man-db"))
        }
        if !["not-installed"].contains(state), Bool.random(using: &random) {
            fields.append(("Conffiles", "\n /etc/\(name)/a.conf 0123456789abcdef0123456789abcdef\n /etc/\(name)/b.conf newconffile"))
        }
        fields.append(("Depends", "libc6 (>= 2.34), libssl3 (>= 3.0.0)"))
        fields.append(("Description", "a package\n It does something.\n .\n  Indented text."))
        if Int.random(in: 0..<3, using: &random) == 0 { fields.shuffle(using: &random) }
        return fields.map { field in
            var name = field.0
            switch Int.random(in: 0..<12, using: &random) {
            case 0: name = name.lowercased()
            case 1: name = name.uppercased()
            default: break
            }
            let space = [" ", " ", " ", "", "  ", "\t", " \t"].randomElement(using: &random)!
            let trailing = Int.random(in: 0..<10, using: &random) == 0 ? " \t" : ""
            return (name + ":" + (field.1.hasPrefix("\n") ? "" : space), field.1 + trailing)
        }
    }

    /// Puts one fault dpkg refuses (or, for a few kinds, only warns about) into a stanza.
    mutating func damage(using random: inout SeededGenerator) -> String {
        let index = Int.random(in: 0..<stanzas.count, using: &random)
        func field(_ name: String) -> Int? { stanzas[index].firstIndex { $0.name.lowercased().hasPrefix(name.lowercased() + ":") } }
        switch Int.random(in: 0..<13, using: &random) {
        case 0:
            if let status = field("Status") { stanzas[index][status].value = "install ok " + ["bogus", "installed extra", ""].randomElement(using: &random)! }
            return "bad Status"
        case 1:
            if let version = field("Version") { stanzas[index][version].value = ["1.0-", "a:1", "1 2", "1:", ":", "-1"].randomElement(using: &random)! }
            return "bad Version"
        case 2:
            if let version = field("Version") { stanzas[index].remove(at: version) }
            return "no Version"
        case 3:
            stanzas[index].append((stanzas[index][0].name, stanzas[index][0].value))
            return "duplicate field"
        case 4:
            stanzas[index][0] = ("Package: ", ["-x", ".x", "x y", "x_y!"].randomElement(using: &random)!)
            return "bad name"
        case 5:
            stanzas[index].removeAll { $0.name.lowercased().hasPrefix("package:") }
            return "no Package"
        case 6:
            stanzas.append(stanzas[index])
            separators.append("\n")
            return "the same instance twice"
        case 7:
            stanzas[index].append(("Triggers-Pending: ", "x"))
            return "Triggers-Pending"
        case 8:
            stanzas[index].insert(("", " continuation"), at: 0)
            return "leading continuation line"
        case 9:
            finalNewline = false
            return "no final newline"
        case 10:
            stanzas[index].append(("Odd-Field", " value"))
            return "field without a colon"
        case 11:
            stanzas[index].append(("X: ", "short"))
            return "one-letter field name"
        default:
            stanzas[index].removeAll { $0.name.lowercased().hasPrefix("multi-arch:") }
            stanzas[index].append(("Multi-Arch: ", ["bogus", "Same", ""].randomElement(using: &random)!))
            return "Multi-Arch value"
        }
    }
}
