import Foundation
import Glibc
import TestSupport
import Testing

/// `absent = true` through the built binary on an image root: the legacy data tree and a
/// dangling link where the old environment file was are findings; `provision` neither makes
/// nor touches them; `tmpfiles` writes no line for them.
@Suite struct AbsentPathCheckTests {
    static let contract = """
        contract = "migrated"
        schema = 1

        [[directory]]
        path = "/srv/app"
        mode = "0755"

        [[directory]]
        path = "/srv/app/data"
        absent = true
        message = "the data moved to /var/lib/app"

        [[file]]
        path = "/srv/app/.env"
        absent = true
        """

    /// A root where the migration left the old tree (mode 0777) and a dangling link behind.
    func image() throws -> (root: TemporaryDirectory, contract: String) {
        let root = TemporaryDirectory("absent")
        try FileManager.default.createDirectory(atPath: root.path + "/srv/app/data/videos", withIntermediateDirectories: true)
        chmod(root.path + "/srv/app", 0o755)
        chmod(root.path + "/srv/app/data", 0o777)
        #expect(symlink("/nonexistent/.env", root.path + "/srv/app/.env") == 0)
        return (root, root.write("migrated.toml", Self.contract))
    }

    @Test func whatTheMigrationLeftIsAFindingAndItsRemovalHolds() throws {
        let (root, contract) = try image()
        let outcome = try hostcontract("check", contract, "--root", root.path, "--format", "json", "--allow-untrusted-contract")
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures == ["directory /srv/app/data absent", "file /srv/app/.env absent"])
        let data = try #require(report.results(subject: "/srv/app/data", check: "absent").first)
        #expect(data["message"] as? String == "/srv/app/data exists (a directory) and must not: the data moved to /var/lib/app")
        #expect((data["fix"] as? String)?.hasPrefix("(decide) move \(root.path)/srv/app/data away") == true)
        #expect(data["line"] as? Int == 10)
        #expect(report.results(subject: "/srv/app/.env", check: "absent").first?["actual"] as? String == "symbolic link")

        try FileManager.default.removeItem(atPath: root.path + "/srv/app/data")
        try FileManager.default.removeItem(atPath: root.path + "/srv/app/.env")
        let holds = try hostcontract("check", contract, "--root", root.path, "--allow-untrusted-contract")
        #expect(holds.status == 0, "\(holds.all)")
    }

    @Test(.enabled(if: runningAsRoot, "provision as the tests run it needs root"))
    func provisionNeitherMakesNorTouchesIt() throws {
        let (root, contract) = try image()
        chmod(root.path + "/srv/app", 0o700)
        let present = try hostcontract("provision", contract, "--root", root.path, "--allow-untrusted-contract")
        #expect(present.status == 0, "\(present.all)")
        #expect(!present.standardOutput.contains("/srv/app/data"), "\(present.all)")
        var status = stat()
        #expect(stat(root.path + "/srv/app/data", &status) == 0 && status.st_mode & 0o7777 == 0o777)
        #expect(stat(root.path + "/srv/app", &status) == 0 && status.st_mode & 0o7777 == 0o755)

        try FileManager.default.removeItem(atPath: root.path + "/srv/app/data")
        let missing = try hostcontract("provision", contract, "--root", root.path, "--allow-untrusted-contract")
        #expect(missing.status == 0, "\(missing.all)")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/srv/app/data"))
    }

    @Test func theTmpfilesFragmentHasNoLineForIt() throws {
        let image = try image()
        let outcome = try hostcontract("tmpfiles", image.contract)
        #expect(outcome.status == 0, "\(outcome.all)")
        let lines = outcome.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == ["d /srv/app 0755 - - -"], "\(outcome.standardOutput)")
    }
}
