import Contract
import Provision
import TestSupport
import Testing

/// `[[package]]` on literal hosts: a dpkg status file with held, removed-but-configured,
/// half-installed, installed and multi-arch packages, a virtual environment's METADATA, and the
/// contract errors of the kind.
@Suite struct PackageEntryTests {
    static let status = """
        Package: ffmpeg
        Status: hold ok installed
        Architecture: amd64
        Version: 7:5.1.6-0+deb12u1
        Description: held and installed

        Package: tesseract-ocr
        Status: install ok installed
        Architecture: amd64
        Version: 5.3.0-2

        Package: oldtool
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.2-1

        Package: brokentool
        Status: install reinstreq half-installed
        Architecture: amd64
        Version: 2.0-1

        Package: halfdone
        Status: install ok unpacked
        Architecture: amd64
        Version: 3.0-1

        Package: waiting
        Status: install ok triggers-pending
        Architecture: amd64
        Version: 1.0
        Triggers-Pending: ldconfig

        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Multi-Arch: same
        Version: 2.36-9+deb12u4

        Package: libc6
        Status: hold ok installed
        Architecture: i386
        Multi-Arch: same
        Version: 2.36-9+deb12u4

        """

    func contract(_ text: String) throws -> Contract {
        let outcome = ContractLoader.load(text: "contract = \"t\"\nschema = 1\n" + text, file: "t.toml", patterns: .pcre2)
        guard let contract = outcome.contract, outcome.diagnostics.isEmpty else {
            throw EvaluationTests.Failure(outcome.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return contract
    }

    func host(status: String? = PackageEntryTests.status) -> LiteralHost {
        let host = LiteralHost()
        if let status { host.contents["/var/lib/dpkg/status"] = status }
        return host
    }

    func run(_ text: String, _ host: LiteralHost, _ values: [String: String] = [:]) throws -> [CheckResult] {
        Evaluation(contract: try contract(text), input: EnvironmentInput(values: values, origin: .process), host: host).run()
    }

    func result(_ results: [CheckResult], _ check: String) -> CheckResult? { results.first { $0.check == check } }

    @Test func heldInstalledPackagePasses() throws {
        let results = try run("""
            [[package]]
            name = "ffmpeg"
            version = ">= 7:5.1"
            held = true
            """, host())
        #expect(results.map(\.check) == ["installed", "version", "held"])
        #expect(results.allSatisfy { $0.status == .pass }, "\(results)")
        #expect(result(results, "version")?.actual == "7:5.1.6-0+deb12u1")
        #expect(result(results, "held")?.actual == "hold")
        #expect(results.map(\.line) == [4, 5, 6])
    }

    @Test func unheldPackageFailsWithTheHold() throws {
        let text = """
            [[package]]
            name = "tesseract-ocr"
            held = true
            message = "review Tesseract updates"
            """
        let results = try run(text, host())
        let held = try #require(result(results, "held"))
        #expect(held.status == .fail)
        #expect(held.fix == "apt-mark hold tesseract-ocr")
        #expect(held.actual == "install" && held.expected == "held")
        #expect(held.message.hasSuffix(": review Tesseract updates"))
        #expect(held.line == 5)
        let image = host()
        image.rootDirectory = "/srv/image one"
        #expect(result(try run(text, image), "held")?.fix == "chroot '/srv/image one' apt-mark hold tesseract-ocr")
        let unhold = try run("[[package]]\nname = \"ffmpeg\"\nheld = false\n", host())
        #expect(result(unhold, "held")?.fix == "apt-mark unhold ffmpeg")
    }

    @Test func removedButConfiguredIsNotInstalled() throws {
        let results = try run("""
            [[package]]
            name = "oldtool"
            version = "= 1.2-1"
            held = true
            """, host())
        let installed = try #require(result(results, "installed"))
        #expect(installed.status == .fail)
        #expect(installed.actual == "config-files")
        #expect(installed.message.contains("removed, its configuration files left"))
        // The rule names one version: the fix installs exactly it.
        #expect(installed.fix == "apt-get install oldtool=1.2-1")
        #expect(result(results, "version")?.status == .skip)
        #expect(result(results, "held")?.status == .skip)
        // Must not be installed: only its configuration files are left, which is not installed.
        let absent = try run("[[package]]\nname = \"oldtool\"\ninstalled = false\n", host())
        #expect(result(absent, "installed")?.status == .pass)
        #expect(result(absent, "installed")?.actual == "config-files")
        let never = try run("[[package]]\nname = \"nosuchthing\"\ninstalled = false\n", host())
        #expect(result(never, "installed")?.status == .pass)
        let present = try run("[[package]]\nname = \"ffmpeg\"\ninstalled = false\n", host())
        #expect(result(present, "installed")?.status == .fail)
        #expect(result(present, "installed")?.fix == "apt-get remove ffmpeg")
    }

    @Test func interruptedStatesAreNotInstalledAndSayHowToFinish() throws {
        let half = try run("[[package]]\nname = \"brokentool\"\n", host())
        #expect(result(half, "installed")?.status == .fail)
        #expect(result(half, "installed")?.actual == "half-installed")
        #expect(result(half, "installed")?.fix == "apt-get install --reinstall brokentool")
        let unpacked = try run("[[package]]\nname = \"halfdone\"\n", host())
        #expect(result(unpacked, "installed")?.actual == "unpacked")
        #expect(result(unpacked, "installed")?.fix == "dpkg --configure -a")
        // A half-installed package has files on disk: it is not "not installed".
        let notWanted = try run("[[package]]\nname = \"brokentool\"\ninstalled = false\n", host())
        #expect(result(notWanted, "installed")?.status == .fail)
        // Only triggers outstanding: installed, as dpkg counts it for dependencies.
        let waiting = try run("[[package]]\nname = \"waiting\"\nversion = \">= 1\"\n", host())
        #expect(waiting.allSatisfy { $0.status == .pass }, "\(waiting)")
    }

    @Test func missingPackageFixDependsOnTheRule() throws {
        #expect(result(try run("[[package]]\nname = \"nginx\"\n", host()), "installed")?.fix == "apt-get install nginx")
        #expect(result(try run("[[package]]\nname = \"nginx\"\nversion = \"= 1.22.1-9\"\n", host()), "installed")?.fix
            == "apt-get install nginx=1.22.1-9")
        let ranged = try #require(result(try run("[[package]]\nname = \"nginx\"\nversion = \">= 1.22\"\n", host()), "installed"))
        #expect(ranged.fix == "(decide) install a version of nginx that satisfies '>= 1.22'")
        #expect(ranged.message == "dpkg has no record of nginx as installed")
    }

    @Test func versionRulesFailWithWhatIsInstalled() throws {
        let results = try run("""
            [[package]]
            name = "tesseract-ocr"
            version = ">= 5, << 5.3"
            """, host())
        let version = try #require(result(results, "version"))
        #expect(version.status == .fail)
        #expect(version.expected == ">= 5, << 5.3")
        #expect(version.actual == "5.3.0-2")
        #expect(version.fix?.hasPrefix("(decide) ") == true)
        let exact = try run("[[package]]\nname = \"tesseract-ocr\"\nversion = \"5.3.0-1\"\n", host())
        #expect(result(exact, "version")?.fix == "apt-get install tesseract-ocr=5.3.0-1")
        // Debian's order: an epoch outweighs everything, `~` sorts before the end.
        #expect(result(try run("[[package]]\nname = \"ffmpeg\"\nversion = \">> 6\"\n", host()), "version")?.status == .pass)
        #expect(result(try run("[[package]]\nname = \"tesseract-ocr\"\nversion = \">> 5.3.0~rc1\"\n", host()), "version")?.status == .pass)
    }

    @Test func multiArchInstancesAreSelectedByArchitecture() throws {
        let any = try run("[[package]]\nname = \"libc6\"\nheld = true\n", host())
        #expect(result(any, "installed")?.status == .pass)
        #expect(result(any, "installed")?.actual == "installed (amd64), installed (i386)")
        // Every installed instance must be held; the fix names the one that is not.
        #expect(result(any, "held")?.status == .fail)
        #expect(result(any, "held")?.fix == "apt-mark hold libc6:amd64")
        let i386 = try run("[[package]]\nname = \"libc6:i386\"\nheld = true\n", host())
        #expect(i386.allSatisfy { $0.status == .pass }, "\(i386)")
        let arm = try run("[[package]]\nname = \"libc6:arm64\"\n", host())
        #expect(result(arm, "installed")?.status == .fail)
    }

    @Test func databaseMissingUnreadableOrRefused() throws {
        let missing = try run("[[package]]\nname = \"ffmpeg\"\nheld = true\n", host(status: nil))
        #expect(result(missing, "installed")?.status == .fail)
        #expect(result(missing, "installed")?.message.contains("dpkg's database /var/lib/dpkg/status is missing") == true)
        #expect(result(missing, "installed")?.fix?.hasPrefix("(decide) ") == true)
        #expect(result(missing, "held")?.status == .skip)

        let denied = host()
        denied.unreadableFiles["/var/lib/dpkg/status"] = ObservationError("permission denied", isInaccessible: true)
        let unreadable = try run("[[package]]\nname = \"ffmpeg\"\nheld = true\n", denied)
        #expect(unreadable.map(\.status) == [.error, .error])
        #expect(unreadable.allSatisfy { $0.fix == nil })

        let damaged = host(status: Self.status.replacing("Status: hold ok installed\nArchitecture: amd64\nVersion: 7:5.1.6-0+deb12u1",
                                                          with: "Status: hold ok installed\nArchitecture: amd64"))
        let refused = try run("[[package]]\nname = \"ffmpeg\"\nheld = true\n", damaged)
        #expect(result(refused, "installed")?.status == .fail)
        #expect(result(refused, "installed")?.message.contains("missing 'Version' field") == true)
        // Another package's record is still answered for.
        #expect(try run("[[package]]\nname = \"tesseract-ocr\"\n", damaged).allSatisfy { $0.status == .pass })
    }

    @Test func conditionSkipsEveryCheck() throws {
        let results = try run("""
            [[variable]]
            name = "ROLE"
            [[package]]
            name = "ffmpeg"
            held = true
            when = { ROLE = "hub" }
            """, host(status: nil), ["ROLE": "node"])
        #expect(results.filter { $0.kind == .package }.map(\.status) == [.skip, .skip])
    }

    // MARK: pip

    static let venv = "/srv/app/.venv"
    static let site = venv + "/lib/python3.11/site-packages"

    func venvHost(torch: String? = "2.3.1") -> LiteralHost {
        let host = LiteralHost()
        host.add(Self.venv, mode: 0o755)
        if let torch {
            host.contents[Self.site + "/torch-\(torch).dist-info/METADATA"] = "Metadata-Version: 2.1\nName: torch\nVersion: \(torch)\n\nTensors.\n"
        }
        host.contents[Self.site + "/python_dateutil-2.9.0.post0.dist-info/METADATA"] = "Metadata-Version: 2.1\nName: python-dateutil\nVersion: 2.9.0.post0\n"
        host.contents[Self.site + "/torch-2.3.1.dist-info/RECORD"] = "torch/__init__.py,,\n"
        return host
    }

    static let torch = """
        [[package]]
        name = "torch"
        manager = "pip"
        environment = "/srv/app/.venv"
        version = "==2.3.1"
        """

    @Test func pinnedDistributionPasses() throws {
        let results = try run(Self.torch, venvHost())
        #expect(results.map(\.status) == [.pass, .pass], "\(results)")
        #expect(results.first?.subject == "torch (in /srv/app/.venv)")
        #expect(result(results, "version")?.actual == "2.3.1")
        // A local version of 2.3.1 is 2.3.1 to `==2.3.1`, as packaging says.
        #expect(try run(Self.torch, venvHost(torch: "2.3.1+cpu")).map(\.status) == [.pass, .pass])
        // Names compare as pip compares them.
        let dateutil = try run("""
            [[package]]
            name = "Python_DateUtil"
            manager = "pip"
            environment = "/srv/app/.venv"
            version = ">=2.8,<3"
            """, venvHost())
        #expect(dateutil.map(\.status) == [.pass, .pass], "\(dateutil)")
    }

    @Test func otherVersionFailsWithPipInTheEnvironment() throws {
        let results = try run(Self.torch, venvHost(torch: "2.3.0"))
        let version = try #require(result(results, "version"))
        #expect(version.status == .fail)
        #expect(version.actual == "2.3.0" && version.expected == "==2.3.1")
        #expect(version.fix == "/srv/app/.venv/bin/pip install torch==2.3.1")
        let image = venvHost(torch: "2.3.0")
        image.rootDirectory = "/images/mmt"
        #expect(result(try run(Self.torch, image), "version")?.fix == "chroot /images/mmt /srv/app/.venv/bin/pip install torch==2.3.1")
        let missing = try run(Self.torch, venvHost(torch: nil))
        #expect(result(missing, "installed")?.status == .fail)
        #expect(result(missing, "installed")?.fix == "/srv/app/.venv/bin/pip install torch==2.3.1")
        #expect(result(missing, "version")?.status == .skip)
        let ranged = try run(Self.torch.replacing("==2.3.1", with: ">=2.4,<3"), venvHost())
        #expect(result(ranged, "version")?.fix == "/srv/app/.venv/bin/pip install 'torch>=2.4,<3'")
    }

    @Test func environmentMissingOrStaleDistribution() throws {
        let none = LiteralHost()
        let results = try run(Self.torch, none)
        #expect(result(results, "installed")?.status == .fail)
        #expect(result(results, "installed")?.message == "the virtual environment /srv/app/.venv does not exist")
        #expect(result(results, "installed")?.fix?.hasPrefix("(decide) ") == true)
        let absent = try run("[[package]]\nname = \"torch\"\nmanager = \"pip\"\nenvironment = \"/srv/app/.venv\"\ninstalled = false\n", none)
        #expect(result(absent, "installed")?.status == .pass)
        let stale = venvHost()
        stale.contents[Self.site + "/torch-2.2.0.dist-info/METADATA"] = "Name: torch\nVersion: 2.2.0\n"
        let twice = try run(Self.torch, stale)
        #expect(result(twice, "installed")?.status == .fail)
        #expect(result(twice, "installed")?.actual == "2.2.0, 2.3.1")
        #expect(result(twice, "version")?.status == .fail)
        let denied = venvHost()
        denied.unreadableFiles[Self.site + "/torch-2.3.1.dist-info/METADATA"] = ObservationError("permission denied", isInaccessible: true)
        #expect(try run(Self.torch, denied).map(\.status) == [.error, .error])
    }

    @Test func environmentFromAVariable() throws {
        let text = """
            [[variable]]
            name = "VENV"
            path = true
            [[package]]
            name = "torch"
            manager = "pip"
            environment = "${VENV}/"
            version = "==2.3.1"
            """
        #expect(try run(text, venvHost(), ["VENV": "/srv/app/.venv"]).filter { $0.kind == .package }.map(\.status) == [.pass, .pass])
        let unset = try run(text, venvHost())
        #expect(unset.filter { $0.kind == .package }.map(\.status) == [.skip, .skip])
        #expect(unset.first { $0.kind == .package }?.message.contains("depends on ${VENV}") == true)
    }
}

/// The contract errors of `[[package]]`, each at its line.
@Suite struct PackageLintTests {
    let lint = LintTests()

    @Test func versionRulesFollowTheirManager() {
        lint.expectError("""
            [[package]]
            name = "ffmpeg"
            1️⃣version = "== 7:5.1"
            """, "c.toml:5: error: [[package]] #1 (name = \"ffmpeg\") version:", "Debian writes equality as '='")
        lint.expectError("""
            [[package]]
            name = "ffmpeg"
            1️⃣version = "> 5"
            """, "dpkg's obsolete spelling")
        lint.expectError("""
            [[package]]
            name = "torch"
            manager = "pip"
            environment = "/srv/.venv"
            1️⃣version = "2.3.1"
            """, "not a PEP 440 version specifier", "write '==2.3.1'")
        lint.expectError("""
            [[package]]
            name = "torch"
            manager = "pip"
            environment = "/srv/.venv"
            1️⃣version = ">= 7:5.1"
            """, "not a PEP 440 version specifier")
        lint.expectError("""
            [[package]]
            name = "torch"
            manager = "pip"
            environment = "/srv/.venv"
            1️⃣version = ","
            """, "has no clause")
    }

    @Test func environmentAndHoldBelongToOneManager() {
        lint.expectError("""
            1️⃣[[package]]
            name = "torch"
            manager = "pip"
            """, "missing required key 'environment'")
        lint.expectError("""
            [[package]]
            name = "ffmpeg"
            1️⃣environment = "/srv/.venv"
            """, "'environment' is for manager")
        lint.expectError("""
            [[package]]
            name = "torch"
            manager = "pip"
            environment = "/srv/.venv"
            1️⃣held = true
            """, "pip has no hold")
        lint.expectError("""
            [[package]]
            name = "torch"
            manager = "pip"
            1️⃣environment = "srv/.venv"
            """, "must be an absolute path")
        lint.expectError("""
            [[package]]
            name = "torch"
            1️⃣manager = "conda"
            environment = "/srv/.venv"
            """, "'conda' is not one of 'dpkg', 'pip'")
    }

    @Test func namesAndContradictions() {
        lint.expectError("""
            [[package]]
            1️⃣name = "FFmpeg tools"
            """, "is not a Debian package name")
        lint.expectError("""
            [[package]]
            1️⃣name = "libc6:"
            """, "is not an architecture name")
        lint.expectError("""
            [[package]]
            1️⃣name = "-torch"
            manager = "pip"
            environment = "/srv/.venv"
            """, "is not a Python distribution name")
        lint.expectError("""
            [[package]]
            name = "telnetd"
            installed = false
            1️⃣held = true
            """, "must not be installed has no selection")
        lint.expectError("""
            [[package]]
            name = "telnetd"
            installed = false
            1️⃣version = ">= 1"
            """, "must not be installed has no version")
        lint.expectError("""
            [[package]]
            name = "ffmpeg"
            1️⃣hold = true
            """, "unknown key 'hold'; did you mean 'held'?")
    }
}
