import Foundation
import Host
import TestSupport
import Testing

/// Whether another filesystem is mounted at a directory, with real mounts made by the test.
@Suite(.enabled(if: runningAsRoot, "mounting needs root"))
struct MountPointTests {
    /// Mounts with mount(8), runs `body`, and unmounts.
    func withMount(_ arguments: [String], at target: String, _ body: () throws -> Void) throws {
        let outcome = try run("/usr/bin/mount", arguments + [target])
        guard outcome.status == 0 else { throw FixtureError(message: "mount failed: \(outcome.all)") }
        defer { _ = try? run("/usr/bin/umount", [target]) }
        try body()
    }

    @Test func aTmpfsMountedOnTheHostIsAMountPointAndMountinfoNamesIt() throws {
        let directory = TemporaryDirectory("mount")
        try FileManager.default.createDirectory(atPath: directory.path + "/data", withIntermediateDirectories: false)
        let host = try RootDirectory(path: "/")
        let before = try MountPoint.observe(directory.path + "/data", in: host).get()
        #expect(!before.isMounted)
        try withMount(["-t", "tmpfs", "hostcontract-test"], at: directory.path + "/data") {
            let after = try MountPoint.observe(directory.path + "/data", in: host).get()
            #expect(after.isMounted)
            #expect(after.mount?.point == directory.path + "/data")
            #expect(after.mount?.filesystem == "tmpfs")
            #expect(after.mount?.source == "hostcontract-test")
        }
    }

    @Test func aBindMountFromTheSameFilesystemIsNotAnotherFilesystem() throws {
        let directory = TemporaryDirectory("mount")
        try FileManager.default.createDirectory(atPath: directory.path + "/data", withIntermediateDirectories: false)
        try withMount(["--bind", directory.path + "/data"], at: directory.path + "/data") {
            let point = try MountPoint.observe(directory.path + "/data", in: try RootDirectory(path: "/")).get()
            // Written below it, data would still land on the parent's disk.
            #expect(!point.isMounted)
            #expect(point.mount?.point == directory.path + "/data")
        }
    }

    @Test func underARootTheDirectoryOfTheImageIsJudgedAndMountinfoIsNotRead() throws {
        let directory = TemporaryDirectory("mount")
        try FileManager.default.createDirectory(atPath: directory.path + "/srv/data", withIntermediateDirectories: true)
        let root = try RootDirectory(path: directory.path)
        #expect(try MountPoint.observe("/srv/data", in: root).get().isMounted == false)
        try withMount(["-t", "tmpfs", "hostcontract-test"], at: directory.path + "/srv/data") {
            let point = try MountPoint.observe("/srv/data", in: root).get()
            #expect(point.isMounted)
            #expect(point.mount == nil)
        }
    }

    @Test func aMissingPathIsNotFoundAndALinkIsNeverAMountPoint() throws {
        let directory = TemporaryDirectory("mount")
        let root = try RootDirectory(path: directory.path)
        #expect(throws: HostError.self) { try MountPoint.observe("/nothing", in: root).get() }
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link", withDestinationPath: "/proc")
        let link = try MountPoint.observe("/link", in: root).get()
        #expect(link.kind == .symbolicLink)
        #expect(!link.isMounted)
    }
}
