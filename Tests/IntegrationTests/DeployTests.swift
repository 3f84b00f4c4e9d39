import Foundation
import TestSupport
import Testing

/// The units and scripts in deploy/.
@Suite struct DeployTests {
    static let units: [String] = {
        let directory = packageDirectory.path + "/deploy/systemd"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }()

    @Test func theUnitsAreThere() {
        #expect(Set(Self.units).isSuperset(of: [
            "lx-annotate-provision.service", "lx-annotate.service", "lx-annotate-watcher.service",
            "hostcontract-audit@.service", "hostcontract-audit@.timer",
        ]))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "needs systemd-analyze"))
    func systemdAnalyzeVerifiesEveryUnit() throws {
        let directory = TemporaryDirectory("units")
        var names: [String] = []
        for unit in Self.units {
            let text = try String(contentsOfFile: packageDirectory.path + "/deploy/systemd/" + unit, encoding: .utf8)
                .replacing("/usr/local/bin/hostcontract", with: hostcontractExecutable)
            // Templates are verified as an instance.
            let name = unit.replacing("@.", with: "@lx-annotate.")
            directory.write(name, text)
            names.append("./" + name)
        }
        let outcome = try run("/usr/bin/systemd-analyze", ["verify", "--man=no"] + names, directory: directory.path)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(outcome.all.isEmpty, "\(outcome.all)")
    }

    @Test func theGatedUnitsStopRestartingOnAViolation() throws {
        for unit in ["lx-annotate.service", "lx-annotate-watcher.service"] {
            let text = try String(contentsOfFile: packageDirectory.path + "/deploy/systemd/" + unit, encoding: .utf8)
            #expect(text.contains("RestartPreventExitStatus=78"))
            #expect(text.contains("ExecStart=/usr/local/bin/hostcontract gate /etc/hostcontract/lx-annotate.toml -- "))
            #expect(text.contains("After=") && text.contains("lx-annotate-provision.service"))
            #expect(text.contains("NotifyAccess=main"))
        }
    }

    @Test(.enabled(if: runningAsRoot, "sample roots need chown"))
    func preflightStopsTheRolloutOnViolations() throws {
        let root = try SampleRoot()
        let environment = ["HOSTCONTRACT": hostcontractExecutable, "PATH": "/usr/bin:/bin"]
        let script = packageDirectory.path + "/deploy/preflight.sh"
        let good = try run("/bin/bash", [script, "contracts/lx-annotate.toml", root.path], environment: environment)
        #expect(good.status == 0, "\(good.all)")
        #expect(good.standardOutput.contains("rollout may proceed"))
        root.chmod("/var/lib/lx-annotate/data/import", 0o700)
        let bad = try run("/bin/bash", [script, "contracts/lx-annotate.toml", root.path], environment: environment)
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("stopping the rollout"))
    }

    @Test(.enabled(if: runningAsRoot, "sample roots need chown"))
    func theAuditWritesAPrometheusTextfileAtomically() throws {
        let root = try SampleRoot()
        let out = TemporaryDirectory("textfile")
        let outcome = try hostcontract("check", "contracts/lx-annotate.toml", "--root", root.path, "--format", "prometheus",
                                       "--output", out.path + "/hostcontract-lx-annotate.prom")
        #expect(outcome.status == 0)
        let text = try String(contentsOfFile: out.path + "/hostcontract-lx-annotate.prom", encoding: .utf8)
        #expect(text.contains("hostcontract_holds{contract=\"lx-annotate\"} 1\n"))
        #expect(text.contains("# TYPE hostcontract_checks gauge\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["hostcontract-lx-annotate.prom"])
    }
}
