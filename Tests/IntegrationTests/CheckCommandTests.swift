import Foundation
import TestSupport
import Testing

/// `hostcontract check contracts/lx-annotate.toml --root R` on sample roots: the correct one
/// passes, and each fault the guides warn about is reported exactly, with subject and check.
@Suite(.enabled(if: runningAsRoot, "building sample roots needs chown"))
struct CheckCommandTests {
    func check(_ root: SampleRoot, _ extra: String...) throws -> (ProcessOutcome, JSONReportView) {
        let arguments = ["check", "contracts/lx-annotate.toml", "--root", root.path, "--format", "json"] + extra
        let outcome = try run(hostcontractExecutable, arguments)
        return (outcome, try JSONReportView(outcome.standardOutput))
    }

    @Test func aCorrectRootPasses() throws {
        let root = try SampleRoot()
        let (outcome, report) = try check(root)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(report.passed)
        #expect(report.failures.isEmpty)
        #expect(report.object["contract"] as? String == "lx-annotate")
        #expect(report.object["contract_file"] as? String == "contracts/lx-annotate.toml")
        #expect(report.object["root"] as? String == root.path)
        let summary = report.summary
        #expect(summary["total"] == report.results.count)
        #expect(summary["passed"]! + summary["failed"]! + summary["skipped"]! == summary["total"]!)
        #expect(summary["passed"]! > 90)
    }

    @Test func aMissingImportSubdirectory() throws {
        let root = try SampleRoot()
        root.remove("/var/lib/lx-annotate/data/import/sap_import")
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        // The watcher's access to it fails with it.
        #expect(report.failures == [
            "directory /var/lib/lx-annotate/data/import/sap_import exists",
            "access /var/lib/lx-annotate/data/import/sap_import read",
            "access /var/lib/lx-annotate/data/import/sap_import write",
            "access /var/lib/lx-annotate/data/import/sap_import execute",
        ])
        let finding = try #require(report.results(subject: "/var/lib/lx-annotate/data/import/sap_import", check: "exists").first)
        // The image's ids, with the names as a comment: install looks names up on this machine.
        #expect(finding["fix"] as? String == "install -d -m 0770 -o 990 -g 990 \(root.path)/var/lib/lx-annotate/data/import/sap_import  # lx-annotate:lx-annotate")
        #expect(finding["line"] as? Int != nil)
    }

    @Test func anImportDirectoryAt0755() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import", 0o755)
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        #expect(report.failures == ["directory /var/lib/lx-annotate/data/import mode"])
        let finding = try #require(report.results(subject: "/var/lib/lx-annotate/data/import", check: "mode").first)
        #expect(finding["expected"] as? String == "0770")
        #expect(finding["actual"] as? String == "0755")
        #expect(finding["message"] as? String == "mode is 0755, contract requires 0770")
    }

    @Test func theMasterKeyAtRootRoot0400() throws {
        let root = try SampleRoot()
        root.chown("/etc/secrets/vault/lx-annotate-master.key", user: 0, group: 0)
        root.chmod("/etc/secrets/vault/lx-annotate-master.key", 0o400)
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        let key = "key /etc/secrets/vault/lx-annotate-master.key"
        // The consequence the guides describe: the service user cannot read it (PermissionError).
        #expect(report.failures == ["\(key) group", "\(key) mode", "access /etc/secrets/vault/lx-annotate-master.key read"])
        let access = try #require(report.results(subject: "/etc/secrets/vault/lx-annotate-master.key", check: "read").first { $0["kind"] as? String == "access" && $0["status"] as? String == "fail" })
        #expect(access["message"] as? String == "lx-annotate cannot read /etc/secrets/vault/lx-annotate-master.key: other has ---, and lx-annotate is not in group root")
        let group = try #require(report.results(subject: "/etc/secrets/vault/lx-annotate-master.key", check: "group").first)
        #expect(group["actual"] as? String == "root")
        #expect((group["message"] as? String)?.contains("root:root 0400 breaks EncryptedStorage") == true)
    }

    @Test func theDataDirAliasDriftsFromTheCanonicalRoot() throws {
        let root = try SampleRoot()
        root.setVariable("LX_ANNOTATE_DATA_DIR", "/srv/legacy-data")
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        #expect(report.failures == ["variable LX_ANNOTATE_DATA_DIR alias"])
        let finding = try #require(report.results(subject: "LX_ANNOTATE_DATA_DIR", check: "alias").first)
        #expect(finding["expected"] as? String == "/var/lib/lx-annotate/data")
        #expect(finding["actual"] as? String == "/srv/legacy-data")
    }

    @Test func onlyTheAliasSetIsAMigrationToFinish() throws {
        let root = try SampleRoot()
        var text = root.environmentFile
        text = text.replacing("LX_ANNOTATE_ENCRYPTED_DATA_DIR=/var/lib/lx-annotate/data\n", with: "")
        root.environmentFile = text
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        // The alias counts as set for `required`, and fails as a migration to finish.
        #expect(report.failures == ["variable LX_ANNOTATE_DATA_DIR alias"])
        let alias = report.results.first { $0["check"] as? String == "alias" && $0["status"] as? String == "fail" }
        #expect((alias?["message"] as? String)?.contains("rename LX_ANNOTATE_DATA_DIR to LX_ANNOTATE_ENCRYPTED_DATA_DIR") == true)
    }

    @Test func storageOutsideTheCanonicalRoot() throws {
        let root = try SampleRoot()
        root.setVariable("STORAGE_DIR", "/srv/storage")
        // The storage directory itself is in order where it now points; only the boundary is broken.
        let made = try run("/bin/sh", ["-c", "mkdir -p '\(root.path)/srv/storage/streamable' && chown -R 990:990 '\(root.path)/srv/storage' && chmod -R 0750 '\(root.path)/srv/storage'"])
        #expect(made.status == 0)
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        // PROTECTED_MEDIA_ROOT derives from STORAGE_DIR, so it leaves the root too, and nginx's
        // protected alias no longer names it; and the services, under ProtectSystem=strict with
        // ReadWritePaths=/var/lib/lx-annotate, can no longer write what [[access]] says they write.
        #expect(Set(report.failures) == [
            "variable STORAGE_DIR inside", "variable PROTECTED_MEDIA_ROOT inside", "nginx /protected_media/ alias",
            "unit lx-annotate.service read_write_paths", "unit lx-annotate-watcher.service read_write_paths",
            "unit lx-annotate-sap-import.service read_write_paths",
        ])
    }

    @Test func anUnknownDeploymentRole() throws {
        let root = try SampleRoot(role: "hub")
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        #expect(report.failures == ["variable ENDOREG_DEPLOYMENT_ROLE one_of"])
        // The hub-only rule does not apply to an unknown role.
        #expect(report.results(subject: "DJANGO_DB_ENGINE", check: "forbid").first?["status"] as? String == "skip")
    }

    @Test func sqliteInTheCentralHubRole() throws {
        let root = try SampleRoot(role: "central_hub")
        root.setVariable("DJANGO_DB_ENGINE", "django.db.backends.sqlite3")
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        #expect(report.failures == ["variable DJANGO_DB_ENGINE forbid"])
        let finding = try #require(report.results(subject: "DJANGO_DB_ENGINE", check: "forbid").first)
        #expect((finding["message"] as? String)?.hasSuffix("SQLite is not an acceptable hub database") == true)
    }

    @Test func sqliteInTheStandaloneRoleIsSkipped() throws {
        let root = try SampleRoot(role: "standalone")
        root.setVariable("DJANGO_DB_ENGINE", "django.db.backends.sqlite3")
        let (outcome, report) = try check(root)
        #expect(outcome.status == 0, "\(outcome.all)")
        let finding = try #require(report.results(subject: "DJANGO_DB_ENGINE", check: "forbid").first)
        #expect(finding["status"] as? String == "skip")
        #expect(finding["message"] as? String == "applies when ENDOREG_DEPLOYMENT_ROLE is 'central_hub', not 'standalone'")
    }

    @Test func secretsAppearInNoOutput() throws {
        let root = try SampleRoot()
        let canary = "CANARY-7f3a9c-secret-value"
        root.setVariable("DJANGO_SECRET_KEY", canary)          // too short: a failure about it
        root.setVariable("OIDC_RP_CLIENT_SECRET", "\"" + canary + "-oidc\"")
        let keyCanary = "KEYCANARY-0123456789abcdef0123456789abcdef"
        try keyCanary.write(toFile: root.at("/etc/secrets/vault/lx-annotate-master.key"), atomically: false, encoding: .utf8)
        for format in ["text", "json"] {
            let outcome = try run(hostcontractExecutable, ["check", "contracts/lx-annotate.toml", "--root", root.path, "--format", format])
            #expect(outcome.status == 1)
            #expect(outcome.all.contains("DJANGO_SECRET_KEY"))
            let lengths = ["\(canary.count) char", "\(keyCanary.utf8.count) byte", "length \(canary.count)"]
            for forbidden in [canary, "CANARY-7f3a", keyCanary, "KEYCANARY"] + lengths {
                #expect(!outcome.all.contains(forbidden), "\(format) output shows '\(forbidden)'")
            }
        }
    }

    @Test func anEnvironmentFileGivenOnTheCommandLine() throws {
        let root = try SampleRoot()
        let other = TemporaryDirectory()
        let file = other.write("prod.env", root.environmentFile.replacing("ENDOREG_DEPLOYMENT_ROLE=standalone", with: "ENDOREG_DEPLOYMENT_ROLE=nonsense"))
        let (outcome, report) = try check(root, "--env-file", file)
        #expect(outcome.status == 1)
        #expect(report.failures == ["variable ENDOREG_DEPLOYMENT_ROLE one_of"])
        // The file given is on this machine, not under --root, and the fix says so.
        let fix = report.results(subject: "ENDOREG_DEPLOYMENT_ROLE", check: "one_of").first?["fix"] as? String
        #expect(fix == "(decide) set ENDOREG_DEPLOYMENT_ROLE to one of central_hub, site_node, standalone in \(file)")
    }

    @Test func onlySelectsKinds() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import", 0o755)
        root.setVariable("ENDOREG_DEPLOYMENT_ROLE", "nonsense")
        let (outcome, report) = try check(root, "--only", "variable,user")
        #expect(outcome.status == 1)
        #expect(report.failures == ["variable ENDOREG_DEPLOYMENT_ROLE one_of"])
        // Only the kinds asked for: the environment file's own results are kind environment.
        #expect(Set(report.results.compactMap { $0["kind"] as? String }) == ["variable", "user"])
    }

    @Test func theReportCanBeWrittenToAFile() throws {
        let root = try SampleRoot()
        let out = TemporaryDirectory()
        let outcome = try run(hostcontractExecutable, ["check", "contracts/lx-annotate.toml", "--root", root.path, "--format", "json", "--output", out.path + "/report.json"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.isEmpty)
        let report = try JSONReportView(String(contentsOfFile: out.path + "/report.json", encoding: .utf8))
        #expect(report.passed)
    }

    @Test func textReportNamesTheFixAndTheContractLine() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import/video_import", 0o755)
        let outcome = try run(hostcontractExecutable, ["check", "contracts/lx-annotate.toml", "--root", root.path], environment: ["NO_COLOR": "1"])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("/var/lib/lx-annotate/data/import/video_import: mode: mode is 0755, contract requires 0770"))
        #expect(outcome.standardOutput.contains("required by contracts/lx-annotate.toml:"))
        #expect(outcome.standardOutput.contains("fix: chmod 0770 \(root.path)/var/lib/lx-annotate/data/import/video_import"))
        #expect(outcome.standardOutput.contains("contract lx-annotate violated: 1 failure"))
        #expect(!outcome.standardOutput.contains("\u{1B}["))
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFOInPlaceOfTheEnvironmentFileIsAFindingNotAHang() throws {
        let root = try SampleRoot()
        root.remove("/var/lib/lx-annotate/.env.systemd")
        #expect(mkfifo(root.at("/var/lib/lx-annotate/.env.systemd"), 0o640) == 0)
        let (outcome, report) = try check(root)
        #expect(outcome.status == 1)
        #expect(report.failures.contains("environment /var/lib/lx-annotate/.env.systemd readable"))
        #expect(report.failures.contains("file /var/lib/lx-annotate/.env.systemd exists"))
        let file = try #require(report.results(subject: "/var/lib/lx-annotate/.env.systemd", check: "exists").first)
        #expect((file["message"] as? String)?.contains("FIFO") == true)
    }

    @Test func aDanglingSymbolicLinkIsNamed() throws {
        let root = try SampleRoot()
        root.remove("/var/lib/lx-annotate/staticfiles")
        try FileManager.default.createSymbolicLink(atPath: root.at("/var/lib/lx-annotate/staticfiles"), withDestinationPath: "/opt/build/staticfiles")
        let (_, report) = try check(root)
        let finding = try #require(report.results(subject: "/var/lib/lx-annotate/staticfiles", check: "exists").first)
        #expect(finding["message"] as? String == "/var/lib/lx-annotate/staticfiles is a symbolic link whose target does not exist")
    }

    @Test func aLinkOutOfTheRootIsResolvedInsideIt() throws {
        let root = try SampleRoot()
        let outside = try SampleRoot()  // a complete tree outside the audited root
        root.remove("/var/lib/lx-annotate/staticfiles")
        try FileManager.default.createSymbolicLink(atPath: root.at("/var/lib/lx-annotate/staticfiles"), withDestinationPath: outside.at("/var/lib/lx-annotate/staticfiles"))
        let (_, report) = try check(root)
        let finding = try #require(report.results(subject: "/var/lib/lx-annotate/staticfiles", check: "exists").first)
        #expect(finding["status"] as? String == "fail")
    }

    @Test func aDirectoryTheAuditorCannotEnterIsAFinding() throws {
        let root = try SampleRoot()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        let outcome = try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", hostcontractExecutable,
                                                   "check", "contracts/lx-annotate.toml", "--root", root.path, "--format", "json"])
        #expect(outcome.status == 1, "\(outcome.standardError)")
        let report = try JSONReportView(outcome.standardOutput)
        let key = try #require(report.results(subject: "/etc/secrets/vault/lx-annotate-master.key", check: "exists").first)
        #expect((key["message"] as? String)?.hasPrefix("/etc/secrets/vault/lx-annotate-master.key cannot be inspected: permission denied") == true)
    }
}

/// What `[[access]]` findings say, on sample roots.
@Suite(.enabled(if: runningAsRoot, "building sample roots needs chown"))
struct AccessFindingTests {
    func report(_ root: SampleRoot) throws -> JSONReportView {
        try JSONReportView(try hostcontract("check", "contracts/lx-annotate.toml", "--root", root.path, "--only", "access", "--format", "json").standardOutput)
    }

    @Test func nginxOutOfTheServiceGroupCannotReadProtectedMedia() throws {
        let root = try SampleRoot()
        try "root:x:0:\nlx-annotate:x:990:\nnginx:x:991:\nsensitiveServices:x:989:lx-annotate\n"
            .write(toFile: root.at("/etc/group"), atomically: false, encoding: .utf8)
        let read = try #require(try report(root).results(subject: "/var/lib/lx-annotate/data/storage", check: "read").first)
        #expect(read["status"] as? String == "fail")
        #expect(read["message"] as? String == "nginx cannot read /var/lib/lx-annotate/data/storage: cannot search /var/lib/lx-annotate: other has ---, and nginx is not in group lx-annotate")
        #expect(read["fix"] as? String == "usermod --root \(root.path) -aG lx-annotate nginx")
    }

    @Test func accessGrantedThroughOtherFailsVia() throws {
        let root = try SampleRoot()
        for path in ["/var/lib/lx-annotate", "/var/lib/lx-annotate/data", "/var/lib/lx-annotate/data/storage"] { root.chmod(path, 0o755) }
        try "root:x:0:\nlx-annotate:x:990:\nnginx:x:991:\nsensitiveServices:x:989:lx-annotate\n"
            .write(toFile: root.at("/etc/group"), atomically: false, encoding: .utf8)
        let view = try report(root)
        #expect(view.results(subject: "/var/lib/lx-annotate/data/storage", check: "read").first?["status"] as? String == "pass")
        let via = try #require(view.results(subject: "/var/lib/lx-annotate/data/storage", check: "via").first)
        #expect(via["status"] as? String == "fail")
        #expect((via["message"] as? String)?.contains("read is granted through other, not group") == true)
    }

    @Test func aWritableProtectedRootFailsTheDeny() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/storage", 0o770)
        let write = try #require(try report(root).results(subject: "/var/lib/lx-annotate/data/storage", check: "write").first)
        #expect(write["status"] as? String == "fail")
        #expect(write["message"] as? String == "nginx can write /var/lib/lx-annotate/data/storage: granted through group lx-annotate")
        // The contract's own mode for the path, as its mode finding prints it: never a mode of its own.
        #expect(write["fix"] as? String == "chmod 0750 \(root.path)/var/lib/lx-annotate/data/storage")
    }
}
