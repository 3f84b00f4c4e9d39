import Contract
import TestSupport
import Testing

/// `when` beyond values: `{ VAR = { set = false } }` (unset or empty) and `{ set = true }`, and
/// a list of tables of which any one must hold, on the hub's database settings.
@Suite struct ConditionTests {
    static let hub = HubDatabase.variables

    func results(_ values: [String: String]) throws -> [CheckResult] {
        ContractText.run(try ContractText.load(Self.hub), LiteralHost(), values)
    }

    func result(_ results: [CheckResult], _ subject: String, _ check: String) throws -> CheckResult {
        try #require(results.first { $0.subject == subject && $0.check == check }, "\(results.map { "\($0.subject) \($0.check)" })")
    }

    @Test func anUnsetVariableMakesTheEntryApply() throws {
        let found = try results(["ROLE": "central_hub"])
        let name = try result(found, "DJANGO_DB_NAME", "required")
        #expect(name.status == .fail)
        let engine = try result(found, "DJANGO_DB_ENGINE", "forbid")
        #expect(engine.status == .skip)
        #expect(engine.message == "applies when DATABASE_URL is set, or when DJANGO_DB_NAME is set; neither holds: DATABASE_URL is unset or empty; DJANGO_DB_NAME is unset or empty")
    }

    @Test func anEmptyValueCountsAsUnset() throws {
        let found = try results(["ROLE": "central_hub", "DATABASE_URL": ""])
        #expect(try result(found, "DJANGO_DB_NAME", "required").status == .fail)
    }

    /// Whether a secret is set decides, and the skip message never shows its value.
    @Test func aSecretThatIsSetIsNamedNeverShown() throws {
        let secret = "postgres://hub:pw-7f3a@db/hub"
        let found = try results(["ROLE": "central_hub", "DATABASE_URL": secret, "DJANGO_DB_ENGINE": "django.db.backends.sqlite3"])
        let name = try result(found, "DJANGO_DB_NAME", "required")
        #expect(name.status == .skip)
        #expect(name.message == "applies when DATABASE_URL is unset or empty; it is set")
        // Any one table of the list: DATABASE_URL is set.
        #expect(try result(found, "DJANGO_DB_ENGINE", "forbid").status == .fail)
        for result in found {
            #expect(![result.message, result.expected, result.actual, result.fix].contains { $0?.contains("pw-7f3a") == true })
        }
    }

    @Test func theOtherTableOfTheListHoldsToo() throws {
        let found = try results(["ROLE": "central_hub", "DJANGO_DB_NAME": "hub", "DJANGO_DB_ENGINE": "django.db.backends.postgresql"])
        #expect(try result(found, "DJANGO_DB_NAME", "required").status == .pass)
        #expect(try result(found, "DJANGO_DB_ENGINE", "forbid").status == .pass)
    }

    /// A value that took in other lines is not what its line says: no test of it decides.
    @Test func aValueNotShownDecidesNoPresenceTest() {
        let condition = Condition(clauses: [Condition.Clause(variable: "URL", test: .set(false))])
        #expect(condition.unmetReason({ _ in "x" }, presenceWithheld: { _ in "its line 3 took in line 4" })
            == "applies when URL is unset or empty; its value is never shown (its line 3 took in line 4)")
        #expect(condition.unmetReason({ _ in nil }, presenceWithheld: { _ in "its line 3 took in line 4" }) == nil)
        // A value test keeps its message as before.
        let role = Condition(clauses: [Condition.Clause(variable: "ROLE", test: .oneOf(["hub"]))])
        #expect(role.unmetReason({ _ in "site" }) == "applies when ROLE is 'hub', not 'site'")
        #expect(role.unmetReason({ _ in nil }) == "applies when ROLE is 'hub'; it is not set")
        let three = Condition(alternatives: [[Condition.Clause(variable: "A", test: .oneOf(["1", "2"]))],
                                             [Condition.Clause(variable: "B", test: .set(true)), Condition.Clause(variable: "C", test: .set(false))],
                                             [Condition.Clause(variable: "D", test: .oneOf(["x"]))]])
        #expect(three.unmetReason { ["A": "3", "B": "b", "C": "c"][$0] }
            == "applies when A is one of '1', '2', or when B is set and C is unset or empty, or when D is 'x'; none holds: A is '3'; C is set; D is not set")
        #expect(three.unmetReason { ["B": "b"][$0] } == nil)
    }

    @Test func aSecretMayBeTestedForBeingSetOnly() {
        let (diagnostics, _) = ContractText.diagnostics(Self.hub)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        ContractText.expectError("""
            [[variable]]
            name = "DATABASE_URL"
            secret = true

            [[directory]]
            path = "/srv"
            1️⃣when = [{ DATABASE_URL = "x" }]
            """, "cannot test secret variable DATABASE_URL")
    }

    @Test func anUndeclaredVariableTestedForBeingSetIsAWarning() {
        let (diagnostics, text) = ContractText.diagnostics("""
            [[variable]]
            name = "DATABASE_URL"

            [[directory]]
            path = "/srv"
            1️⃣when = { DATABSE_URL = { set = true } }
            """)
        #expect(diagnostics.count == 1 && diagnostics[0].severity == .warning, "\(diagnostics)")
        #expect(diagnostics.first?.line == text["1️⃣"])
        #expect(diagnostics.first?.message == "tests whether DATABSE_URL is set, but no [[variable]] declares it; did you mean 'DATABASE_URL'?")
    }

    @Test(arguments: [
        ("when = []", "an empty list never holds"),
        ("when = [{ ROLE = \"hub\" }, 1]", "element 2 is an integer, expected a table"),
        ("when = [{ ROLE = \"hub\" }, {}]", "element 2 is an empty table, which always holds"),
        ("when = { ROLE = { sett = false } }", "ROLE: unknown test 'sett'; did you mean 'set'?"),
        ("when = { ROLE = { set = \"no\" } }", "ROLE: set must be true or false, found a string"),
        ("when = { ROLE = {} }", "ROLE: write { set = true } or { set = false }"),
        ("when = [{ ROLE = true }]", "element 1: ROLE = true must be a quoted string"),
        ("when = 3", "when: expected a table such as { ROLE = \"central_hub\" }, or a list of them"),
    ])
    func aMalformedConditionIsAnErrorAtItsLine(_ when: String, _ message: String) {
        ContractText.expectError("""
            [[variable]]
            name = "ROLE"

            [[directory]]
            path = "/srv"
            1️⃣\(when)
            """, "c.toml:8: error: [[directory]] #1 (path = \"/srv\") when:", message)
    }
}
