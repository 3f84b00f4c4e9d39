import Foundation
import TestSupport

/// The unit campaign: one of the sample root's unit files (or a drop-in, or a link in a unit
/// directory) mutated, then `check --only unit` in a format, a whole `check`, or `gate`. The
/// environment file and the keys are not mutated, so none of their canaries may appear; a unit
/// that points EnvironmentFile= or a drop-in at a key must not make hostcontract read it out.
struct UnitMutationCase: FileSetFuzzCase {
    static let files = [
        "/etc/systemd/system/lx-annotate.service", "/etc/systemd/system/lx-annotate-watcher.service",
        "/etc/systemd/system/lx-annotate-sap-import.path", "/etc/systemd/system/lx-annotate-sap-import.service",
    ]
    /// What a case may add besides mutating a file; removed again by the next case.
    static let extras = [
        "/etc/systemd/system/lx-annotate.service.d/override.conf", "/usr/lib/systemd/system/lx-annotate-watcher.service.d/10-x.conf",
        "/etc/systemd/system/loop.service", "/etc/systemd/system/multi-user.target.wants/lx-annotate-watcher.service",
        "/run/systemd/system/lx-annotate.service",
    ]
    static let tokens: [[UInt8]] = [
        "[Service]\n", "[Unit]\n", "[Install]\n", "[Path]\n", "\\\n", "\"", "'", "%", "%i", "%n", "%u", "%Z", "${", "$", "-", "+", "@", ";", "#",
        "\nEnvironmentFile=/etc/secrets/vault/lx-annotate-master.key\n", "\nEnvironmentFile=-/etc/secrets/vault/*\n",
        "\nUser=\n", "\nUser=root\n", "\nUser=%u\n", "\nUser=4294967295\n", "\nExecStart=\n", "\nExecStart=-/bin/true\n",
        "\nExecStart=@/bin/x y\n", "\nExecStart=/usr/bin/hostcontract gate /c.toml -- /bin/true\n", "\nProtectSystem=strict\n",
        "\nProtectSystem=full\n", "\nReadWritePaths=\n", "\nReadWritePaths=-/var/lib\n", "\nReadWritePaths=relative\n",
        "\nPathExistsGlob=/tmp/*\n", "\nPathExistsGlob=\n", "\nAlias=lx-annotate-watcher.service\n", "\nWantedBy=multi-user.target\n",
        "\nAlso=lx-annotate.service lx-annotate.service\n", "\nRestartPreventExitStatus=78 SIGTERM x\n", "\nType=oneshot\n",
        "\nEnvironment=\"A=1\" B=2 'C=3\n", "\n.include /etc/passwd\n", String(repeating: "x", count: 100_000),
        String(repeating: "a\\\n", count: 3000), "\u{0}", "\r\n", "é", "\u{FFFE}",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]

    let files: [(String, [UInt8])]
    let summary: String
    let runs: [FuzzRun]
    let hidden: [(name: String, value: String)]

    init(worker: FuzzWorker, random: inout SeededGenerator, index: Int) throws {
        let root = worker.root
        let originals = try Self.files.map { path in
            try NginxOriginals.shared.get("unit:" + path) { Array(try Data(contentsOf: URL(fileURLWithPath: root.at(path)))) }
        }
        // Undo the last case's additions (a wants link of the original is put back below).
        for extra in Self.extras { _ = try? FileManager.default.removeItem(atPath: root.at(extra)) }
        _ = try run("/bin/ln", ["-sfn", "/etc/systemd/system/lx-annotate-watcher.service",
                                root.at("/etc/systemd/system/multi-user.target.wants/lx-annotate-watcher.service")])
        let target = Int.random(in: 0..<(Self.files.count + 1), using: &random)
        var bytes = target < Self.files.count ? originals[target] : Array("[Service]\nUser=lx-annotate\n".utf8)
        var steps = Mutate.randomly(&bytes, splicing: originals.randomElement(using: &random)!, tokens: Self.tokens, &random)
        var written: [(String, [UInt8])] = []
        for (position, path) in Self.files.enumerated() {
            let content = position == target ? bytes : originals[position]
            try Data(content).write(to: URL(fileURLWithPath: root.at(path)))
            if position == target { written.append((path, content)) }
        }
        if target == Self.files.count {
            let path = Self.extras[Int.random(in: 0..<2, using: &random)]
            try FileManager.default.createDirectory(atPath: (root.at(path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: root.at(path)))
            written.append((path, bytes))
        }
        // Links a unit directory may hold: a loop, a key posing as a unit, a mask, a runtime copy.
        switch Int.random(in: 0..<8, using: &random) {
        case 0: _ = try run("/bin/ln", ["-sfn", "loop.service", root.at("/etc/systemd/system/loop.service")]); steps.append("loop link")
        case 1: _ = try run("/bin/ln", ["-sfn", "/etc/secrets/vault/lx-annotate-master.key", root.at("/etc/systemd/system/loop.service")]); steps.append("key link")
        case 2: _ = try run("/bin/ln", ["-sfn", "/dev/null", root.at("/etc/systemd/system/multi-user.target.wants/lx-annotate-watcher.service")]); steps.append("masked wants")
        case 3:
            try FileManager.default.createDirectory(atPath: root.at("/run/systemd/system"), withIntermediateDirectories: true)
            _ = try run("/bin/ln", ["-sfn", "/etc/secrets/vault/lx-annotate-luks.key", root.at("/run/systemd/system/lx-annotate.service")]); steps.append("runtime key")
        default: break
        }
        files = written
        summary = "lx-annotate root: \(written.map(\.0).joined(separator: ", ")) mutated by \(steps.joined(separator: ", "))"

        let contract = packageDirectory.appendingPathComponent("contracts/lx-annotate.toml").path
        let output = worker.scratch.path + "/report"
        let formats = ["text", "json", "junit", "sarif", "prometheus"]
        let base = ["--root", root.path, "--allow-untrusted-contract"]
        var runs = [FuzzRun(arguments: ["check", contract] + base + ["--only", "unit", "--format", formats[index % 5], "--output", output],
                            allowedStatus: [0, 1, 3], outputFile: output)]
        if index % 3 == 0 {
            runs.append(FuzzRun(arguments: ["check", contract] + base + ["--format", formats[(index / 3) % 5]], allowedStatus: [0, 1, 3]))
        } else if index % 3 == 1 {
            runs.append(FuzzRun(arguments: ["gate", contract] + base + ["--", "/bin/true"], allowedStatus: [0, 78],
                                environment: serviceEnvironment(worker.originalEnvironment)))
        }
        self.runs = runs
        hidden = worker.canaries.environmentCanaries + worker.canaries.keyCanaries
    }
}
