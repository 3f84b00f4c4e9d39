import Foundation
import TestSupport
import Testing

/// Waivers, result ids and tags through the real binary on the lx-annotate sample root: every
/// format shows a waived check the way its consumers (junitparser, SARIF's suppressions,
/// promtool) understand it, the exit status ignores it until its day and not after, ids are
/// unique and the same from run to run, and `--tags` selects entries.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct WaiverCheckTests {
    static let reason = "OPS-12: the pilot directory comes with the storage migration"

    /// lx-annotate's contract with one more entry, for a directory the sample root lacks, under
    /// a waiver until 2027-03-31 and tagged `pilot`.
    func contract(in directory: TemporaryDirectory) throws -> String {
        let text = try String(contentsOfFile: packageDirectory.appendingPathComponent("contracts/lx-annotate.toml").path, encoding: .utf8)
        return directory.write("lx-annotate.toml", text + """

            [[directory]]
            path = "/var/lib/lx-annotate/pilot"
            owner = "root"
            mode = "0750"
            create = false
            waiver = { until = "2027-03-31", reason = "\(Self.reason)" }
            tags = ["pilot"]

            """)
    }

    func check(_ contract: String, _ root: SampleRoot, day: String, _ extra: String...) throws -> ProcessOutcome {
        var environment = ProcessInfo.processInfo.environment
        environment["HOSTCONTRACT_TODAY"] = day
        return try run(hostcontractExecutable, ["check", contract, "--root", root.path, "--allow-untrusted-contract"] + extra,
                       environment: environment)
    }

    @Test func untilItsDayAWaivedFindingLeavesTheContractHoldingInEveryFormat() throws {
        let directory = TemporaryDirectory("waiver")
        let contract = try contract(in: directory)
        let root = try SampleRoot()

        let json = try check(contract, root, day: "2027-03-31", "--format", "json")
        #expect(json.status == 0, "\(json.all)")
        let report = try JSONReportView(json.standardOutput)
        #expect(report.passed)
        #expect(report.summary["waived"] == 1 && report.summary["failed"] == 0)
        let waived = try #require(report.results.first { $0["status"] as? String == "waived" })
        #expect(waived["id"] as? String == "directory:/var/lib/lx-annotate/pilot:exists")
        #expect((waived["waiver"] as? [String: String]) == ["until": "2027-03-31", "reason": Self.reason])
        #expect(waived["fix"] as? String != nil, "the finding keeps its fix")

        let text = try check(contract, root, day: "2027-03-31")
        #expect(text.status == 0)
        #expect(text.standardOutput.contains("WAIVED /var/lib/lx-annotate/pilot: exists: "))
        #expect(text.standardOutput.contains("waived until 2027-03-31: \(Self.reason)"))
        #expect(text.standardOutput.contains("contract lx-annotate holds") && text.standardOutput.contains(", 1 waived)"))

        let junit = try pythonConsumer("""
            import json, sys
            from junitparser import JUnitXml, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            cases = [case for suite in xml for case in suite]
            skipped = {c.name: r.message for c in cases for r in c.result if isinstance(r, Skipped)}
            print(json.dumps({"names": [c.name for c in cases], "skipped": skipped, "failures": xml.failures}))
            """, try check(contract, root, day: "2027-03-31", "--format", "junit").standardOutput)
        let names = try #require(junit["names"] as? [String])
        #expect(names.count == report.results.count && Set(names).count == names.count, "JUnit names are the unique ids")
        #expect(Set(names) == Set(report.results.compactMap { $0["id"] as? String }))
        #expect((junit["skipped"] as? [String: String])?["directory:/var/lib/lx-annotate/pilot:exists"] == "waived until 2027-03-31: \(Self.reason)")
        #expect(junit["failures"] as? Int == 0)

        let sarif = try pythonConsumer("""
            import json, sys
            run = json.load(open(sys.argv[1]))["runs"][0]
            print(json.dumps({
                "suppressed": [[r["fingerprints"]["hostcontract/v1"], r["suppressions"]] for r in run["results"] if r.get("suppressions")],
                "unsuppressed": sum(1 for r in run["results"] if not r.get("suppressions")),
                "automation": run["automationDetails"]["id"]}))
            """, try check(contract, root, day: "2027-03-31", "--format", "sarif").standardOutput)
        let suppressed = try #require(sarif["suppressed"] as? [[Any]])
        #expect(suppressed.count == 1)
        #expect(suppressed.first?.first as? String == "directory:/var/lib/lx-annotate/pilot:exists")
        let suppression = try #require((suppressed.first?.last as? [[String: String]])?.first)
        #expect(suppression["kind"] == "inSource" && suppression["status"] == "accepted")
        #expect(suppression["justification"] == "waived until 2027-03-31: \(Self.reason)")
        #expect(sarif["unsuppressed"] as? Int == 0)
        let node = try run("/bin/uname", ["-n"]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(sarif["automation"] as? String == "hostcontract/lx-annotate/\(node):\(root.path)/")

        let prometheus = try check(contract, root, day: "2027-03-31", "--format", "prometheus").standardOutput
        let promtool = try runWithInput("/usr/bin/promtool", ["check", "metrics"], input: prometheus)
        #expect(promtool.status == 0, "\(promtool.all)")
        #expect(prometheus.contains("hostcontract_waived{contract=\"lx-annotate\"} 1\n"))
        #expect(prometheus.contains("hostcontract_checks{contract=\"lx-annotate\",kind=\"directory\",status=\"waived\"} 1\n"))
        #expect(prometheus.contains("hostcontract_holds{contract=\"lx-annotate\"} 1\n"))
    }

    @Test func fromTheNextDayTheFindingFailsAndSaysTheWaiverExpired() throws {
        let directory = TemporaryDirectory("waiver")
        let contract = try contract(in: directory)
        let root = try SampleRoot()
        let json = try check(contract, root, day: "2027-04-01", "--format", "json")
        #expect(json.status == 1, "\(json.all)")
        let report = try JSONReportView(json.standardOutput)
        #expect(report.failures == ["directory /var/lib/lx-annotate/pilot exists"])
        let failure = try #require(report.results(subject: "/var/lib/lx-annotate/pilot", check: "exists").first)
        #expect((failure["message"] as? String)?.hasSuffix("(waiver expired on 2027-03-31: \(Self.reason))") == true, "\(failure)")
        #expect(report.summary["waived"] == 0)
        let text = try check(contract, root, day: "2027-04-01")
        #expect(text.status == 1)
        #expect(text.standardOutput.contains("FAIL /var/lib/lx-annotate/pilot: exists: "))
        #expect(text.standardOutput.contains("waiver expired on 2027-03-31"))

        let bad = try check(contract, root, day: "01.04.2027")
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("HOSTCONTRACT_TODAY=01.04.2027 is not a date written YYYY-MM-DD"))
    }

    @Test func theGateExecsUnderAWaiverAndRefusesAfterIt() throws {
        let directory = TemporaryDirectory("waiver")
        let contract = try contract(in: directory)
        let root = try SampleRoot()
        var environment = ProcessInfo.processInfo.environment
        for line in root.environmentFile.split(separator: "\n") where !line.hasPrefix("#") && line.contains("=") {
            let parts = line.split(separator: "=", maxSplits: 1)
            environment[String(parts[0])] = String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        environment["HOSTCONTRACT_TODAY"] = "2027-03-31"
        let gate = ["gate", contract, "--root", root.path, "--allow-untrusted-contract", "--", "/bin/echo", "started"]
        let holding = try run(hostcontractExecutable, gate, environment: environment)
        #expect(holding.status == 0 && holding.standardOutput == "started\n", "\(holding.all)")
        environment["HOSTCONTRACT_TODAY"] = "2027-04-01"
        let expired = try run(hostcontractExecutable, gate, environment: environment)
        #expect(expired.status == 78 && expired.standardOutput.isEmpty, "\(expired.all)")
        #expect(expired.standardError.contains("waiver expired on 2027-03-31"))
    }

    @Test func idsAreTheSameFromRunToRunAndUniqueInAReport() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import", 0o755)
        var runs: [[String]] = []
        for _ in 0..<2 {
            let outcome = try hostcontract("check", "contracts/lx-annotate.toml", "--root", root.path, "--format", "json")
            runs.append(try JSONReportView(outcome.standardOutput).results.map { $0["id"] as? String ?? "" })
        }
        #expect(runs[0] == runs[1])
        #expect(Set(runs[0]).count == runs[0].count && !runs[0].contains(""))
        #expect(runs[0].contains("directory:/var/lib/lx-annotate/data/import:mode"))
        #expect(runs[0].contains("access:/var/lib/lx-annotate/data/storage:read:nginx"))
        // Three [[unit]] entries name lx-annotate.service; the results keep them apart.
        #expect(runs[0].contains("unit:lx-annotate.service:exists") && runs[0].contains("unit:lx-annotate.service:exists#3"))
    }

    @Test func tagsSelectTheEntriesThatCarryThem() throws {
        let directory = TemporaryDirectory("tags")
        let contract = try contract(in: directory)
        let root = try SampleRoot()
        let selected = try check(contract, root, day: "2027-04-01", "--tags", "pilot", "--format", "json")
        #expect(selected.status == 1, "\(selected.all)")
        let report = try JSONReportView(selected.standardOutput)
        #expect(!report.results.isEmpty)
        #expect(Set(report.results.compactMap { $0["subject"] as? String }) == ["/var/lib/lx-annotate/pilot"])

        let unknown = try check(contract, root, day: "2027-04-01", "--tags", "pilot,pci")
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("carries the tag pci (the contract's tags: pilot)"), "\(unknown.all)")
        let malformed = try check(contract, root, day: "2027-04-01", "--tags", "pilot,a b")
        #expect(malformed.status == 2)
        #expect(malformed.standardError.contains("'a b' is not a tag"), "\(malformed.all)")
    }
}
