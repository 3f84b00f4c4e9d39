import Foundation
import TestSupport
import Testing

/// `provision` and `tmpfiles` on real roots, with the real systemd-tmpfiles.
@Suite(.enabled(if: runningAsRoot, "provisioning fixture roots needs chown"))
struct ProvisionCommandTests {
    func check(_ root: String, only: String = "directory,file,key") throws -> (ProcessOutcome, JSONReportView) {
        let outcome = try hostcontract("check", "contracts/lx-annotate.toml", "--root", root, "--only", only, "--format", "json")
        return (outcome, try JSONReportView(outcome.standardOutput))
    }

    @Test func provisionBuildsTheTreeOnAnEmptyRootAndASecondRunChangesNothing() throws {
        let root = try EmptyRoot()
        let (before, _) = try check(root.path)
        #expect(before.status == 1)
        let first = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path)
        #expect(first.status == 0, "\(first.all)")
        #expect(first.standardOutput.contains("create   /var/lib/lx-annotate/data/import/sap_import  directory lx-annotate:lx-annotate 0770"))
        let (after, report) = try check(root.path)
        #expect(after.status == 0, "\(report.failures)")

        let state = try snapshot(root.path)
        let second = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path, "--format", "json")
        #expect(second.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.standardOutput.utf8)) as? [String: Any])
        #expect(json["changes"] as? Int == 0)
        #expect((json["actions"] as? [Any])?.isEmpty == true)
        #expect(try snapshot(root.path) == state, "a second run changed metadata (ctime)")
        let text = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path)
        #expect(text.standardOutput.hasPrefix("provision: nothing to change"))
    }

    @Test func aDryRunPrintsThePlanAndTouchesNothing() throws {
        let root = try EmptyRoot()
        let state = try snapshot(root.path)
        let outcome = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path, "--dry-run", "--format", "json")
        #expect(outcome.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(json["dry_run"] as? Bool == true)
        let actions = try #require(json["actions"] as? [[String: Any]])
        let chmod = actions.first { $0["path"] as? String == "/etc/secrets/vault/lx-annotate-master.key" && $0["action"] as? String == "chmod" }
        #expect(chmod?["before"] as? String == "0644")
        #expect(chmod?["after"] as? String == "0640")
        #expect(chmod?["status"] as? String == "planned")
        #expect(try snapshot(root.path) == state)
    }

    @Test func provisionRepairsADriftedRoot() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import/video_import", 0o755)
        root.remove("/var/lib/lx-annotate/data/import/sap_import")
        root.chown("/etc/secrets/vault/lx-annotate-master.key", user: 0, group: 0)
        root.chmod("/etc/secrets/vault/lx-annotate-master.key", 0o400)
        let content = try Data(contentsOf: URL(fileURLWithPath: root.at("/etc/secrets/vault/lx-annotate-master.key")))
        let outcome = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path)
        #expect(outcome.status == 0, "\(outcome.all)")
        let (after, report) = try check(root.path, only: "directory,file,key,tree,access")
        #expect(after.status == 0, "\(report.failures)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root.at("/etc/secrets/vault/lx-annotate-master.key"))) == content)
    }

    @Test func aRegularFileWhereADirectoryBelongsIsLeftByteForByte() throws {
        let root = try SampleRoot()
        root.remove("/var/lib/lx-annotate/data/import/sap_import")
        let bytes = Data((0..<4096).map { UInt8($0 % 251) })
        try bytes.write(to: URL(fileURLWithPath: root.at("/var/lib/lx-annotate/data/import/sap_import")))
        root.chmod("/var/lib/lx-annotate/data/import/video_import", 0o700)
        let outcome = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path)
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("CONFLICT /var/lib/lx-annotate/data/import/sap_import: is a regular file where a directory is expected"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: root.at("/var/lib/lx-annotate/data/import/sap_import"))) == bytes)
        // Everything else still proceeds.
        #expect(outcome.standardOutput.contains("chmod    /var/lib/lx-annotate/data/import/video_import  0700 -> 0770"))
    }

    @Test func aPlantedSymbolicLinkIsNeverFollowed() throws {
        let root = try SampleRoot()
        let outside = TemporaryDirectory("sentinel")
        let sentinel = outside.write("sentinel.txt", "do not touch\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600, .ownerAccountID: 0, .groupOwnerAccountID: 0], ofItemAtPath: sentinel)
        try FileManager.default.createDirectory(atPath: outside.path + "/dir", withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: outside.path + "/dir")
        let state = try snapshot(outside.path)
        // The watcher's group can write the import directory: it plants links where declared paths are.
        root.remove("/var/lib/lx-annotate/data/import/video_import")
        try FileManager.default.createSymbolicLink(atPath: root.at("/var/lib/lx-annotate/data/import/video_import"), withDestinationPath: sentinel)
        root.remove("/var/lib/lx-annotate/data/import/sap_import")
        try FileManager.default.createSymbolicLink(atPath: root.at("/var/lib/lx-annotate/data/import/sap_import"), withDestinationPath: outside.path + "/dir")
        root.remove("/etc/secrets/vault/lx-annotate-luks.key")
        try FileManager.default.createSymbolicLink(atPath: root.at("/etc/secrets/vault/lx-annotate-luks.key"), withDestinationPath: sentinel)
        let outcome = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path)
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("CONFLICT /var/lib/lx-annotate/data/import/video_import: is a symbolic link"))
        #expect(outcome.standardOutput.contains("CONFLICT /var/lib/lx-annotate/data/import/sap_import: is a symbolic link"))
        #expect(outcome.standardOutput.contains("CONFLICT /etc/secrets/vault/lx-annotate-luks.key: is a symbolic link"))
        #expect(try snapshot(outside.path) == state)
        #expect(try String(contentsOfFile: sentinel, encoding: .utf8) == "do not touch\n")
    }

    @Test func aRunKilledHalfwayConvergesOnTheNextRun() throws {
        let root = try EmptyRoot()
        let outside = TemporaryDirectory("sentinel")
        let sentinel = outside.write("sentinel.txt", "still here\n")
        let state = try snapshot(outside.path)
        // Many directories, so that the kill lands while the run is still creating them (10,000).
        var contract = try String(contentsOfFile: packageDirectory.path + "/contracts/lx-annotate.toml", encoding: .utf8)
        contract += "\n[[directory]]\npath = \"${STORAGE_DIR}/cases\"\nowner = \"lx-annotate\"\ngroup = \"lx-annotate\"\nmode = \"0750\"\n"
        contract += "subdirs = [" + (0..<10000).map { "\"case-\($0)\"" }.joined(separator: ", ") + "]\n"
        let file = root.directory.write("big.toml", contract)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: hostcontractExecutable)
        process.arguments = ["provision", file, "--root", root.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill it once it has begun creating the case directories.
        let cases = root.path + "/var/lib/lx-annotate/data/storage/cases"
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            if ((try? FileManager.default.contentsOfDirectory(atPath: cases))?.count ?? 0) > 20 { break }
            usleep(1000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let made = (try? FileManager.default.contentsOfDirectory(atPath: root.path + "/var/lib/lx-annotate/data/storage/cases"))?.count ?? 0
        let rerun = try run(hostcontractExecutable, ["provision", file, "--root", root.path])
        #expect(rerun.status == 0, "\(rerun.all.suffix(2000))")
        let final = try run(hostcontractExecutable, ["check", file, "--root", root.path, "--only", "directory,file,key"])
        #expect(final.status == 0, "\(final.standardOutput.suffix(2000))")
        #expect(try snapshot(outside.path) == state)
        #expect(try String(contentsOfFile: sentinel, encoding: .utf8) == "still here\n")
        #expect(made > 0 && made < 10000, "the kill did not land halfway: \(made) of 10000 made")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-tmpfiles"), "needs systemd-tmpfiles"))
    func theFragmentAppliedBySystemdTmpfilesPassesCheck() throws {
        let root = try EmptyRoot()
        let fragment = try hostcontract("tmpfiles", "contracts/lx-annotate.toml", "--env-file", root.path + "/var/lib/lx-annotate/.env.systemd")
        #expect(fragment.status == 0, "\(fragment.standardError)")
        let conf = root.directory.write("lx-annotate.conf", fragment.standardOutput)
        let applied = try run("/usr/bin/systemd-tmpfiles", ["--root=\(root.path)", "--create", conf])
        #expect(applied.status == 0, "\(applied.all)")
        #expect(!applied.all.contains("unsafe path transition"))
        // Paths the fragment leaves out (and says why) are the only ones check may still flag.
        let leftOut = Set(fragment.standardOutput.split(separator: "\n").filter { $0.hasPrefix("# z ") || $0.hasPrefix("# d ") }
            .map { String($0.split(separator: " ")[2]) })
        #expect(leftOut == ["/var/lib/lx-annotate/.env.systemd"])
        let (_, report) = try check(root.path)
        let failing = Set(report.results.filter { $0["status"] as? String == "fail" }.compactMap { $0["subject"] as? String })
        #expect(failing.isSubset(of: leftOut), "\(report.failures)")
        #expect(report.results.count > 50)
        // provision, which works on descriptors, completes what tmpfiles cannot.
        #expect(try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path).status == 0)
        #expect(try check(root.path).0.status == 0)
    }
}
