import Foundation
import Host
import TestSupport
import Testing

/// Differential test against the real systemd: the Debian 12 root (systemd 252) is booted with
/// systemd-nspawn, and a template unit `envoracle@.service` with `EnvironmentFile=/cases/%i.env`
/// runs `env -0` for each case file: systemd's vectors (SystemdEnvironmentVectorTests) and
/// seeded generated files full of quotes, escapes, comments, CR and CR LF, invalid names,
/// invalid UTF-8, non-characters and NUL bytes. Each environment must equal hostcontract's
/// reading of the file in the dialect it finds in that root; a case systemd refuses (the unit
/// fails to start) must be one hostcontract refuses.
///
/// `HOSTCONTRACT_ENVORACLE_SEED=N` replays a run (`random` picks one; the seed is printed with
/// every disagreement), `HOSTCONTRACT_ENVORACLE_CASES=N` sets the number of generated files.
@Suite(.enabled(if: DebianRoot.canBoot,
                "needs root, HOSTCONTRACT_DEBIAN_ROOT (scripts/test.sh sets it) and systemd-nspawn (apt-get install systemd-container)"))
struct SystemdEnvironmentOracleTests {
    static let settings = ProcessInfo.processInfo.environment
    static let seed: UInt64 = {
        let text = settings["HOSTCONTRACT_ENVORACLE_SEED"] ?? ""
        if text == "random" { return UInt64.random(in: 1...(UInt64.max >> 12)) }
        return UInt64(text) ?? 20261202
    }()
    static let generatedCount = Int(settings["HOSTCONTRACT_ENVORACLE_CASES"] ?? "") ?? 300

    static let templateUnit = """
        [Unit]
        Description=Environment of /cases/%i.env as systemd reads it

        [Service]
        Type=oneshot
        EnvironmentFile=/cases/%i.env
        ExecStart=/usr/bin/env -0
        StandardOutput=file:/out/%i

        """

    static let probeUnit = """
        [Unit]
        Description=Start envoracle@ for every case, then power off
        After=multi-user.target

        [Service]
        Type=oneshot
        ExecStart=/usr/local/sbin/envoracle-probe
        TimeoutStartSec=120

        [Install]
        WantedBy=multi-user.target

        """

    /// Starts one unit per case and records `systemctl start`'s status; systemctl --version too.
    static let probeScript = """
        #!/bin/sh
        systemctl --version | head -n 1 > /out/version
        for file in /cases/*.env; do
            case=$(basename "$file" .env)
            systemctl start "envoracle@$case.service" > /dev/null 2>&1
            echo "$case $?" >> /out/status
        done
        echo done > /out/end
        systemctl poweroff

        """

    struct Case {
        let name: String
        let bytes: [UInt8]
    }

    /// What systemd did with each case: nil when it refused the file, else the environment.
    struct Observed {
        var version: String
        var environments: [String: [String: String]?]
    }

    @Test func systemdAndHostcontractReadEveryFileAlike() throws {
        var random = SeededGenerator(seed: Self.seed)
        var cases = [Case(name: "baseline", bytes: [])]
        for (index, vector) in SystemdEnvironmentVectorTests.vectors.enumerated() {
            cases.append(Case(name: String(format: "vector%02d", index), bytes: vector.bytes))
        }
        for index in 0..<Self.generatedCount {
            cases.append(Case(name: String(format: "gen%04d", index), bytes: Self.generate(&random)))
        }

        let root = try DebianRoot.overlay("envoracle")
        defer { root.close() }
        let dialect = EnvironmentFile.Dialect(systemd: SystemdVersion.installed(in: try RootDirectory(path: root.path)))
        #expect(dialect == .before254, "Debian 12 has systemd 252")
        let observed = try Self.observe(cases, in: root)
        #expect(observed.version.hasPrefix("systemd 252 "), "\(observed.version)")

        let provided = Set((try #require(observed.environments["baseline"] ?? nil)).keys)
        var disagreements: [String] = []
        for testCase in cases where testCase.name != "baseline" {
            let file = EnvironmentFile(parsing: testCase.bytes, dialect: dialect)
            let ours: [String: String]? = file.refusal == nil ? file.values : nil
            guard let systemds = observed.environments[testCase.name] else {
                disagreements.append("\(testCase.name): systemd recorded nothing")
                continue
            }
            let theirs = systemds.map { $0.filter { !provided.contains($0.key) } }
            if ours != theirs {
                disagreements.append("""
                    \(testCase.name): file \(String(decoding: testCase.bytes, as: UTF8.self).debugDescription) \(testCase.bytes.filter { $0 >= 0x80 || $0 == 0 }.isEmpty ? "" : "bytes \(testCase.bytes)")
                      systemd 252:  \(theirs.map { "\($0.sorted { $0.key < $1.key })" } ?? "refused")
                      hostcontract: \(ours.map { "\($0.sorted { $0.key < $1.key })" } ?? "refused (\(file.refusal!.message))")
                    """)
            }
        }
        if !disagreements.isEmpty {
            Issue.record("""
                HOSTCONTRACT_ENVORACLE_SEED=\(Self.seed): \(disagreements.count) of \(cases.count - 1) files read differently (the first 10):
                \(disagreements.prefix(10).joined(separator: "\n"))
                """)
        }
        // The generator reaches the interesting outcomes, so the agreement means something.
        let refused = cases.filter { observed.environments[$0.name] == .some(nil) }.count
        #expect(refused >= 10 && refused <= cases.count / 2, "\(refused) of \(cases.count) refused")
    }

    /// Writes the cases and units into the root, boots it and collects what each unit saw.
    static func observe(_ cases: [Case], in root: DebianRoot) throws -> Observed {
        let fileManager = FileManager.default
        for directory in ["/cases", "/out", "/etc/systemd/system/multi-user.target.wants", "/usr/local/sbin"] {
            try fileManager.createDirectory(atPath: root.at(directory), withIntermediateDirectories: true)
        }
        for testCase in cases {
            try Data(testCase.bytes).write(to: URL(fileURLWithPath: root.at("/cases/\(testCase.name).env")))
        }
        try templateUnit.write(toFile: root.at("/etc/systemd/system/envoracle@.service"), atomically: false, encoding: .utf8)
        try probeUnit.write(toFile: root.at("/etc/systemd/system/envoracle-probe.service"), atomically: false, encoding: .utf8)
        try probeScript.write(toFile: root.at("/usr/local/sbin/envoracle-probe"), atomically: false, encoding: .utf8)
        try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.at("/usr/local/sbin/envoracle-probe"))
        try fileManager.createSymbolicLink(
            atPath: root.at("/etc/systemd/system/multi-user.target.wants/envoracle-probe.service"),
            withDestinationPath: "/etc/systemd/system/envoracle-probe.service")

        let boot = try root.boot(timeout: 120)
        guard fileManager.fileExists(atPath: root.at("/out/end")) else {
            throw FixtureError(message: "the probe did not finish (status \(boot.status)):\n\(boot.console.suffix(3000))")
        }
        FileHandle.standardError.write(Data("SystemdEnvironmentOracleTests: \(cases.count) files, boot to power-off \(String(format: "%.1f", boot.seconds)) s\n".utf8))
        let version = (try? String(contentsOfFile: root.at("/out/version"), encoding: .utf8)) ?? ""
        var environments: [String: [String: String]?] = [:]
        for line in try String(contentsOfFile: root.at("/out/status"), encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2 else { continue }
            let name = String(fields[0])
            guard fields[1] == "0" else {
                environments[name] = .some(nil)
                continue
            }
            let output = try Data(contentsOf: URL(fileURLWithPath: root.at("/out/\(name)")))
            var environment: [String: String] = [:]
            for entry in output.split(separator: 0) {
                guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
                environment[String(decoding: entry[..<equals], as: UTF8.self)] = String(decoding: entry[(equals + 1)...], as: UTF8.self)
            }
            environments[name] = .some(environment)
        }
        return Observed(version: version, environments: environments)
    }

    // MARK: - Generated files

    static let names = ["A", "B", "C_1", "_d", "e9", "export F", "1G", "H I", "J-K", "", "A", "B"]
    static let pieces: [[UInt8]] = [
        "x", "two words", " ", "  ", "\t", "\\", "\\ ", "\\\\", "\\n", "\"", "'", "\"q\"", "'s'", "\"a\\\"b\"", "\"\\$\\`\\x\"",
        "'\\''", "#", ";", "=", "$", "`", "é", "😀", "\u{FFFD}", "\u{FEFF}", "\r", "\r\n", "\n", "\\\n", "\\\r\n", "\"\n\"",
    ].map { Array($0.utf8) } + [
        [0xFF], [0xC3], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBE], [0xEF, 0xB7, 0x90], [0xF0, 0x9F, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xC3, 0x5C, 0xA9],
    ]

    /// One file of 1 to 6 lines: assignments, comments (some ending in a backslash), blank and
    /// keyless lines, pieces inserted anywhere, LF, CR LF, CR or no line end; rarely a NUL.
    static func generate(_ random: inout SeededGenerator) -> [UInt8] {
        var file: [UInt8] = []
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            var line: [UInt8] = []
            switch Int.random(in: 0..<10, using: &random) {
            case 0: line = Array("# comment".utf8) + (Bool.random(using: &random) ? Array(" \\".utf8) : [])
            case 1: line = Array("; note \\".utf8)
            case 2: line = Array("  ".utf8)
            case 3: line = Array("keyless words".utf8)
            default:
                line = Array(names.randomElement(using: &random)!.utf8)
                line += Array([" ", "", "\t", ""].randomElement(using: &random)!.utf8) + [UInt8(ascii: "=")]
                for _ in 0..<Int.random(in: 0...4, using: &random) { line += pieces.randomElement(using: &random)! }
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                line.insert(contentsOf: pieces.randomElement(using: &random)!, at: Int.random(in: 0...line.count, using: &random))
            }
            file += line + Array(["\n", "\n", "\n", "\r\n", "\r", " \\\n", ""].randomElement(using: &random)!.utf8)
        }
        if Int.random(in: 0..<40, using: &random) == 0 { file.insert(0, at: Int.random(in: 0...file.count, using: &random)) }
        return file
    }
}
