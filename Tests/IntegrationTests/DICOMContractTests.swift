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
        #expect((report.results(subject: path, check: "forbid").first?["message"] as? String)?.hasPrefix("line 9 matches forbidden pattern '__[A-Z0-9_]+__'") == true)
        #expect(!all.contains("backup_reader"))
    }

    @Test func theDatabasePasswordIsRequiredAndNeverShown() throws {
        let environment = root.path + "/etc/dicom-backup/backup.env"
        try "LOG_LEVEL=TRACE\nUCLA_MOSAIQ_DB_PASSWORD=PWCANARY\n".write(toFile: environment, atomically: false, encoding: .utf8)
        let (status, report, all) = try check()
        #expect(status == 1)
        #expect(report.failures == ["variable LOG_LEVEL one_of", "variable UCLA_MOSAIQ_DB_PASSWORD min_length"])
        #expect(!all.contains("PWCANARY"))
    }
}
