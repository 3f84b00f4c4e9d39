import Foundation
import TestSupport
import Testing

/// The fleet playbooks over real SSH, against a real Debian 12 server without Swift: an sshd
/// started with chroot in an overlay of $HOSTCONTRACT_DEBIAN_ROOT on a loopback port, root
/// logging in with a key, the host key checked. install.yml installs $HOSTCONTRACT_DEB there with
/// apt (its dependencies from Debian's mirror) and the contract; audit.yml audits two sample trees
/// on it (one holds, one has a planted fault) next to a host without hostcontract and an
/// unreachable one, also under --check; textfile.yml sets up the audit timer on the server after
/// /etc/hostcontract is gone.
@Suite(.enabled(if: runningAsRoot && ansibleAvailable && DebianRoot.pristine != nil && hostcontractPackage != nil
                    && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"),
                "needs root, ansible-core, the OpenSSH client, HOSTCONTRACT_DEBIAN_ROOT (scripts/debian-root.sh) and HOSTCONTRACT_DEB (scripts/package-deb.sh)"))
struct FleetSSHTests {
    @Test func installAuditAndTextfileOverSSH() throws {
        let root = try DebianRoot.overlay("fleet-ssh")
        defer { root.close() }
        let server = try SSHServer(in: root)
        defer { server.stop() }
        let package = try #require(hostcontractPackage)
        let contract = packageDirectory.path + "/contracts/lx-annotate.toml"

        // The server is Debian without Swift, reached as root over SSH with its host key checked.
        let reached = try server.ssh("cat /etc/debian_version; id -u; command -v hostcontract swift || true")
        #expect(reached.status == 0, "\(reached.all)\n\(server.log)")
        #expect(reached.standardOutput.hasPrefix("12.") && reached.standardOutput.contains("\n0\n"), "\(reached.all)")
        #expect(!reached.standardOutput.contains("/swift") && !reached.standardOutput.contains("/hostcontract"))

        // Two sample trees on the server: one holds, the other has a planted fault.
        for (tree, role) in [("/srv/site", "standalone"), ("/srv/hub", "central_hub")] {
            let made = try run("/bin/bash", [packageDirectory.path + "/examples/lx-annotate/make-root.sh", root.at(tree), role])
            try #require(made.status == 0, "\(made.all)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.at("/srv/hub/var/lib/lx-annotate/data/import"))

        let work = TemporaryDirectory("fleet-ssh")
        let reports = work.path + "/reports"
        let closedPort = try ClosedLoopbackPort()
        let closed = closedPort.port
        let inventory = work.write("inventory.ini", """
            [debian]
            deb-site hostcontract_root=/srv/site \(server.ansibleVariables)
            deb-hub hostcontract_root=/srv/hub \(server.ansibleVariables)

            [elsewhere]
            no-binary ansible_connection=local hostcontract_binary=/nonexistent hostcontract_contract=\(contract)
            gone ansible_host=127.0.0.1 ansible_port=\(closed) ansible_user=root ansible_ssh_common_args='\(server.clientOptions.joined(separator: " "))'

            [all:vars]
            ansible_python_interpreter=/usr/bin/python3
            hostcontract_reports=\(reports)

            """)
        let clock = ContinuousClock()

        // Before the package: textfile.yml stops, naming what is missing.
        let early = try ansiblePlaybook(["-i", inventory, playbook("textfile.yml"), "--limit", "deb-site"], in: work)
        #expect(early.status == 2, "\(early.all.suffix(3000))")
        #expect(unwrapped(early.standardOutput).contains("hostcontract not installed: /usr/bin/hostcontract, which hostcontract-audit@.service runs, is missing"),
                "\(early.standardOutput.suffix(3000))")
        #expect(!FileManager.default.fileExists(atPath: root.at("/etc/hostcontract")))

        // install.yml: the package with its dependencies, /etc/hostcontract and the contract.
        var started = clock.now
        let install = try ansiblePlaybook(["-i", inventory, playbook("install.yml"), "--limit", "deb-site",
                                           "-e", "hostcontract_deb=\(package)"], in: work)
        print("install.yml over SSH: \(clock.now - started)")
        try #require(install.status == 0, "\(install.all.suffix(4000))\n\(server.log.suffix(2000))")
        #expect(recap(install.standardOutput, host: "deb-site")["failed"] == 0)
        #expect(FileManager.default.isExecutableFile(atPath: root.at("/usr/bin/hostcontract")))
        #expect(FileManager.default.contents(atPath: root.at("/etc/hostcontract/lx-annotate.toml")) == FileManager.default.contents(atPath: contract))
        let etc = try FileManager.default.attributesOfItem(atPath: root.at("/etc/hostcontract"))
        #expect((etc[.posixPermissions] as? Int) == 0o755 && (etc[.ownerAccountID] as? Int) == 0)
        let installed = try root.run(inChroot: ["dpkg-query", "-W", "-f=${Status}", "hostcontract"])
        #expect(installed.standardOutput == "install ok installed", "\(installed.all)")
        let lint = try server.ssh("hostcontract lint /etc/hostcontract/lx-annotate.toml")
        #expect(lint.status == 0, "\(lint.all)")
        // A second run changes nothing.
        started = clock.now
        let again = try ansiblePlaybook(["-i", inventory, playbook("install.yml"), "--limit", "deb-site",
                                         "-e", "hostcontract_deb=\(package)"], in: work)
        print("install.yml again: \(clock.now - started)")
        #expect(again.status == 0 && recap(again.standardOutput, host: "deb-site")["changed"] == 0, "\(again.all.suffix(3000))")

        // audit.yml over SSH, with a host lacking hostcontract and an unreachable one.
        started = clock.now
        let audit = try ansiblePlaybook(["-i", inventory, playbook("audit.yml")], in: work)
        print("audit.yml over SSH: \(clock.now - started)")
        try expectFleetVerdicts(audit, reports: reports, closedPort: closed)

        // The same under --check: the audit only reads, so it runs and reports the same.
        try FileManager.default.removeItem(atPath: reports)
        started = clock.now
        let checked = try ansiblePlaybook(["-i", inventory, playbook("audit.yml"), "--check"], in: work)
        print("audit.yml --check over SSH: \(clock.now - started)")
        try expectFleetVerdicts(checked, reports: reports, closedPort: closed)
        withExtendedLifetime(closedPort) {}

        // textfile.yml on a server without /etc/hostcontract or the textfile directory.
        try FileManager.default.removeItem(atPath: root.at("/etc/hostcontract"))
        #expect(!FileManager.default.fileExists(atPath: root.at("/var/lib/prometheus")))
        started = clock.now
        let textfile = try ansiblePlaybook(["-i", inventory, playbook("textfile.yml"), "--limit", "deb-site"], in: work)
        print("textfile.yml over SSH: \(clock.now - started)")
        #expect(textfile.status == 0, "\(textfile.all.suffix(4000))")
        #expect(FileManager.default.contents(atPath: root.at("/etc/hostcontract/lx-annotate.toml")) == FileManager.default.contents(atPath: contract))
        for unit in ["hostcontract-audit@.service", "hostcontract-audit@.timer"] {
            #expect(FileManager.default.contents(atPath: root.at("/etc/systemd/system/" + unit))
                    == FileManager.default.contents(atPath: packageDirectory.path + "/deploy/systemd/" + unit))
        }
        let enabled = try FileManager.default.destinationOfSymbolicLink(
            atPath: root.at("/etc/systemd/system/timers.target.wants/hostcontract-audit@lx-annotate.timer"))
        #expect(enabled == "/etc/systemd/system/hostcontract-audit@.timer")
        // What the timer's service runs works there: the installed binary writes the textfile.
        let service = try String(contentsOfFile: root.at("/etc/systemd/system/hostcontract-audit@.service"), encoding: .utf8)
        let execStart = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        let command = execStart.dropFirst("ExecStart=".count).replacing("%i", with: "lx-annotate").split(separator: " ").map(String.init)
        let ran = try root.run(inChroot: command)
        #expect([0, 1].contains(ran.status), "\(ran.all)")
        let prom = try String(contentsOfFile: root.at("/var/lib/prometheus/node-exporter/hostcontract-lx-annotate.prom"), encoding: .utf8)
        #expect(prom.contains("hostcontract_holds{contract=\"lx-annotate\"}"))
    }

    /// deb-site holds, deb-hub is violated (the planted fault), no-binary lacks hostcontract, gone
    /// is unreachable: in the per-host lines, the summary, the recap, the reports and the JUnit file.
    func expectFleetVerdicts(_ outcome: ProcessOutcome, reports: String, closedPort: Int) throws {
        let output = unwrapped(outcome.standardOutput)
        #expect([2, 4].contains(outcome.status), "\(outcome.all.suffix(4000))")
        #expect(output.contains("deb-site: contract lx-annotate holds"), "\(output.suffix(4000))")
        #expect(output.contains("deb-hub: contract lx-annotate VIOLATED"))
        #expect(output.contains("/var/lib/lx-annotate/data/import: mode is 0755, contract requires 0770"))
        #expect(output.contains("no-binary: hostcontract not installed: /nonexistent does not exist"))
        #expect(output.contains("gone: unreachable: ssh: connect to host 127.0.0.1 port \(closedPort): Connection refused"))
        #expect(output.contains("fleet: 4 hosts: 1 holding, 1 violated, 1 unreachable, 1 not installed'"), "\(output.suffix(4000))")
        #expect(output.contains("holding: deb-site'") && output.contains("violated: deb-hub'"))
        #expect(output.contains("unreachable: gone'") && output.contains("not installed: no-binary'"))
        #expect(recap(output, host: "deb-site")["failed"] == 0)
        #expect(recap(output, host: "deb-hub")["failed"] == 1)
        #expect(recap(output, host: "no-binary")["failed"] == 1)
        #expect(recap(output, host: "gone")["unreachable"] == 1)
        #expect(try fleetVerdicts(reports).mapValues(\.verdict)
                == ["deb-site": "holds", "deb-hub": "violated", "no-binary": "not installed", "gone": "unreachable"])

        let site = try JSONReportView(String(contentsOfFile: reports + "/deb-site.json", encoding: .utf8))
        let hub = try JSONReportView(String(contentsOfFile: reports + "/deb-hub.json", encoding: .utf8))
        #expect(site.passed && !hub.passed)
        #expect(hub.failures == ["directory /var/lib/lx-annotate/data/import mode"])
        let junit = try JUnitView(contentsOf: reports + "/hostcontract-fleet.junit.xml")
        #expect(Set(junit.suites.map(\.name)).count == junit.suites.count)
        #expect(junit.suites.map(\.tests).reduce(0, +) == site.results.count + hub.results.count + 2)
        #expect(junit.suites.filter { $0.hostname == "deb-hub" }.flatMap(\.failures).count == 1)
        #expect(junit.suites.filter { $0.hostname == "deb-site" }.allSatisfy { $0.name.hasPrefix("deb-site/") && $0.failures.isEmpty })
        #expect(junit.suites.first { $0.name == "no-binary" }?.errors.first?.type == "not installed")
        #expect(junit.suites.first { $0.name == "gone" }?.errors.first?.type == "unreachable")
        #expect(junit.declared == [site.results.count + hub.results.count + 2, 1, 2,
                                   junit.suites.map(\.skipped).reduce(0, +)])
    }
}
