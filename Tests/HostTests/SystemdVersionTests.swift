import Foundation
import Host
import TestSupport
import Testing

/// The systemd version of a root, from the name of its libsystemd-shared library, against the
/// versions the distributions' own tools report.
@Suite struct SystemdVersionTests {
    /// The version found in a root holding (empty) files of these names.
    static func version(with libraries: [String]) throws -> SystemdVersion? {
        let directory = TemporaryDirectory("systemd-version")
        for library in libraries { directory.write(String(library.dropFirst()), "") }
        return SystemdVersion.installed(in: try RootDirectory(path: directory.path))
    }

    @Test(arguments: [
        ("/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so", 252),  // Debian 12
        ("/usr/lib/systemd/libsystemd-shared-247.so", 247),  // Debian 11
        ("/usr/lib64/systemd/libsystemd-shared-255.4-1.fc40.so", 255),  // Fedora 40
        ("/usr/lib/systemd/libsystemd-shared-256.5-1-arch.so", 256),  // Arch
        ("/lib/systemd/libsystemd-shared-241.so", 241),  // without merged /usr
    ])
    func theVersionIsInTheLibrarysName(_ library: String, _ major: Int) throws {
        #expect(try Self.version(with: [library]) == SystemdVersion(major: major))
    }

    @Test func noLibraryOrTwoVersionsIsUnknown() throws {
        #expect(try Self.version(with: []) == nil)
        #expect(try Self.version(with: ["/usr/lib/systemd/libsystemd-core-252.so", "/usr/lib/systemd/libsystemd-shared-x.so"]) == nil)
        let two = ["/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so", "/usr/lib/systemd/libsystemd-shared-254.so"]
        #expect(try Self.version(with: two) == nil)
    }

    /// This machine's systemd, as `systemctl --version` reports it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemctl"), "needs systemctl"))
    func thisMachinesVersionIsSystemctls() throws {
        let reported = try run("/usr/bin/systemctl", ["--version"])
        let major = try #require(reported.standardOutput.split(separator: " ").dropFirst().first.flatMap { Int($0) })
        #expect(SystemdVersion.installed(in: try RootDirectory(path: "/")) == SystemdVersion(major: major))
    }

    /// The Debian 12 root the tests boot: the version dpkg installed there.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: debianRoot + "/var/lib/dpkg/status"), "needs the Debian root of scripts/debian-root.sh"))
    func theDebianRootsVersionIsDpkgs() throws {
        let status = try String(contentsOfFile: debianRoot + "/var/lib/dpkg/status", encoding: .utf8)
        let stanza = try #require(status.components(separatedBy: "\n\n").first { $0.hasPrefix("Package: systemd\n") })
        let version = try #require(stanza.split(separator: "\n").first { $0.hasPrefix("Version: ") })
        let major = try #require(Int(version.dropFirst("Version: ".count).prefix { $0.isNumber }))
        #expect(major == 252)
        #expect(SystemdVersion.installed(in: try RootDirectory(path: debianRoot)) == SystemdVersion(major: major))
    }
}

/// The pristine Debian 12 root of scripts/debian-root.sh (read only here).
let debianRoot = DebianRoot.pristine ?? "/var/tmp/hostcontract-debian-root"
