import Foundation
import TestSupport
import Testing

/// `hostcontract capture` on the mmt-backend and dicom-backup example roots, with the real
/// binary: everything each root has (paths, its environment file, units, packages) captured,
/// linted, held on the root, and each fault planted afterwards failing exactly the check it
/// concerns; no value of the environment files reaches any output.
@Suite(.enabled(if: runningAsRoot, "example roots need chown"))
struct CaptureExampleTests {
    let capturing = CaptureTests()

    /// The root `examples/EXAMPLE/make-root.sh` builds.
    static func exampleRoot(_ example: String) throws -> TemporaryDirectory {
        let root = TemporaryDirectory(example)
        let made = try run("/bin/bash", [packageDirectory.path + "/examples/\(example)/make-root.sh", root.path])
        guard made.status == 0 else { throw FixtureError(message: made.all) }
        return root
    }

    /// Every value the environment file at `path` (inside `root`) assigns.
    static func values(_ root: TemporaryDirectory, _ path: String) throws -> [String] {
        try String(contentsOfFile: root.path + path, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && $0.contains("=") }
            .map { String($0.drop { $0 != "=" }.dropFirst()) }
    }

    /// No value of six characters or more of `file` in `outputs` (a shorter one, `true` or `90`,
    /// is a word any contract holds).
    func expectNoValue(of file: String, in root: TemporaryDirectory, _ outputs: [String]) throws {
        let values = try Self.values(root, file).filter { $0.count >= 6 }
        #expect(!values.isEmpty)
        for value in values {
            for output in outputs { #expect(!output.contains(value), "a value of \(file) in \(output)") }
        }
    }

    func check(_ contract: String, root: TemporaryDirectory, expecting expected: Set<String>) throws {
        let (status, report) = try capturing.check(contract, root: root.path)
        #expect(status == (expected.isEmpty ? 0 : 1), "\(report.failures)")
        #expect(report.failures == expected)
    }

    /// The text of `contract`, which lints and holds on `root`.
    func lintsAndHolds(_ contract: String, root: TemporaryDirectory) throws -> String {
        try capturing.lint(contract)
        try check(contract, root: root, expecting: [])
        return try String(contentsOfFile: contract, encoding: .utf8)
    }

    // MARK: - mmt-backend: the environment file and its directory

    static let mmtEnvironment = "/etc/mmt/backend.env"

    func capturedMMT() throws -> (TemporaryDirectory, String, ProcessOutcome) {
        let root = try Self.exampleRoot("mmt-backend")
        let (contract, outcome) = try capturing.capture(
            root: root.path, ["--name", "mmt-backend", "--env-file", Self.mmtEnvironment, "/etc/mmt", Self.mmtEnvironment])
        return (root, contract, outcome)
    }

    @Test func theMMTRootCapturedLintsAndHolds() throws {
        let (root, contract, outcome) = try capturedMMT()
        let text = try lintsAndHolds(contract, root: root)
        #expect(text.contains("[[file]]\npath = \"\(Self.mmtEnvironment)\"\nowner = \"root\"\ngroup = \"root\"\nmode = \"0600\""))
        for secret in ["INTERNAL_JWT_SECRET", "ENCRYPTION_KEYS"] {
            #expect(text.contains("[[variable]]\nname = \"\(secret)\"\nrequired = true\nsecret = true\nmin_length = 16"), "\(secret)\n\(text)")
        }
        #expect(text.contains("[[variable]]\nname = \"CORS_ALLOW_ORIGINS\"\nrequired = true\nmin_length = 1"))
        try expectNoValue(of: Self.mmtEnvironment, in: root, [text, outcome.all])
    }

    @Test(arguments: ["chmod directory", "chown file", "empty secret", "remove variable", "empty value"])
    func aPlantedFaultFailsTheCapturedMMTContract(fault: String) throws {
        let (root, contract, _) = try capturedMMT()
        let expected: Set<String>
        switch fault {
        case "chmod directory":
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root.path + "/etc/mmt")
            expected = ["directory /etc/mmt mode"]
        case "chown file":
            try FileManager.default.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: root.path + Self.mmtEnvironment)
            expected = ["file \(Self.mmtEnvironment) owner", "file \(Self.mmtEnvironment) group"]
        case "empty secret":
            let secret = try #require(try Self.values(root, Self.mmtEnvironment).first { $0.count > 40 })
            try root.edit(Self.mmtEnvironment, "INTERNAL_JWT_SECRET=" + secret, "INTERNAL_JWT_SECRET=")
            expected = ["variable INTERNAL_JWT_SECRET min_length"]
        case "remove variable":
            try root.edit(Self.mmtEnvironment, "RETENTION_DAYS=90\n", "")
            expected = ["variable RETENTION_DAYS required"]
        default:
            try root.edit(Self.mmtEnvironment, "\nENV=prod\n", "\nENV=\n")
            expected = ["variable ENV min_length"]
        }
        try check(contract, root: root, expecting: expected)
    }

    // MARK: - dicom-backup: paths, environment file, units and packages

    static let dicomEnvironment = "/etc/dicom-backup/backup.env"
    static let dicomVenv = "/opt/dicom-backup/.venv"
    static let dicomPaths = [
        "/etc/dicom-backup", dicomEnvironment, "/opt/dicom-backup", "/var/lib/dicom-backup/work", "/var/log/dicom-backup",
        "/opt/dicom-backup/src/config/environments.toml",
    ]

    /// The example root with what its guide installs and make-root.sh leaves out: the Debian
    /// packages (Python, unixODBC, Microsoft's ODBC driver, held) and requirements.txt's
    /// distributions in the virtual environment.
    static func dicomRoot() throws -> TemporaryDirectory {
        let root = try exampleRoot("dicom-backup")
        root.write("var/lib/dpkg/status", """
            Package: python3
            Status: install ok installed
            Architecture: amd64
            Version: 3.11.2-1+b1

            Package: unixodbc
            Status: install ok installed
            Architecture: amd64
            Version: 2.3.11-2+deb12u1

            Package: msodbcsql17
            Status: hold ok installed
            Architecture: amd64
            Version: 17.10.6.1-1

            """)
        for (name, version) in [("pydicom", "2.4.4"), ("pynetdicom", "2.0.2"), ("pyodbc", "5.1.0"), ("toml", "0.10.2")] {
            root.write("\(dicomVenv)/lib/python3.11/site-packages/\(name)-\(version).dist-info/METADATA",
                       "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n\n")
        }
        return root
    }

    func capturedDicom() throws -> (TemporaryDirectory, String, ProcessOutcome) {
        let root = try Self.dicomRoot()
        let options = ["--name", "dicom-backup", "--env-file", Self.dicomEnvironment, "--unit", "dicom-backup.service",
                       "--unit", "dicom-backup.timer", "--package", "python3", "--package", "unixodbc", "--package", "msodbcsql17",
                       "--venv", Self.dicomVenv]
        let (contract, outcome) = try capturing.capture(root: root.path, options + Self.dicomPaths)
        return (root, contract, outcome)
    }

    @Test func theDicomRootCapturedLintsAndHolds() throws {
        let (root, contract, outcome) = try capturedDicom()
        let text = try lintsAndHolds(contract, root: root)
        #expect(text.contains("path = \"/var/lib/dicom-backup/work\"\nowner = \"dicom-backup\"\ngroup = \"dicom-backup\"\nmode = \"0700\""))
        #expect(text.contains("[[variable]]\nname = \"UCLA_MOSAIQ_DB_PASSWORD\"\nrequired = true\nsecret = true\nmin_length = 16"))
        #expect(text.contains("""
            [[unit]]
            name = "dicom-backup.service"
            properties = { Type = "oneshot", User = "dicom-backup", Group = "dicom-backup", WorkingDirectory = "/opt/dicom-backup", EnvironmentFile = "\(Self.dicomEnvironment)" }
            """))
        #expect(text.contains("name = \"dicom-backup.timer\"\nenabled = true\nproperties = { OnCalendar = \"*-*-* 01:30:00\", Persistent = \"true\" }"))
        #expect(text.contains("[[package]]\nname = \"msodbcsql17\"\nversion = \">= 17.10.6.1-1\"\nheld = true"))
        #expect(text.contains("[[package]]\nname = \"pyodbc\"\nmanager = \"pip\"\nenvironment = \"\(Self.dicomVenv)\"\nversion = \"==5.1.0\""))
        #expect(!text.contains("PYTHONPATH") && !text.contains("ExecStart"))
        try expectNoValue(of: Self.dicomEnvironment, in: root, [text, outcome.all])
    }

    /// A mode, an owner and a removed directory: each fails exactly its check.
    @Test(arguments: ["chmod directory", "chown directory", "remove directory"])
    func aPlantedPathFaultFailsTheCapturedDicomContract(fault: String) throws {
        let (root, contract, _) = try capturedDicom()
        let work = root.path + "/var/lib/dicom-backup/work"
        let expected: Set<String>
        switch fault {
        case "chmod directory":
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path + "/var/log/dicom-backup")
            expected = ["directory /var/log/dicom-backup mode"]
        case "chown directory":
            try FileManager.default.setAttributes([.ownerAccountID: 0, .groupOwnerAccountID: 0], ofItemAtPath: work)
            expected = ["directory /var/lib/dicom-backup/work owner", "directory /var/lib/dicom-backup/work group"]
        default:
            try FileManager.default.removeItem(atPath: work)
            expected = ["directory /var/lib/dicom-backup/work exists"]
        }
        try check(contract, root: root, expecting: expected)
    }

    /// An emptied variable, a changed schedule, a disabled timer (what `systemctl --root R
    /// disable` does: its wants link removed), a changed User= (root exists, so only the setting
    /// differs), a removed and a downgraded Debian package, a changed distribution: each fails
    /// exactly its check.
    @Test(arguments: [
        PlantedEdit(dicomEnvironment, "LOG_LEVEL=INFO\n", "LOG_LEVEL=\n", failing: ["variable LOG_LEVEL min_length"]),
        PlantedEdit("/etc/systemd/system/dicom-backup.timer", "OnCalendar=*-*-* 01:30:00", "OnCalendar=weekly",
                    failing: ["unit dicom-backup.timer OnCalendar"]),
        PlantedEdit(removing: "/etc/systemd/system/timers.target.wants/dicom-backup.timer", failing: ["unit dicom-backup.timer enabled"]),
        PlantedEdit("/etc/systemd/system/dicom-backup.service", "User=dicom-backup\n", "User=root\n",
                    failing: ["unit dicom-backup.service User"]),
        PlantedEdit("/var/lib/dpkg/status", "Package: unixodbc\nStatus: install ok installed", "Package: unixodbc\nStatus: deinstall ok config-files",
                    failing: ["package unixodbc installed"]),
        PlantedEdit("/var/lib/dpkg/status", "Version: 17.10.6.1-1", "Version: 17.10.5.1-1", failing: ["package msodbcsql17 version"]),
        PlantedEdit(dicomVenv + "/lib/python3.11/site-packages/pyodbc-5.1.0.dist-info/METADATA", "Version: 5.1.0", "Version: 5.2.0",
                    failing: ["package pyodbc (in \(dicomVenv)) version"]),
    ])
    func aPlantedFaultFailsTheCapturedDicomContract(fault: PlantedEdit) throws {
        let (root, contract, _) = try capturedDicom()
        try fault.plant(in: root)
        try check(contract, root: root, expecting: fault.failures)
    }
}
