import Contract
import Foundation
import Host
import Provision
import TestSupport
import Testing

/// Provisioning below an `[[encrypted]]` path: refused while no volume is mounted there.
@Suite struct EncryptedVolumeTests {
    static let text = """
        contract = "vault"
        schema = 1

        [[variable]]
        name = "ROLE"
        default = "site"

        [[directory]]
        path = "/srv/app"
        owner = "root"
        group = "root"
        mode = "0750"

        [[directory]]
        path = "/srv/app/data"
        owner = "root"
        group = "root"
        mode = "0750"
        create = false

        [[directory]]
        path = "/srv/app/data/import"
        owner = "root"
        group = "root"
        mode = "0770"
        subdirs = ["video", "report"]

        [[directory]]
        path = "/srv/app/static"
        owner = "root"
        group = "root"
        mode = "0755"

        [[encrypted]]
        path = "/srv/app/data"
        type = "luks2"
        """

    /// Mount states given as literals, and the paths asked about.
    final class LiteralMounts: MountPoints {
        var states: [String: MountState]
        var asked: [String] = []
        init(_ states: [String: MountState]) { self.states = states }
        func mountState(of path: String) -> MountState {
            asked.append(path)
            return states[path] ?? .mounted
        }
    }

    func plan(_ mounts: LiteralMounts?, text: String = Self.text) throws -> Planner.Plan {
        let contract = try #require(ContractLoader.load(text: text, file: "vault.toml", patterns: .pcre2).contract)
        let host = LiteralHost()
        host.users = [Account(name: "root", id: 0, primaryGroupID: 0)]
        host.groups = [Account(name: "root", id: 0)]
        host.add("/", mode: 0o755)
        host.add("/srv", mode: 0o755)
        host.add("/srv/app", mode: 0o750)
        host.add("/srv/app/data", mode: 0o750)
        return Planner(contract: contract, environment: ResolvedEnvironment(contract: contract, given: [:]), host: host, mounts: mounts).plan()
    }

    @Test func nothingAtOrBelowAnUnmountedEncryptedPathIsPlannedAndTheRestProceeds() throws {
        let mounts = LiteralMounts(["/srv/app/data": .notMounted("it is on / (ext4, /dev/vda1), the filesystem of its parent")])
        let plan = try plan(mounts)
        let refused = ["/srv/app/data", "/srv/app/data/import", "/srv/app/data/import/report", "/srv/app/data/import/video"]
        #expect(Set(plan.conflicts.map(\.path)) == Set(refused))
        for conflict in plan.conflicts {
            #expect(conflict.message.contains("mount the encrypted volume at /srv/app/data first, then provision again"))
            #expect(conflict.message.contains("it is on / (ext4, /dev/vda1)"))
        }
        #expect(plan.conflicts.first { $0.path == "/srv/app/data" }?.message.contains("no volume is mounted there") == true)
        #expect(plan.targets.allSatisfy { !$0.path.hasPrefix("/srv/app/data") })
        // Everything not below it still proceeds.
        #expect(plan.actions.contains { $0.path == "/srv/app/static" && $0.kind == .create && $0.status == .planned })
        #expect(mounts.asked == ["/srv/app/data"])
    }

    @Test func aMountedEncryptedPathIsProvisionedBelow() throws {
        let plan = try plan(LiteralMounts(["/srv/app/data": .mounted]))
        #expect(plan.conflicts.isEmpty)
        #expect(plan.actions.contains { $0.path == "/srv/app/data/import/video" && $0.kind == .create })
        #expect(plan.notes.isEmpty)
    }

    @Test func aPathTheHostCannotJudgeIsProvisionedWithANote() throws {
        let plan = try plan(LiteralMounts(["/srv/app/data": .unjudged("under --root: not a mount point")]))
        #expect(plan.conflicts.isEmpty)
        #expect(plan.actions.contains { $0.path == "/srv/app/data/import" && $0.kind == .create })
        #expect(plan.notes == ["under --root: not a mount point"])
    }

    @Test func anEncryptedEntryWhoseConditionIsUnmetIsNotAsked() throws {
        let text = Self.text.replacing("type = \"luks2\"", with: "type = \"luks2\"\nwhen = { ROLE = \"hub\" }")
        let mounts = LiteralMounts(["/srv/app/data": .notMounted("it is on /")])
        let plan = try plan(mounts, text: text)
        #expect(plan.conflicts.isEmpty)
        #expect(mounts.asked.isEmpty)
    }

    @Test func anEncryptedPathWithNothingDeclaredBelowIsNotAsked() throws {
        let text = Self.text.replacing("path = \"/srv/app/data\"\ntype", with: "path = \"/srv/elsewhere\"\ntype")
        let mounts = LiteralMounts([:])
        _ = try plan(mounts, text: text)
        #expect(mounts.asked.isEmpty)
    }
}

/// The same refusal with the real host: mounts made in the test, the kernel's device numbers
/// and /proc/self/mountinfo.
@Suite(.enabled(if: runningAsRoot, "mounting needs root"), .serialized)
struct EncryptedVolumeMountTests {
    func contract() throws -> Contract {
        try #require(ContractFile.load(packageDirectory.path + "/contracts/lx-annotate.toml").contract)
    }

    @Test func underRootAMountedDataRootIsProvisionedWithoutANote() throws {
        let root = try EmptyRoot()
        let data = root.path + "/var/lib/lx-annotate/data"
        let mount = try run("/usr/bin/mount", ["-t", "tmpfs", "-o", "mode=0755", "hostcontract-test", data])
        try #require(mount.status == 0, "\(mount.all)")
        defer {
            _ = try? run("/usr/bin/umount", [data])
            withExtendedLifetime(root) {}
        }
        let (plan, _) = try Provisioner(contract: try contract(), root: root.path).plan()
        #expect(plan.notes.isEmpty)
        #expect(plan.conflicts.isEmpty, "\(plan.conflicts)")
        #expect(plan.actions.contains { $0.path == "/var/lib/lx-annotate/data/import/sap_import" && $0.kind == .create })
    }

    @Test func underRootAPlainDataDirectoryIsProvisionedWithANote() throws {
        let root = try EmptyRoot()
        let (plan, _) = try Provisioner(contract: try contract(), root: root.path).plan()
        #expect(plan.conflicts.isEmpty, "\(plan.conflicts)")
        #expect(plan.actions.contains { $0.path == "/var/lib/lx-annotate/data/import/sap_import" && $0.kind == .create })
        #expect(plan.notes.count == 1)
        #expect(plan.notes.first?.contains("\(root.path)/var/lib/lx-annotate/data is not a mount point") == true, "\(plan.notes)")
    }
}
