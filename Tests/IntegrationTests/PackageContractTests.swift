import Contract
import Foundation
import TestSupport
import Testing

/// `[[package]]` through the built binary: version rules against dpkg and packaging over random
/// pairs, going through the evaluation of a contract on a root; the shipped contracts' package
/// rules planted wrong on the example roots; and the printed hold fix pasted into a real Debian
/// root. Replay a campaign with `HOSTCONTRACT_VERSION_ORACLE_SEED=N` (`random` picks one).
@Suite struct PackageContractTests {
    /// A TOML basic string.
    static func toml(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: quoted += "\\u" + String(format: "%04X", scalar.value)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    static func check(_ contract: String, root: String, _ extra: [String] = []) throws -> (ProcessOutcome, JSONReportView) {
        let outcome = try run(hostcontractExecutable, ["check", contract, "--root", root, "--format", "json"] + extra)
        return (outcome, try JSONReportView(outcome.standardOutput))
    }

    // MARK: Oracles

    /// Random installed versions in a status file, one `[[package]]` with a random rule of one
    /// or two clauses for each; every verdict `check` gives is the one `dpkg --compare-versions`
    /// gives for the installed version and each clause.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg"), "needs dpkg"))
    func debianRulesAgreeWithDpkg() throws {
        var random = VersionOracle.generator("package-dpkg")
        let symbols = ["<<", "<=", "=", ">=", ">>"]
        func usable(_ version: String, inRule: Bool) -> Bool {
            guard let problem = DebianVersion.problem(in: version) else { return true }
            return !inRule && problem.severity == .warning && !version.contains(where: \.isWhitespace)
        }
        var cases: [(installed: String, clauses: [(String, String)])] = []
        while cases.count < 400 * VersionOracle.scale {
            let installed = DebianVersionSample.version(using: &random)
            guard usable(installed, inRule: false) else { continue }
            var clauses: [(String, String)] = []
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                var other = Bool.random(using: &random) ? DebianVersionSample.mutated(installed, using: &random) : DebianVersionSample.version(using: &random)
                if Int.random(in: 0..<6, using: &random) == 0 { other = installed }
                if usable(other, inRule: true) { clauses.append((symbols.randomElement(using: &random)!, other)) }
            }
            if !clauses.isEmpty { cases.append((installed, clauses)) }
        }
        let root = TemporaryDirectory("package-dpkg-oracle")
        try FileManager.default.createDirectory(atPath: root.path + "/var/lib/dpkg", withIntermediateDirectories: true)
        var status = "", contract = "contract = \"dpkg-oracle\"\nschema = 1\n"
        for (index, item) in cases.enumerated() {
            status += "Package: pkg\(index)\nStatus: install ok installed\nArchitecture: amd64\nVersion: \(item.installed)\n\n"
            let rule = item.clauses.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            contract += "\n[[package]]\nname = \"pkg\(index)\"\nversion = \(Self.toml(rule))\n"
        }
        _ = root.write("var/lib/dpkg/status", status)
        let file = root.write("contract.toml", contract)
        let (outcome, report) = try Self.check(file, root: root.path)
        try #require([0, 1].contains(outcome.status), "\(outcome.standardError)")

        let commands = cases.map { item in
            item.clauses.map { "dpkg --compare-versions -- \(VersionOracle.quoted(item.installed)) \(VersionOracle.quoted($0.0)) \(VersionOracle.quoted($0.1))" }
                .joined(separator: " && ")
        }
        let answers = try VersionOracle.runShell(commands)
        var disagreements: [String] = []
        var held = 0
        for (index, (item, answer)) in zip(cases, answers).enumerated() {
            let verdict = report.results(subject: "pkg\(index)", check: "version").first?["status"] as? String
            let dpkg = answer.status == 0 ? "pass" : "fail"
            if dpkg == "pass" { held += 1 }
            if verdict != dpkg {
                disagreements.append("installed \(item.installed), version = \(item.clauses.map { "\($0.0) \($0.1)" }.joined(separator: ", ")): dpkg \(dpkg) (\(answer.output.trimmingCharacters(in: .whitespacesAndNewlines))), check \(verdict ?? "no result")")
            }
        }
        VersionOracle.report("[[package]] version against dpkg --compare-versions", cases: cases.count, disagreements: disagreements,
                             detail: "\(held) hold")
        #expect(held > cases.count / 5 && held < cases.count * 4 / 5, "\(held) of \(cases.count) rules hold: the cases say little")
    }

    static let pythonOracle = #"""
        import importlib.metadata, json, sys
        from packaging.specifiers import SpecifierSet
        from packaging.utils import canonicalize_name

        site, cases = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
        found = {}
        for dist in importlib.metadata.distributions(path=[site]):
            found.setdefault(canonicalize_name(dist.metadata["Name"]), dist.version)
        answers = []
        for name, spec in cases:
            version = found.get(canonicalize_name(name))
            try:
                answers.append(version is not None and SpecifierSet(spec).contains(version))
            except Exception as error:
                answers.append("error: %s" % type(error).__name__)
        json.dump(answers, open(sys.argv[3], "w", encoding="utf-8"))
        """#

    /// A virtual environment of random distributions, one `[[package]]` with a random PEP 440
    /// specifier for each; every verdict is what importlib.metadata reads from the same tree
    /// and packaging's SpecifierSet.contains decide.
    @Test(.enabled(if: VersionOracle.python != nil, "needs the project's .venv with packaging"))
    func pythonRulesAgreeWithPackaging() throws {
        var random = VersionOracle.generator("package-pip")
        let root = TemporaryDirectory("package-pip-oracle")
        let site = "/opt/app/.venv/lib/python3.11/site-packages"
        var contract = "contract = \"pip-oracle\"\nschema = 1\n"
        var cases: [[String]] = []
        while cases.count < 300 * VersionOracle.scale {
            let release = PythonVersionSample.release(using: &random)
            let version = PythonVersionSample.version(release: release, using: &random)
            let specifier = PythonVersionSample.specifier(release: release, using: &random)
            guard !version.contains(where: \.isNewline), !version.isEmpty, !specifier.contains(where: \.isNewline),
                  let parsed = try? VersionSpecifier(specifier), !parsed.clauses.isEmpty
            else { continue }
            let name = "dist-\(cases.count)"
            _ = root.write(site + "/dist_\(cases.count)-0.dist-info/METADATA", "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n\n")
            contract += "\n[[package]]\nname = \"\(name)\"\nmanager = \"pip\"\nenvironment = \"/opt/app/.venv\"\nversion = \(Self.toml(specifier))\n"
            cases.append([name, specifier])
        }
        let file = root.write("contract.toml", contract)
        let (outcome, report) = try Self.check(file, root: root.path)
        try #require([0, 1].contains(outcome.status), "\(outcome.standardError)")
        let scratch = TemporaryDirectory("package-pip-oracle-io")
        let input = scratch.write("cases.json", String(decoding: try JSONSerialization.data(withJSONObject: cases), as: UTF8.self))
        let output = scratch.path + "/answers.json"
        let ran = try run(VersionOracle.python!, [scratch.write("oracle.py", Self.pythonOracle), root.path + site, input, output])
        try #require(ran.status == 0, "\(ran.all)")
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [Any])
        var disagreements: [String] = []
        var held = 0
        for (item, answer) in zip(cases, answers) {
            let verdict = report.results(subject: "\(item[0]) (in /opt/app/.venv)", check: "version").first?["status"] as? String
            let expected = (answer as? Bool).map { $0 ? "pass" : "fail" } ?? "\(answer)"
            if expected == "pass" { held += 1 }
            if verdict != expected {
                let metadata = try String(contentsOfFile: root.path + site + "/dist_\(item[0].dropFirst(5))-0.dist-info/METADATA", encoding: .utf8)
                disagreements.append("\(String(reflecting: metadata)) version = \(String(reflecting: item[1])): packaging \(expected), check \(verdict ?? "no result")")
            }
        }
        VersionOracle.report("[[package]] version against importlib.metadata and packaging", cases: cases.count,
                             disagreements: disagreements, detail: "\(held) hold")
        #expect(held > cases.count / 10 && held < cases.count * 9 / 10, "\(held) of \(cases.count) rules hold: the cases say little")
    }

    /// The status file is parsed once per evaluation, not once per entry: a contract of many
    /// entries on a status file of this machine's size stays quick.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/var/lib/dpkg/status"), "needs a dpkg database"))
    func manyEntriesOnARealStatusFile() throws {
        let root = TemporaryDirectory("package-size")
        let text = try String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)
        _ = root.write("var/lib/dpkg/status", text)
        let names = text.split(separator: "\n").filter { $0.hasPrefix("Package: ") }.prefix(40).map { $0.dropFirst(9) }
        let contract = "contract = \"size\"\nschema = 1\n" + names.map { "\n[[package]]\nname = \"\($0)\"\n" }.joined()
        let file = root.write("contract.toml", contract)
        let start = Date()
        let (outcome, report) = try Self.check(file, root: root.path)
        let seconds = Date().timeIntervalSince(start)
        print("[[package]]: \(names.count) entries on a \(text.utf8.count)-byte status file in \(String(format: "%.2f", seconds)) s")
        #expect(outcome.status == 0, "\(report.failures)")
        #expect(seconds < 20)
    }

    // MARK: The shipped contracts

    static var lxContract: String { packageDirectory.appendingPathComponent("contracts/lx-annotate.toml").path }

    func setStatus(_ root: SampleRoot, _ from: String, _ to: String) throws {
        let path = root.at("/var/lib/dpkg/status")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(from))
        try text.replacing(from, with: to).write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test(.enabled(if: runningAsRoot, "example roots carry service ownership"))
    func lxAnnotatePackagesHoldOnTheExampleRoot() throws {
        let root = try SampleRoot()
        let (outcome, report) = try Self.check(Self.lxContract, root: root.path, ["--only", "package"])
        #expect(outcome.status == 0, "\(report.failures)")
        #expect(report.results.count == 14)
        #expect(report.results.allSatisfy { $0["kind"] as? String == "package" && $0["status"] as? String == "pass" })
    }

    @Test(.enabled(if: runningAsRoot, "example roots carry service ownership"))
    func unheldFFmpegFailsWithTheHoldFix() throws {
        let root = try SampleRoot()
        try setStatus(root, "Package: ffmpeg\nStatus: hold ok installed", "Package: ffmpeg\nStatus: install ok installed")
        let (outcome, report) = try Self.check(Self.lxContract, root: root.path)
        #expect(outcome.status == 1)
        #expect(report.failures == ["package ffmpeg held"])
        let held = try #require(report.results(subject: "ffmpeg", check: "held").first)
        #expect(held["fix"] as? String == "chroot \(root.path) apt-mark hold ffmpeg")
        #expect((held["message"] as? String)?.hasSuffix("review the new version, then hold it") == true)
        // The same finding in the other formats, and through the gate.
        let text = try run(hostcontractExecutable, ["check", Self.lxContract, "--root", root.path, "--only", "package"])
        #expect(text.status == 1)
        #expect(text.standardOutput.contains("fix: chroot \(root.path) apt-mark hold ffmpeg"))
        for format in ["junit", "sarif", "prometheus"] {
            let other = try run(hostcontractExecutable, ["check", Self.lxContract, "--root", root.path, "--only", "package", "--format", format])
            #expect(other.status == 1, "\(format)")
            #expect(other.standardOutput.contains(format == "prometheus" ? "kind=\"package\"" : "package"), "\(format): \(other.standardOutput)")
        }
        let gate = try run(hostcontractExecutable, ["gate", Self.lxContract, "--root", root.path, "--", "/bin/true"])
        #expect(gate.status == 78)
    }

    @Test(.enabled(if: runningAsRoot, "example roots carry service ownership"))
    func tesseractFourOrRemovedLanguageFails() throws {
        let root = try SampleRoot()
        try setStatus(root, "Version: 5.3.0-2", "Version: 4.1.1-2.1")
        try setStatus(root, "Package: tesseract-ocr-deu\nStatus: install ok installed", "Package: tesseract-ocr-deu\nStatus: deinstall ok config-files")
        let (outcome, report) = try Self.check(Self.lxContract, root: root.path)
        #expect(outcome.status == 1)
        #expect(report.failures == ["package tesseract-ocr version", "package tesseract-ocr-deu installed"])
        #expect(report.results(subject: "tesseract-ocr", check: "version").first?["actual"] as? String == "4.1.1-2.1")
        #expect(report.results(subject: "tesseract-ocr-deu", check: "installed").first?["fix"] as? String
            == "chroot \(root.path) apt-get install tesseract-ocr-deu")
    }

    /// The MMT backend pins torch in the environment the environment file names, when the ML
    /// stack is on.
    @Test func mmtTorchPin() throws {
        let root = TemporaryDirectory("mmt-torch")
        let venv = "/opt/mmt/backend/.venv"
        let metadata = venv + "/lib/python3.11/site-packages/torch-2.3.1.dist-info/METADATA"
        _ = root.write(metadata, "Metadata-Version: 2.1\nName: torch\nVersion: 2.3.1\n\n")
        let contract = packageDirectory.appendingPathComponent("contracts/mmt-backend.toml").path
        let env = root.write("backend.env", "ENV=dev\nENABLE_LOCAL_TRANSCRIPTION=1\nMMT_BACKEND_VENV=\(venv)\n")
        let (holds, holding) = try Self.check(contract, root: root.path, ["--env-file", env])
        #expect(holds.status == 0, "\(holding.failures)")
        #expect(holding.results(subject: "torch (in \(venv))", check: "version").first?["status"] as? String == "pass")

        _ = root.write(metadata, "Metadata-Version: 2.1\nName: torch\nVersion: 2.3.0\n\n")
        let (fails, failing) = try Self.check(contract, root: root.path, ["--env-file", env])
        #expect(fails.status == 1)
        #expect(failing.failures == ["package torch (in \(venv)) version"])
        #expect(failing.results(subject: "torch (in \(venv))", check: "version").first?["fix"] as? String
            == "chroot \(root.path) \(venv)/bin/pip install torch==2.3.1")

        // Without the ML stack the pin is not checked.
        let off = root.write("off.env", "ENV=dev\n")
        let (skipped, skipping) = try Self.check(contract, root: root.path, ["--env-file", off])
        #expect(skipped.status == 0, "\(skipping.failures)")
        #expect(skipping.results.filter { $0["kind"] as? String == "package" }.allSatisfy { $0["status"] as? String == "skip" })
    }

    // MARK: The fix, pasted

    /// `chroot ROOT apt-mark hold NAME`, printed for a real Debian root, pasted as printed:
    /// dpkg in the root then says `hold`, and the check passes.
    @Test(.enabled(if: DebianRoot.available, "needs HOSTCONTRACT_DEBIAN_ROOT and root"))
    func pastedHoldFixHoldsInARealDebianRoot() throws {
        let root = try DebianRoot.overlay("package-hold")
        defer { root.close() }
        let directory = TemporaryDirectory("package-hold-contract")
        let contract = directory.write("hold.toml", """
            contract = "hold"
            schema = 1

            [[package]]
            name = "python3"
            held = true
            """)
        let (before, failing) = try Self.check(contract, root: root.path)
        #expect(before.status == 1)
        let fix = try #require(failing.results(subject: "python3", check: "held").first?["fix"] as? String)
        #expect(fix == "chroot \(root.path) apt-mark hold python3")
        let pasted = try run("/bin/sh", ["-c", fix], environment: DebianRoot.chrootEnvironment)
        #expect(pasted.status == 0, "\(pasted.all)")
        let selection = try root.run(inChroot: ["dpkg-query", "-W", "-f=${db:Status-Want}", "python3"])
        #expect(selection.standardOutput == "hold")
        let (after, passing) = try Self.check(contract, root: root.path)
        #expect(after.status == 0, "\(passing.failures)")
    }
}
