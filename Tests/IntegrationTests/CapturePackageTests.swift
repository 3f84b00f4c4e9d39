import Foundation
import TestSupport
import Testing

/// `hostcontract capture --package` and `--venv` on the lx-annotate sample root, whose dpkg
/// database and virtual environment are what deploy/bootstrap-host.sh and deploy.sh leave, with
/// the real binary: the [[package]] entries written lint, hold, keep holding after a normal
/// upgrade of a Debian package, and fail on each fault planted afterwards.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct CapturePackageTests {
    static let venv = "/home/lx-annotate/lx-annotate-wheel/.venv"
    static let site = venv + "/lib/python3.11/site-packages"
    static let debian = ["ffmpeg", "tesseract-ocr", "tesseract-ocr-eng", "python3", "libglib2.0-0"]

    let capturing = CaptureTests()

    func capturedSample() throws -> (SampleRoot, String) {
        let root = try SampleRoot()
        let (contract, _) = try capturing.capture(root: root.path, Self.debian.flatMap { ["--package", $0] } + ["--venv", Self.venv])
        return (root, contract)
    }

    @Test func theCapturedPackagesLintAndHold() throws {
        let (root, contract) = try capturedSample()
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        try capturing.lint(contract)
        let (status, report) = try capturing.check(contract, root: root.path)
        #expect(status == 0, "\(report.failures)\n\(text)")
        #expect(report.results.count == 16, "\(text)")
        #expect(text.contains("""
            # installed: 7:5.1.6-0+deb12u1 (version: at least this, so a normal upgrade still holds)
            # held: the selection is hold (apt-mark hold); an upgrade waits for the hold to be released
            [[package]]
            name = "ffmpeg"
            version = ">= 7:5.1.6-0+deb12u1"
            held = true
            """))
        #expect(text.contains("[[package]]\nname = \"tesseract-ocr-eng\"\nversion = \">= 1:4.1.0-2\"\n"))
        #expect(text.contains("""
            # installed: 4.1.2 (version: pinned, as a virtual environment is built from pinned requirements)
            [[package]]
            name = "daphne"
            manager = "pip"
            environment = "\(Self.venv)"
            version = "==4.1.2"
            """))
        #expect(text.contains("name = \"lx-annotate\"\nmanager = \"pip\"\nenvironment = \"\(Self.venv)\"\nversion = \"==0.0.1\""))
    }

    /// Each fault planted after the capture fails exactly the check it concerns; an upgrade of a
    /// Debian package that is not held (what a point release does) still holds.
    @Test(arguments: [
        PlantedEdit("/var/lib/dpkg/status", "Version: 7:5.1.6-0+deb12u1", "Version: 7:5.1.4-0+deb12u1", failing: ["package ffmpeg version"]),
        PlantedEdit("/var/lib/dpkg/status", "Package: tesseract-ocr-eng\nStatus: install ok installed",
                    "Package: tesseract-ocr-eng\nStatus: deinstall ok config-files", failing: ["package tesseract-ocr-eng installed"]),
        PlantedEdit("/var/lib/dpkg/status", "Package: ffmpeg\nStatus: hold ok installed", "Package: ffmpeg\nStatus: install ok installed",
                    failing: ["package ffmpeg held"]),
        PlantedEdit("/var/lib/dpkg/status", "Version: 2.74.6-2+deb12u5", "Version: 2.74.6-2+deb12u6", failing: []),
        PlantedEdit(site + "/daphne-4.1.2.dist-info/METADATA", "Version: 4.1.2", "Version: 4.2.0",
                    failing: ["package daphne (in \(venv)) version"]),
        PlantedEdit(removing: site + "/lx_annotate-0.0.1.dist-info", failing: ["package lx-annotate (in \(venv)) installed"]),
    ])
    func aPlantedFaultFailsTheCapturedPackages(fault: PlantedEdit) throws {
        let (root, contract) = try capturedSample()
        try fault.plant(in: root.directory)
        let (status, report) = try capturing.check(contract, root: root.path)
        #expect(status == (fault.failures.isEmpty ? 0 : 1))
        #expect(report.failures == fault.failures)
    }

    /// Without --pip-package every distribution is captured but the environment's installers,
    /// as pip freeze lists them; named, an installer is captured too, and only what is named.
    @Test func theEnvironmentsInstallersAreLeftOutUnlessNamed() throws {
        let root = try SampleRoot()
        try FileManager.default.createDirectory(atPath: root.at(Self.site + "/pip-23.0.1.dist-info"), withIntermediateDirectories: true)
        try "Metadata-Version: 2.1\nName: pip\nVersion: 23.0.1\n\n".write(
            toFile: root.at(Self.site + "/pip-23.0.1.dist-info/METADATA"), atomically: false, encoding: .utf8)
        let (all, outcome) = try capturing.capture(root: root.path, ["--venv", Self.venv])
        let allText = try String(contentsOfFile: all, encoding: .utf8)
        #expect(!allText.contains("name = \"pip\""))
        #expect(allText.contains("name = \"daphne\""))
        #expect(outcome.standardError.contains("left out, as pip freeze leaves out the environment's own installers: pip; name them with --pip-package to capture them"))
        let (named, _) = try capturing.capture(root: root.path, ["--venv", Self.venv, "--pip-package", "PIP", "--pip-package", "lx_annotate"])
        let namedText = try String(contentsOfFile: named, encoding: .utf8)
        #expect(namedText.contains("name = \"pip\"\nmanager = \"pip\"\nenvironment = \"\(Self.venv)\"\nversion = \"==23.0.1\""))
        #expect(namedText.contains("name = \"lx-annotate\""))
        #expect(!namedText.contains("daphne"))
        try capturing.lint(named)
        let (status, report) = try capturing.check(named, root: root.path)
        #expect(status == 0, "\(report.failures)")
    }

    /// A package or distribution not installed, a root without a dpkg database, a directory that
    /// is not a virtual environment: bad usage, nothing written.
    @Test(arguments: [
        (["--package", "libc6"], "the package 'libc6' is not installed: dpkg's database "),
        (["--package", "ffmpeg/7"], "'ffmpeg/7' is not a Debian package name: character '/' not allowed"),
        (["--venv", venv, "--pip-package", "torch"], "the distribution \"torch\" is not installed in "),
        (["--venv", "/home/lx-annotate"], "\"/home/lx-annotate\" is not a virtual environment: it has no lib/python3*/site-packages"),
        (["--venv", "/nowhere/.venv"], "\"/nowhere/.venv\" does not exist"),
        (["--pip-package", "daphne"], "--pip-package names a distribution of the virtual environment --venv DIR"),
    ])
    func badUsageExitsTwo(arguments: [String], message: String) throws {
        let root = try SampleRoot()
        let outcome = try run(hostcontractExecutable, ["capture", "--root", root.path] + arguments)
        #expect(outcome.status == 2, "\(outcome.all)")
        #expect(outcome.standardError.contains(message), "\(outcome.all)")
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test func aRootWithoutADpkgDatabaseIsBadUsage() throws {
        let root = TemporaryDirectory("capture-no-dpkg")
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        let outcome = try run(hostcontractExecutable, ["capture", "--root", root.path, "--package", "python3"])
        #expect(outcome.status == 2, "\(outcome.all)")
        #expect(outcome.standardError.contains("dpkg's database \(root.path)/var/lib/dpkg/status is missing"), "\(outcome.all)")
    }
}
