import Contract
import Foundation
import TestSupport
import Testing

/// dpkg is the oracle for DebianVersion: for thousands of random version pairs (built from
/// dpkg's alphabet: digits, letters, `.+~-:`, epochs, revisions, a few invalid characters)
/// and the versions installed on this machine, `dpkg --compare-versions A OP B` exits as
/// ``DebianVersionConstraint/Relation`` says (0 true, 1 false), prints a warning exactly when
/// ``DebianVersion/problem(in:)`` finds one dpkg only warns about (with dpkg's reason), and
/// refuses (exit 2, with dpkg's reason) exactly the versions DebianVersion refuses. The obsolete
/// `<` and `>` are held to ``DebianVersionConstraint/Relation/obsolete(_:)``.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg"), "needs dpkg"))
struct DebianVersionOracleTests {
    struct Case {
        var left: String
        var symbol: String
        var right: String
    }

    @Test func dpkgCompareVersionsAgrees() throws {
        var random = VersionOracle.generator("debian")
        var cases: [Case] = []
        let symbols = ["<<", "<=", "=", ">=", ">>", "<<", "<=", "=", ">=", ">>", "<", ">"]
        let installed = Self.installedVersions()
        #expect(installed.count >= 50, "dpkg-query lists \(installed.count) versions on this machine")
        for _ in 0..<(2500 * VersionOracle.scale) {
            let left = DebianVersionSample.version(using: &random)
            let right: String
            switch Int.random(in: 0..<10, using: &random) {
            case 0: right = left
            case 1...2: right = DebianVersionSample.version(using: &random)
            default: right = DebianVersionSample.mutated(left, using: &random)
            }
            cases.append(Case(left: left, symbol: symbols.randomElement(using: &random)!, right: right))
        }
        for _ in 0..<(1000 * VersionOracle.scale) where !installed.isEmpty {
            let left = installed.randomElement(using: &random)!
            let right = Bool.random(using: &random) ? installed.randomElement(using: &random)! : DebianVersionSample.mutated(left, using: &random)
            cases.append(Case(left: left, symbol: symbols.randomElement(using: &random)!, right: right))
        }
        let outcomes = try VersionOracle.runShell(cases.map {
            "dpkg --compare-versions -- \(VersionOracle.quoted($0.left)) \(VersionOracle.quoted($0.symbol)) \(VersionOracle.quoted($0.right))"
        })
        var disagreements: [String] = []
        var tally: [String: Int] = [:]
        for (item, outcome) in zip(cases, outcomes) {
            let expected = Self.expectation(item)
            let found = Self.observation(outcome)
            tally[["true", "false", "refused"][min(2, max(0, Int(outcome.status)))], default: 0] += 1
            if found.contains("warning:") { tally["warned", default: 0] += 1 }
            if expected != found {
                disagreements.append("dpkg --compare-versions -- '\(item.left)' '\(item.symbol)' '\(item.right)': dpkg \(found), DebianVersion \(expected)")
            }
        }
        VersionOracle.report(
            "dpkg --compare-versions (\(installed.count) installed versions harvested)", cases: cases.count, disagreements: disagreements,
            detail: tally.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
    }

    /// What DebianVersion predicts: the exit status and the reasons of dpkg's messages about
    /// bad syntax, in dpkg's order (the left version is read first; an error ends it).
    static func expectation(_ item: Case) -> String {
        var reasons: [String] = []
        for text in [item.left, item.right] {
            guard let problem = DebianVersion.problem(in: text) else { continue }
            reasons.append("\(problem.severity == .error ? "error" : "warning"): \(problem.reason)")
            if problem.severity == .error { return "exit 2 [\(reasons.joined(separator: "; "))]" }
        }
        let relation = DebianVersionConstraint.Relation(rawValue: item.symbol) ?? DebianVersionConstraint.Relation.obsolete(item.symbol)!
        let left = try! DebianVersion(item.left, allowingWarnings: true), right = try! DebianVersion(item.right, allowingWarnings: true)
        return "exit \(relation.holds(left, right) ? 0 : 1) [\(reasons.joined(separator: "; "))]"
    }

    /// What dpkg did, in the same words: "dpkg: warning: version 'X' has bad syntax: REASON".
    static func observation(_ outcome: (output: String, status: Int32)) -> String {
        var reasons: [String] = []
        for line in outcome.output.split(separator: "\n") {
            guard let range = line.range(of: " has bad syntax: ") else { continue }
            let level = line.hasPrefix("dpkg: error") ? "error" : "warning"
            reasons.append("\(level): \(line[range.upperBound...])")
        }
        return "exit \(outcome.status) [\(reasons.joined(separator: "; "))]"
    }

    /// Every distinct version dpkg-query lists on this machine.
    static func installedVersions() -> [String] {
        let outcome = try? run("/usr/bin/dpkg-query", ["-W", "-f=${Version}\\n"])
        return Array(Set((outcome?.standardOutput ?? "").split(separator: "\n").map(String.init))).sorted()
    }
}

/// Random Debian version strings: mostly valid, built to collide (shared prefixes, leading
/// zeros, tildes at the end), a few with what dpkg warns about or refuses.
enum DebianVersionSample {
    static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

    static func version(using random: inout SeededGenerator) -> String {
        var text = ""
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<4: text += "\(Int.random(in: 0...3, using: &random)):"
        case 4: text += ["00", "01", "+1", "-0", "10", "2147483647", "2147483648", "-1", "a", ""].randomElement(using: &random)! + ":"
        default: break
        }
        text += part(upstream: true, using: &random)
        if Int.random(in: 0..<2, using: &random) == 0 { text += "-" + part(upstream: false, using: &random) }
        if Int.random(in: 0..<40, using: &random) == 0 {
            text = insert(["_", " ", "!", "@", "é", "-", ":", "\t"].randomElement(using: &random)!, into: text, using: &random)
        }
        return text.isEmpty ? "0" : text
    }

    /// Alternating runs of digits and of `.+~` (and `-:` upstream) and letters.
    static func part(upstream: Bool, using random: inout SeededGenerator) -> String {
        var text = ""
        let separators: [Character] = upstream ? [".", ".", ".", "+", "~", "-", ":"] : [".", ".", "+", "~"]
        if upstream, Int.random(in: 0..<30, using: &random) == 0 { text.append(letters.randomElement(using: &random)!) }
        for _ in 0..<Int.random(in: 1...5, using: &random) {
            text += digits(using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1: text.append(separators.randomElement(using: &random)!)
            case 2: text += String((0..<Int.random(in: 1...3, using: &random)).map { _ in letters.randomElement(using: &random)! })
            case 3: text.append("~")
            default: break
            }
        }
        return text
    }

    static func digits(using random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: "0"
        case 1: "00" + String(Int.random(in: 0...9, using: &random))
        case 2: String(UInt64.random(in: 0...UInt64.max, using: &random))
        default: String(Int.random(in: 0...20, using: &random))
        }
    }

    /// A near neighbour: one character changed, added or removed, a tilde or zero appended,
    /// a digit run rewritten with leading zeros, an epoch or revision added or dropped.
    static func mutated(_ text: String, using random: inout SeededGenerator) -> String {
        var characters = Array(text)
        switch Int.random(in: 0..<9, using: &random) {
        case 0...2: characters = Array(VersionOracle.edited(text, alphabet: Array("0123456789.+~-:aAzZ"), using: &random))
        case 3: characters += "~"
        case 4: characters += ["0", ".0", "-0", "a", "+b1", "~rc1"].randomElement(using: &random)!
        case 5: characters = Array(text.replacingOccurrences(of: "1", with: "01"))
        case 6: characters = Array(text.contains(":") ? String(text.drop { $0 != ":" }.dropFirst()) : "0:" + text)
        case 7: characters = Array(text.contains("-") ? String(text[..<text.lastIndex(of: "-")!]) : text + "-1")
        default: characters = Array(version(using: &random))
        }
        // dpkg reads an empty argument as "no version", which is not a version string at all.
        return characters.isEmpty ? "0" : String(characters)
    }

    static func insert(_ piece: String, into text: String, using random: inout SeededGenerator) -> String {
        var characters = Array(text)
        characters.insert(contentsOf: piece, at: Int.random(in: 0...characters.count, using: &random))
        return String(characters)
    }
}
