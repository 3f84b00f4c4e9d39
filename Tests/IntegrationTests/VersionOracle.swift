import Foundation
import TestSupport
import Testing

/// What the package-version oracle suites share: the seed and size of a campaign, a readable
/// record of disagreements that names the seed to replay, and a way to run many shell commands
/// in a few `sh` processes at once.
///
/// `HOSTCONTRACT_VERSION_ORACLE_SEED=N` replays a campaign (`random` picks a new seed and prints
/// it); `HOSTCONTRACT_VERSION_ORACLE_RUNS=N` multiplies every campaign's size by N.
enum VersionOracle {
    static let environment = ProcessInfo.processInfo.environment
    static let defaultSeed: UInt64 = 20_260_440

    static let seed: UInt64 = {
        guard let text = environment["HOSTCONTRACT_VERSION_ORACLE_SEED"], !text.isEmpty else { return defaultSeed }
        if text == "random" {
            let seed = UInt64.random(in: 1...(UInt64.max >> 12))
            print("version oracle: HOSTCONTRACT_VERSION_ORACLE_SEED=\(seed)")
            return seed
        }
        return UInt64(text) ?? defaultSeed
    }()

    /// The project's virtual environment's Python, when it imports packaging.
    static let python: String? = {
        let path = packageDirectory.appendingPathComponent(".venv/bin/python3").path
        guard FileManager.default.isExecutableFile(atPath: path),
            (try? run(path, ["-c", "import packaging.specifiers, packaging.utils"]).status) == 0
        else { return nil }
        return path
    }()

    static let scale: Int = max(1, Int(environment["HOSTCONTRACT_VERSION_ORACLE_RUNS"] ?? "") ?? 1)

    /// A generator for one campaign, its own stream of the seed.
    static func generator(_ campaign: String) -> SeededGenerator {
        SeededGenerator(seed: seed ^ UInt64(truncatingIfNeeded: campaign.utf8.reduce(5381) { ($0 << 5) &+ $0 &+ Int($1) }))
    }

    /// Records the first `shown` disagreements as one issue that names the seed, and prints the
    /// campaign's size and agreement.
    static func report(_ campaign: String, cases: Int, disagreements: [String], detail: String = "", shown: Int = 25) {
        print("version oracle: \(campaign): \(cases) cases\(detail.isEmpty ? "" : " (\(detail))"), \(cases - disagreements.count) agree, seed \(seed)")
        guard !disagreements.isEmpty else { return }
        Issue.record(Comment(rawValue: """
            \(campaign): \(disagreements.count) of \(cases) cases disagree (replay with HOSTCONTRACT_VERSION_ORACLE_SEED=\(seed)):
            \(disagreements.prefix(shown).joined(separator: "\n"))
            """))
    }

    /// `text` with one character of `alphabet` inserted, one character removed or one replaced.
    static func edited(_ text: String, alphabet: [Character], using random: inout SeededGenerator) -> String {
        var characters = Array(text)
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            characters.insert(alphabet.randomElement(using: &random)!, at: Int.random(in: 0...characters.count, using: &random))
        case 1 where !characters.isEmpty:
            characters.remove(at: Int.random(in: 0..<characters.count, using: &random))
        default:
            if !characters.isEmpty { characters[Int.random(in: 0..<characters.count, using: &random)] = alphabet.randomElement(using: &random)! }
        }
        return String(characters)
    }

    /// The text in single quotes for sh.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs each command (with its standard error joined to its standard output) and returns
    /// what each printed and its exit status, spreading them over a few concurrent `sh`.
    static func runShell(_ commands: [String], environment: [String: String] = ["LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        throws -> [(output: String, status: Int32)]
    {
        let workers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let chunk = (commands.count + workers - 1) / max(1, workers)
        let scratch = TemporaryDirectory("version-oracle")
        nonisolated(unsafe) var outputs = [String](repeating: "", count: workers)
        nonisolated(unsafe) var failures: [String] = []
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = (worker * chunk)..<min(commands.count, (worker + 1) * chunk)
            guard !range.isEmpty else { return }
            var script = ""
            for index in range {
                script += "echo '#case \(index)'\n{ \(commands[index])\n} 2>&1\necho \"#status $?\"\n"
            }
            let path = scratch.write("script-\(worker).sh", script)
            do {
                let outcome = try run("/bin/sh", [path], environment: environment)
                lock.withLock { outputs[worker] = outcome.standardOutput }
            } catch {
                lock.withLock { failures.append("sh: \(error)") }
            }
        }
        if let failure = failures.first { throw FixtureError(message: failure) }
        var results = [(output: String, status: Int32)](repeating: ("", -1), count: commands.count)
        for output in outputs {
            var index: Int?
            var lines: [Substring] = []
            for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("#case ") {
                    index = Int(line.dropFirst(6))
                    lines = []
                } else if line.hasPrefix("#status "), let current = index {
                    results[current] = (lines.joined(separator: "\n"), Int32(line.dropFirst(8)) ?? -1)
                    index = nil
                } else {
                    lines.append(line)
                }
            }
        }
        return results
    }
}
