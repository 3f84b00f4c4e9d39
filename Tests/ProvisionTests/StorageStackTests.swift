import Contract
import Foundation
import Host
import Provision
import TestSupport
import Testing

/// The walk from a path's mount down through device-mapper layers, on /proc and /sys trees laid
/// out as the kernel lays them out: a plain disk, LUKS2 directly, LVM on LUKS, a cipher_null
/// mapping, tmpfs.
@Suite struct StorageStackTests {
    let kernel = TemporaryDirectory("kernel")
    let mounts = TemporaryDirectory("mounts")

    init() throws {
        let m = mounts.path
        for name in ["plain", "luks", "lvm", "null", "tmp", "luks/deep/er"] {
            try FileManager.default.createDirectory(atPath: m + "/" + name, withIntermediateDirectories: true)
        }
        kernel.write("proc/self/mountinfo", """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            30 22 253:0 / \(m)/luks rw,relatime shared:5 - ext4 /dev/mapper/data rw
            31 22 253:2 / \(m)/lvm rw,relatime shared:6 - xfs /dev/mapper/vg-data rw
            32 22 253:3 / \(m)/null rw,relatime shared:7 - ext4 /dev/mapper/nullmap rw
            33 22 0:25 / \(m)/tmp rw,nosuid shared:8 - tmpfs tmpfs rw,size=1024k

            """)
        kernel.write("proc/misc", "236 device-mapper\n")
        kernel.write("sys/dev/block/254:0/dev", "254:0\n")
        kernel.write("sys/dev/block/253:0/dm/name", "data\n")
        kernel.write("sys/dev/block/253:0/dm/uuid", "CRYPT-LUKS2-3f2a9c1e8b7d4e6fa1b2c3d4e5f60718-data\n")
        kernel.write("sys/dev/block/253:2/dm/name", "vg-data\n")
        kernel.write("sys/dev/block/253:2/dm/uuid", "LVM-k3jd8s7f6g5h4j3k2l1m0n9b8v7c6x5z\n")
        kernel.write("sys/dev/block/253:2/slaves/dm-1/dev", "253:1\n")
        kernel.write("sys/dev/block/253:1/dm/name", "cryptlvm\n")
        kernel.write("sys/dev/block/253:1/dm/uuid", "CRYPT-LUKS2-9a8b7c6d5e4f30211f2e3d4c5b6a7988-cryptlvm\n")
        kernel.write("sys/dev/block/253:3/dm/name", "nullmap\n")
        kernel.write("sys/dev/block/253:3/dm/uuid", "CRYPT-PLAIN-nullmap\n")
    }

    /// What libcryptsetup would say about each mapping of the fixture.
    static func mapping(_ name: String) -> Result<CryptDevice, HostError> {
        switch name {
        case "data", "cryptlvm":
            .success(CryptDevice(type: "LUKS2", cipher: "aes", mode: "xts-plain64", uuid: nil, activeKeySlots: [0], isActive: true))
        case "nullmap":
            .success(CryptDevice(type: "PLAIN", cipher: "cipher_null", mode: "ecb", uuid: nil, activeKeySlots: [], isActive: true))
        default:
            .failure(HostError(errno: ENODEV))
        }
    }

    @Test func theWalkFindsTheCryptLayer() throws {
        let luks = try StorageStack.inspect(mounts.path + "/luks/deep/er", proc: kernel.path + "/proc", sys: kernel.path + "/sys").get()
        #expect(luks.mount.point == mounts.path + "/luks")
        #expect(luks.crypt?.cryptType == "LUKS2")
        let lvm = try StorageStack.inspect(mounts.path + "/lvm", proc: kernel.path + "/proc", sys: kernel.path + "/sys").get()
        #expect(lvm.layers.map(\.mapping) == ["vg-data", "cryptlvm"])
        #expect(lvm.crypt?.mapping == "cryptlvm")
        let plain = try StorageStack.inspect(mounts.path + "/plain", proc: kernel.path + "/proc", sys: kernel.path + "/sys").get()
        #expect(plain.crypt == nil)
        #expect(plain.mount.source == "/dev/vda")
        guard case .failure(.notBlockDevice(let mount)) = StorageStack.inspect(mounts.path + "/tmp", proc: kernel.path + "/proc", sys: kernel.path + "/sys") else {
            Issue.record("tmpfs taken for a block device")
            return
        }
        #expect(mount.filesystem == "tmpfs")
    }

    @Test func theContractVerdicts() throws {
        let m = mounts.path
        let text = """
            contract = "storage"
            schema = 1
            [[encrypted]]
            path = "\(m)/plain"
            type = "luks2"
            [[encrypted]]
            path = "\(m)/luks/deep/er"
            type = "luks2"
            [[encrypted]]
            path = "\(m)/lvm"
            type = "luks2"
            [[encrypted]]
            path = "\(m)/null"
            type = "any"
            [[encrypted]]
            path = "\(m)/tmp"
            type = "any"
            [[encrypted]]
            path = "\(m)/luks"
            type = "luks1"
            """
        let contract = try #require(ContractLoader.load(text: text, file: "storage.toml", patterns: .pcre2).contract)
        let host = LiveHost(root: try RootDirectory(path: "/"), proc: kernel.path + "/proc", sys: kernel.path + "/sys",
                            cryptMapping: Self.mapping)
        let results = Evaluation(contract: contract, input: EnvironmentInput(values: [:], origin: .none), host: host).run()
        func verdict(_ path: String, _ check: String) -> (CheckResult.Status, String)? {
            results.first { $0.subject == m + path && $0.check == check }.map { ($0.status, $0.message) }
        }
        #expect(verdict("/plain", "encrypted")?.0 == .fail)
        #expect(verdict("/plain", "encrypted")?.1.contains("with no dm-crypt layer") == true)
        #expect(verdict("/luks/deep/er", "type")?.0 == .pass)
        #expect(verdict("/luks/deep/er", "cipher")?.1 == "mapping data encrypts with aes-xts-plain64")
        #expect(verdict("/lvm", "encrypted")?.1.contains("253:2 (vg-data) on 253:1 (cryptlvm)") == true)
        #expect(verdict("/lvm", "type")?.0 == .pass)
        #expect(verdict("/null", "cipher")?.0 == .fail)
        #expect(verdict("/null", "cipher")?.1 == "mapping nullmap uses cipher_null-ecb: the data is not encrypted")
        #expect(verdict("/tmp", "encrypted")?.1.contains("is on tmpfs (tmpfs at \(m)/tmp), not on a block device") == true)
        #expect(verdict("/luks", "type")?.1 == "mapping data is LUKS2, contract requires LUKS1")
    }

    @Test(.enabled(if: !((try? String(contentsOfFile: "/proc/misc", encoding: .utf8))?.contains("device-mapper") ?? true),
                   "this host has device-mapper"))
    func theLiveCheckOnAHostWithoutDeviceMapper() throws {
        let directory = TemporaryDirectory("live")
        let file = directory.write("live.toml", "contract = \"live\"\nschema = 1\n[[encrypted]]\npath = \"\(directory.path)\"\ntype = \"luks2\"\n")
        let outcome = try run(hostcontractExecutable, ["check", file, "--format", "json"])
        #expect(outcome.status == 1)
        let report = try JSONReportView(outcome.standardOutput)
        let message = try #require(report.results(subject: directory.path, check: "encrypted").first?["message"] as? String)
        #expect(message.contains("with no dm-crypt layer (this host has no device-mapper)"), "\(message)")
    }
}
