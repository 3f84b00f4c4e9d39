import Foundation
import TestSupport
import Testing

/// The units and scripts in deploy/.
@Suite struct DeployTests {
    static let units: [String] = {
        let directory = packageDirectory.path + "/deploy/systemd"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }()

    /// Where the Debian package installs the binary, as every unit names it.
    static let installedBinary = "/usr/bin/hostcontract"

    static func text(_ unit: String) throws -> String {
        try String(contentsOfFile: packageDirectory.path + "/deploy/systemd/" + unit, encoding: .utf8)
    }

    /// Every `Key=value` of a unit, in order (comments and section headers left out).
    static func settings(_ unit: String) throws -> [(key: String, value: String)] {
        try text(unit).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    static func values(_ key: String, _ unit: String) throws -> [String] {
        try settings(unit).filter { $0.key == key }.flatMap { $0.value.split(separator: " ").map(String.init) }
    }

    /// The units written to `directory` with the built binary in place of the installed one;
    /// templates as an instance. Returns the names as systemd-analyze is given them.
    static func instantiate(_ units: [String], in directory: TemporaryDirectory) throws -> [String] {
        try units.map { unit in
            let name = unit.replacing("@.", with: "@lx-annotate.")
            directory.write(name, try text(unit).replacing(installedBinary, with: hostcontractExecutable))
            return "./" + name
        }
    }

    static let systemdAnalyze = "/usr/bin/systemd-analyze"
    static let hasSystemdAnalyze = FileManager.default.isExecutableFile(atPath: systemdAnalyze)

    @Test func theUnitsAreThere() {
        #expect(Set(Self.units).isSuperset(of: [
            "lx-annotate-provision.service", "lx-annotate.service", "lx-annotate-watcher.service",
            "hostcontract-audit@.service", "hostcontract-audit@.timer",
        ]))
    }

    @Test func everyUnitRunsTheInstalledBinary() throws {
        for unit in Self.units where unit.hasSuffix(".service") {
            let starts = try Self.settings(unit).filter { $0.key == "ExecStart" }
            #expect(starts.count == 1, "\(unit)")
            #expect(starts.allSatisfy { $0.value.hasPrefix(Self.installedBinary + " ") }, "\(unit): \(starts)")
            #expect(try !Self.text(unit).contains("/usr/local/bin"), "\(unit)")
        }
    }

    @Test func everyOneshotHasAStartTimeout() throws {
        let oneshots = try Self.units.filter { try Self.values("Type", $0) == ["oneshot"] }
        #expect(Set(oneshots) == ["hostcontract-audit@.service", "lx-annotate-provision.service"])
        for unit in oneshots {
            let timeout = try Self.values("TimeoutStartSec", unit)
            #expect(timeout.count == 1, "\(unit)")
            #expect(!["", "infinity", "0"].contains(timeout.first ?? ""), "\(unit): a hung run would hold back every later one")
        }
    }

    @Test(.enabled(if: hasSystemdAnalyze, "needs systemd-analyze"))
    func systemdAnalyzeVerifiesEveryUnit() throws {
        let directory = TemporaryDirectory("units")
        let names = try Self.instantiate(Self.units, in: directory)
        let outcome = try run(Self.systemdAnalyze, ["verify", "--man=no"] + names, directory: directory.path)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(outcome.all.isEmpty, "\(outcome.all)")
    }

    /// systemd's own rating of the sandbox, offline, against the unit file as shipped.
    func exposure(_ unit: String, threshold: Int) throws -> (ProcessOutcome, Double?) {
        let directory = TemporaryDirectory("units")
        let name = try Self.instantiate([unit], in: directory)[0]
        let outcome = try run(Self.systemdAnalyze, ["security", "--offline=yes", "--threshold=\(threshold)", "--no-pager", name],
                              directory: directory.path)
        // "→ Overall exposure level for hostcontract-audit@lx-annotate.service: 1.7 OK 🙂"
        let line = outcome.standardOutput.split(separator: "\n").first { $0.contains("Overall exposure level") }
        let value = line.flatMap { $0.split(separator: ": ").last?.split(separator: " ").first }.flatMap { Double($0) }
        return (outcome, value)
    }

    @Test(.enabled(if: hasSystemdAnalyze, "needs systemd-analyze"))
    func theAuditUnitsExposureIsAtMostFour() throws {
        let (outcome, value) = try exposure("hostcontract-audit@.service", threshold: 40)
        #expect(outcome.status == 0, "\(outcome.all)")
        let exposure = try #require(value, "\(outcome.all)")
        #expect(exposure <= 4.0)
        // The threshold is real: the same unit fails a stricter one.
        let (strict, _) = try self.exposure("hostcontract-audit@.service", threshold: Int(exposure * 10) - 1)
        #expect(strict.status != 0, "\(strict.all)")
    }

    @Test(.enabled(if: hasSystemdAnalyze, "needs systemd-analyze"))
    func theProvisionAndApplicationUnitsAreHardened() throws {
        for unit in ["lx-annotate-provision.service", "lx-annotate.service", "lx-annotate-watcher.service"] {
            let (outcome, value) = try exposure(unit, threshold: 100)
            let exposure = try #require(value, "\(outcome.all)")
            // systemd rates an unhardened service 9.2 or more ("UNSAFE").
            #expect(exposure < 5.0, "\(unit): \(exposure)")
        }
    }

    @Test func theAuditWritesOnlyItsTextfile() throws {
        let unit = "hostcontract-audit@.service"
        #expect(try Self.values("ProtectSystem", unit) == ["strict"])
        #expect(try Self.values("ReadWritePaths", unit) == ["-/var/lib/prometheus/node-exporter", "-/run/cryptsetup"])
        let start = try #require(try Self.settings(unit).first { $0.key == "ExecStart" }?.value)
        #expect(start.contains("--output /var/lib/prometheus/node-exporter/hostcontract-%i.prom"))
    }

    /// Runs `arguments` as the audit unit would: with the unit's capability bounding set and no
    /// new privileges, in a mount namespace where every mount is read-only but `writable`
    /// (ProtectSystem=strict with ReadWritePaths=). systemd itself is not PID 1 here, so the
    /// sandbox is rebuilt from the unit's own settings with mount(8) and setpriv(1).
    func underTheAuditSandbox(capabilities: [String], writable: String, _ arguments: [String]) throws -> ProcessOutcome {
        let bounding = (["-all"] + capabilities.map { "+" + $0.dropFirst(4).lowercased() }).joined(separator: ",")
        let script = #"""
            set -e
            mount --bind "$WRITABLE" "$WRITABLE"
            findmnt -rn -o TARGET | sort -r | while read -r target; do
              target=$(printf '%b' "$target")
              [ "$target" = "$WRITABLE" ] || mount -o remount,bind,ro "$target" 2>/dev/null || true
            done
            exec setpriv --bounding-set="$BOUNDING" --inh-caps=-all --no-new-privs "$@"
            """#
        return try run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sandbox"] + arguments,
                       environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "WRITABLE": writable, "BOUNDING": bounding])
    }

    @Test(.enabled(if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root and setpriv"))
    func theAuditWorksWithTheUnitsCapabilitiesAndWritesOnlyItsTextfile() throws {
        let capabilities = try Self.values("CapabilityBoundingSet", "hostcontract-audit@.service")
        #expect(capabilities.contains("CAP_DAC_READ_SEARCH"))
        #expect(!capabilities.contains("CAP_DAC_OVERRIDE"))
        let root = try SampleRoot()
        let textfiles = TemporaryDirectory("textfile")
        let output = textfiles.path + "/hostcontract-lx-annotate.prom"
        let audit = [hostcontractExecutable, "check", packageDirectory.path + "/contracts/lx-annotate.toml", "--root", root.path,
                     "--format", "prometheus", "--output", output]
        let outcome = try underTheAuditSandbox(capabilities: capabilities, writable: textfiles.path, audit)
        #expect(outcome.status == 0, "\(outcome.all)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("hostcontract_holds{contract=\"lx-annotate\"} 1\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: textfiles.path) == ["hostcontract-lx-annotate.prom"])

        // Nothing else is writable in that sandbox.
        let elsewhere = try underTheAuditSandbox(capabilities: capabilities, writable: textfiles.path,
                                                 ["/usr/bin/touch", root.path + "/var/lib/lx-annotate/planted"])
        #expect(elsewhere.status != 0)
        #expect(elsewhere.standardError.contains("Read-only file system"), "\(elsewhere.all)")

        // CAP_DAC_READ_SEARCH is what lets root read the service's files: without it the audit fails.
        let without = try underTheAuditSandbox(capabilities: capabilities.filter { $0 != "CAP_DAC_READ_SEARCH" },
                                               writable: textfiles.path, audit)
        #expect(without.status == 1, "\(without.all)")
        #expect(try String(contentsOfFile: output, encoding: .utf8).contains("hostcontract_holds{contract=\"lx-annotate\"} 0\n"))
    }

    @Test(.enabled(if: runningAsRoot, "sample roots need chown"))
    func theProvisionUnitWaitsForTheEncryptedDataRoot() throws {
        // The [[encrypted]] paths of the contract the unit provisions, as the sample host sets them.
        let root = try SampleRoot()
        let check = try hostcontract("check", "contracts/lx-annotate.toml", "--root", root.path, "--only", "encrypted", "--format", "json")
        let encrypted = Set(try JSONReportView(check.standardOutput).results.compactMap { $0["subject"] as? String })
        #expect(encrypted == ["/var/lib/lx-annotate/data"])
        let unit = "lx-annotate-provision.service"
        #expect(Set(try Self.values("RequiresMountsFor", unit)).isSuperset(of: encrypted))
        #expect(Set(try Self.values("After", unit)).isSuperset(of: ["local-fs.target", "cryptsetup.target"]))
        #expect(try Self.values("ExecStart", unit).starts(with: [Self.installedBinary, "provision", "/etc/hostcontract/lx-annotate.toml"]))
        for application in ["lx-annotate.service", "lx-annotate-watcher.service"] {
            #expect(Set(try Self.values("RequiresMountsFor", application)).isSuperset(of: encrypted), "\(application)")
        }
    }

    @Test func theGatedUnitsStopRestartingOnAViolation() throws {
        for unit in ["lx-annotate.service", "lx-annotate-watcher.service"] {
            let text = try Self.text(unit)
            #expect(text.contains("RestartPreventExitStatus=78"))
            #expect(text.contains("ExecStart=/usr/bin/hostcontract gate /etc/hostcontract/lx-annotate.toml -- "))
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
