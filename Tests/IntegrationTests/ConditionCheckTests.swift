import Foundation
import TestSupport
import Testing

/// `when` on an unset variable and on any of several tables, through the built binary with a
/// real environment file under `--root`: the hub's database is configured through DJANGO_DB_*
/// or through DATABASE_URL, a secret that no report format shows.
@Suite struct ConditionCheckTests {
    static let contract = """
        contract = "hub-database"
        schema = 1

        [environment]
        file = "/etc/hub.env"


        """ + HubDatabase.variables
    static let canary = "postgres://hub:CONDITIONCANARY@db/hub"

    func check(_ environment: String, format: String = "json") throws -> (ProcessOutcome, TemporaryDirectory) {
        let root = TemporaryDirectory("condition")
        root.write("etc/hub.env", environment)
        let contract = root.write("hub.toml", Self.contract)
        return (try hostcontract("check", contract, "--root", root.path, "--format", format, "--allow-untrusted-contract"), root)
    }

    @Test func withNeitherTheHubFailsAndTheEngineRuleIsSkipped() throws {
        let (outcome, _) = try check("ROLE=central_hub\n")
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures == ["variable DJANGO_DB_NAME required"])
        let engine = try #require(report.results(subject: "DJANGO_DB_ENGINE", check: "forbid").first)
        #expect(engine["status"] as? String == "skip")
        #expect(engine["message"] as? String
            == "applies when DATABASE_URL is set, or when DJANGO_DB_NAME is set; neither holds: DATABASE_URL is unset or empty; DJANGO_DB_NAME is unset or empty")
        #expect(engine["line"] as? Int == 23)
    }

    @Test func withDatabaseURLTheNamesAreNotRequiredAndTheURLIsShownNowhere() throws {
        let (outcome, _) = try check("ROLE=central_hub\nDATABASE_URL=\(Self.canary)\nDJANGO_DB_ENGINE=django.db.backends.sqlite3\n")
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures == ["variable DJANGO_DB_ENGINE forbid"])
        #expect(report.results(subject: "DJANGO_DB_NAME", check: "required").first?["message"] as? String
            == "applies when DATABASE_URL is unset or empty; it is set")
        for format in ["json", "text", "junit", "sarif", "prometheus"] {
            let (printed, _) = try check("ROLE=central_hub\nDATABASE_URL=\(Self.canary)\n", format: format)
            #expect(printed.status == 0, "\(format): \(printed.all)")
            #expect(!printed.all.contains("CONDITIONCANARY"), "\(format) shows the secret")
        }
    }

    @Test func withTheNamesTheEngineRuleApplies() throws {
        let (outcome, _) = try check("ROLE=central_hub\nDJANGO_DB_NAME=hub\nDJANGO_DB_ENGINE=django.db.backends.postgresql\n")
        #expect(outcome.status == 0, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.results(subject: "DJANGO_DB_ENGINE", check: "forbid").first?["status"] as? String == "pass")
    }
}
