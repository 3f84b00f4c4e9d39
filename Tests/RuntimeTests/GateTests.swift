import Contract
import Foundation
import Provision
import Runtime
import TestSupport
import Testing

/// `hostcontract gate`: COMMAND runs, as the same process, only when the contract holds.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct GateTests {
    let work = TemporaryDirectory("gate")

    /// The sample root's environment file as a process environment, as systemd would pass it.
    func environment(_ root: SampleRoot, _ changes: [String: String?] = [:]) -> [String: String] {
        var values: [String: String] = ["PATH": "/usr/bin:/bin"]
        for line in root.environmentFile.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        for (name, value) in changes { values[name] = value }
        return values
    }

    func gate(_ root: SampleRoot, _ environment: [String: String], contract: String = "contracts/lx-annotate.toml",
              command: [String]) throws -> (status: Int32, pid: Int32, output: ProcessOutcome) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: hostcontractExecutable)
        process.arguments = ["gate", contract, "--root", root.path, "--"] + command
        process.environment = environment
        process.currentDirectoryURL = packageDirectory
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let pid = process.processIdentifier
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, pid, ProcessOutcome(status: process.terminationStatus,
            standardOutput: String(decoding: out, as: UTF8.self), standardError: String(decoding: err, as: UTF8.self)))
    }

    var marker: String { work.path + "/started" }
    var probe: [String] {
        ["/bin/sh", "-c", "echo \"$$ $STORAGE_DIR $LX_ANNOTATE_DATA_DIR $DATA_DIR $PROTECTED_MEDIA_ROOT\" > '\(marker)'; exit 7"]
    }

    @Test func theCommandRunsAsTheSameProcessWithTheEnvironmentNormalised() throws {
        let root = try SampleRoot()
        let (status, pid, output) = try gate(root, environment(root, ["LX_ANNOTATE_DATA_DIR": nil]), command: probe)
        #expect(status == 7, "\(output.all)")
        let line = try String(contentsOfFile: marker, encoding: .utf8).split(separator: " ").map(String.init)
        #expect(line.first == String(pid))
        // Defaults filled in, every alias set to the canonical root.
        #expect(line.dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } == [
            "/var/lib/lx-annotate/data/storage", "/var/lib/lx-annotate/data", "/var/lib/lx-annotate/data",
            "/var/lib/lx-annotate/data/storage",
        ])
    }

    @Test func aViolationNeverStartsTheCommand() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import/sap_import", 0o755)
        let (status, _, output) = try gate(root, environment(root), command: probe)
        #expect(status == 78)
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(output.standardError.contains("/var/lib/lx-annotate/data/import/sap_import: mode: mode is 0755, contract requires 0770"))
        #expect(output.standardError.contains("hostcontract: contract lx-annotate violated: 1 failure"))
    }

    @Test func theProcessEnvironmentIsTheOneUnderContract() throws {
        let root = try SampleRoot()
        let (status, _, output) = try gate(root, environment(root, ["ENDOREG_DEPLOYMENT_ROLE": "hub"]), command: probe)
        #expect(status == 78)
        #expect(output.standardError.contains("ENDOREG_DEPLOYMENT_ROLE is 'hub'"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func anInvalidContractIsRefused() throws {
        let root = try SampleRoot()
        let bad = work.write("bad.toml", "contract = \"x\"\nschema = 1\n[[directory]]\nmode = 750\n")
        let (status, _, output) = try gate(root, environment(root), contract: bad, command: probe)
        #expect(status == 78)
        #expect(output.standardError.contains("bad.toml:4: error:"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// What the gate cannot read may hide a violation: it starts nothing it could not verify.
    @Test func aContractThatCannotBeFullyEvaluatedNeverStartsTheCommand() throws {
        let root = try PrivateCornerRoot()
        let shared = TemporaryDirectory("gate-shared")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: shared.path)
        let started = shared.path + "/started"
        func gate(asNobody: Bool) throws -> ProcessOutcome {
            let arguments = ["gate", root.contract, "--root", root.path, "--", "/bin/sh", "-c", "touch '\(started)'; exit 7"]
            return asNobody ? try hostcontractAsNobody(arguments) : try run(hostcontractExecutable, arguments)
        }
        let refused = try gate(asNobody: true)
        #expect(refused.status == 78, "\(refused.all)")
        #expect(!FileManager.default.fileExists(atPath: started))
        #expect(refused.standardError.contains("ERROR /srv/private/app.conf: exists: /srv/private/app.conf cannot be inspected: permission denied"))
        #expect(refused.standardError.contains("hostcontract: contract corner not verified: 3 checks could not be evaluated"))
        // root reads it all, and the contract holds.
        let ran = try gate(asNobody: false)
        #expect(ran.status == 7, "\(ran.all)")
        #expect(FileManager.default.fileExists(atPath: started))
    }

    @Test func aMissingCommandIs127() throws {
        let root = try SampleRoot()
        let (status, _, output) = try gate(root, environment(root), command: ["/nonexistent/daphne", "app"])
        #expect(status == 127)
        #expect(output.standardError.contains("cannot execute /nonexistent/daphne: no such file or directory"))
    }

    @Test func theVerdictReachesTheServiceManager() throws {
        let root = try SampleRoot()
        let notifications = try NotifySocket(path: work.path + "/notify")
        var env = environment(root)
        env["NOTIFY_SOCKET"] = notifications.path
        _ = try gate(root, env, command: ["/bin/true"])
        #expect(notifications.receive().hasPrefix("STATUS=contract lx-annotate holds: "))
        root.chmod("/var/lib/lx-annotate/data/import", 0o755)
        _ = try gate(root, env, command: ["/bin/true"])
        #expect(notifications.receive() == "STATUS=contract lx-annotate violated: 1 failure")
    }
}

@Suite struct JournalEntryTests {
    @Test func fieldsNameTheContractKindSubjectAndCheck() {
        let result = CheckResult(kind: .directory, subject: "/srv/import", check: "mode", status: .fail,
                                 message: "mode is 0755, contract requires 0770", expected: "0770", actual: "0755",
                                 fix: "chmod 0770 /srv/import", line: 41)
        let fields = Dictionary(uniqueKeysWithValues: JournalEntry.fields(for: result, contract: "lx-annotate"))
        #expect(fields["MESSAGE"] == "contract lx-annotate: /srv/import: mode: mode is 0755, contract requires 0770")
        #expect(fields["PRIORITY"] == "3")
        #expect(fields["HOSTCONTRACT_CONTRACT"] == "lx-annotate")
        #expect(fields["HOSTCONTRACT_KIND"] == "directory")
        #expect(fields["HOSTCONTRACT_SUBJECT"] == "/srv/import")
        #expect(fields["HOSTCONTRACT_CHECK"] == "mode")
        #expect(fields["HOSTCONTRACT_LINE"] == "41")
        #expect(fields["HOSTCONTRACT_STATUS"] == "fail")
    }

    @Test func aSecretNeverReachesTheJournal() throws {
        let canary = "JOURNALCANARY-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789"
        let contract = try #require(ContractLoader.load(text: """
            contract = "j"
            schema = 1
            [[variable]]
            name = "TOKEN"
            secret = true
            min_length = 80
            pattern = '[a-z]+'
            [[variable]]
            name = "COPY"
            equals = "x"
            """, file: "j.toml", patterns: .pcre2).contract)
        let host = LiteralHost()
        let results = Evaluation(contract: contract, input: EnvironmentInput(values: ["TOKEN": canary, "COPY": canary], origin: .process), host: host).run()
        #expect(results.contains { $0.status == .fail })
        for result in results {
            for (_, value) in JournalEntry.fields(for: result, contract: "j") {
                #expect(!value.contains("JOURNALCANARY"))
            }
        }
    }
}
