import Foundation
import TestSupport
import Testing

/// contracts/dicom-backup.toml on its sample application host.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct DICOMContractTests {
    let root = TemporaryDirectory("dicom")
    var configuration: String { root.path + "/opt/dicom-backup/src/config/environments.toml" }

    init() throws {
        let made = try run("/bin/bash", [packageDirectory.path + "/examples/dicom-backup/make-root.sh", root.path])
        guard made.status == 0 else { throw FixtureError(message: made.all) }
    }

    func check() throws -> (Int32, JSONReportView, String) {
        let outcome = try hostcontract("check", "contracts/dicom-backup.toml", "--root", root.path, "--format", "json")
        return (outcome.status, try JSONReportView(outcome.standardOutput), outcome.all)
    }

    @Test func theSampleHostHolds() throws {
        let (status, report, _) = try check()
        #expect(status == 0, "\(report.failures)")
    }

    @Test func anUnsubstitutedPlaceholderAndAReadableConfiguration() throws {
        let text = try String(contentsOfFile: configuration, encoding: .utf8)
        try text.replacing("substituted-at-deploy-time", with: "__UCLA_MOSAIQ_DB_PASSWORD__").write(toFile: configuration, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: configuration)
        let (status, report, all) = try check()
        #expect(status == 1)
        let path = "/opt/dicom-backup/src/config/environments.toml"
        #expect(report.failures == ["file \(path) mode", "file \(path) forbid"])
        #expect((report.results(subject: path, check: "forbid").first?["message"] as? String)?.hasPrefix("line 21 matches forbidden pattern '__[A-Z0-9_]+__'") == true)
        #expect(!all.contains("backup_reader"))
    }

    @Test func theDatabasePasswordIsRequiredAndNeverShown() throws {
        let environment = root.path + "/etc/dicom-backup/backup.env"
        try "DICOM_BACKUP_ENVIRONMENT=UCLA\nLOG_LEVEL=TRACE\nUCLA_MOSAIQ_DB_PASSWORD=PWCANARY\n".write(toFile: environment, atomically: false, encoding: .utf8)
        let (status, report, all) = try check()
        #expect(status == 1)
        // TRACE is no level the application knows, and not production's INFO (guide 004 line 89).
        #expect(report.failures == ["variable LOG_LEVEL one_of", "variable LOG_LEVEL equals", "variable UCLA_MOSAIQ_DB_PASSWORD min_length"])
        #expect(!all.contains("PWCANARY"))
    }

    // MARK: - environments.toml (guide 004, section 3)

    let configPath = "/opt/dicom-backup/src/config/environments.toml"

    func plant(_ original: String, _ replacement: String) throws {
        let text = try String(contentsOfFile: configuration, encoding: .utf8)
        #expect(text.contains(original), "the sample file has no '\(original)'")
        try text.replacing(original, with: replacement).write(toFile: configuration, atomically: false, encoding: .utf8)
    }

    @Test(arguments: [
        ("default_source = \"MOSAIQ_DB\"", "default_source = \"ARIA\"", "UCLA.default_source names_key_in"),
        ("default_backup = \"ORTHANC_MAIN\"", "default_backup = \"orthanc-main\"", "UCLA.default_backup names_key_in"),
        ("staging_target_alias = \"MOSAIQ_STAGE\"", "staging_target_alias = \"STAGE\"",
         "UCLA.sources.MOSAIQ_DB.staging_target_alias names_key_in"),
        ("type = \"mosaiq\"", "type = \"mosaic\"", "UCLA.sources.MOSAIQ_DB.type one_of"),
        ("type = \"orthanc\"", "type = \"dicom\"", "UCLA.backup_targets.ORTHANC_MAIN.type equals"),
        ("port = 4242", "port = \"4242\"", "UCLA.backup_targets.ORTHANC_MAIN.port type"),
        ("max_uids_per_run = 500", "max_uids_per_run = \"500\"", "UCLA.settings.max_uids_per_run type"),
        ("aet = \"UCLA_BACKUP\"", "aet = \"UCLA_RADONC_BACKUP_HOST\"", "UCLA.script_ae.aet pattern"),
        ("aet = \"UCLA_BACKUP\"", "", "UCLA.script_ae.aet required"),
        ("db_password = \"substituted-at-deploy-time\"", "", "UCLA.sources.MOSAIQ_DB.db_password required"),
    ])
    func aPlantedConfigurationFault(_ original: String, _ replacement: String, _ failure: String) throws {
        try expectPlanted(original, replacement, fails: "config \(configPath) \(failure)")
    }

    /// Plants a fault in environments.toml and expects `failure` (kind, subject, check) alone,
    /// and none of the file's credentials in the output.
    func expectPlanted(_ original: String, _ replacement: String, fails failure: String) throws {
        try plant(original, replacement)
        let (status, report, all) = try check()
        #expect(status == 1)
        #expect(report.failures == [failure])
        #expect(!all.contains("substituted-at-deploy-time"))
        #expect(!all.contains("backup_reader"))
    }

    @Test func aDanglingDefaultSourceNamesTheSourcesThatExist() throws {
        try plant("default_source = \"MOSAIQ_DB\"", "default_source = \"ARIA\"")
        let (_, report, _) = try check()
        let result = try #require(report.results(subject: configPath + " UCLA.default_source", check: "names_key_in").first)
        #expect(result["message"] as? String == "line 3: UCLA.default_source names 'ARIA', which is not an entry of UCLA.sources (it has ARIA_MAIN, MIM_MAIN, MOSAIQ_DB)")
        #expect((result["fix"] as? String)?.hasPrefix("(decide) set UCLA.default_source in ") == true)
    }

    @Test func aMalformedConfigurationIsAFindingAtItsLine() throws {
        try plant("ip = \"10.20.0.50\"", "ip = \"10.20.0.50")
        let (status, report, _) = try check()
        #expect(status == 1)
        let parse = report.results.filter { $0["check"] as? String == "parse" && $0["status"] as? String == "fail" }
        // Every [[config]] entry of the file (29, one with its message appended) and no other.
        #expect(parse.count == 29)
        #expect(parse.allSatisfy { ($0["message"] as? String)?.hasPrefix("\(configPath):28: not valid TOML") == true })
        #expect(Set(parse.compactMap { $0["fix"] as? String }).count == 1)
    }

    // MARK: - The peers environments.toml names (guide 004, section 2)

    /// Under --root every peer's host and port are read from the image's environments.toml and
    /// no connection is tried.
    @Test func thePeersAreReadAndNotReached() throws {
        let (_, report, _) = try check()
        let peers = [
            "UCLA.sources.ARIA_MAIN.{ip,port}", "UCLA.sources.MIM_MAIN.{ip,port}", "UCLA.sources.MOSAIQ_DB.db_server:1433",
            "UCLA.backup_targets.ORTHANC_MAIN.{ip,port}", "UCLA.backup_targets.MOSAIQ_STAGE.{ip,port}",
        ]
        let connects = report.results.filter { $0["kind"] as? String == "connect" }
        #expect(Set(connects.compactMap { $0["subject"] as? String }) == Set(peers.map { configPath + " " + $0 }))
        #expect(connects.filter { $0["check"] as? String == "address" }.allSatisfy { $0["status"] as? String == "pass" })
        #expect(connects.filter { $0["check"] as? String == "reachable" }.allSatisfy {
            $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("--root") == true
        })
        #expect((report.results(subject: configPath + " " + peers[2], check: "address").first?["message"] as? String)?
            .hasPrefix("mosaiq-db.ucla.internal:1433 from UCLA.sources.MOSAIQ_DB.db_server (line 18)") == true)
    }

    @Test(arguments: [
        ("ip = \"10.20.0.12\"\n", "", "UCLA.sources.MIM_MAIN.{ip,port}"),
        ("db_server = \"mosaiq-db.ucla.internal\"", "db_server = \"mosaiq-db.ucla.internal\\\\MOSAIQ\"",
         "UCLA.sources.MOSAIQ_DB.db_server:1433"),
        ("ip = \"10.20.0.51\"\nport = 11112", "ip = \"10.20.0.51\"\nport = 0", "UCLA.backup_targets.MOSAIQ_STAGE.{ip,port}"),
    ])
    func aPeerTheConfigurationDoesNotHold(_ original: String, _ replacement: String, _ peer: String) throws {
        try expectPlanted(original, replacement, fails: "connect \(configPath) \(peer) address")
    }

    // MARK: - The environment this host backs up (guide 004 lines 73, 97: UCLA, TJU)

    /// A TJU host is checked against the [TJU] tables and TJU's database password; what is wrong
    /// in the UCLA block of the same file is not its business, and what is wrong in TJU's is.
    @Test func aTJUHostIsCheckedAgainstItsOwnEnvironment() throws {
        let tju = TemporaryDirectory("dicom-tju")
        let made = try run("/bin/bash", [packageDirectory.path + "/examples/dicom-backup/make-root.sh", tju.path, "TJU"])
        try #require(made.status == 0, "\(made.all)")
        func check() throws -> (Int32, JSONReportView) {
            let outcome = try hostcontract("check", "contracts/dicom-backup.toml", "--root", tju.path, "--format", "json")
            return (outcome.status, try JSONReportView(outcome.standardOutput))
        }
        let (status, report) = try check()
        #expect(status == 0, "\(report.failures)")
        let configs = report.results.filter { $0["kind"] as? String == "config" && ($0["subject"] as? String)?.hasPrefix(configPath) == true }
        #expect(!configs.isEmpty && configs.allSatisfy { ($0["subject"] as? String)?.hasPrefix(configPath + " TJU") == true })
        #expect(report.results(subject: "UCLA_MOSAIQ_DB_PASSWORD", check: "required").first?["status"] as? String == "skip")
        #expect(report.results(subject: "TJU_MOSAIQ_DB_PASSWORD", check: "required").first?["status"] as? String == "pass")

        let file = tju.path + configPath
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacing("default_source = \"MOSAIQ_DB\"", with: "default_source = \"ARIA\"")
            .replacing("default_source = \"ARIA_MAIN\"", with: "default_source = \"ARIA-MAIN\"")
            .write(toFile: file, atomically: false, encoding: .utf8)
        let (broken, faults) = try check()
        #expect(broken == 1)
        #expect(faults.failures == ["config \(configPath) TJU.default_source names_key_in"])

        try "DICOM_BACKUP_ENVIRONMENT=TJU\nLOG_LEVEL=INFO\nUCLA_MOSAIQ_DB_PASSWORD=long-enough-password\n"
            .write(toFile: tju.path + "/etc/dicom-backup/backup.env", atomically: false, encoding: .utf8)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        let (_, missing) = try check()
        #expect(missing.failures == ["variable TJU_MOSAIQ_DB_PASSWORD required"])
    }

    /// The Mosaiq password in environments.toml is secret: in no format, whether the file reads
    /// or breaks on the password's own line (where toml++'s words could quote it).
    @Test(arguments: ["text", "json", "junit", "sarif", "prometheus"], [false, true])
    func theDatabasePasswordInTheConfigurationIsNeverShown(_ format: String, _ broken: Bool) throws {
        try plant("\"substituted-at-deploy-time\"", broken ? "\"CFGCANARY-4411" : "\"CFGCANARY-4411\"")
        try plant("default_source = \"MOSAIQ_DB\"", "default_source = \"ARIA\"")
        let outcome = try hostcontract("check", "contracts/dicom-backup.toml", "--root", root.path, "--format", format)
        #expect(outcome.status == 1)
        if format != "prometheus" { #expect(outcome.all.contains(broken ? "not valid TOML" : "ARIA"), "\(outcome.all)") }
        #expect(!outcome.all.contains("CFGCANARY"))
        #expect(!outcome.all.contains("4411"))
    }
}
