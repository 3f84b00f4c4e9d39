import Contract
import TestSupport
import Testing

/// dpkg's status file on literals: what is installed, held, at which version, by name and by
/// `name:arch`; damaged files give problems, never a crash. DpkgStatusOracleTests holds the
/// reading to dpkg-query itself.
@Suite struct DpkgStatusTests {
    static let sample = """
        Package: openssh-server
        Status: hold ok installed
        Priority: optional
        Architecture: amd64
        Multi-Arch: foreign
        Version: 1:9.2p1-2+deb12u3
        Conffiles:
         /etc/ssh/moduli 1d5b5fd6d5bb0f4b5d2d5d2c8c1e7f11
         /etc/pam.d/sshd 8b4c7a12f4e1a9f7e3d6a1bfa1c8d312
        Description: secure shell (SSH) server
         This is the portable version of OpenSSH.
         .
         More text.

        Package: apache2
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 2.4.57-2

        Package: broken
        Status: install reinstreq half-installed
        Architecture: amd64

        Package: libssl3
        Status: install ok installed
        Architecture: amd64
        Multi-Arch: same
        Version: 3.0.11-1~deb12u2

        Package: libssl3
        Status: install ok installed
        Architecture: i386
        Multi-Arch: same
        Version: 3.0.11-1~deb12u2

        package: Man-DB
        STATUS:   install ok triggers-pending
        version:2.11.2-2
        Architecture: amd64
        Triggers-Pending: /usr/share/man

        Package: half
        Status: install ok half-configured
        Version: 1.0
        Architecture: all

        Package: gone
        Status: purge ok not-installed


        """

    @Test func answersForEachKindOfStanza() throws {
        let status = DpkgStatus(text: Self.sample)
        #expect(status.problems.isEmpty, "\(status.problems)")
        #expect(status.packages.count == 8)

        let ssh = try #require(status.instances(of: "openssh-server").first)
        #expect(ssh.isInstalled && ssh.isHeld)
        #expect(ssh.version == (try DebianVersion("1:9.2p1-2+deb12u3")))
        #expect(ssh.statusAbbreviation == "hi ")

        let apache = try #require(status.instances(of: "apache2").first)
        #expect(!apache.isInstalled && !apache.isHeld)
        #expect(apache.state == .configFiles && apache.selection == .deinstall)
        #expect(apache.versionText == "2.4.57-2")
        #expect(apache.statusAbbreviation == "rc ")

        let broken = try #require(status.instances(of: "broken").first)
        #expect(!broken.isInstalled && broken.needsReinstallation && broken.version == nil)
        #expect(broken.statusAbbreviation == "iHR")

        let manual = try #require(status.instances(of: "man-db").first)
        #expect(manual.name == "man-db" && manual.isInstalled && manual.state == .triggersPending)
        #expect(manual.versionText == "2.11.2-2")
        #expect(manual.state.explanation?.contains("dpkg --configure -a") == true)

        #expect(status.instances(of: "half").first?.isInstalled == false)
        #expect(status.instances(of: "gone").first?.isInstalled == false)
        #expect(status.instances(of: "absent").isEmpty)
    }

    @Test func multiArchInstancesByNameAndArchitecture() {
        let status = DpkgStatus(text: Self.sample)
        #expect(status.instances(of: "libssl3").map(\.architecture) == ["amd64", "i386"])
        #expect(status.instances(of: "libssl3:i386").map(\.architecture) == ["i386"])
        #expect(status.instances(of: "LibSSL3:amd64").count == 1)
        #expect(status.instances(of: "libssl3:arm64").isEmpty)
        #expect(status.instances(of: "openssh-server:amd64").count == 1)
        #expect(status.instances(of: "half:all").count == 1)
        #expect(status.instances(of: "half:amd64").isEmpty)
        #expect(status.instances(of: "libssl3").map { $0.qualifiedName(nativeArchitecture: "amd64") } == ["libssl3:amd64", "libssl3:i386"])
        #expect(status.instances(of: "openssh-server")[0].qualifiedName(nativeArchitecture: "amd64") == "openssh-server")
        #expect(status.instances(of: "openssh-server")[0].qualifiedName(nativeArchitecture: "arm64") == "openssh-server:amd64")
    }

    @Test func anOperatorsReadingOfEachState() {
        let installed: [DpkgPackage.State] = [.installed, .triggersPending, .triggersAwaited]
        for state in DpkgPackage.State.allCases {
            #expect(state.isInstalled == installed.contains(state), "\(state)")
            #expect((state.explanation == nil) == [.installed, .notInstalled].contains(state), "\(state)")
        }
    }

    @Test func damagedStanzasAreProblemsAndTheRestIsStillRead() {
        let text = """
             leading continuation
            Status: install ok installed
            Version: 1

            Package: bad-status
            Status: install ok bogus
            Version: 1
            Architecture: amd64

            Package: twice
            Status: install ok installed
            Version: 1
            Version: 2
            Architecture: amd64

            Package: noversion
            Status: install ok unpacked
            Architecture: amd64

            Package: badversion
            Status: install ok installed
            Version: 1.0-
            Architecture: amd64

            Package: -dash
            Status: install ok installed
            Version: 1
            Architecture: amd64
            no colon here

            Package: trig
            Status: install ok installed
            Version: 1
            Architecture: amd64
            Triggers-Pending: x

            Package: fine
            Status: install ok installed
            Version: 2.0
            Architecture: amd64
            """  // no final newline
        let status = DpkgStatus(text: text)
        let messages = status.problems.map(\.description)
        #expect(messages == [
            "line 1: continuation line before any field",
            "line 13: duplicate value for 'Version' field",
            "line 29: field name 'no' must be followed by colon",
            "line 40: end of file during value of field 'Architecture' (missing final newline)",
            "line 1: missing 'Package' field",
            "line 6: package 'bad-status': third (status) word in 'Status' field: has invalid value 'bogus'",
            "line 16: package 'noversion': missing 'Version' field",
            "line 22: package 'badversion': 'Version' field value '1.0-': revision number is empty",
            "line 25: package '-dash': invalid package name in 'Package' field: must start with an alphanumeric character",
            "line 31: package 'trig': package has status installed but triggers are pending",
        ])
        #expect(status.instances(of: "fine").first?.isInstalled == true)
        #expect(status.instances(of: "fine").first?.versionText == "2.0")
        #expect(status.instances(of: "twice").first?.versionText == "1")
        #expect(status.instances(of: "bad-status").first?.isInstalled == false)
        #expect(status.problems(concerning: "bad-status").map(\.line).contains(6))
        #expect(status.problems(concerning: "fine").allSatisfy { $0.package == nil })
    }

    @Test func twoInstancesThatCannotBeInstalledTogether() {
        let stanza = { (arch: String, multiArch: String, state: String) in
            "Package: x\nStatus: install ok \(state)\nVersion: 1\nArchitecture: \(arch)\nMulti-Arch: \(multiArch)\n\n"
        }
        func read(_ text: String) -> (count: Int, problems: [String]) {
            let status = DpkgStatus(text: text)
            return (status.instances(of: "x").count, status.problems.map { "\($0.severity): \($0.message)" })
        }
        #expect(read(stanza("amd64", "same", "installed") + stanza("i386", "same", "installed")) == (2, []))
        // A second stanza for the same slot replaces the first, as dpkg reads it.
        let replaced = read(stanza("amd64", "same", "installed") + stanza("amd64", "same", "unpacked"))
        #expect(replaced.count == 1)
        #expect(replaced.problems == ["warning: replaces the stanza of line 1 for the same architecture, as dpkg reads it"])
        #expect(DpkgStatus(text: stanza("amd64", "same", "installed") + stanza("amd64", "same", "unpacked")).packages[0].state == .unpacked)
        #expect(read(stanza("amd64", "foreign", "installed") + stanza("i386", "foreign", "installed")).problems
            == ["error: multiple non-coinstallable package instances present (dpkg refuses such a database)"])
        #expect(read(stanza("amd64", "same", "installed") + stanza("i386", "foreign", "installed")).problems
            == ["error: mixed non-coinstallable and coinstallable package instances present (dpkg refuses such a database)"])
        // Not-installed records are selections only: they never conflict.
        #expect(read(stanza("amd64", "foreign", "installed") + stanza("i386", "foreign", "not-installed")).problems.isEmpty)
    }

    @Test func carriageReturnsAreNamed() {
        let status = DpkgStatus(text: "Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\nArchitecture: amd64\r\n\r\nPackage: b\r\n")
        #expect(status.instances(of: "a").first?.versionText == "1")
        #expect(status.problems.first?.message.contains("CRLF") == true)
        #expect(status.problems.contains { $0.message == "duplicate value for 'Package' field" })
    }

    @Test func boundedOnHugeAndMalformedInput() {
        let huge = String(decoding: [UInt8](repeating: UInt8(ascii: "x"), count: DpkgStatus.maximumBytes + 1), as: UTF8.self)
        let refused = DpkgStatus(text: huge)
        #expect(refused.packages.isEmpty)
        #expect(refused.problems.map(\.message) == ["not read: is larger than 64 MiB"])

        let garbage = String(repeating: "no colon\n\n", count: 5000)
        let status = DpkgStatus(text: garbage)
        #expect(status.problems.count == 51)
        #expect(status.problems.last?.message == "and 9950 more problems (only the first 50 are listed)")

        // Binary noise: no crash, no package.
        var noise = SeededGenerator(seed: 7)
        let bytes = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: noise.next()) }
        _ = DpkgStatus(text: String(decoding: bytes, as: UTF8.self))
    }

    /// Reading is linear: four times the stanzas take about four times as long (the bound allows
    /// for a loaded machine; a quadratic reader would take sixteen times as long).
    @Test func readingTimeGrowsLinearly() {
        func file(_ count: Int) -> String {
            var text = ""
            for index in 0..<count {
                text += "Package: p\(index)\nStatus: install ok installed\nVersion: \(index).0-1\nArchitecture: amd64\n"
                text += "Description: a package\n" + String(repeating: " line of description text\n", count: 10) + "\n"
            }
            return text
        }
        let small = file(2_000), large = file(8_000)
        let clock = ContinuousClock()
        var count = 0
        let short = clock.measure { count += DpkgStatus(text: small).packages.count }
        let long = clock.measure { count += DpkgStatus(text: large).packages.count }
        #expect(count == 10_000)
        #expect(long < short * 10, "\(short) for 2,000 stanzas, \(long) for 8,000")
    }
}
