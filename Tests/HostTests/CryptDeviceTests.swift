import Foundation
import Host
import TestSupport
import Testing

/// libcryptsetup on a real LUKS2 header made with cryptsetup luksFormat on a file.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/cryptsetup")
    || FileManager.default.isExecutableFile(atPath: "/sbin/cryptsetup"), "needs cryptsetup"))
struct CryptDeviceTests {
    @Test func aLUKS2HeaderIsDescribed() throws {
        let directory = TemporaryDirectory("luks")
        let image = directory.path + "/volume.img"
        let key = directory.write("key", "correct horse battery staple")
        #expect(try run("/usr/bin/truncate", ["-s", "20M", image]).status == 0)
        let cryptsetup = FileManager.default.isExecutableFile(atPath: "/usr/sbin/cryptsetup") ? "/usr/sbin/cryptsetup" : "/sbin/cryptsetup"
        let format = try run(cryptsetup, ["luksFormat", "--batch-mode", "--type", "luks2", "--cipher", "aes-xts-plain64",
                                          "--key-file", key, "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", image])
        #expect(format.status == 0, "\(format.all)")
        let device = try CryptDevice.header(at: image).get()
        #expect(device.type == "LUKS2")
        #expect(device.cipher == "aes")
        #expect(device.mode == "xts-plain64")
        #expect(device.activeKeySlots == [0])
        #expect(device.uuid?.count == 36)
    }

    @Test func aFileWithoutHeaderIsAnErrorNotACrash() throws {
        let directory = TemporaryDirectory("luks")
        let image = directory.write("plain.img", String(repeating: "x", count: 65536))
        #expect(throws: HostError.self) { try CryptDevice.header(at: image).get() }
    }
}
