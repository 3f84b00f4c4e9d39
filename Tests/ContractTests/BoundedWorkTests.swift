import Contract
import Provision
import TestSupport
import Testing

/// Work bounded by the size of the input, with a diagnostic or a finding where a limit is
/// reached (issue 11): no exponential resolution, no recursion as deep as the input.
@Suite struct BoundedWorkTests {
    /// `count` variables, each defaulting to the next one twice; the last has no default.
    static func doubling(_ count: Int) -> String {
        var text = "contract = \"t\"\nschema = 1\n"
        for index in 0..<count {
            text += "[[variable]]\nname = \"V\(index)\"\ndefault = \"${V\(index + 1)}${V\(index + 1)}\"\n"
        }
        return text + "[[variable]]\nname = \"V\(count)\"\n"
    }

    @Test func defaultsThatExpandPastTheLimitAreALintError() {
        // 40 levels of doubling: 2^40 bytes; lint answers at once, at the line of each default.
        let outcome = ContractLoader.load(text: Self.doubling(40), file: "c.toml", patterns: .pcre2)
        let errors = outcome.errors.filter { $0.message.contains("expands to more than 65536 bytes") }
        #expect(errors.first?.line == 5, "\(errors)")
        #expect(errors.first?.key == "default")
        #expect(errors.first?.entry == "[[variable]] #1 (name = \"V0\")")
        // V40 (no default) counts one byte: V24 expands to exactly 65536 and is accepted.
        #expect(errors.count == 24)
    }

    @Test func resolutionIsMemoisedAndRefusesValuesOverTheLimit() throws {
        // 16 levels of doubling pass lint (a variable without default counts one byte) ...
        let text = Self.doubling(16) + """
            [[variable]]
            name = "LONG"
            [[directory]]
            path = "/srv/${LONG}${LONG}"
            create = false
            """
        let contract = try #require(ContractLoader.load(text: text, file: "c.toml", patterns: .pcre2).contract)
        // ... and a four-byte value makes V0 256 KiB: refused, while V2 (64 KiB) resolves.
        let environment = ResolvedEnvironment(
            contract: contract, given: ["V16": "abcd", "LONG": String(repeating: "a", count: 40_000)])
        #expect(environment.value(of: "V2")?.utf8.count == 65536)
        #expect(environment.value(of: "V1") == nil)
        #expect(environment.value(of: "V0") == nil)
        guard case .failure(let missing) = environment.resolve(contract.directories[0].path) else {
            Issue.record("resolved a path longer than the limit")
            return
        }
        #expect(missing.isTooLong)
        #expect(missing.reason == "which makes it longer than 65536 bytes")
    }
}
