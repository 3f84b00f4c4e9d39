import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// Thousands of mangled contracts: each loads to a contract or to diagnostics with a line inside
/// the file, never a crash or a hang.
@Suite struct MutationTests {
    static let fragments = [
        "[[", "]]", "[", "]", "{", "}", "\"", "'", "'''", "\"\"\"", "=", "\n", "#", "${", "}", "$${", "\\",
        "mode = 750", "mode = \"9999\"", "when = { X = true }", "[[directory]]", "[[nginx.location]]", "[nginx]",
        "acl = [\"g::\"]", "forbid = ['(']", "path = \"\"", "subdirs = [\"..\"]", "\u{0}", "é", "${A}", "0x10",
        "schema = 1", "inf", "1979-05-27", "= =", "[[variable]]\nname = \"A\"\ndefault = \"${A}\"",
    ]

    @Test func mangledContractsNeverCrash() throws {
        let original = try String(
            contentsOf: packageDirectory.appendingPathComponent("contracts/lx-annotate.toml"), encoding: .utf8)
        let seed = UInt64(ProcessInfo.processInfo.environment["HOSTCONTRACT_SEED"] ?? "") ?? 20261122
        var random = SeededGenerator(seed: seed)
        var loaded = 0, rejected = 0
        let count = Int(ProcessInfo.processInfo.environment["HOSTCONTRACT_MUTATIONS"] ?? "") ?? 2000
        for iteration in 0..<count {
            var text = Array(original.unicodeScalars)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let position = Int.random(in: 0...text.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where !text.isEmpty:
                    let end = min(text.count, position + Int.random(in: 1...40, using: &random))
                    if position < end { text.removeSubrange(position..<end) }
                case 1:
                    text.insert(contentsOf: Self.fragments.randomElement(using: &random)!.unicodeScalars, at: position)
                case 2 where position < text.count:
                    let end = min(text.count, position + Int.random(in: 1...200, using: &random))
                    text.insert(contentsOf: text[position..<end], at: min(text.count, end + 1))
                default:
                    text.insert(Unicode.Scalar(UInt8.random(in: 32...126, using: &random)), at: position)
                }
            }
            let mangled = String(String.UnicodeScalarView(text))
            let lines = mangled.split(separator: "\n", omittingEmptySubsequences: false).count
            let outcome = ContractLoader.load(text: mangled, file: "m.toml", patterns: .pcre2)
            if outcome.contract != nil { loaded += 1 } else { rejected += 1 }
            for diagnostic in outcome.diagnostics where diagnostic.line < 1 || diagnostic.line > lines + 1 {
                Issue.record("seed \(seed) iteration \(iteration): line \(diagnostic.line) outside 1...\(lines): \(diagnostic)")
            }
            if outcome.contract == nil && outcome.errors.isEmpty {
                Issue.record("seed \(seed) iteration \(iteration): rejected without an error")
            }
        }
        #expect(rejected > 100)
        #expect(loaded > 10)
    }
}
