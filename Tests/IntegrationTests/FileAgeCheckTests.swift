import Foundation
import TestSupport
import Testing

/// `max_age` through the built binary on an image root: modification times set on real files,
/// judged by this machine's clock.
@Suite struct FileAgeCheckTests {
    @Test func aStaleBackupFailsAndAFreshOneHolds() throws {
        let root = TemporaryDirectory("age")
        let stale = root.write("var/backups/hub.sql.gz", "old\n")
        let fresh = root.write("var/backups/dicom/latest.tar", "new\n")
        let now = Date()
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-30 * 3600)], ofItemAtPath: stale)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-3600)], ofItemAtPath: fresh)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-3600)], ofItemAtPath: root.path + "/var/backups/dicom")
        let contract = root.write("backup.toml", """
            contract = "backup"
            schema = 1

            [[file]]
            path = "/var/backups/hub.sql.gz"
            max_age = "26h"

            [[directory]]
            path = "/var/backups/dicom"
            max_age = "1d"
            create = false
            """)
        let outcome = try hostcontract("check", contract, "--root", root.path, "--format", "json", "--allow-untrusted-contract")
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures == ["file /var/backups/hub.sql.gz max_age"])
        let finding = try #require(report.results(subject: "/var/backups/hub.sql.gz", check: "max_age").first)
        #expect((finding["message"] as? String)?.hasPrefix("/var/backups/hub.sql.gz was last modified 1d 6h ago (") == true, "\(finding)")
        #expect((finding["message"] as? String)?.hasSuffix("), longer ago than max_age 26h") == true, "\(finding)")
        #expect(finding["actual"] as? String == "modified 1d 6h ago")
        #expect(finding["line"] as? Int == 6)
        #expect(report.results(subject: "/var/backups/dicom", check: "max_age").first?["status"] as? String == "pass")

        try FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: stale)
        let holds = try hostcontract("check", contract, "--root", root.path, "--allow-untrusted-contract")
        #expect(holds.status == 0, "\(holds.all)")
    }
}
