import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// An alias of a secret variable, a default taken from a secret and a value interpolating one
/// hold the secret's value, so they are secret too (issue 11): lint rejects them wherever
/// they could reach output, and evaluation never shows their values.
@Suite struct SecretDerivationTests {
    static let header = "contract = \"t\"\nschema = 1\n\n"

    func errors(_ body: String) -> (errors: [Diagnostic], text: MarkedText) {
        let text = MarkedText(Self.header + body)
        return (ContractLoader.load(text: text.text, file: "c.toml", patterns: .pcre2).diagnostics.filter { $0.severity == .error }, text)
    }

    static let aliasOfASecret = """
        [[variable]]
        name = "DB_PASSWORD"
        secret = true
        aliases = ["OLD_DB_PASSWORD"]

        """

    @Test func anAliasOfASecretCannotBeInterpolatedInAPath() {
        let (errors, text) = errors(Self.aliasOfASecret + """
            [[directory]]
            1️⃣path = "/srv/${OLD_DB_PASSWORD}"
            """)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.line == text["1️⃣"])
        #expect(errors.first?.description.contains("c.toml:\(text["1️⃣"]):") == true, "\(errors)")
        #expect(errors.first?.description.contains("'${OLD_DB_PASSWORD}', which is an alias of DB_PASSWORD, which is secret") == true, "\(errors)")
    }

    @Test func anAliasOfASecretCannotBeTestedInWhen() {
        let (errors, text) = errors(Self.aliasOfASecret + """
            [[directory]]
            path = "/srv"
            1️⃣when = { OLD_DB_PASSWORD = "x" }
            """)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.line == text["1️⃣"])
        #expect(errors.first?.description.contains("cannot test OLD_DB_PASSWORD") == true, "\(errors)")
    }

    /// A default that takes a secret is rejected where it is given, and whatever interpolates
    /// that variable is rejected too, each at its own line.
    @Test func aDefaultTakenFromASecretIsSecretTransitively() {
        let (errors, text) = errors(Self.aliasOfASecret + """
            [[variable]]
            name = "DERIVED"
            1️⃣default = "x-${OLD_DB_PASSWORD}"

            [[file]]
            2️⃣path = "/etc/${DERIVED}.env"
            mode = "0640"
            """)
        let sorted = errors.sorted { $0.line < $1.line }
        #expect(sorted.map(\.line) == [text["1️⃣"], text["2️⃣"]], "\(errors)")
        #expect(sorted.last?.description.contains("'${DERIVED}', which has a default taking ${OLD_DB_PASSWORD}, which is an alias of DB_PASSWORD") == true, "\(errors)")
    }

    @Test func theEnvironmentTreatsDerivedVariablesAsSecret() throws {
        // Lint rejects the interpolation; evaluation must still hold if it is bypassed.
        let outcome = ContractLoader.load(text: Self.header + Self.aliasOfASecret + """
            [[variable]]
            name = "DERIVED"
            default = "x"

            [[variable]]
            name = "USER_OF_DERIVED"
            default = "${DERIVED}"

            [[variable]]
            name = "PLAIN"
            """, file: "c.toml", patterns: .pcre2)
        var contract = try #require(outcome.contract, "\(outcome.diagnostics)")
        let index = try #require(contract.variables.firstIndex { $0.name == "DERIVED" })
        contract.variables[index].defaultValue = try Template.parse("x-${OLD_DB_PASSWORD}").get()
        let environment = ResolvedEnvironment(contract: contract, given: ["OLD_DB_PASSWORD": "hunter2", "PLAIN": "p"])
        #expect(environment.secrets == ["DB_PASSWORD", "OLD_DB_PASSWORD", "DERIVED", "USER_OF_DERIVED"])
        #expect(environment.isPrintable("PLAIN"))
        #expect(!environment.isPrintable("USER_OF_DERIVED"))
        #expect(environment.withheldReason("USER_OF_DERIVED")?.contains("hunter2") == false)
        guard case .failure(let unresolved) = environment.resolve(try Template.parse("/srv/${USER_OF_DERIVED}").get()) else {
            Issue.record("a template taking a derived secret resolved")
            return
        }
        #expect(unresolved.variable == "USER_OF_DERIVED")
    }

    @Test func lintNamesTheFileAndLine() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("c.toml", Self.header + Self.aliasOfASecret + """
            [[directory]]
            path = "/srv/${OLD_DB_PASSWORD}"
            """)
        let lint = try hostcontract("lint", file)
        #expect(lint.status == 2, "\(lint.all)")
        #expect(lint.all.contains("\(file):9: error:"), "\(lint.all)")
    }
}
