import Foundation
import TestSupport
import Testing

/// Each format read by an independent consumer (junitparser, sarif-tools, promtool), with the
/// counts of the JSON report, and the secret canary in none of them.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct ReportFormatTests {
    static let canary = "FORMATCANARY-9f8e7d6c5b4a"

    /// A root with an error (mode), a warning (an ignored environment line), skips, and a short
    /// secret whose failure must not show it.
    func faultyRoot() throws -> SampleRoot {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import", 0o755)
        root.setVariable("DJANGO_SECRET_KEY", Self.canary)
        root.environmentFile += "export PATH=/usr/bin\n"
        return root
    }

    func outputs(_ root: SampleRoot) throws -> [String: String] {
        try outputs(contract: "contracts/lx-annotate.toml", root: root.path)
    }

    func outputs(contract: String, root: String) throws -> [String: String] {
        let directory = TemporaryDirectory("formats")
        var texts: [String: String] = [:]
        for format in ["json", "junit", "sarif", "prometheus", "text"] {
            let file = directory.path + "/report." + format
            let outcome = try hostcontract(
                "check", contract, "--root", root, "--format", format, "--output", file, "--allow-untrusted-contract")
            #expect(outcome.status == 1, "\(format): \(outcome.all)")
            #expect(outcome.standardOutput.isEmpty)
            texts[format] = try String(contentsOfFile: file, encoding: .utf8)
        }
        return texts
    }

    @Test func everyConsumerSeesTheSameCounts() throws {
        let root = try faultyRoot()
        let texts = try outputs(root)
        try expectConsumersAgree(texts, contract: "lx-annotate", kind: "directory", code: "directory.mode")
    }

    /// The counts of the JSON report in JUnit (junitparser), SARIF (sarif-tools) and Prometheus
    /// (promtool), a failing `code` among SARIF's rules, `kind` among JUnit's suites, and the
    /// secret canary in none of them.
    func expectConsumersAgree(_ texts: [String: String], contract: String, kind: String, code: String) throws {
        let report = try JSONReportView(try #require(texts["json"]))
        let results = report.results
        let total = results.count
        let errors = results.count { $0["status"] as? String == "fail" && $0["severity"] as? String == "error" }
        let warnings = results.count { $0["status"] as? String == "fail" && $0["severity"] as? String == "warning" }
        let skipped = results.count { $0["status"] as? String == "skip" }
        #expect(errors >= 2 && warnings >= 1 && skipped >= 1)
        #expect(report.summary["total"] == total)

        // JUnit through junitparser: tests, failures (errors only: warnings are not failures), skipped.
        let junit = try pythonConsumer("""
            import json, sys
            from junitparser import JUnitXml, Failure, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            cases = [case for suite in xml for case in suite]
            print(json.dumps({
                "tests": len(cases),
                "failures": sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result)),
                "skipped": sum(1 for c in cases if any(isinstance(r, Skipped) for r in c.result)),
                "warnings": sum(1 for c in cases if (c.system_out or "").startswith("warning:")),
                "suites": sorted(s.name for s in xml),
                "declared": [xml.tests, xml.failures, xml.skipped]}))
            """, try #require(texts["junit"]))
        #expect(junit["tests"] as? Int == total)
        #expect(junit["failures"] as? Int == errors)
        #expect(junit["skipped"] as? Int == skipped)
        #expect(junit["warnings"] as? Int == warnings)
        #expect(junit["declared"] as? [Int] == [total, errors, skipped])
        #expect((junit["suites"] as? [String])?.contains(kind) == true)

        // SARIF through sarif-tools, and the structure code scanning needs.
        let sarif = try pythonConsumer("""
            import json, sys
            from sarif import loader
            f = loader.load_sarif_file(sys.argv[1])
            data = json.load(open(sys.argv[1]))
            run = data["runs"][0]
            rules = run["tool"]["driver"]["rules"]
            ok = data["version"] == "2.1.0" and all(
                r["ruleId"] == rules[r["ruleIndex"]]["id"] and r["level"] in ("error", "warning")
                and r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
                and r["locations"][0]["logicalLocations"][0]["name"]
                for r in run["results"]) and all(rule["help"]["text"] for rule in rules)
            records = f.get_records()
            print(json.dumps({"results": f.get_result_count(), "structured": ok,
                "errors": sum(1 for r in records if r["Severity"] == "error"),
                "warnings": sum(1 for r in records if r["Severity"] == "warning"),
                "codes": sorted(set(r["Code"] for r in records)), "lines": sorted(set(r["Line"] for r in records))}))
            """, try #require(texts["sarif"]))
        #expect(sarif["results"] as? Int == errors + warnings)
        #expect(sarif["errors"] as? Int == errors)
        #expect(sarif["warnings"] as? Int == warnings)
        #expect(sarif["structured"] as? Bool == true)
        #expect((sarif["codes"] as? [String])?.contains(code) == true, "\(sarif)")

        // Prometheus through promtool, and the counts summed back.
        let promtool = try runWithInput("/usr/bin/promtool", ["check", "metrics"], input: try #require(texts["prometheus"]))
        #expect(promtool.status == 0, "\(promtool.all)")
        var sums: [String: Int] = [:]
        for line in try #require(texts["prometheus"]).split(separator: "\n") where line.hasPrefix("hostcontract_checks{") {
            let status = line.split(separator: "status=\"")[1].prefix { $0 != "\"" }
            sums[String(status), default: 0] += Int(line.split(separator: " ").last!)!
        }
        #expect(sums["passed"] == report.summary["passed"])
        #expect(sums["failed"] == report.summary["failed"])
        #expect(sums["skipped"] == skipped)
        #expect(texts["prometheus"]?.contains("hostcontract_holds{contract=\"\(contract)\"} 0\n") == true)
        #expect(texts["prometheus"]?.contains("hostcontract_violations{contract=\"\(contract)\"} \(errors)\n") == true)

        for (format, text) in texts {
            #expect(!text.contains("FORMATCANARY"), "\(format) shows the secret")
        }
    }

    /// The vocabulary of issue 15 in every format: `members_only`, `absent`, `max_age`, a
    /// `when` list and a set test of a secret, an nginx `matches` rule, each failing (one as a
    /// warning) or skipped on one image root.
    @Test func theAdditionsOfIssue15InEveryFormat() throws {
        let root = TemporaryDirectory("formats-vocabulary")
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/:/bin/sh\nbob:x:1001:1001::/:/bin/sh\n")
        root.write("etc/group", "root:x:0:\nadm:x:4:alice,bob\nalice:x:1000:\nbob:x:1001:\n")
        root.write("etc/app.env", "ROLE=central_hub\nDATABASE_URL=\(Self.canary)\n")
        root.write("srv/app/data/old.db", "legacy\n")
        let backup = root.write("var/backups/app.sql.gz", "old\n")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3 * 86400)], ofItemAtPath: backup)
        root.write("etc/nginx/nginx.conf", "events {}\nhttp {\n    server {\n        location /upload/ { limit_req zone=api; }\n    }\n}\n")
        let contract = root.write("vocabulary.toml", """
            contract = "vocabulary"
            schema = 1

            [environment]
            file = "/etc/app.env"

            \(HubDatabase.variables)

            [[group]]
            name = "adm"
            members = ["alice"]
            members_only = true

            [[directory]]
            path = "/srv/app/data"
            absent = true

            [[file]]
            path = "/var/backups/app.sql.gz"
            max_age = "26h"
            severity = "warning"

            [nginx]
            config = "/etc/nginx/nginx.conf"

            [[nginx.location]]
            path = "/upload/"
            directives = { limit_req = { matches = "^zone=upload" } }
            """)
        let texts = try outputs(contract: contract, root: root.path)
        let report = try JSONReportView(try #require(texts["json"]))
        #expect(report.failures == ["group adm members_only", "directory /srv/app/data absent", "file /var/backups/app.sql.gz max_age",
                                    "nginx /upload/ limit_req"])
        #expect(report.results(subject: "DJANGO_DB_NAME", check: "required").first?["status"] as? String == "skip")
        try expectConsumersAgree(texts, contract: "vocabulary", kind: "group", code: "directory.absent")
        #expect(texts["text"]?.contains("fix: gpasswd --root \(root.path) -d bob adm") == true, "\(texts["text"] ?? "")")
    }

    @Test func theTextReportPutsFailuresFirstAndEndsWithTheVerdict() throws {
        let root = try faultyRoot()
        let text = try #require(try outputs(root)["text"])
        let lines = text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("FAIL ") == true)
        #expect(lines.last?.hasPrefix("contract lx-annotate violated: ") == true)
        let firstWarning = lines.firstIndex { $0.hasPrefix("WARN ") }
        let lastFailure = lines.lastIndex { $0.hasPrefix("FAIL ") }
        #expect(firstWarning != nil && lastFailure != nil && lastFailure! < firstWarning!)
        #expect(!text.contains("\u{1B}["))
    }

    /// `hostcontract_up` says whether the check ran; when it cannot (invalid contract, unreadable
    /// root), `--output` is replaced, atomically, by a report that says so, and a stale
    /// `hostcontract_holds 1` never survives. The last successful run is carried over.
    @Test func prometheusSaysWhetherTheCheckRan() throws {
        let root = try PrivateCornerRoot()
        let directory = TemporaryDirectory("textfile")
        let file = directory.path + "/hostcontract-corner.prom"
        func check(_ contract: String, root path: String) throws -> (ProcessOutcome, String) {
            let outcome = try hostcontract("check", contract, "--root", path, "--format", "prometheus", "--output", file)
            let promtool = try runWithInput("/usr/bin/promtool", ["check", "metrics"], input: try String(contentsOfFile: file, encoding: .utf8))
            #expect(promtool.status == 0, "\(promtool.all)")
            return (outcome, try String(contentsOfFile: file, encoding: .utf8))
        }
        func sample(_ name: String, _ text: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(name + "{contract=\"corner\"} ") }.map { String($0.split(separator: " ")[1]) }
        }
        let before = Date().timeIntervalSince1970
        let (ran, report) = try check(root.contract, root: root.path)
        #expect(ran.status == 0, "\(ran.all)")
        #expect(sample("hostcontract_up", report) == "1")
        #expect(sample("hostcontract_holds", report) == "1")
        let success = try #require(sample("hostcontract_last_success_timestamp_seconds", report))
        #expect(abs(try #require(Double(success)) - before) < 60)
        #expect(sample("hostcontract_last_run_timestamp_seconds", report) == success)

        let written = try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? Int
        let invalid = root.directory.write("invalid.toml", "contract = \"corner\"\nschema = 1\n[[directory]]\nmode = 750\n")
        let (refused, down) = try check(invalid, root: root.path)
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("invalid.toml:4: error:"))
        #expect(sample("hostcontract_up", down) == "0", "\(down)")
        #expect(!down.contains("hostcontract_holds"))
        #expect(sample("hostcontract_last_success_timestamp_seconds", down) == success)
        // Replaced by rename, not rewritten in place, and no temporary file left behind.
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? Int != written)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["hostcontract-corner.prom"])

        let (unopenable, stillDown) = try check(root.contract, root: "/nonexistent-root")
        #expect(unopenable.status == 2)
        #expect(sample("hostcontract_up", stillDown) == "0")
        #expect(sample("hostcontract_last_success_timestamp_seconds", stillDown) == success)

        // Without --output, standard output says so as well.
        let printed = try hostcontract("check", invalid, "--format", "prometheus")
        #expect(printed.status == 2)
        #expect(printed.standardOutput.contains("hostcontract_up{contract=\"invalid\"} 0\n"), "\(printed.all)")
    }

    /// The other formats, when the check cannot run, replace the file `--output` names with a
    /// report that says so, read by the same consumers: JSON `passed: false, ran: false` with no
    /// results, JUnit one testcase in error, SARIF an unsuccessful invocation. A stale passing
    /// report never survives an invalid contract.
    @Test func everyFormatSaysTheCheckDidNotRun() throws {
        let root = try PrivateCornerRoot()
        let directory = TemporaryDirectory("not-run")
        let invalid = root.directory.write("invalid.toml", "contract = \"corner\"\nschema = 1\n[[directory]]\nmode = 750\n")
        for format in ["json", "junit", "sarif", "text"] {
            let file = directory.path + "/report." + format
            let ran = try hostcontract("check", root.contract, "--root", root.path, "--format", format, "--output", file)
            #expect(ran.status == 0, "\(format): \(ran.all)")
            let refused = try hostcontract("check", invalid, "--root", root.path, "--format", format, "--output", file)
            #expect(refused.status == 2, "\(format): \(refused.all)")
            #expect(refused.standardOutput.isEmpty)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            switch format {
            case "json":
                let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                #expect(json["passed"] as? Bool == false)
                #expect(json["ran"] as? Bool == false)
                #expect((json["results"] as? [Any])?.isEmpty == true)
                #expect((json["error"] as? String)?.contains("invalid.toml is invalid") == true, "\(text)")
            case "junit":
                let counts = try pythonConsumer("""
                    import json, sys
                    from junitparser import JUnitXml, Error
                    xml = JUnitXml.fromfile(sys.argv[1])
                    cases = [case for suite in xml for case in suite]
                    print(json.dumps({"errors": xml.errors, "failures": xml.failures, "tests": xml.tests,
                                      "error_cases": sum(1 for c in cases if any(isinstance(r, Error) for r in c.result))}))
                    """, text)
                #expect(counts["errors"] as? Int == 1 && counts["error_cases"] as? Int == 1 && counts["failures"] as? Int == 0, "\(counts)")
            case "sarif":
                let summary = try pythonConsumer("""
                    import json, sys
                    from sarif import loader
                    log = loader.load_sarif_file(sys.argv[1])
                    data = json.load(open(sys.argv[1]))
                    invocation = data["runs"][0]["invocations"][0]
                    print(json.dumps({"results": log.get_result_count(), "successful": invocation["executionSuccessful"],
                                      "notifications": [n["level"] for n in invocation["toolExecutionNotifications"]]}))
                    """, text)
                #expect(summary["results"] as? Int == 0)
                #expect(summary["successful"] as? Bool == false)
                #expect(summary["notifications"] as? [String] == ["error"])
            default:
                #expect(text.hasPrefix("contract invalid not checked: "), "\(text)")
            }
        }
        // Without --output nothing is printed but the diagnostics: standard output stays a report or nothing.
        let printed = try hostcontract("check", invalid, "--format", "json")
        #expect(printed.status == 2 && printed.standardOutput.isEmpty)
    }
}
