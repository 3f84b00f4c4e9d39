import Foundation
import TestSupport
import Testing

/// `[[unit]]` through the built binary on real unit trees: the lx-annotate example root holds;
/// each planted unit fault fails with a fix, and pasting the printed fixes (real `systemctl
/// --root`, real drop-ins) clears it without a new finding; `enabled` agrees with `systemctl
/// --root=DIR is-enabled` on seeded random trees.
@Suite(.enabled(if: runningAsRoot, "example roots carry service ownership"))
struct UnitCheckTests {
    static let contract = packageDirectory.appendingPathComponent("contracts/lx-annotate.toml").path

    /// "kind subject check" -> fix, for the failures of a unit check.
    static func failures(_ root: String, contract: String = contract) throws -> [String: String?] {
        let outcome = try run(hostcontractExecutable, ["check", contract, "--root", root, "--only", "unit", "--format", "json"])
        #expect([0, 1].contains(outcome.status), "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        var found: [String: String?] = [:]
        for result in report.results where result["status"] as? String == "fail" {
            found["\(result["subject"] ?? "") \(result["check"] ?? "")"] = result["fix"] as? String
        }
        return found
    }

    @Test func theExampleRootsUnitsHold() throws {
        let root = try SampleRoot()
        let outcome = try run(hostcontractExecutable, ["check", Self.contract, "--root", root.path, "--only", "unit", "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        let checks = Set(report.results.map { "\($0["subject"] ?? "") \($0["check"] ?? "")" })
        for expected in ["lx-annotate.service environment_file", "lx-annotate-watcher.service read_write_paths",
                         "lx-annotate.service user", "lx-annotate-sap-import.path watched_path", "lx-annotate-watcher.service enabled"] {
            #expect(checks.contains(expected), "\(expected) not checked: \(checks.sorted())")
        }
    }

    struct Fault: Sendable, CustomStringConvertible {
        var name: String
        /// Run with R set to the root.
        var plant: String
        /// The failures it must cause ("subject check").
        var expected: Set<String>
        var description: String { name }
    }

    static let units = "$R/etc/systemd/system"
    static let faults: [Fault] = [
        Fault(name: "watcher loads another environment file",
              plant: "sed -i 's#^EnvironmentFile=.*#EnvironmentFile=-/etc/default/lx-annotate#' \(units)/lx-annotate-watcher.service",
              expected: ["lx-annotate-watcher.service EnvironmentFile", "lx-annotate-watcher.service environment_file"]),
        Fault(name: "a drop-in narrows the writable paths",
              plant: "mkdir -p \(units)/lx-annotate.service.d && printf '[Service]\\nReadWritePaths=\\nReadWritePaths=/var/lib/lx-annotate/staticfiles\\n' > \(units)/lx-annotate.service.d/10-narrow.conf",
              expected: ["lx-annotate.service read_write_paths"]),
        Fault(name: "the path trigger is disabled",
              plant: "rm \(units)/multi-user.target.wants/lx-annotate-sap-import.path",
              expected: ["lx-annotate-sap-import.path enabled"]),
        Fault(name: "the watcher is masked",
              plant: "mkdir -p $R/usr/lib/systemd/system && mv \(units)/lx-annotate-watcher.service $R/usr/lib/systemd/system/ && ln -s /dev/null \(units)/lx-annotate-watcher.service",
              expected: ["lx-annotate-watcher.service exists"]),
        Fault(name: "the web unit is gated but restarts on refusal",
              plant: "sed -i 's#^ExecStart=#ExecStart=/usr/bin/hostcontract gate /etc/hostcontract/lx-annotate.toml -- #' \(units)/lx-annotate.service",
              expected: ["lx-annotate.service restart_prevent_exit_status"]),
        Fault(name: "the watcher runs as a user the root does not have",
              plant: "sed -i 's#^User=.*#User=lxannotate#' \(units)/lx-annotate-watcher.service",
              expected: ["lx-annotate-watcher.service User", "lx-annotate-watcher.service user"]),
        Fault(name: "a drop-in sets the group",
              plant: "mkdir -p $R/usr/lib/systemd/system/lx-annotate.service.d && printf '[Service]\\nGroup=nogroup\\n' > $R/usr/lib/systemd/system/lx-annotate.service.d/50-group.conf",
              expected: ["lx-annotate.service Group"]),
    ]

    @Test(arguments: faults)
    func aPlantedFaultFailsAndItsPastedFixClearsIt(_ fault: Fault) throws {
        let root = try SampleRoot()
        let environment = ["R": root.path, "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        let planted = try run("/bin/sh", ["-c", fault.plant], environment: environment)
        try #require(planted.status == 0, "\(planted.all)")
        let before = try Self.failures(root.path)
        #expect(Set(before.keys) == fault.expected, "\(fault.name): \(before)")
        var pasted = Set<String>()
        for (key, fix) in before.sorted(by: { $0.key < $1.key }) {
            guard let fix, !fix.hasPrefix("(decide) "), pasted.insert(fix).inserted else { continue }
            let outcome = try run("/bin/sh", ["-c", fix], environment: environment)
            #expect(outcome.status == 0, "\(key): the fix failed: \(fix)\n\(outcome.all)")
        }
        #expect(!pasted.isEmpty, "\(fault.name): no command printed: \(before)")
        let after = try Self.failures(root.path)
        #expect(after.isEmpty, "\(fault.name): after pasting \(pasted.sorted()): \(after)")
    }

    /// A unit missing, a contract that wants a unit absent, and a unit systemd would refuse to load.
    @Test func missingAbsentAndRefusedUnits() throws {
        let root = try SampleRoot()
        let contract = root.directory.write("units.toml", """
            contract = "units"
            schema = 1

            [[unit]]
            name = "nowhere.service"

            [[unit]]
            name = "lx-annotate-watcher.service"
            exists = false

            [[unit]]
            name = "broken.service"
            """)
        root.directory.write("etc/systemd/system/broken.service", "[Service]\nType=simple\nUser=lx-annotate\n")
        let outcome = try run(hostcontractExecutable, ["check", contract, "--root", root.path, "--format", "json"])
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(Set(report.failures) == ["unit nowhere.service exists", "unit lx-annotate-watcher.service exists", "unit broken.service load"],
                "\(report.failures)")
        let refused = try #require(report.results(subject: "broken.service", check: "load").first)
        #expect((refused["message"] as? String)?.contains("no ExecStart=") == true, "\(refused)")
        let absent = try #require(report.results(subject: "lx-annotate-watcher.service", check: "exists").first)
        #expect(absent["fix"] as? String == "systemctl --root=\(root.path) mask lx-annotate-watcher.service")
    }

    /// Lint refuses what cannot be a unit or a setting, at its line.
    @Test func lintRefusesBadUnitEntries() throws {
        let directory = TemporaryDirectory("unit-lint")
        let contract = directory.write("bad.toml", """
            contract = "bad"
            schema = 1

            [[unit]]
            name = "not a unit"

            [[unit]]
            name = "app.service"
            properties = { "Path.PathExists" = "/x", "Bad Key" = "y", User = 3.5 }

            [[unit]]
            name = "gone.service"
            exists = false
            enabled = true
            """)
        let outcome = try run(hostcontractExecutable, ["lint", contract])
        #expect(outcome.status == 2)
        for expected in ["bad.toml:5:", "a .service unit has no [Path] section", "'Bad Key' is not a setting",
                         "'User': expected a string", "bad.toml:14:", "cannot be enabled"] {
            #expect(outcome.standardError.contains(expected), "\(expected) missing: \(outcome.standardError)")
        }
    }

    /// `enabled` decided offline agrees with `systemctl --root=DIR is-enabled` (systemd's own
    /// decision) on seeded random trees of units, drop-ins, aliases, masks and links, read
    /// through the built binary's own listing of the root. HOSTCONTRACT_UNIT_ORACLE_SEED replays.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/systemctl")))
    func enabledAgreesWithSystemctl() throws {
        var compared = 0
        for seed in UnitOracleTests.seeds().prefix(4) {
            let tree = try UnitOracleTree(seed: seed)
            let states = try tree.isEnabled().filter { $0.1 != "error" }
            // Literal strings: an instance name holds backslashes (`tpl@x\x2dy.service`).
            let contract = tree.root.write("enabled.toml", "contract = \"enabled\"\nschema = 1\n\n" + states.map {
                "[[unit]]\nname = '\($0.0)'\nenabled = true\n"
            }.joined(separator: "\n"))
            let outcome = try run(hostcontractExecutable, ["check", contract, "--root", tree.root.path, "--format", "json"])
            try #require([0, 1].contains(outcome.status), "seed \(seed): \(outcome.all)")
            let report = try JSONReportView(outcome.standardOutput)
            for (name, printed) in states {
                let systemdSays = ["enabled", "enabled-runtime", "static", "alias", "indirect", "generated"].contains(printed)
                guard let result = report.results(subject: name, check: "enabled").first else {
                    // Not found or masked: no enabled check; systemctl must agree it is not enabled.
                    #expect(!systemdSays || printed == "alias", "seed \(seed): \(name) is \(printed), and hostcontract found no unit")
                    continue
                }
                let ours = result["status"] as? String == "pass"
                #expect(ours == systemdSays, "seed \(seed): \(name): systemctl is-enabled says \(printed), hostcontract \(result["actual"] ?? "")")
                compared += 1
            }
        }
        #expect(compared > 20)
        print("unit check oracle: \(compared) enabled checks compared with systemctl --root is-enabled")
    }

    /// The gated units hostcontract ships (deploy/systemd) hold the lx-annotate contract's unit
    /// rules, gate's exit status 78 included.
    @Test func theShippedGatedUnitsHoldTheContract() throws {
        let root = try SampleRoot()
        for unit in ["lx-annotate.service", "lx-annotate-watcher.service"] {
            let source = packageDirectory.appendingPathComponent("deploy/systemd/\(unit)").path
            let copied = try run("/bin/cp", [source, root.at("/etc/systemd/system/\(unit)")])
            #expect(copied.status == 0)
        }
        let outcome = try run(hostcontractExecutable, ["check", Self.contract, "--root", root.path, "--only", "unit", "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.results(subject: "lx-annotate.service", check: "restart_prevent_exit_status").first?["status"] as? String == "pass")
        #expect(report.results(subject: "lx-annotate-watcher.service", check: "restart_prevent_exit_status").first?["status"] as? String == "pass")
    }

    /// The EDM backend unit of the guide: a unit whose Environment= points the service at other
    /// directories than those the contract checks fails, with a drop-in that sets them back.
    @Test func theEDMBackendUnitServesTheCheckedDirectories() throws {
        let root = try EDMRoot()
        let contract = packageDirectory.appendingPathComponent("contracts/edm-annotator.toml").path
        #expect(try Self.failures(root.path, contract: contract).isEmpty)
        try root.edit("/etc/systemd/system/edm-annotator-backend.service", "EDM_AUDIO_DIR=/srv/edm/audio", "EDM_AUDIO_DIR=/tmp/audio")
        let before = try Self.failures(root.path, contract: contract)
        #expect(Set(before.keys) == ["edm-annotator-backend.service Environment"], "\(before)")
        let fix = try #require(before["edm-annotator-backend.service Environment"] ?? nil)
        let pasted = try run("/bin/sh", ["-c", fix])
        #expect(pasted.status == 0, "\(pasted.all)")
        #expect(try Self.failures(root.path, contract: contract).isEmpty)
    }

    /// `gate` checks units as `check` does: a masked unit keeps the command from running (78).
    @Test func gateRefusesAMaskedUnit() throws {
        let root = try SampleRoot()
        let contract = root.directory.write("gate-units.toml", """
            contract = "gate-units"
            schema = 1

            [[unit]]
            name = "lx-annotate-watcher.service"
            enabled = true
            """)
        let marker = root.directory.path + "/ran"
        let arguments = ["gate", contract, "--root", root.path, "--allow-untrusted-contract", "--", "/usr/bin/touch", marker]
        #expect(try run(hostcontractExecutable, arguments).status == 0)
        #expect(FileManager.default.fileExists(atPath: marker))
        try FileManager.default.removeItem(atPath: marker)
        try FileManager.default.removeItem(atPath: root.at("/etc/systemd/system/lx-annotate-watcher.service"))
        _ = try run("/bin/ln", ["-s", "/dev/null", root.at("/etc/systemd/system/lx-annotate-watcher.service")])
        let refused = try run(hostcontractExecutable, arguments)
        #expect(refused.status == 78, "\(refused.all)")
        #expect(refused.standardError.contains("lx-annotate-watcher.service is masked"), "\(refused.all)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// A secret a unit sets inline (Environment=) or that the contract requires there never
    /// reaches any output: not the unit's value, not the contract's, not a value in a line
    /// systemd ignores, not in a fix.
    @Test func aSecretInAUnitIsNeverShown() throws {
        let root = try SampleRoot()
        let contractValue = "CONTRACTCANARY7f3a9b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7", unitValue = "UNITCANARY8e7d6c5b4a39281706f5e4d3c2b1a0"
        root.setVariable("DJANGO_SECRET_KEY", contractValue)
        let unit = root.at("/etc/systemd/system/lx-annotate-watcher.service")
        var text = try String(contentsOfFile: unit, encoding: .utf8)
        text = text.replacingOccurrences(of: "[Service]\n", with: "[Service]\nEnvironment=DJANGO_SECRET_KEY=\(unitValue)\nEnvironment=\"BROKEN_\(unitValue)\n")
        try text.write(toFile: unit, atomically: false, encoding: .utf8)
        let contract = root.directory.write("secret-unit.toml", """
            contract = "secret-unit"
            schema = 1

            [environment]
            file = "/var/lib/lx-annotate/.env.systemd"

            [[variable]]
            name = "DJANGO_SECRET_KEY"
            secret = true

            [[unit]]
            name = "lx-annotate-watcher.service"
            properties = { Environment = ["LOG_LEVEL=info"] }

            [[unit]]
            name = "lx-annotate.service"
            properties = { "Service.Environment" = "DJANGO_SECRET_KEY=fixed" }
            """)
        // The contract cannot require a secret's value of a unit: lint refuses the interpolation.
        let interpolating = root.directory.write("interpolating.toml", """
            contract = "interpolating"
            schema = 1

            [[variable]]
            name = "DJANGO_SECRET_KEY"
            secret = true

            [[unit]]
            name = "lx-annotate.service"
            properties = { Environment = ["DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY}"] }
            """)
        let refused = try run(hostcontractExecutable, ["lint", interpolating])
        #expect(refused.status == 2 && refused.standardError.contains("cannot interpolate secret variable"), "\(refused.all)")
        for format in ["text", "json", "junit", "sarif", "prometheus"] {
            let outcome = try run(hostcontractExecutable, ["check", contract, "--root", root.path, "--format", format])
            #expect(outcome.status == 1, "\(format): \(outcome.all)")
            for canary in [contractValue, unitValue] {
                #expect(!outcome.all.contains(canary.prefix(20)), "\(format) shows a secret: \(outcome.all)")
            }
        }
        let report = try JSONReportView(try run(hostcontractExecutable, ["check", contract, "--root", root.path, "--format", "json"]).standardOutput)
        #expect(Set(report.failures) == ["unit lx-annotate-watcher.service Environment", "unit lx-annotate.service Service.Environment"])
        let watcher = try #require(report.results(subject: "lx-annotate-watcher.service", check: "Environment").first)
        #expect((watcher["actual"] as? String)?.contains("DJANGO_SECRET_KEY=(not shown)") == true, "\(watcher)")
        let web = try #require(report.results(subject: "lx-annotate.service", check: "Service.Environment").first)
        #expect((web["fix"] as? String)?.hasPrefix("(decide) ") == true, "a secret's value is not written into a fix: \(web)")
    }

    /// Where no systemd manager runs (this machine: systemd installed, not PID 1) and under
    /// --root, `active` and `failed` are skipped with the reason, never guessed.
    @Test func liveStatesWithoutAManagerAreSkipped() throws {
        let directory = TemporaryDirectory("live-units")
        let contract = directory.write("live.toml", "contract = \"live\"\nschema = 1\n\n[[unit]]\nname = \"lx-annotate.service\"\nactive = true\nfailed = false\n")
        let root = try SampleRoot()
        let imaged = try run(hostcontractExecutable, ["check", contract, "--root", root.path, "--format", "json"])
        let report = try JSONReportView(imaged.standardOutput)
        let live = report.results.filter { ["active", "failed"].contains($0["check"] as? String ?? "") }
        #expect(live.count == 2 && live.allSatisfy { $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("--root") == true }, "\(live)")
        if !FileManager.default.fileExists(atPath: "/run/systemd/system"),
            FileManager.default.fileExists(atPath: "/lib/systemd/system/systemd-journald.service")
        {
            let journald = directory.write("here.toml", "contract = \"here\"\nschema = 1\n\n[[unit]]\nname = \"systemd-journald.service\"\nactive = true\nfailed = false\n")
            let here = try run(hostcontractExecutable, ["check", journald, "--format", "json"])
            let hereReport = try JSONReportView(here.standardOutput)
            let skipped = hereReport.results.filter { ["active", "failed"].contains($0["check"] as? String ?? "") }
            #expect(skipped.count == 2 && skipped.allSatisfy {
                $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("no systemd manager runs here") == true
            }, "\(hereReport.results)")
        }
    }
}
