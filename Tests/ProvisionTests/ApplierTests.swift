import Contract
import Foundation
import Host
import Provision
import TestSupport
import Testing

/// The plan and its application, driven phase by phase.
@Suite(.enabled(if: runningAsRoot, "needs chown"))
struct ApplierTests {
    func contract() throws -> Contract {
        let outcome = ContractFile.load(packageDirectory.path + "/contracts/lx-annotate.toml")
        return try #require(outcome.contract)
    }

    @Test func aDirectorySwappedForALinkBetweenPlanAndApplyIsNotFollowed() throws {
        let root = try SampleRoot()
        root.chmod("/var/lib/lx-annotate/data/import/video_import", 0o755)
        let outside = TemporaryDirectory("sentinel")
        try FileManager.default.createDirectory(atPath: outside.path + "/target", withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o755, .ownerAccountID: 0, .groupOwnerAccountID: 0], ofItemAtPath: outside.path + "/target")
        outside.write("target/file", "sentinel\n")
        let state = try snapshot(outside.path)

        let provisioner = Provisioner(contract: try contract(), root: root.path)
        let (plan, rootDirectory) = try provisioner.plan()
        #expect(plan.actions.contains { $0.path == "/var/lib/lx-annotate/data/import/video_import" && $0.kind == .chmod })

        // Between the two phases the directory becomes a link to a directory outside the root.
        root.remove("/var/lib/lx-annotate/data/import/video_import")
        try FileManager.default.createSymbolicLink(atPath: root.at("/var/lib/lx-annotate/data/import/video_import"), withDestinationPath: outside.path + "/target")

        let actions = Applier(root: rootDirectory).apply(plan)
        let conflict = actions.first { $0.path == "/var/lib/lx-annotate/data/import/video_import" }
        #expect(conflict?.status == .conflict)
        #expect(conflict?.message.contains("symbolic link") == true)
        #expect(try snapshot(outside.path) == state)
    }

    @Test func aParentSwappedForALinkBetweenPlanAndApplyIsNotFollowed() throws {
        let root = try EmptyRoot()
        let outside = TemporaryDirectory("sentinel")
        let state = try snapshot(outside.path)
        let provisioner = Provisioner(contract: try contract(), root: root.path)
        let (plan, rootDirectory) = try provisioner.plan()
        #expect(plan.actions.contains { $0.kind == .create && $0.path == "/var/lib/lx-annotate/data/import" })
        // The mount point is replaced by a link to the outside before application.
        try FileManager.default.removeItem(atPath: root.path + "/var/lib/lx-annotate/data")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/var/lib/lx-annotate/data", withDestinationPath: outside.path)
        let actions = Applier(root: rootDirectory).apply(plan)
        #expect(actions.contains { $0.status == .conflict && $0.path.hasPrefix("/var/lib/lx-annotate/data") })
        #expect(try snapshot(outside.path) == state)
        #expect((try FileManager.default.contentsOfDirectory(atPath: outside.path)).isEmpty)
    }

    @Test func aclEntriesAreAddedAndTheMaskRecalculated() throws {
        let directory = TemporaryDirectory()
        let text = """
            contract = "acl"
            schema = 1

            [[directory]]
            path = "/srv/media"
            mode = "0750"
            acl = ["user:41001:r-x", "group:43000:rwx"]
            """
        let file = directory.write("acl.toml", text)
        let root = TemporaryDirectory()
        let contract = try #require(ContractFile.load(file).contract)
        let outcome = try Provisioner(contract: contract, root: root.path).run(dryRun: false)
        #expect(outcome.converged, "\(outcome.actions)")
        let acl = try run("/usr/bin/getfacl", ["-n", "-c", "-p", root.path + "/srv/media"]).standardOutput
        #expect(acl.contains("user:41001:r-x"))
        #expect(acl.contains("group:43000:rwx"))
        #expect(acl.contains("mask::rwx"))
        let again = try Provisioner(contract: contract, root: root.path).run(dryRun: false)
        #expect(again.actions.isEmpty)
        let report = try Inspector(contract: contract, root: root.path).run()
        #expect(report.results.first { $0.check == "acl" }?.status == .pass)
    }
}
