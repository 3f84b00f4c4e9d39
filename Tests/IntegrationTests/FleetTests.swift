import Foundation
import TestSupport
import Testing

/// deploy/ansible/audit.yml with ansible-core, against local hosts that are each a --root
/// fixture, one of them faulty; and a fleet with every kind of host the audit tells apart, under
/// --check. FleetSSHTests installs and audits a real Debian server over SSH.
@Suite(.enabled(if: runningAsRoot && ansibleAvailable, "needs root and ansible-core"))
struct FleetTests {
    @Test func theFaultyHostFailsThePlayAndEveryReportIsCollected() throws {
        let siteA = try SampleRoot(), siteB = try SampleRoot(), hub = try SampleRoot(role: "central_hub")
        hub.chmod("/var/lib/lx-annotate/data/import", 0o755)
        let work = TemporaryDirectory("fleet")
        let reports = work.path + "/reports"
        let inventory = work.write("inventory.ini", """
            [lx_annotate]
            site-a hostcontract_root=\(siteA.path)
            site-b hostcontract_root=\(siteB.path)
            hub hostcontract_root=\(hub.path)

            [all:vars]
            ansible_connection=local
            ansible_python_interpreter=/usr/bin/python3
            hostcontract_binary=\(hostcontractExecutable)
            hostcontract_contract=\(packageDirectory.path)/contracts/lx-annotate.toml
            hostcontract_reports=\(reports)

            """)
        let outcome = try ansiblePlaybook(["-i", inventory, playbook("audit.yml")], in: work)
        let output = unwrapped(outcome.standardOutput)
        #expect(outcome.status == 2, "\(outcome.all.suffix(3000))")
        #expect(output.contains("site-a: contract lx-annotate holds"))
        #expect(output.contains("site-b: contract lx-annotate holds"))
        #expect(output.contains("hub: contract lx-annotate VIOLATED"))
        #expect(output.contains("/var/lib/lx-annotate/data/import: mode is 0755, contract requires 0770"))
        #expect(output.contains("fleet: 3 hosts: 2 holding, 1 violated, 0 unreachable'"), "\(output.suffix(3000))")
        #expect(recap(output, host: "hub")["failed"] == 1)
        #expect(recap(output, host: "site-a")["failed"] == 0)
        #expect(try fleetVerdicts(reports).mapValues(\.verdict) == ["site-a": "holds", "site-b": "holds", "hub": "violated"])
        var totals = 0, failures = 0
        for host in ["site-a", "site-b", "hub"] {
            let report = try JSONReportView(String(contentsOfFile: "\(reports)/\(host).json", encoding: .utf8))
            #expect(report.passed == (host != "hub"))
            totals += report.results.count
            failures += report.results.count { $0["status"] as? String == "fail" && $0["severity"] as? String == "error" }
        }
        // One JUnit file for the fleet: every host's suites, named after the host, with every check.
        let junit = try JUnitView(contentsOf: reports + "/hostcontract-fleet.junit.xml")
        #expect(junit.suites.map(\.tests).reduce(0, +) == totals)
        #expect(junit.suites.map(\.failures.count).reduce(0, +) == failures && failures == 1)
        #expect(junit.declared == [totals, failures, 0, junit.suites.map(\.skipped).reduce(0, +)])
        #expect(Set(junit.suites.map(\.name)).count == junit.suites.count)
        #expect(Set(junit.suites.compactMap(\.hostname)) == ["site-a", "site-b", "hub"])
        for host in ["site-a", "site-b", "hub"] { #expect(junit.suites.contains { $0.name == host + "/directory" }) }
        #expect(junit.suites.first { $0.name == "hub/directory" }?.failures.first?.message == "mode is 0755, contract requires 0770")
    }

    /// Every kind of host: one that holds, one without hostcontract, one without its contract,
    /// one with an invalid contract (exit 2), one unreachable. The audit only reads, so it must
    /// give the same verdicts under --check, and the summary and the merged JUnit file tell them apart.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"), "needs the OpenSSH client"))
    func everyKindOfHostIsToldApartUnderCheckMode() throws {
        let site = try SampleRoot()
        let work = TemporaryDirectory("fleet-kinds")
        let reports = work.path + "/reports"
        let broken = work.write("broken.toml", "contract = \"broken\"\nschema = 1\n[[directory]]\npath = \"/srv\"\nmode = 750\n")
        let closed = try unusedLoopbackPort()
        let inventory = work.write("inventory.ini", """
            [local]
            site hostcontract_root=\(site.path)
            no-binary hostcontract_binary=/nonexistent/hostcontract hostcontract_root=\(site.path)
            no-contract hostcontract_contract=/nonexistent/lx-annotate.toml hostcontract_root=\(site.path)
            broken hostcontract_contract=\(broken) hostcontract_root=\(site.path)

            [local:vars]
            ansible_connection=local
            hostcontract_binary=\(hostcontractExecutable)
            hostcontract_contract=\(packageDirectory.path)/contracts/lx-annotate.toml

            [elsewhere]
            gone ansible_host=127.0.0.1 ansible_port=\(closed) ansible_user=root ansible_ssh_common_args='-F /dev/null -o BatchMode=yes'

            [all:vars]
            ansible_python_interpreter=/usr/bin/python3
            hostcontract_reports=\(reports)

            """)
        let outcome = try ansiblePlaybook(["-i", inventory, playbook("audit.yml"), "--check"], in: work)
        let output = unwrapped(outcome.standardOutput)
        #expect([2, 4].contains(outcome.status), "\(outcome.all.suffix(3000))")
        #expect(!output.contains("from_json"), "\(output.suffix(3000))")
        #expect(output.contains("site: contract lx-annotate holds"))
        #expect(output.contains("no-binary: hostcontract not installed: /nonexistent/hostcontract does not exist"))
        #expect(output.contains("no-contract: contract not installed: /nonexistent/lx-annotate.toml does not exist"))
        #expect(output.contains("broken: contract \(broken) invalid (hostcontract exit 2)"))
        // ssh's own words vary with what answers on the port in the meantime ("Connection refused",
        // or "Broken pipe" when another test's server took it): the verdict is what counts.
        #expect(output.contains("gone: unreachable: "), "\(output.suffix(3000))")
        #expect(output.contains("fleet: 5 hosts: 1 holding, 0 violated, 1 unreachable, 2 not installed, 1 invalid contract'"), "\(output.suffix(3000))")
        #expect(output.contains("not installed: no-binary, no-contract'"))
        #expect(recap(output, host: "gone")["unreachable"] == 1)
        #expect(recap(output, host: "site")["failed"] == 0)
        for host in ["no-binary", "no-contract", "broken"] { #expect(recap(output, host: host)["failed"] == 1, "\(host)") }
        #expect(try fleetVerdicts(reports).mapValues(\.verdict)
                == ["site": "holds", "no-binary": "not installed", "no-contract": "not installed", "broken": "invalid", "gone": "unreachable"])

        // Only the host that ran hostcontract has reports; the others are errors in the JUnit file.
        let files = try FileManager.default.contentsOfDirectory(atPath: reports).filter { !$0.hasPrefix(".") }.sorted()
        #expect(files == ["hostcontract-fleet.json", "hostcontract-fleet.junit.xml", "site.json", "site.junit.xml"])
        let junit = try JUnitView(contentsOf: reports + "/hostcontract-fleet.junit.xml")
        let errors = Dictionary(uniqueKeysWithValues: junit.suites.filter { !$0.errors.isEmpty }.map { ($0.name, $0.errors[0]) })
        #expect(errors.mapValues { $0.type ?? "" } == ["no-binary": "not installed", "no-contract": "not installed", "broken": "invalid", "gone": "unreachable"])
        #expect(errors["no-binary"]?.message?.hasPrefix("hostcontract not installed") == true)
        #expect(junit.declared[2] == 4)
        #expect(junit.suites.filter { $0.hostname == "site" }.allSatisfy { $0.name.hasPrefix("site/") && $0.failures.isEmpty })
    }
}
