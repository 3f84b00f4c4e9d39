import Contract
import TestSupport
import Testing

/// `max_age` on `[[file]]` and `[[directory]]`: the path was modified no longer ago than the
/// limit, by the host's clock (here the literal host's `currentTime`).
@Suite struct FileAgeTests {
    static let now: Int64 = 1_795_000_000
    static let contract = """
        [[file]]
        path = "/var/backups/hub.sql.gz"
        max_age = "26h"
        message = "the nightly backup did not run"

        [[directory]]
        path = "/var/backups/dicom"
        max_age = "2d"
        subdirs = ["daily"]
        """

    func host(file: Int64, directory: Int64) -> LiteralHost {
        let host = LiteralHost()
        host.currentTime = Self.now
        host.add("/var/backups/hub.sql.gz", .regular, mode: 0o640, modified: Self.now - file)
        host.add("/var/backups/dicom", mode: 0o750, modified: Self.now - directory)
        host.add("/var/backups/dicom/daily", mode: 0o750, modified: 0)
        return host
    }

    func ages(_ results: [CheckResult]) -> [CheckResult] { results.filter { $0.check == "max_age" } }

    @Test func recentEnoughHolds() throws {
        let found = ages(ContractText.run(try ContractText.load(Self.contract), host(file: 3600, directory: 86400)))
        #expect(found.map(\.status) == [.pass, .pass])
        #expect(found[1].message == "/var/backups/hub.sql.gz was modified 1h ago (2026-11-18 10:06 UTC), within 26h")
        // Only the directory itself: its subdirectories share owner, group, mode and ACL, not age.
        #expect(found.map(\.subject) == ["/var/backups/dicom", "/var/backups/hub.sql.gz"])
    }

    @Test func olderThanTheLimitSaysTheAgeAndTheLimit() throws {
        let found = ages(ContractText.run(try ContractText.load(Self.contract), host(file: 30 * 3600 + 720, directory: 3 * 86400)))
        #expect(found.map(\.status) == [.fail, .fail])
        let file = found[1]
        #expect(file.message == "/var/backups/hub.sql.gz was last modified 1d 6h ago (2026-11-17 04:54 UTC), longer ago than max_age 26h: the nightly backup did not run")
        #expect(file.expected == "modified within 26h")
        #expect(file.actual == "modified 1d 6h ago")
        #expect(file.line == 5)
        #expect(file.fix == "(decide) find out why nothing has written /var/backups/hub.sql.gz since 2026-11-17 04:54 UTC: the job that writes it (its timer or cron entry) has not run, or has failed")
        #expect(found[0].message.hasPrefix("/var/backups/dicom was last modified 3d ago"))
    }

    @Test func aMissingPathSkipsTheAgeAndAFutureTimePasses() throws {
        let contract = try ContractText.load(Self.contract)
        let host = LiteralHost()
        host.currentTime = Self.now
        host.add("/var/backups/dicom", mode: 0o750, modified: Self.now + 600)
        let found = ages(ContractText.run(contract, host))
        #expect(found.map(\.status) == [.pass, .skip])
        #expect(found[0].message.contains("after this host's clock"))
    }

    @Test func agesAreReadInTheirLargestUnits() {
        #expect(AgeLimit.describe(45) == "45s")
        #expect(AgeLimit.describe(26 * 60 + 5) == "26m 5s")
        #expect(AgeLimit.describe(26 * 3600) == "1d 2h")
        #expect(AgeLimit.describe(86400 + 60) == "1d")
        #expect(AgeLimit("26h")?.seconds == Int64(26 * 3600))
        #expect(AgeLimit("7d")?.seconds == Int64(7 * 86400))
        for text in ["26", "h", "0h", "-1h", "+1h", "1.5h", "26H", "1w", "99999999999d"] { #expect(AgeLimit(text) == nil, "\(text)") }
    }

    @Test func aMalformedAgeIsALintError() {
        ContractText.expectError("[[file]]\npath = \"/x\"\n1️⃣max_age = \"26\"\n", "max_age:", "'26' is not an age: write a whole number and s, m, h or d")
        ContractText.expectError("[[directory]]\npath = \"/x\"\n1️⃣max_age = 26\n", "max_age:", "expected a quoted duration such as \"26h\", found an integer")
        ContractText.expectError("[[file]]\npath = \"/x\"\nabsent = true\n1️⃣max_age = \"1d\"\n", "'max_age' describes a path that exists")
    }
}
