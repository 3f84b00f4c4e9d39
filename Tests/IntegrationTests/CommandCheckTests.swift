import Foundation
import TestSupport
import Testing

/// `[[command]]` through the built binary: exit status and output lines checked, the output never
/// shown, as another user, with a clean environment and a deadline; refused as root from a
/// contract others can edit; skipped under --root.
@Suite(.enabled(if: runningAsRoot, "runs commands as other users"))
struct CommandCheckTests {
    static let canary = "CMDCANARY4f1e2d3c5b6a79880a1b2c3d"

    func check(_ entries: String, trusted: Bool = true, extra: [String] = [], environment: [String: String]? = nil) throws -> ProcessOutcome {
        let directory = TemporaryDirectory("commands")
        let contract = directory.write("commands.toml", "contract = \"commands\"\nschema = 1\n\n" + entries)
        if !trusted { _ = try run("/bin/chmod", ["0666", contract]) }
        return try run(hostcontractExecutable, ["check", contract, "--format", "json"] + (trusted ? ["--allow-untrusted-contract"] : []) + extra,
                       environment: environment)
    }

    func statuses(_ outcome: ProcessOutcome) throws -> [String: String] {
        let report = try JSONReportView(outcome.standardOutput)
        var found: [String: String] = [:]
        for result in report.results { found["\(result["subject"] ?? "") \(result["check"] ?? "")"] = result["status"] as? String }
        return found
    }

    @Test func statusAndOutputAreCheckedAndNeverShown() throws {
        let outcome = try check("""
            [[command]]
            run = ["/bin/sh", "-c", "echo hello; echo \(Self.canary); echo oops >&2; exit 3"]
            exit_status = 3
            stdout = ['^hello$']
            stderr = ['oops']

            [[command]]
            run = ["/bin/sh", "-c", "echo \(Self.canary); exit 1"]
            stdout = ['^ready$']
            """)
        #expect(outcome.status == 1, "\(outcome.all)")
        let found = try statuses(outcome)
        let first = "/bin/sh -c echo hello; echo \(Self.canary); echo oops >&2; exit 3"
        #expect(found["\(first) exit_status"] == "pass" && found["\(first) stdout"] == "pass" && found["\(first) stderr"] == "pass", "\(found)")
        let second = "/bin/sh -c echo \(Self.canary); exit 1"
        #expect(found["\(second) exit_status"] == "fail" && found["\(second) stdout"] == "fail", "\(found)")
        // The canary is in the contract's own run line (the subject), never from the output:
        // the messages say which rule failed, not what was printed.
        let report = try JSONReportView(outcome.standardOutput)
        for result in report.results {
            for field in ["message", "actual", "expected", "fix"] {
                let text = (result[field] as? String ?? "").replacingOccurrences(of: "echo \(Self.canary)", with: "")
                #expect(!text.contains(Self.canary), "\(field): \(text)")
            }
        }
    }

    @Test func asAnotherUserWithACleanEnvironment() throws {
        let outcome = try check("""
            [[command]]
            run = ["id", "-un"]
            user = "nobody"
            stdout = ['^nobody$']

            [[command]]
            run = ["/bin/sh", "-c", "test -z \\"$CANARY\\" && test \\"$PATH\\" = /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
            """, environment: ["CANARY": Self.canary, "PATH": "/opt/evil:/usr/bin:/bin"])
        #expect(outcome.status == 0, "\(outcome.all)")
    }

    @Test func aDeadlineAndAProgramThatIsNotThere() throws {
        let started = Date()
        let outcome = try check("""
            [[command]]
            run = ["sleep", "30"]
            timeout = "500ms"

            [[command]]
            run = ["/nonexistent/program"]
            """)
        #expect(Date().timeIntervalSince(started) < 10)
        let report = try JSONReportView(outcome.standardOutput)
        let messages = report.results.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("did not finish within 500 ms and was killed") }, "\(messages)")
        #expect(messages.contains { $0.contains("could not be started") }, "\(messages)")
        #expect(report.failures.count == 2)
    }

    /// As root, a contract with commands that others can edit is refused (its commands would run
    /// as root); the flag takes it, and a contract without commands still only warns.
    @Test func asRootAnEditableContractWithCommandsIsRefused() throws {
        let refused = try check("[[command]]\nrun = [\"/bin/true\"]\n", trusted: false)
        #expect(refused.status == 2, "\(refused.all)")
        #expect(refused.standardError.contains("has [[command]] entries"), "\(refused.all)")
        #expect(try check("[[command]]\nrun = [\"/bin/true\"]\n", trusted: true).status == 0)
    }

    @Test func underARootCommandsAreSkipped() throws {
        let directory = TemporaryDirectory("commands-root")
        let outcome = try check("[[command]]\nrun = [\"/bin/false\"]\n", extra: ["--root", directory.path])
        #expect(outcome.status == 0, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.results.allSatisfy { $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("--root") == true })
    }
}
