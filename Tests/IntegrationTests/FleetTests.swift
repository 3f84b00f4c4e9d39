import Foundation
import TestSupport
import Testing

/// deploy/ansible/audit.yml with ansible-core, against local hosts that are each a --root
/// fixture, one of them faulty.
@Suite(.enabled(if: runningAsRoot && ((try? run("/usr/bin/env", ["ansible-playbook", "--version"]).status) == 0),
                "needs root and ansible-core"))
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
            hostcontract_binary=\(hostcontractExecutable)
            hostcontract_contract=\(packageDirectory.path)/contracts/lx-annotate.toml
            hostcontract_reports=\(reports)

            """)
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": work.path, "LC_ALL": "C.UTF-8",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCAL_TEMP": work.path + "/tmp", "ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
            "ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml",
        ]
        let outcome = try run("/usr/bin/env", ["ansible-playbook", "-i", inventory, packageDirectory.path + "/deploy/ansible/audit.yml"],
                              environment: environment)
        #expect(outcome.status == 2, "\(outcome.all.suffix(3000))")
        #expect(outcome.standardOutput.contains("site-a: contract lx-annotate holds"))
        #expect(outcome.standardOutput.contains("site-b: contract lx-annotate holds"))
        #expect(outcome.standardOutput.contains("hub: contract lx-annotate VIOLATED"))
        #expect(outcome.standardOutput.contains("/var/lib/lx-annotate/data/import: mode is 0755, contract requires 0770"))
        let recap = outcome.standardOutput.split(separator: "\n").filter { $0.contains("failed=") }
        #expect(recap.contains { $0.hasPrefix("hub") && $0.contains("failed=1") })
        #expect(recap.contains { $0.hasPrefix("site-a") && $0.contains("failed=0") })
        for host in ["site-a", "site-b", "hub"] {
            let report = try JSONReportView(String(contentsOfFile: "\(reports)/\(host).json", encoding: .utf8))
            #expect(report.passed == (host != "hub"))
        }
    }
}
