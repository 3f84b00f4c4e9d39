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
        // The encrypted data root of the image is a plain directory here: provisioning builds
        // below it and says why it could not judge it, before the verdict.
        let note = "note: \(root.path)/var/lib/lx-annotate/data is not a mount point; under --root the running kernel's mounts"
        let firstLines = first.standardOutput.split(separator: "\n").map(String.init)
        #expect(firstLines.count { $0.hasPrefix(note) } == 1, "\(first.standardOutput)")
        #expect(firstLines.suffix(2).first?.hasPrefix(note) == true, "the note comes right before the summary: \(first.standardOutput)")
        #expect(firstLines.last?.hasPrefix("provision: made ") == true, "\(first.standardOutput)")
        let (after, report) = try check(root.path)
        #expect(after.status == 0, "\(report.failures)")

        let state = try snapshot(root.path)
        let second = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path, "--format", "json")
        #expect(second.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.standardOutput.utf8)) as? [String: Any])
        #expect(json["changes"] as? Int == 0)
        #expect((json["actions"] as? [Any])?.isEmpty == true)
        let notes = try #require(json["notes"] as? [String], "\(second.standardOutput)")
        #expect(notes.count == 1 && notes.allSatisfy { ("note: " + $0).hasPrefix(note) }, "\(notes)")
        #expect(try snapshot(root.path) == state, "a second run changed metadata (ctime)")
        let text = try hostcontract("provision", "contracts/lx-annotate.toml", "--root", root.path)
        let lines = text.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0].hasPrefix(note), "\(text.standardOutput)")
        #expect(lines.last?.hasPrefix("provision: nothing to change") == true, "\(text.standardOutput)")
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
        #expect(!applied.all.contains("Detected unsafe path transition"))
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

    /// Runs `script` with /bin/sh in a private mount namespace: its mounts vanish with it.
    func inMountNamespace(_ script: String, _ environment: [String: String]) throws -> ProcessOutcome {
        var environment = environment
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        environment["HC"] = hostcontractExecutable
        return try run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script], environment: environment)
    }

    /// A contract on the host itself, confined to a temporary directory: a state directory, an
    /// encrypted data root (a mount point) with a tree below it, and a directory beside it.
    func encryptedContract(in directory: TemporaryDirectory) -> String {
        try? FileManager.default.createDirectory(atPath: directory.path + "/state/data", withIntermediateDirectories: true)
        let base = directory.path
        return directory.write("vault.toml", """
            contract = "vault"
            schema = 1

            [[directory]]
            path = "\(base)/state"
            owner = "root"
            group = "root"
            mode = "0750"

            [[directory]]
            path = "\(base)/state/data"
            owner = "root"
            group = "root"
            mode = "0750"
            create = false

            [[directory]]
            path = "\(base)/state/data/import"
            owner = "root"
            group = "root"
            mode = "0770"
            subdirs = ["video", "report"]

            [[directory]]
            path = "\(base)/state/static"
            owner = "root"
            group = "root"
            mode = "0755"

            [[encrypted]]
            path = "\(base)/state/data"
            type = "luks2"
            """)
    }

    @Test func onTheHostNothingIsBuiltBelowAnEncryptedPathUntilAVolumeIsMountedThere() throws {
        let directory = TemporaryDirectory("vault")
        let contract = encryptedContract(in: directory)
        let data = directory.path + "/state/data"

        // Nothing mounted: the tree would land on the disk underneath.
        let refused = try hostcontract("provision", contract)
        #expect(refused.status == 1, "\(refused.all)")
        #expect(refused.standardOutput.contains("CONFLICT \(data): is an [[encrypted]] path (contract line 30) but no volume is mounted there: "
            + "it is on "))
        for path in [data, data + "/import", data + "/import/video", data + "/import/report"] {
            #expect(refused.standardOutput.contains("CONFLICT \(path): "))
        }
        #expect(refused.standardOutput.components(separatedBy: "mount the encrypted volume at \(data) first, then provision again").count == 5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).isEmpty)
        // Everything else proceeds.
        #expect(refused.standardOutput.contains("create   \(directory.path)/state/static  directory root:root 0755"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/state/static"))

        // A bind mount of a directory of the same disk is no volume either.
        let bound = try inMountNamespace(#"mount --bind "$DATA" "$DATA" && "$HC" provision "$CONTRACT"; echo "provision=$?""#,
                                         ["DATA": data, "CONTRACT": contract])
        #expect(bound.standardOutput.contains("provision=1"), "\(bound.all)")
        #expect(bound.standardOutput.contains("CONFLICT \(data)/import: is below the [[encrypted]] path \(data)"))

        // With a filesystem mounted there, provisioning builds the tree on it.
        let mounted = try inMountNamespace("""
            mount -t tmpfs -o mode=0755 volume "$DATA" || exit 99
            "$HC" provision "$CONTRACT"; echo "provision=$?"
            test -d "$DATA/import/video" && test -d "$DATA/import/report" && echo "built on the volume"
            """, ["DATA": data, "CONTRACT": contract])
        #expect(mounted.standardOutput.contains("provision=0"), "\(mounted.all)")
        #expect(mounted.standardOutput.contains("create   \(data)/import/video  directory root:root 0770"))
        #expect(mounted.standardOutput.contains("built on the volume"))
        // It went to the volume, not to the directory underneath.
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).isEmpty)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-tmpfiles"), "needs systemd-tmpfiles"))
    func onAFreshlyMountedDataRootTheFragmentToleratesWhatOnlyProvisionCanDoAndThenConverges() throws {
        // First boot: the state root already belongs to the service, the data volume is freshly
        // made and mounted, so its root belongs to root.
        let root = try EmptyRoot()
        let state = root.path + "/var/lib/lx-annotate"
        try FileManager.default.setAttributes([.ownerAccountID: 990, .groupOwnerAccountID: 990, .posixPermissions: 0o750], ofItemAtPath: state)
        let fragment = try hostcontract("tmpfiles", "contracts/lx-annotate.toml", "--env-file", state + "/.env.systemd")
        #expect(fragment.status == 0, "\(fragment.standardError)")
        #expect(fragment.standardOutput.contains("z- /var/lib/lx-annotate/data 0750 lx-annotate lx-annotate -\n"))
        #expect(fragment.standardOutput.contains("d- /var/lib/lx-annotate/data/import/sap_import 0770 lx-annotate lx-annotate -\n"))
        #expect(fragment.standardOutput.contains("d /var/lib/lx-annotate/staticfiles 0775 lx-annotate lx-annotate -\n"))
        #expect(fragment.standardError.contains("/var/lib/lx-annotate/data and the lines below it may fail until the volume mounted there is owned by lx-annotate"))
        let conf = root.directory.write("lx-annotate.conf", fragment.standardOutput)
        // The same lines without the '-' modifier: systemd-tmpfiles' own verdict on them.
        let strict = root.directory.write("strict.conf", fragment.standardOutput.split(separator: "\n").map { line -> String in
            guard !line.hasPrefix("#"), let space = line.firstIndex(of: " "), line[..<space].hasSuffix("-") else { return String(line) }
            return String(line[..<line.index(before: space)] + line[space...])
        }.joined(separator: "\n") + "\n")
        let outcome = try inMountNamespace("""
            mount -t tmpfs -o mode=0755 fresh "$ROOT/var/lib/lx-annotate/data" || exit 99
            systemd-tmpfiles --create --root="$ROOT" "$STRICT" 2>/dev/null; echo "strict=$?"
            systemd-tmpfiles --create --root="$ROOT" "$CONF" 2>"$ROOT/first.log"; echo "first=$?"
            systemd-tmpfiles --create --root="$ROOT" "$CONF" 2>>"$ROOT/first.log"; echo "second=$?"
            stat -c 'data-owner=%u' "$ROOT/var/lib/lx-annotate/data"
            "$HC" provision contracts/lx-annotate.toml --root "$ROOT" >/dev/null; echo "provision=$?"
            systemd-tmpfiles --create --root="$ROOT" "$CONF" 2>"$ROOT/after.log"; echo "after=$?"
            stat -c 'data-owner=%u' "$ROOT/var/lib/lx-annotate/data"
            "$HC" check contracts/lx-annotate.toml --root "$ROOT" --only directory,file,key >/dev/null; echo "check=$?"
            """, ["ROOT": root.path, "CONF": conf, "STRICT": strict])
        let lines = Set(outcome.standardOutput.split(separator: "\n").map(String.init))
        // systemd-tmpfiles cannot cross from lx-annotate's state root into root's fresh volume...
        #expect(lines.contains("strict=73"), "\(outcome.all)")
        // ...so the fragment tolerates it, and the volume still belongs to root after two runs.
        #expect(lines.contains("first=0"), "\(outcome.all)")
        #expect(lines.contains("second=0"), "\(outcome.all)")
        #expect(lines.contains("data-owner=0"), "\(outcome.all)")
        let first = try String(contentsOfFile: root.path + "/first.log", encoding: .utf8)
        #expect(first.contains("Detected unsafe path transition"))
        // provision, the boot path, gives the volume its owner; then the fragment applies cleanly.
        #expect(lines.contains("provision=0"), "\(outcome.all)")
        #expect(lines.contains("after=0"), "\(outcome.all)")
        #expect(lines.contains("data-owner=990"), "\(outcome.all)")
        let after = try String(contentsOfFile: root.path + "/after.log", encoding: .utf8)
        #expect(!after.contains("Detected unsafe path transition"), "\(after)")
        #expect(lines.contains("check=0"), "\(outcome.all)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-tmpfiles"), "needs systemd-tmpfiles"))
    func theRecipeSucceedsOnAFreshVolumeAndNamesTheProvisionRunThatCompletesIt() throws {
        let root = try EmptyRoot()
        let state = root.path + "/var/lib/lx-annotate"
        try FileManager.default.setAttributes([.ownerAccountID: 990, .groupOwnerAccountID: 990, .posixPermissions: 0o750], ofItemAtPath: state)
        let tmpfilesD = TemporaryDirectory("tmpfiles.d")
        let outcome = try inMountNamespace("""
            mount -t tmpfs -o mode=0755 fresh "$ROOT/var/lib/lx-annotate/data" || exit 99
            HOSTCONTRACT="$HC" bash deploy/install-tmpfiles.sh contracts/lx-annotate.toml lx-annotate 2>/dev/null; echo "recipe=$?"
            "$HC" provision contracts/lx-annotate.toml --root "$ROOT" >/dev/null; echo "provision=$?"
            HOSTCONTRACT="$HC" bash deploy/install-tmpfiles.sh contracts/lx-annotate.toml lx-annotate 2>"$ROOT/again.log" >/dev/null; echo "again=$?"
            "$HC" check contracts/lx-annotate.toml --root "$ROOT" --only directory,file,key >/dev/null; echo "check=$?"
            """, ["ROOT": root.path, "ENV_FILE": state + "/.env.systemd", "TMPFILES_D": tmpfilesD.path])
        let lines = Set(outcome.standardOutput.split(separator: "\n").map(String.init))
        #expect(lines.contains("recipe=0"), "\(outcome.all)")
        #expect(lines.contains("installed \(tmpfilesD.path)/lx-annotate.conf"), "\(outcome.all)")
        #expect(outcome.standardOutput.contains("on a freshly mounted volume run: hostcontract provision contracts/lx-annotate.toml --root \(root.path)"))
        #expect(lines.contains("provision=0"), "\(outcome.all)")
        #expect(lines.contains("again=0"), "\(outcome.all)")
        #expect(try !String(contentsOfFile: root.path + "/again.log", encoding: .utf8).contains("Detected unsafe path transition"))
        #expect(lines.contains("check=0"), "\(outcome.all)")
    }
}
