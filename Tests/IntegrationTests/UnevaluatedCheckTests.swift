import Foundation
import TestSupport
import Testing

/// A check that cannot read what it needs (permission denied) is not a violation: status
/// `error`, exit 3 when nothing failed, and every format says so in its own terms.
@Suite(.enabled(if: runningAsRoot, "needs root to run the audit as nobody"))
struct UnevaluatedCheckTests {
    func check(_ root: PrivateCornerRoot, format: String, asNobody: Bool = true) throws -> ProcessOutcome {
        let arguments = ["check", root.contract, "--root", root.path, "--format", format]
        return asNobody ? try hostcontractAsNobody(arguments) : try run(hostcontractExecutable, arguments)
    }

    func unevaluated(_ report: JSONReportView) -> Set<String> {
        Set(report.results.filter { $0["status"] as? String == "error" }.map {
            "\($0["kind"] ?? "") \($0["subject"] ?? "") \($0["check"] ?? "")"
        })
    }

    @Test func whatNobodyCannotReadIsNotAViolation() throws {
        let root = try PrivateCornerRoot()
        // root reads everything: the host is as the contract says.
        let asRoot = try check(root, format: "json", asNobody: false)
        #expect(asRoot.status == 0, "\(asRoot.all)")
        #expect(unevaluated(try JSONReportView(asRoot.standardOutput)).isEmpty)

        let outcome = try check(root, format: "json")
        #expect(outcome.status == 3, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures.isEmpty)
        #expect(unevaluated(report) == PrivateCornerRoot.unevaluated)
        #expect(!report.passed)
        #expect(report.summary["errors"] == 3)
        #expect(report.summary["passed"]! + report.summary["failed"]! + report.summary["skipped"]! + report.summary["errors"]!
            == report.summary["total"]!)
        let file = try #require(report.results(subject: "/srv/private/app.conf", check: "exists").first)
        #expect(file["message"] as? String == "/srv/private/app.conf cannot be inspected: permission denied")
        #expect(file["fix"] == nil)
    }

    @Test func aViolationStillWins() throws {
        let root = try PrivateCornerRoot()
        try FileManager.default.setAttributes([.posixPermissions: 0o775], ofItemAtPath: root.at("/srv/open"))
        let outcome = try check(root, format: "json")
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures == ["directory /srv/open mode"])
        #expect(unevaluated(report) == PrivateCornerRoot.unevaluated)
    }

    @Test func theTextReportSaysERRORAndNotVerified() throws {
        let outcome = try check(try PrivateCornerRoot(), format: "text")
        #expect(outcome.status == 3)
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("ERROR ") }.count == 3, "\(outcome.standardOutput)")
        #expect(!lines.contains { $0.hasPrefix("FAIL ") })
        #expect(lines.contains("ERROR /srv/open/app.env: forbid: /srv/open/app.env cannot be read: permission denied"))
        #expect(lines.last.map(String.init) == "contract corner not verified: 3 checks could not be evaluated "
            + "(12 checks: 8 passed, 0 failed, 1 skipped, 3 could not be evaluated)")
    }

    @Test func junitCountsThemAsErrors() throws {
        let outcome = try check(try PrivateCornerRoot(), format: "junit")
        #expect(outcome.status == 3)
        let directory = TemporaryDirectory("junit")
        let file = directory.write("report.xml", outcome.standardOutput)
        let consumer = try run("/usr/bin/env", ["python3", "-c", """
            import sys
            from junitparser import JUnitXml, Error, Failure
            xml = JUnitXml.fromfile(sys.argv[1])
            cases = [case for suite in xml for case in suite]
            errors = sum(1 for c in cases if any(isinstance(r, Error) for r in c.result))
            failures = sum(1 for c in cases if any(isinstance(r, Failure) and not isinstance(r, Error) for r in c.result))
            print(errors, failures, xml.errors, xml.failures)
            """, file])
        #expect(consumer.status == 0, "\(consumer.all)")
        #expect(consumer.standardOutput == "3 0 3 0\n")
    }

    /// SARIF: results of kind `open` (level `none`), and tool execution notifications at level error.
    @Test func sarifMarksThemOpen() throws {
        let outcome = try check(try PrivateCornerRoot(), format: "sarif")
        #expect(outcome.status == 3)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.allSatisfy { $0["kind"] as? String == "open" && $0["level"] as? String == "none" })
        #expect(Set(results.compactMap { $0["ruleId"] as? String }) == ["file.exists", "file.forbid", "tree.readable"])
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.count == 3)
        #expect(notifications.allSatisfy { $0["level"] as? String == "error" })
        let rules = try #require((run["tool"] as? [String: Any]).flatMap { $0["driver"] as? [String: Any] }?["rules"] as? [[String: Any]])
        for notification in notifications {
            let rule = try #require(notification["associatedRule"] as? [String: Any])
            #expect(rules[try #require(rule["index"] as? Int)]["id"] as? String == rule["id"] as? String)
        }
    }

    @Test func prometheusCountsThemAndTheContractDoesNotHold() throws {
        let outcome = try check(try PrivateCornerRoot(), format: "prometheus")
        #expect(outcome.status == 3)
        let promtool = try runWithInput("/usr/bin/promtool", ["check", "metrics"], input: outcome.standardOutput)
        #expect(promtool.status == 0, "\(promtool.all)")
        let text = outcome.standardOutput
        #expect(text.contains("hostcontract_up{contract=\"corner\"} 1\n"))
        #expect(text.contains("hostcontract_errors{contract=\"corner\"} 3\n"))
        #expect(text.contains("hostcontract_violations{contract=\"corner\"} 0\n"))
        #expect(text.contains("hostcontract_holds{contract=\"corner\"} 0\n"))
        let errors = text.split(separator: "\n").filter { $0.hasPrefix("hostcontract_checks{") && $0.contains("status=\"error\"") }
        #expect(errors.reduce(0) { $0 + Int($1.split(separator: " ").last!)! } == 3)
    }

    /// An environment file that exists but only root may read: the file and every variable
    /// read from it could not be evaluated (exit 3), not "required but not set" (exit 1).
    @Test func anEnvironmentFileNobodyCanReadIsNotAViolation() throws {
        let root = try PrivateCornerRoot()
        let contract = root.directory.write("env.toml", """
            contract = "env"
            schema = 1

            [environment]
            file = "/srv/open/app.env"

            [[variable]]
            name = "LEVEL"
            required = true
            one_of = ["info", "debug"]
            """)
        let arguments = ["check", contract, "--root", root.path, "--format", "json"]
        #expect(try run(hostcontractExecutable, arguments).status == 0)
        let outcome = try hostcontractAsNobody(arguments)
        #expect(outcome.status == 3, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(unevaluated(report) == ["environment /srv/open/app.env readable", "variable LEVEL required", "variable LEVEL one_of"])
        // Missing is still a violation, with its fix.
        try FileManager.default.removeItem(atPath: root.at("/srv/open/app.env"))
        let missing = try hostcontractAsNobody(arguments)
        #expect(missing.status == 1, "\(missing.all)")
    }

    /// Effective access behind a directory the auditing user cannot search: whether root reads
    /// the file is not known to nobody (error), while a denial met on the way is known (fail).
    @Test func accessBehindADirectoryNobodyCanSearch() throws {
        let root = try PrivateCornerRoot()
        root.directory.write("root/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n")
        root.directory.write("root/etc/group", "root:x:0:\nnogroup:x:65534:\n")
        _ = try run("/bin/chmod", ["0644", root.at("/etc/passwd"), root.at("/etc/group")])
        let contract = root.directory.write("access.toml", """
            contract = "access"
            schema = 1

            [[access]]
            principal = "root"
            path = "/srv/private/app.conf"
            allow = "r"

            [[access]]
            principal = "nobody"
            path = "/srv/private/app.conf"
            allow = "r"
            """)
        let arguments = ["check", contract, "--root", root.path, "--format", "json"]
        let asRoot = try run(hostcontractExecutable, arguments)
        #expect(asRoot.status == 1, "\(asRoot.all)")
        let outcome = try hostcontractAsNobody(arguments)
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        // nobody cannot search /srv/private (0700 root): known, a violation.
        #expect(report.failures == ["access /srv/private/app.conf read"], "\(report.failures)")
        let unknown = report.results.filter { $0["status"] as? String == "error" }
        #expect(unknown.count == 1, "\(unknown)")
        #expect((unknown.first?["message"] as? String)?.hasPrefix("whether root can read /srv/private/app.conf cannot be evaluated here") == true, "\(unknown)")
    }

    /// A key, a certificate and an nginx include that exist but only root may read: their
    /// content checks could not be evaluated (exit 3); root, reading them, finds them good.
    @Test func contentNobodyCanReadIsNotAViolation() throws {
        let root = try PrivateCornerRoot()
        let open = root.at("/srv/open")
        let script = """
            set -e
            cd '\(open)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 -subj /CN=corner 2>/dev/null
            printf 'events {}\\nhttp {\\n    include site.conf;\\n}\\n' > nginx.conf
            printf 'server {\\n    server_name corner;\\n    location / { return 204; }\\n}\\n' > site.conf
            chmod 0600 key.pem cert.pem site.conf
            chmod 0644 nginx.conf
            """
        let made = try run("/bin/sh", ["-c", script])
        #expect(made.status == 0, "\(made.all)")
        let contract = root.directory.write("content.toml", """
            contract = "content"
            schema = 1

            [[key]]
            path = "/srv/open/key.pem"
            mode = "0600"
            format = "pem-private-key"
            min_bits = 2048

            [[certificate]]
            path = "/srv/open/cert.pem"
            key = "/srv/open/key.pem"

            [nginx]
            config = "/srv/open/nginx.conf"

            [[nginx.location]]
            path = "/"
            directives = { return = "204" }
            """)
        let arguments = ["check", contract, "--root", root.path, "--format", "json"]
        let asRoot = try run(hostcontractExecutable, arguments)
        #expect(asRoot.status == 0, "\(asRoot.all)")
        let outcome = try hostcontractAsNobody(arguments)
        #expect(outcome.status == 3, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(unevaluated(report) == [
            "key /srv/open/key.pem format", "certificate /srv/open/cert.pem parse",
            "nginx /srv/open/nginx.conf syntax", "nginx /srv/open/nginx.conf server", "nginx / location",
        ], "\(unevaluated(report))")
        #expect(report.results.filter { $0["status"] as? String == "error" }.allSatisfy { $0["fix"] == nil })
    }
}
