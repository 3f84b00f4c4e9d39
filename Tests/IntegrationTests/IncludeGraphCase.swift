import Foundation
import TestSupport

/// The include campaign: the lx-annotate contract split, section by section, over two to six
/// files that include each other along a random graph (every file reached from the main one),
/// then made hostile: a circle back to an including file, a file including itself, a missing
/// file, a directory, the vault's key files (by path and through a symbolic link), a glob, a
/// path through `..`, a long path, an `include` of the wrong type; now and then one file is
/// also mutated like the contract campaign's. `lint`, `check` in a format, `provision
/// --dry-run` or `gate` must end with a documented status, name a FILE:LINE on exit 2, and
/// never show a canary: an included key file is read as a contract, never echoed. A case split
/// cleanly (nothing hostile, nothing mutated) must lint clean and hold, as the whole file does.
struct IncludeGraphCase: FileSetFuzzCase {
    /// The contract's lines up to its first table header, and its sections: each top-level
    /// table or array-of-tables header with the sub-tables that follow it (`[nginx]` keeps its
    /// `[[nginx.location]]` entries), so a section moved to another file stays valid TOML.
    static let split: (preamble: [String], sections: [(table: String, lines: [String])]) = {
        let url = packageDirectory.appendingPathComponent("contracts/lx-annotate.toml")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var preamble: [String] = []
        var sections: [(table: String, lines: [String])] = []
        var current: String? = nil
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                let top = String(name.prefix { $0 != "." })
                // A table or array entry starts a section; a sub-table of the current one does not.
                if !(name.contains(".") && top == current) { sections.append((top, [])) }
                current = top
            }
            if sections.isEmpty { preamble.append(line) } else { sections[sections.count - 1].lines.append(line) }
        }
        return (preamble, sections)
    }()

    /// Where the files go, relative to the case's directory: the main file first.
    static let places = ["main.toml", "base.toml", "roles/hub.toml", "roles/site/node.toml", "shared/x.toml", "other.toml"]

    let directory: String
    let files: [(String, [UInt8])]
    let summary: String
    let runs: [FuzzRun]
    let hidden: [(name: String, value: String)]

    init(worker: FuzzWorker, random: inout SeededGenerator, index: Int) throws {
        directory = worker.scratch.path + "/include"
        try? FileManager.default.removeItem(atPath: directory)
        let count = Int.random(in: 2...Self.places.count, using: &random)
        let places = Array(Self.places.prefix(count))
        var bodies = [[String]](repeating: [], count: count)
        bodies[0] = Self.split.preamble
        // `[nginx]` and its `[[nginx.location]]` entries, wherever they stand, go to one file.
        var fileOf: [String: Int] = [:]
        for section in Self.split.sections {
            let file = section.table == "nginx"
                ? fileOf[section.table, default: Int.random(in: 0..<count, using: &random)]
                : Int.random(in: 0..<count, using: &random)
            if section.table == "nginx" { fileOf[section.table] = file }
            bodies[file] += section.lines
        }

        // A graph: each file after the first is included by one file before it, and by others
        // now and then; edges only go forward, so the clean graph has no circle.
        var includes = [[String]](repeating: [], count: count)
        for target in 1..<count {
            let from = Int.random(in: 0..<target, using: &random)
            includes[from].append(Self.relative(from: places[from], to: places[target]))
            if Bool.random(using: &random), target > 1 {
                let also = Int.random(in: 0..<target, using: &random)
                includes[also].append(Self.relative(from: places[also], to: places[target]))
            }
        }
        var steps: [String] = ["\(count) files"]
        var mutatedText = false
        var raw: [Int: String] = [:]   // an `include` value that is not an array of strings
        for _ in 0..<Int.random(in: 0...2, using: &random) {
            let from = Int.random(in: 0..<count, using: &random)
            let hostile = Self.hostile(from: places[from], places: places, random: &random)
            switch hostile {
            case .path(let path):
                includes[from].append(path)
                steps.append("\(places[from]) includes \(path.prefix(80).debugDescription)")
            case .value(let value):
                raw[from] = value
                steps.append("\(places[from]) include = \(value.prefix(80))")
            }
        }

        var files: [(String, [UInt8])] = []
        for (position, place) in places.enumerated() {
            var lines = bodies[position]
            let list = raw[position] ?? "[" + includes[position].map { Self.quoted($0) }.joined(separator: ", ") + "]"
            if raw[position] != nil || !includes[position].isEmpty {
                // Top-level keys come before the first table header.
                let at = position == 0 ? Self.split.preamble.count : 0
                lines.insert("include = " + list, at: min(at, lines.count))
            }
            var bytes = Array(lines.joined(separator: "\n").utf8)
            if Int.random(in: 0..<4, using: &random) == 0 {
                let other = ContractMutationCase.allLines.randomElement(using: &random)!
                let done = Mutate.randomly(&bytes, splicing: other, tokens: ContractMutationCase.tokens.map { Array($0.utf8) }, &random)
                steps.append("\(place) mutated by \(done.joined(separator: ", "))")
                mutatedText = true
            }
            let path = directory + "/" + place
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            files.append((place, bytes))
        }
        // A link beside the files to a key of the root: an include of it reads the key.
        try? FileManager.default.createSymbolicLink(
            atPath: directory + "/linked-key.toml", withDestinationPath: worker.root.at("/etc/secrets/vault/lx-annotate-master.key"))
        self.files = files
        summary = "contracts/lx-annotate.toml split and included: " + steps.joined(separator: "; ")

        // Split cleanly, the contract must mean what it means whole: it lints clean and holds on
        // the sample root, as the whole file does.
        let clean = steps.count == 1
        let main = directory + "/main.toml"
        let root = worker.root.path
        let formats = ["text", "json", "junit", "sarif", "prometheus"]
        let output = worker.scratch.path + "/report"
        var runs = [FuzzRun(arguments: ["lint", main], allowedStatus: clean ? [0] : [0, 2])]
        switch index % 4 {
        case 0, 1:
            runs.append(FuzzRun(arguments: ["check", main, "--root", root, "--allow-untrusted-contract", "--format", formats[index % formats.count],
                                            "--output", output],
                                allowedStatus: clean ? [0] : [0, 1, 2, 3], outputFile: output))
        case 2:
            runs.append(FuzzRun(arguments: ["provision", main, "--root", root, "--allow-untrusted-contract", "--dry-run"], allowedStatus: clean ? [0] : [0, 1, 2]))
        default:
            runs.append(FuzzRun(arguments: ["gate", main, "--root", root, "--allow-untrusted-contract", "--", "/bin/true"],
                                allowedStatus: clean ? [0] : [0, 78], environment: serviceEnvironment(worker.originalEnvironment)))
        }
        self.runs = runs

        // Key contents never show. A secret variable's value may show only where a mutation
        // took its declaration apart (the contract campaign's rule, on all files together).
        var hidden = worker.canaries.keyCanaries
        let text = files.map { String(decoding: $0.1, as: UTF8.self) }.joined(separator: "\n")
        let originalText = (Self.split.preamble + Self.split.sections.flatMap(\.lines)).joined(separator: "\n")
        for (variable, value) in worker.canaries.environmentCanaries {
            let declarations = text.ranges(of: try! Regex("name\\s*=\\s*[\"']\(variable)[\"']")).count
            let intact = ContractMutationCase.block(declaring: variable, in: originalText).map { text.contains($0) } ?? false
            if !mutatedText || (declarations == 1 && intact) { hidden.append((variable, value)) }
        }
        self.hidden = hidden
    }

    enum Hostile {
        case path(String)
        case value(String)
    }

    /// One hostile addition to the includes of the file at `from`.
    static func hostile(from: String, places: [String], random: inout SeededGenerator) -> Hostile {
        let depth = from.split(separator: "/").count - 1
        let up = String(repeating: "../", count: depth)
        switch Int.random(in: 0..<12, using: &random) {
        case 0: return .path(relative(from: from, to: places[0]))                     // back to the main file: a circle
        case 1: return .path((from as NSString).lastPathComponent)                     // itself
        case 2: return .path("missing.toml")
        case 3: return .path(up + "roles")                                             // a directory (or nothing)
        case 4: return .path("/etc/secrets/vault/lx-annotate-master.key")             // the host's own path: absent here
        case 5: return .path(up + "linked-key.toml")                                   // a link to the root's key
        case 6: return .path("*.toml")
        case 7: return .path(up + "../../../../../../../../proc/self/environ")
        case 8: return .path(String(repeating: "a/", count: 3000) + "x.toml")
        case 9: return .path("")
        case 10: return .value(["\"main.toml\"", "[1, 2]", "[[\"a\"]]", "{ a = \"b\" }", "\"\"", "[\"a\", 3]"].randomElement(using: &random)!)
        default: return .path(up + places.randomElement(using: &random)!)             // any file, perhaps a circle
        }
    }

    /// `to` as written in the file at `from` (both relative to the case's directory).
    static func relative(from: String, to: String) -> String {
        String(repeating: "../", count: from.split(separator: "/").count - 1) + to
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
