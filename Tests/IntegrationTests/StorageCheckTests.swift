import Foundation
import TestSupport
import Testing

/// The storage rules of `[[directory]]` on real mounts the test makes (a 1 MiB tmpfs), read
/// through statvfs and mountinfo: mount point, filesystem type, one filesystem for two paths,
/// free space and inodes; skipped under --root.
@Suite(.serialized, .enabled(if: runningAsRoot, "mounting a tmpfs needs root"))
struct StorageCheckTests {
    final class Mounted {
        let directory = TemporaryDirectory("storage")
        var data: String { directory.path + "/data" }
        var other: String { directory.path + "/other" }

        init() throws {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
            let mounted = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m,nr_inodes=64", "tmpfs", data])
            guard mounted.status == 0 else { throw FixtureError(message: mounted.all) }
        }

        deinit { _ = try? run("/bin/umount", [data]) }
    }

    func check(_ root: Mounted, _ entries: String, extra: [String] = []) throws -> JSONReportView {
        let contract = root.directory.write("storage.toml", "contract = \"storage\"\nschema = 1\n\n" + entries)
        let outcome = try run(hostcontractExecutable, ["check", contract, "--format", "json"] + extra)
        #expect([0, 1].contains(outcome.status), "\(outcome.all)")
        return try JSONReportView(outcome.standardOutput)
    }

    @Test func aTmpfsIsSeenForWhatItIs() throws {
        let root = try Mounted()
        let report = try check(root, """
            [[directory]]
            path = "\(root.data)"
            mount_point = true
            filesystem = ["tmpfs"]
            min_free = "50%"
            min_free_inodes = 10

            [[directory]]
            path = "\(root.data)"
            not_filesystem = ["tmpfs"]

            [[directory]]
            path = "\(root.other)"
            same_filesystem_as = "\(root.data)"
            mount_point = false
            """)
        #expect(Set(report.failures) == ["directory \(root.data) filesystem", "directory \(root.other) same_filesystem_as"], "\(report.results)")
        let memory = try #require(report.results.first { $0["check"] as? String == "filesystem" && $0["status"] as? String == "fail" })
        #expect((memory["message"] as? String)?.contains("memory, gone at reboot") == true, "\(memory)")
        let moved = try #require(report.results.first { $0["check"] as? String == "same_filesystem_as" })
        #expect((moved["message"] as? String)?.contains("not an atomic rename") == true, "\(moved)")
    }

    /// Filled up: 900 KiB of 1 MiB used fails min_free = "50%" and "512K"; 60 files of 64
    /// inodes fail min_free_inodes.
    @Test func aFullFilesystemFailsItsMinimum() throws {
        let root = try Mounted()
        let filled = try run("/bin/sh", ["-c", "head -c 921600 /dev/zero > '\(root.data)/big'; for i in $(seq 1 60); do : > '\(root.data)/f'$i; done"])
        #expect(filled.status == 0 || filled.standardError.contains("No space left"), "\(filled.all)")
        let report = try check(root, """
            [[directory]]
            path = "\(root.data)"
            min_free = "50%"

            [[directory]]
            path = "\(root.data)"
            min_free = "512K"
            min_free_inodes = "10%"
            """)
        #expect(Set(report.failures) == ["directory \(root.data) min_free", "directory \(root.data) min_free_inodes"], "\(report.results)")
        #expect(report.results.filter { $0["check"] as? String == "min_free" }.allSatisfy { $0["status"] as? String == "fail" })
    }

    @Test func underARootStorageIsSkipped() throws {
        let root = try Mounted()
        let report = try check(root, "[[directory]]\npath = \"/data\"\ncreate = false\nmount_point = true\nmin_free = \"10%\"\n",
                               extra: ["--root", root.directory.path])
        let storage = report.results.filter { ["mount_point", "min_free"].contains($0["check"] as? String ?? "") }
        #expect(storage.count == 2 && storage.allSatisfy { $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("--root") == true },
                "\(report.results)")
    }

    @Test func lintRefusesBadSizes() throws {
        let directory = TemporaryDirectory("storage-lint")
        let contract = directory.write("bad.toml", "contract = \"bad\"\nschema = 1\n\n[[directory]]\npath = \"/srv\"\nmin_free = \"lots\"\nfilesystem = [\"ext 4\"]\n")
        let outcome = try run(hostcontractExecutable, ["lint", contract])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("bad.toml:6:") && outcome.standardError.contains("'lots' is not a size"), "\(outcome.all)")
        #expect(outcome.standardError.contains("'ext 4' is not a filesystem type"), "\(outcome.all)")
    }
}
