import Foundation
import TestSupport
import Testing

/// Seeded, bounded fuzz campaigns against the built binary (issue 11, item 5): mutations of the
/// shipped contracts (alone, and split over files that include each other), of the sample roots'
/// environment file, of their nginx configuration and of their units,
/// each run under `timeout -s KILL`. Every run must
/// - end by itself within the bound (`HOSTCONTRACT_FUZZ_TIMEOUT`, 20 s; runs take ~0.1 s),
/// - not die by a signal, and exit with a code its command documents (lint 0/2, tmpfiles 0/1/2,
///   check 0/1/2/3, provision 0/1/2, gate 0 from `/bin/true` or 78),
/// - on exit 2, name a `FILE:LINE:` on standard error,
/// - and show no canary (planted secret values and key contents) on stdout, stderr or in an
///   `--output` file, in any format.
///
/// `HOSTCONTRACT_FUZZ_SEED=N` replays a campaign (`random` picks a new seed and prints it),
/// `HOSTCONTRACT_FUZZ_RUNS=N` runs N cases per campaign instead of the default, and
/// `HOSTCONTRACT_FUZZ_CASE=I` runs only case I. A failing case is saved with its inputs, the
/// command and its output under `$TMPDIR/hostcontract-fuzz/`.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct FuzzCampaignTests {
    @Test func contractLoaderCampaign() throws {
        try FuzzCampaign(name: "contract", defaultCases: 70).run(ContractMutationCase.self)
    }

    @Test func environmentFileCampaign() throws {
        try FuzzCampaign(name: "env", defaultCases: 70).run(EnvironmentMutationCase.self)
    }

    @Test func nginxCampaign() throws {
        try FuzzCampaign(name: "nginx", defaultCases: 50).run(NginxMutationCase.self)
    }

    @Test func includeCampaign() throws {
        try FuzzCampaign(name: "include", defaultCases: 40).run(IncludeGraphCase.self)
    }

    @Test func unitCampaign() throws {
        try FuzzCampaign(name: "unit", defaultCases: 50).run(UnitMutationCase.self)
    }

    /// The canary rule of the environment campaign on hand-made files, so that it neither
    /// lets a swallowed secret pass nor flags a value that is provably not secret.
    @Test func theCanaryRuleFollowsSystemd() {
        let canary = "Zq9cvCN6vWrnXb4Onlvtnx61"
        func printable(_ text: String) -> Bool {
            Canaries.leak(of: canary, in: canary, allowed: Canaries.grams(
                EnvironmentMutationCase.printableValues(Array(text.utf8)).joined(separator: [10]))) == nil
        }
        #expect(printable("TESSDATA_PREFIX=\(canary)\n"))
        #expect(printable("TESSDATA_PREFIX=\"\(canary)\"\n"))
        #expect(printable("A=ex\"pand\nexport X=1\n\u{FFFE}\nTESSDATA_PREFIX=\(canary)\r\n"))
        #expect(printable("DJANGO_SECRET_KEY=\"x\"\nLX_ANNOTATE_DATA_DIR=/srv/\(canary)\n"))
        #expect(!printable("DJANGO_SECRET_KEY=\(canary)\n"))
        #expect(!printable("UNDECLARED=\(canary)\n"))
        #expect(!printable("export TESSDATA_PREFIX=\(canary)\n"))
        #expect(!printable("# TESSDATA_PREFIX=\(canary)\n"))
        #expect(!printable("PYTORCH_ALLOC_CONF=expandable_segments:True \\\nTESSDATA_PREFIX=\(canary)\n"))
        // Since systemd 254 a comment's trailing backslash no longer continues it; before, it
        // does: the sample root's systemd is unknown, so the value must be printable in both.
        #expect(!printable("# a comment \\\nTESSDATA_PREFIX=\(canary)\n"))
        func printableAs(_ dialect: EnvironmentMutationCase.SystemdDialect, _ text: String) -> Bool {
            Canaries.leak(of: canary, in: canary, allowed: Canaries.grams(
                EnvironmentMutationCase.printableValues(Array(text.utf8), dialects: [dialect]).joined(separator: [10]))) == nil
        }
        #expect(printableAs(.since254, "# a comment \\\nTESSDATA_PREFIX=\(canary)\n"))
        #expect(!printableAs(.before254, "# a comment \\\nTESSDATA_PREFIX=\(canary)\n"))
        #expect(printableAs(.before254, "# a comment \\\r\nTESSDATA_PREFIX=\(canary)\r\n"))
        // systemd refuses a file with invalid UTF-8 in a value it takes, or a NUL byte: nothing is assigned.
        #expect(!printable("TESSDATA_PREFIX=\(canary)\nA=\u{FFFE}\n"))
        #expect(!printable("TESSDATA_PREFIX=\(canary)\n# \u{0}\n"))
        #expect(printable("TESSDATA_PREFIX=\(canary)\n# \u{FFFE}\n"))
        // A backslash before CR LF eats the CR; the value is its own line. An escaped space stays.
        #expect(printable("TESSDATA_PREFIX=\(canary) \\\r\nB=1\r\n"))
        #expect(!printable("TESSDATA_PREFIX=\(canary)\\\rB=1\n"))
        // A continuation takes in one line; a backslash or quote in a name is a plain character.
        #expect(printable("A=x\\\nB=y\nLX_\\ANNOTATE'_DATA_DIR=1\nTESSDATA_PREFIX=\(canary)\n"))
        #expect(!printable("A=x\\\nTESSDATA_PREFIX=\(canary)\n"))
        #expect(!printable("TESSDATA_PREFIX='\(canary)\nB=1'\n"))
        #expect(!printable("A=\"open\nTESSDATA_PREFIX=\(canary)\n"))
        #expect(!printable("A=\"closed\"'open\nTESSDATA_PREFIX=\(canary)\n"))
        #expect(!printable("A=1\u{0}\nTESSDATA_PREFIX=\(canary)\n"))
        #expect(!printable("A=1\rDJANGO_SECRET_KEY=\(canary)\n"))
        #expect(!printable("TESSDATA_PREFIX=\"\(canary)\n"))
    }

    /// The model of systemd's reader gives what systemd's own tests assert (src/test/test-env-file.c
    /// and test-fileio.c of v252 and main; all of them, against hostcontract's parser and the
    /// booted systemd 252, are in HostTests' SystemdEnvironmentVectorTests and
    /// SystemdEnvironmentOracleTests). load_env_file_3's padding before the backslashes is shortened.
    @Test func theModelReadsSystemdsOwnVectors() {
        typealias Dialect = EnvironmentMutationCase.SystemdDialect
        func read(_ text: String, _ dialect: Dialect) -> [String: String]? {
            EnvironmentMutationCase.systemdAssignments(Array(text.utf8), dialect).map { assignments in
                Dictionary(assignments.map { ($0.name, String(decoding: $0.value, as: UTF8.self)) }) { $1 }
            }
        }
        let file1 = "a=a\na=b\na=b\na=a\nb=b\\\nc\nd= d\\\ne  \\\nf  \ng=g\\ \nh= ąęół\\ śćńźżµ \ni=i\\"
        let file3v252 = "#SPAMD_ARGS=\"-d \\\n#--nouser-config  \\\nnormal=line  \\\n;normal=ignored  \\\nnormal_ignored  \\\nnormal ignored  \\\n"
        let file3main = "#SPAMD_ARGS=\"-d \\\n#--nouser-config  \\\nnormal1=line\\\n111\n;normal=ignored  \\\nnormal2=line222\nnormal ignored  \\\n"
        let file6 = "a=\\ \\n \\t \\x \\y \\' \nb= \\$'                  \nc= ' \\n\\t\\$\\`\\\\\n'   \nd= \" \\n\\t\\$\\`\\\\\n\"   \n"
        for dialect in Dialect.allCases {
            #expect(read(file1, dialect) == ["a": "a", "b": "bc", "d": "de  f", "g": "g ", "h": "ąęół śćńźżµ", "i": "i"])
            #expect(read(file6, dialect) == ["a": " n t x y '", "b": "$'", "c": " \\n\\t\\$\\`\\\\\n", "d": " \\n\\t$`\\\n"])
            #expect(read("a=\nb=", dialect) == ["a": "", "b": ""])
            #expect(read("five = \"55\\\"55\" \"FIVE\" cinco   \nsix = seis sechs\\\n sis\neight=eightval #nocomment", dialect)
                    == ["five": "55\"55FIVEcinco", "six": "seis sechs sis", "eight": "eightval #nocomment"])
            for refused in ["fo\u{FFFE}o=bar", "foo=b\u{FFFF}ar", "baz=hello world\u{FFFE}"] { #expect(read(refused, dialect) == nil) }
        }
        #expect(read(file3v252, .before254) == [:])
        #expect(read(file3main, .since254) == ["normal1": "line111", "normal2": "line222"])
    }

    /// The detector sees a value the binary does print: a non-secret variable's wrong value.
    @Test func theDetectorSeesAPrintedValue() throws {
        let worker = try FuzzWorker(seed: FuzzSettings.seed, index: 9)
        let value = "ndPq7Xc2WvLr0sYt9KbMz4Ha"
        worker.root.setVariable("TESSDATA_PREFIX", value)
        let check = try hostcontract(
            "check", "contracts/lx-annotate.toml", "--root", worker.root.path, "--allow-untrusted-contract", "--format", "json")
        #expect(check.status == 1, "\(check.all)")
        #expect(Canaries.leak(of: value, in: check.all) != nil, "\(check.all)")
        let allowed = Canaries.grams(EnvironmentMutationCase.printableValues(Array(worker.root.environmentFile.utf8)).joined(separator: [10]))
        #expect(Canaries.leak(of: value, in: check.all, allowed: allowed) == nil)
        #expect(Canaries.leak(of: worker.canaries.django, in: check.all, allowed: allowed) == nil)
    }
}

// MARK: - Settings and the campaign driver

enum FuzzSettings {
    static let environment = ProcessInfo.processInfo.environment
    static let defaultSeed: UInt64 = 20261201

    static let seed: UInt64 = {
        guard let text = environment["HOSTCONTRACT_FUZZ_SEED"], !text.isEmpty else { return defaultSeed }
        if text == "random" {
            let seed = UInt64.random(in: 1...(UInt64.max >> 12))
            print("hostcontract fuzz: HOSTCONTRACT_FUZZ_SEED=\(seed)")
            return seed
        }
        return UInt64(text) ?? defaultSeed
    }()

    static let runs: Int? = Int(environment["HOSTCONTRACT_FUZZ_RUNS"] ?? "")
    static let onlyCase: Int? = Int(environment["HOSTCONTRACT_FUZZ_CASE"] ?? "")
    static let timeout: Int = Int(environment["HOSTCONTRACT_FUZZ_TIMEOUT"] ?? "") ?? 20
    static let workers = 2
    /// Where failing cases are kept for replay.
    static let failureDirectory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hostcontract-fuzz")
}

/// One worker's fixture (a sample root with planted canaries), reused for its cases.
final class FuzzWorker: @unchecked Sendable {
    let root: SampleRoot
    let edm: EDMRoot
    let scratch = TemporaryDirectory("fuzz-scratch")
    let canaries: Canaries
    let originalEnvironment: [UInt8]

    init(seed: UInt64, index: Int) throws {
        root = try SampleRoot()
        edm = try EDMRoot()
        var random = SeededGenerator(seed: seed ^ 0xCA4A_21E5 &+ UInt64(index))
        canaries = Canaries(using: &random)
        root.setVariable("DJANGO_SECRET_KEY", "\"" + canaries.django + "\"")
        root.setVariable("OIDC_RP_CLIENT_SECRET", canaries.oidc)
        // Raw keys: the contract asks for at least 32 bytes; their content is a canary too.
        try Data(canaries.masterKey.utf8).write(to: URL(fileURLWithPath: root.at("/etc/secrets/vault/lx-annotate-master.key")))
        try Data(canaries.luksKey.utf8).write(to: URL(fileURLWithPath: root.at("/etc/secrets/vault/lx-annotate-luks.key")))
        originalEnvironment = Array(root.environmentFile.utf8)
    }
}

/// Random secret values, and an exact search for any 8 consecutive characters of them.
struct Canaries {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    let django: String      // DJANGO_SECRET_KEY (min_length 50)
    let oidc: String        // OIDC_RP_CLIENT_SECRET (min_length 16)
    let masterKey: String   // content of the [[key]] files (min_bytes 32)
    let luksKey: String

    init(using random: inout SeededGenerator) {
        func make(_ count: Int) -> String {
            String(decoding: (0..<count).map { _ in Self.alphabet.randomElement(using: &random)! }, as: UTF8.self)
        }
        django = make(56)
        oidc = make(40)
        masterKey = make(40)
        luksKey = make(40)
    }

    var environmentCanaries: [(name: String, value: String)] {
        [("DJANGO_SECRET_KEY", django), ("OIDC_RP_CLIENT_SECRET", oidc)]
    }
    var keyCanaries: [(name: String, value: String)] {
        [("lx-annotate-master.key", masterKey), ("lx-annotate-luks.key", luksKey)]
    }

    /// The 8-byte windows of `text`, packed.
    static func grams(_ bytes: some Sequence<UInt8>) -> Set<UInt64> {
        var result = Set<UInt64>(), window: UInt64 = 0, count = 0
        for byte in bytes {
            window = (window << 8) | UInt64(byte)
            count += 1
            if count >= 8 { result.insert(window) }
        }
        return result
    }

    /// Where any 8 consecutive bytes of `secret` occur in `text` (minus those in `allowed`),
    /// as a short excerpt; nil when none does. A mutation may cut or flip a secret, so the
    /// whole value is not enough: any 8 of its random characters are as telling.
    static func leak(of secret: String, in text: String, allowed: Set<UInt64> = []) -> String? {
        let wanted = grams(Array(secret.utf8)).subtracting(allowed)
        guard !wanted.isEmpty else { return nil }
        let bytes = Array(text.utf8)
        var window: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            window = (window << 8) | UInt64(byte)
            if index >= 7, wanted.contains(window) {
                let start = max(0, index - 80), end = min(bytes.count, index + 40)
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
        }
        return nil
    }
}

/// A command run of a case, and what it must satisfy.
struct FuzzRun {
    var arguments: [String]
    var allowedStatus: Set<Int32>
    /// The file a diagnostic on exit 2 must name (nil: any FILE:LINE).
    var diagnosedFile: String? = nil
    var outputFile: String? = nil
    /// The process environment (gate reads the service's environment, not the file).
    var environment: [String: String]? = nil
    /// 8-grams this run may show besides the case's (see the gate runs of the env campaign).
    var alsoAllowed: Set<UInt64> = []
}

/// The environment systemd would give the service from `file`: its assignments to valid
/// names, last one winning, as `gate` sees them when its unit has `EnvironmentFile=`.
func serviceEnvironment(_ file: [UInt8]) -> [String: String] {
    var environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
    // Debian 12's systemd 252 reads the file; one it refuses starts nothing, and gate then runs
    // with PATH alone (as a unit whose EnvironmentFile=- names it would).
    for assignment in EnvironmentMutationCase.systemdAssignments(file, .before254) ?? []
    // (Values over 64 KiB are left out: the kernel refuses an environment string over 128 KiB.)
    where assignment.name.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) != nil && assignment.value.count <= 65536 {
        if let value = String(validating: assignment.value, as: UTF8.self) { environment[assignment.name] = value }
    }
    return environment
}

/// A generated case: the inputs written to the worker's fixture, the runs, and which canaries
/// must stay hidden.
protocol FuzzCase {
    init(worker: FuzzWorker, random: inout SeededGenerator, index: Int) throws
    /// The runs of this case (its inputs are in place when this is called).
    var runs: [FuzzRun] { get }
    /// Canary values that must not appear, with the 8-grams a mutation made legitimately printable.
    var hidden: [(name: String, value: String)] { get }
    var allowedGrams: Set<UInt64> { get }
    /// The mutated inputs, for the saved reproduction: (file name, content).
    var inputs: [(String, [UInt8])] { get }
    var summary: String { get }
}

/// A case whose inputs are files named by their paths (saved with each '/' as '_'), none of
/// whose texts makes a canary printable.
protocol FileSetFuzzCase: FuzzCase {
    var files: [(String, [UInt8])] { get }
}

extension FileSetFuzzCase {
    var allowedGrams: Set<UInt64> { [] }
    var inputs: [(String, [UInt8])] { files.map { ($0.0.replacingOccurrences(of: "/", with: "_"), $0.1) } }
}

final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var failures: [String] = []
    private(set) var runCount = 0
    private(set) var statuses: [String: Int] = [:]
    func add(_ text: String) { lock.withLock { failures.append(text) } }
    func counted() { lock.withLock { runCount += 1 } }
    func record(_ command: String, _ status: Int32) { lock.withLock { statuses["\(command)=\(status)", default: 0] += 1 } }
}

struct FuzzCampaign {
    var name: String
    var defaultCases: Int

    func run<Case: FuzzCase>(_: Case.Type) throws {
        let seed = FuzzSettings.seed
        let cases = FuzzSettings.runs ?? defaultCases
        let log = FailureLog()
        let started = Date()
        let salt: UInt64 = name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        let workers = try (0..<FuzzSettings.workers).map { try FuzzWorker(seed: seed, index: $0) }
        DispatchQueue.concurrentPerform(iterations: workers.count) { workerIndex in
            let worker = workers[workerIndex]
            for index in stride(from: workerIndex, to: cases, by: workers.count) {
                if let only = FuzzSettings.onlyCase, only != index { continue }
                var random = SeededGenerator(seed: seed ^ salt &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
                do {
                    let fuzzCase = try Case(worker: worker, random: &random, index: index)
                    for fuzzRun in fuzzCase.runs {
                        log.counted()
                        if let problem = check(fuzzRun, of: fuzzCase, worker: worker, log: log) {
                            let saved = save(fuzzCase, fuzzRun, index: index, seed: seed, problem: problem)
                            log.add("""
                                fuzz \(name) HOSTCONTRACT_FUZZ_SEED=\(seed) HOSTCONTRACT_FUZZ_CASE=\(index): \(problem.reason)
                                  case: \(fuzzCase.summary)
                                  command: hostcontract \(fuzzRun.arguments.joined(separator: " "))
                                  saved in \(saved)
                                """)
                        }
                    }
                } catch {
                    log.add("fuzz \(name) HOSTCONTRACT_FUZZ_SEED=\(seed) HOSTCONTRACT_FUZZ_CASE=\(index): fixture error \(error)")
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("hostcontract fuzz \(name): seed \(seed), \(cases) cases, \(log.runCount) runs, \(log.failures.count) failures, \(String(format: "%.1f", seconds)) s; exits \(log.statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " "))")
        for failure in log.failures.prefix(25) { Issue.record(Comment(rawValue: failure)) }
        if log.failures.count > 25 { Issue.record("fuzz \(name) seed \(seed): \(log.failures.count - 25) more failures") }
    }

    struct Problem { var reason: String; var outcome: ProcessOutcome?; var report: String }

    /// Runs one command of a case and returns what is wrong with it, if anything.
    func check(_ fuzzRun: FuzzRun, of fuzzCase: some FuzzCase, worker: FuzzWorker, log: FailureLog) -> Problem? {
        if let output = fuzzRun.outputFile { try? FileManager.default.removeItem(atPath: output) }
        let started = Date()
        let outcome: ProcessOutcome
        do {
            outcome = try TestSupport.run(
                "/usr/bin/timeout", ["-s", "KILL", "\(FuzzSettings.timeout)", hostcontractExecutable] + fuzzRun.arguments,
                environment: fuzzRun.environment)
        } catch {
            return Problem(reason: "cannot run: \(error)", outcome: nil, report: "")
        }
        let seconds = Date().timeIntervalSince(started)
        log.record(fuzzRun.arguments[0], outcome.status)
        let report = fuzzRun.outputFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        func problem(_ reason: String) -> Problem { Problem(reason: reason, outcome: outcome, report: report) }
        // timeout(1) exits 124 (or 137 with -s KILL) when it had to stop the command; a command
        // killed by a signal makes timeout die by the same signal or exit 128+N.
        if outcome.status == 124 || outcome.status == 137 || seconds >= Double(FuzzSettings.timeout) {
            return problem("no result within \(FuzzSettings.timeout) s (a hang), status \(outcome.status)")
        }
        if outcome.status >= 128 || (outcome.status > 2 && outcome.status < 64) {
            return problem("died: status \(outcome.status) (a crash or a signal)\n\(outcome.standardError.suffix(1500))")
        }
        if !fuzzRun.allowedStatus.contains(outcome.status) {
            return problem("exit \(outcome.status), expected one of \(fuzzRun.allowedStatus.sorted())\n\(outcome.standardError.suffix(1500))")
        }
        if outcome.status == 2 && !Self.namesFileAndLine(outcome.standardError, file: fuzzRun.diagnosedFile) {
            return problem("exit 2 without a FILE:LINE: diagnostic on stderr: \(outcome.standardError.prefix(1500))")
        }
        for (name, value) in fuzzCase.hidden {
            for (where_, text) in [("stdout", outcome.standardOutput), ("stderr", outcome.standardError), ("--output file", report)] {
                if let excerpt = Canaries.leak(of: value, in: text, allowed: fuzzCase.allowedGrams.union(fuzzRun.alsoAllowed)) {
                    return problem("canary of \(name) (\(value)) shown on \(where_): ...\(excerpt)...")
                }
            }
        }
        return nil
    }

    /// Whether `text` has a line `FILE:LINE:` (with `file` as FILE when given).
    static func namesFileAndLine(_ text: String, file: String?) -> Bool {
        let pattern = file.map { NSRegularExpression.escapedPattern(for: $0) + ":[0-9]+:" } ?? "[^\\s:]+:[0-9]+:"
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    /// Keeps a failing case: its inputs, the command and its output.
    func save(_ fuzzCase: some FuzzCase, _ fuzzRun: FuzzRun, index: Int, seed: UInt64, problem: Problem) -> String {
        let directory = FuzzSettings.failureDirectory.appendingPathComponent("\(name)-seed\(seed)-case\(index)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (file, bytes) in fuzzCase.inputs {
            try? Data(bytes).write(to: directory.appendingPathComponent(file))
        }
        let description = """
            campaign: \(name)
            seed: \(seed) case: \(index)
            replay: HOSTCONTRACT_FUZZ_SEED=\(seed) HOSTCONTRACT_FUZZ_CASE=\(index) swift test --skip-build --filter FuzzCampaignTests
            case: \(fuzzCase.summary)
            command: hostcontract \(fuzzRun.arguments.joined(separator: " "))
            (paths under the fixture roots are temporary: the roots are examples/*/make-root.sh roots with
            DJANGO_SECRET_KEY, OIDC_RP_CLIENT_SECRET and the two vault keys replaced by the canaries below)
            hidden canaries: \(fuzzCase.hidden.map { "\($0.name)=\($0.value)" }.joined(separator: " "))
            problem: \(problem.reason)
            status: \(problem.outcome.map { "\($0.status)" } ?? "-")

            """
        try? Data(description.utf8).write(to: directory.appendingPathComponent("README.txt"))
        try? Data((problem.outcome?.standardOutput ?? "").utf8).write(to: directory.appendingPathComponent("stdout"))
        try? Data((problem.outcome?.standardError ?? "").utf8).write(to: directory.appendingPathComponent("stderr"))
        if !problem.report.isEmpty { try? Data(problem.report.utf8).write(to: directory.appendingPathComponent("output-file")) }
        return directory.path
    }
}

// MARK: - Mutations on bytes and lines

enum Mutate {
    /// One to four mutations of `bytes`: a flipped byte, a deleted range, a line edit, a line of
    /// `splicing` spliced in, or one of `tokens` inserted; what was done, in words.
    static func randomly(_ bytes: inout [UInt8], splicing other: [UInt8], tokens: [[UInt8]], _ random: inout SeededGenerator) -> [String] {
        var steps: [String] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: flipByte(&bytes, &random); steps.append("flip")
            case 1: deleteRange(&bytes, &random); steps.append("delete")
            case 2: lineEdit(&bytes, splice: nil, &random); steps.append("line")
            case 3:
                let line = lines(other).randomElement(using: &random)!
                lineEdit(&bytes, splice: line, &random); steps.append("splice")
            default:
                let token = tokens.randomElement(using: &random)!
                insert(token, into: &bytes, &random)
                steps.append("token \(String(decoding: token.prefix(60), as: UTF8.self).debugDescription)")
            }
        }
        return steps
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [10]))
    }

    static func flipByte(_ bytes: inout [UInt8], _ random: inout SeededGenerator) {
        guard !bytes.isEmpty else { return }
        let position = Int.random(in: 0..<bytes.count, using: &random)
        if Bool.random(using: &random) {
            bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        } else {
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        }
    }

    static func deleteRange(_ bytes: inout [UInt8], _ random: inout SeededGenerator) {
        guard !bytes.isEmpty else { return }
        let start = Int.random(in: 0..<bytes.count, using: &random)
        bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...30, using: &random)))
    }

    static func insert(_ token: [UInt8], into bytes: inout [UInt8], _ random: inout SeededGenerator) {
        bytes.insert(contentsOf: token, at: Int.random(in: 0...bytes.count, using: &random))
    }

    /// Duplicates, deletes or swaps whole lines, or inserts `line` as a line of its own.
    static func lineEdit(_ bytes: inout [UInt8], splice: [UInt8]?, _ random: inout SeededGenerator) {
        var all = lines(bytes)
        guard !all.isEmpty else { return }
        let at = Int.random(in: 0..<all.count, using: &random)
        if let splice {
            all.insert(splice, at: at)
        } else {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: all.insert(all[at], at: Int.random(in: 0...all.count, using: &random))
            case 1: all.remove(at: at)
            default: all.swapAt(at, Int.random(in: 0..<all.count, using: &random))
            }
        }
        bytes = join(all)
    }
}

// MARK: - (1) The contract loader

/// A mutated shipped contract, linted and then used by one other command against the sample
/// root whose environment file holds the canaries.
struct ContractMutationCase: FuzzCase {
    static let contracts: [(String, [UInt8])] = ["lx-annotate", "lx-annotate", "lx-annotate", "edm-annotator", "dicom-backup", "mmt-backend"].map {
        ($0, Array((try? Data(contentsOf: packageDirectory.appendingPathComponent("contracts/\($0).toml"))) ?? Data()))
    }
    static let allLines: [[UInt8]] = contracts.flatMap { Mutate.lines($0.1) }.filter { !$0.isEmpty }
    static let tokens: [String] = [
        "[[", "]]", "[", "]", "{", "}", "\"", "'", "'''", "\"\"\"", "=", "\n", "#", "\\", "${", "$${", "${A}", "}}",
        "99999999999999999999999999", "-9223372036854775809", "1e999", "0x7fffffffffffffff", "nan", "-inf",
        "\u{0}", "\r", "\r\n", "é", "\u{202E}", "\u{FEFF}", "\u{FFFE}", "😀", "\u{10FFFF}",
        "${DJANGO_SECRET_KEY}", "${OIDC_RP_CLIENT_SECRET}", "${LX_ANNOTATE_ENCRYPTED_DATA_DIR}",
        "\n[[variable]]\nname = \"COPY\"\ndefault = \"${DJANGO_SECRET_KEY}\"\n",
        "\n[[variable]]\nname = \"TESSDATA_PREFIX\"\naliases = [\"DJANGO_SECRET_KEY\"]\n",
        "\n[[directory]]\npath = \"/srv/${OIDC_RP_CLIENT_SECRET}\"\ncreate = true\n",
        "\n[[file]]\npath = \"/etc/secrets/vault/lx-annotate-master.key\"\nforbid = ['.']\nrequire = ['^x$']\n",
        "\n[environment]\nfile = \"/etc/secrets/vault/lx-annotate-master.key\"\n",
        "when = { DJANGO_SECRET_KEY = \"x\" }", "equals = \"${DJANGO_SECRET_KEY}\"", "mode = \"07777\"", "mode = 750",
        "forbid = ['(a+)+$']", "pattern = '(?s).*'", "path = \"\"", "path = \"/../../..\"", "subdirs = [\"..\"]",
        "\n[[variable]]\nname = \"V0\"\ndefault = \"${V1}${V1}\"\n[[variable]]\nname = \"V1\"\ndefault = \"${V0}\"\n",
    ]

    let contractPath: String
    let mutated: [UInt8]
    let summary: String
    let runs: [FuzzRun]
    let hidden: [(name: String, value: String)]
    var allowedGrams: Set<UInt64> { [] }
    var inputs: [(String, [UInt8])] { [("contract.toml", mutated)] }

    init(worker: FuzzWorker, random: inout SeededGenerator, index: Int) throws {
        let (name, original) = Self.contracts.randomElement(using: &random)!
        var bytes = original
        var steps: [String] = []
        // Few steps, half of them whole-line edits, so that a fair share of the mutants still
        // load and reach the evaluation (byte-level damage alone is mostly a syntax error).
        for _ in 0..<[1, 1, 2, 3].randomElement(using: &random)! {
            switch Int.random(in: 0..<11, using: &random) {
            case 0: Mutate.flipByte(&bytes, &random); steps.append("flip")
            case 1: Mutate.deleteRange(&bytes, &random); steps.append("delete")
            case 2, 3: Mutate.lineEdit(&bytes, splice: nil, &random); steps.append("line")
            case 4, 5: Mutate.lineEdit(&bytes, splice: Self.allLines.randomElement(using: &random)!, &random); steps.append("splice")
            case 6:
                let token = Self.tokens.randomElement(using: &random)!
                Mutate.insert(Array(token.utf8), into: &bytes, &random)
                steps.append("token \(token.debugDescription)")
            case 7, 8, 9:
                // A string value replaced by a hostile one: the contract stays TOML.
                let value = Self.values.randomElement(using: &random)!
                if Self.replaceString(in: &bytes, with: value, &random) { steps.append("value \(value.debugDescription)") }
            default:
                let token = Self.tokens.randomElement(using: &random)!
                Mutate.lineEdit(&bytes, splice: Array(token.utf8), &random)
                steps.append("line \(token.debugDescription)")
            }
        }
        mutated = bytes
        summary = "contracts/\(name).toml mutated by \(steps.joined(separator: ", "))"
        contractPath = worker.scratch.path + "/contract.toml"
        try Data(bytes).write(to: URL(fileURLWithPath: contractPath))

        let root = worker.root.path, env = worker.root.at("/var/lib/lx-annotate/.env.systemd")
        let output = worker.scratch.path + "/report"
        let formats = ["text", "json", "junit", "sarif", "prometheus"]
        let format = formats[index % formats.count]
        var runs = [FuzzRun(arguments: ["lint", contractPath], allowedStatus: [0, 2], diagnosedFile: contractPath)]
        switch index % 6 {
        case 0, 1:
            runs.append(FuzzRun(arguments: ["check", contractPath, "--root", root, "--allow-untrusted-contract", "--format", format],
                                allowedStatus: [0, 1, 2, 3], diagnosedFile: contractPath))
        case 2:
            runs.append(FuzzRun(arguments: ["check", contractPath, "--root", root, "--allow-untrusted-contract", "--env-file", env,
                                            "--format", format, "--output", output],
                                allowedStatus: [0, 1, 2, 3], diagnosedFile: contractPath, outputFile: output))
        case 3:
            runs.append(FuzzRun(arguments: ["provision", contractPath, "--root", root, "--allow-untrusted-contract", "--dry-run",
                                            "--format", index % 12 == 3 ? "json" : "text"],
                                allowedStatus: [0, 1, 2], diagnosedFile: contractPath))
        case 4:
            runs.append(FuzzRun(arguments: ["tmpfiles", contractPath, "--env-file", env], allowedStatus: [0, 1, 2], diagnosedFile: contractPath))
        default:
            runs.append(FuzzRun(arguments: ["gate", contractPath, "--root", root, "--allow-untrusted-contract", "--", "/bin/true"],
                                allowedStatus: [0, 78], environment: serviceEnvironment(worker.originalEnvironment)))
        }
        self.runs = runs

        // The canary rule for a mutated contract: the environment file is intact, so a secret's
        // value may be shown only if the mutation took away its secrecy, i.e. its declaration is
        // no longer the original block (from [[variable]] to the blank line, with secret = true)
        // or a second `name = "X"` declares it again. While the block stands intact and alone,
        // X is secret whatever else the mutation added (an alias of X, ${X} in a path, a default
        // or a `when` on X, [environment] pointing elsewhere): its value must appear nowhere. In
        // contracts that do not name X at all it is an undeclared variable, never printed. Key
        // contents are never printed, whatever the contract says.
        let text = String(decoding: bytes, as: UTF8.self)
        let originalText = String(decoding: original, as: UTF8.self)
        var hidden = worker.canaries.keyCanaries
        for (variable, value) in worker.canaries.environmentCanaries {
            if !originalText.contains(variable) {
                if !text.contains(variable) { hidden.append((variable, value)) }
                continue
            }
            let declarations = text.ranges(of: try! Regex("name\\s*=\\s*[\"']\(variable)[\"']")).count
            if declarations == 1, let block = Self.block(declaring: variable, in: originalText), text.contains(block) {
                hidden.append((variable, value))
            }
        }
        self.hidden = hidden
    }

    static let values: [String] = [
        "${DJANGO_SECRET_KEY}", "/srv/${OIDC_RP_CLIENT_SECRET}", "${DJANGO_SECRET_KEY}${DJANGO_SECRET_KEY}", "DJANGO_SECRET_KEY",
        "/etc/secrets/vault/lx-annotate-master.key", "/etc/secrets/vault", "", "/", "..", "/../../etc", "0777", "7777", "99999999999",
        "é😀\\u202E", "\\u0000", "a\\nb", "${UNDEFINED}", "${A", "$${X}", "(a+)+$", "[", "root", "nobody", "65534",
        String(repeating: "x", count: 5000), "g:nobody:rwx", "u::rwx,o::rwx",
    ]

    /// Replaces the content of a random basic string `"..."` (on one line) by `value`.
    static func replaceString(in bytes: inout [UInt8], with value: String, _ random: inout SeededGenerator) -> Bool {
        var strings: [Range<Int>] = []
        var start: Int? = nil
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { start = nil; continue }
            guard byte == 34 else { continue }
            if let open = start { strings.append((open + 1)..<index); start = nil } else { start = index }
        }
        guard let range = strings.randomElement(using: &random) else { return false }
        bytes.replaceSubrange(range, with: Array(value.utf8))
        return true
    }

    /// The `[[variable]]` block declaring `name`, from its header to the next blank line.
    static func block(declaring name: String, in text: String) -> String? {
        let blocks = text.components(separatedBy: "\n\n")
        return blocks.first { $0.contains("name = \"\(name)\"") && $0.contains("[[variable]]") && $0.contains("secret = true") }
            .map { String($0[$0.range(of: "[[variable]]")!.lowerBound...]) }
    }
}

// MARK: - (2) The environment-file reader

/// The sample root's environment file (with the canaries as DJANGO_SECRET_KEY and
/// OIDC_RP_CLIENT_SECRET), mutated, written into the root and checked through `check
/// --env-file`, `provision --dry-run`, `tmpfiles` or `gate`.
struct EnvironmentMutationCase: FuzzCase {
    /// Names the contract declares and does not make secret (variables and their aliases).
    static let printableNames: Set<String> = {
        let text = (try? String(contentsOf: packageDirectory.appendingPathComponent("contracts/lx-annotate.toml"), encoding: .utf8)) ?? ""
        var names = Set<String>()
        for block in text.components(separatedBy: "[[variable]]").dropFirst() {
            let entry = block.components(separatedBy: "\n[").first ?? block
            guard !entry.contains("secret = true") else { continue }
            for match in entry.matches(of: /"([A-Z][A-Z0-9_]*)"/) where entry.contains("name = \"\(match.1)\"") || entry.contains("aliases") {
                names.insert(String(match.1))
            }
        }
        return names
    }()

    static let names = ["DJANGO_SECRET_KEY", "OIDC_RP_CLIENT_SECRET", "TESSDATA_PREFIX", "PYTORCH_ALLOC_CONF", "BASE_URL",
                        "LX_ANNOTATE_DATA_DIR", "DATA_DIR", "STORAGE_DIR", "DJANGO_DB_ENGINE", "UNDECLARED_NAME", "export DJANGO_SECRET_KEY"]
    static let tokens: [[UInt8]] = [
        "\\", " \\", "\\\n", "\"", "'", "\"\"\"", "\r", "\r\n", "\u{0}", "\u{FFFE}", "\u{FEFF}", "\u{202E}", "é", "😀",
        "export ", "#", ";", "=", "==", " = ", "${", "${DJANGO_SECRET_KEY}", "$(id)", "`", "\t", "  ", "\\x00", "\\\"",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xFE, 0xFF]]

    let environment: [UInt8]
    let summary: String
    let runs: [FuzzRun]
    let hidden: [(name: String, value: String)]
    let allowedGrams: Set<UInt64>
    var inputs: [(String, [UInt8])] { [(".env.systemd", environment)] }

    init(worker: FuzzWorker, random: inout SeededGenerator, index: Int) throws {
        var bytes = worker.originalEnvironment
        var steps: [String] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            var all = Mutate.lines(bytes)
            let at = Int.random(in: 0..<all.count, using: &random)
            switch Int.random(in: 0..<12, using: &random) {
            case 0: Mutate.flipByte(&bytes, &random); steps.append("flip")
            case 1: Mutate.lineEdit(&bytes, splice: nil, &random); steps.append("line")
            case 2:
                all[at] += Array((Bool.random(using: &random) ? " \\" : "\\").utf8)
                bytes = Mutate.join(all); steps.append("trailing backslash on line \(at + 1)")
            case 3:
                // An unterminated quote right after the '=' (or anywhere in the line).
                let quote: UInt8 = Bool.random(using: &random) ? 34 : 39
                let position = all[at].firstIndex(of: 61).map { $0 + 1 } ?? Int.random(in: 0...all[at].count, using: &random)
                all[at].insert(quote, at: position)
                bytes = Mutate.join(all); steps.append("quote on line \(at + 1)")
            case 4:
                bytes = Mutate.join(all.map { $0 + [13] }); steps.append("CRLF")
            case 5:
                all[at].insert(contentsOf: Array("export ".utf8), at: 0)
                bytes = Mutate.join(all); steps.append("export on line \(at + 1)")
            case 6:
                let length = Int.random(in: 10_000...300_000, using: &random)
                all[at] += Array(repeating: UInt8(ascii: "a"), count: length)
                bytes = Mutate.join(all); steps.append("line \(at + 1) longer by \(length)")
            case 7, 8:
                // Another name for a line: a secret under a non-secret name, or the reverse.
                if let equals = all[at].firstIndex(of: 61) {
                    let name = Self.names.randomElement(using: &random)!
                    all[at].replaceSubrange(0..<equals, with: Array(name.utf8))
                    bytes = Mutate.join(all); steps.append("line \(at + 1) renamed \(name)")
                }
            case 9:
                Mutate.deleteRange(&bytes, &random); steps.append("delete")
            default:
                let token = Self.tokens.randomElement(using: &random)!
                Mutate.insert(token, into: &bytes, &random)
                steps.append("token \(token.map { String(format: "%02x", $0) }.joined())")
            }
        }
        environment = bytes
        summary = "environment file mutated by \(steps.joined(separator: ", "))"
        let envPath = worker.root.at("/var/lib/lx-annotate/.env.systemd")
        try Data(bytes).write(to: URL(fileURLWithPath: envPath))

        let contract = packageDirectory.appendingPathComponent("contracts/lx-annotate.toml").path
        let root = worker.root.path, output = worker.scratch.path + "/report"
        let formats = ["text", "json", "junit", "sarif", "prometheus"]
        let format = formats[index % formats.count]
        let base = ["--root", root, "--allow-untrusted-contract"]
        switch index % 6 {
        case 0, 1:
            runs = [FuzzRun(arguments: ["check", contract] + base + ["--env-file", envPath, "--format", format], allowedStatus: [0, 1, 2, 3]),
                    FuzzRun(arguments: ["check", contract] + base + ["--format", formats[(index + 2) % 5], "--output", output],
                            allowedStatus: [0, 1, 2, 3], outputFile: output)]
        case 2, 3:
            runs = [FuzzRun(arguments: ["check", contract] + base + ["--env-file", envPath, "--format", format, "--output", output],
                            allowedStatus: [0, 1, 2, 3], outputFile: output),
                    FuzzRun(arguments: ["provision", contract] + base + ["--env-file", envPath, "--dry-run", "--format", index % 2 == 0 ? "json" : "text"],
                            allowedStatus: [0, 1, 2])]
        case 4:
            runs = [FuzzRun(arguments: ["check", contract] + base + ["--format", format], allowedStatus: [0, 1, 2, 3]),
                    FuzzRun(arguments: ["tmpfiles", contract, "--env-file", envPath], allowedStatus: [0, 1, 2])]
        default:
            runs = [FuzzRun(arguments: ["check", contract] + base + ["--env-file", envPath, "--format", format], allowedStatus: [0, 1, 2, 3]),
                    FuzzRun(arguments: ["gate", contract] + base + ["--", "/bin/true"], allowedStatus: [0, 78],
                            environment: serviceEnvironment(bytes), alsoAllowed: Self.gateAllowed(bytes))]
        }
        hidden = worker.canaries.environmentCanaries + worker.canaries.keyCanaries
        allowedGrams = Canaries.grams(Self.printableValues(bytes).joined(separator: [10]))
    }

    /// The canary rule for a mutated environment file (issue 11, item 1: a value is printable
    /// only if it provably comes from a non-secret source: its own variable, declared not
    /// secret, on its own line with no syntax problem). A mutation may rename a line, so a
    /// canary can legitimately become, say, TESSDATA_PREFIX's or DATA_DIR's value, which
    /// `check` prints when it differs from the contract's. So a canary's characters may appear
    /// in output only inside a value that systemd itself would assign
    /// - to a name the contract declares and does not make secret (a variable or an alias),
    /// - from an assignment that begins and ends on one line: no continuation, no quote left
    ///   open over a line end, and not itself swallowed by an earlier line's continuation or
    ///   open quote,
    /// - from a file systemd does not refuse (invalid UTF-8, a NUL byte: it then takes nothing).
    /// Which line swallows which is decided by systemd's own reader, replayed here
    /// (`systemdAssignments`, after src/basic/env-file.c). The sample root has no systemd, so
    /// its version is unknown: a value must be printable as systemd before 254 (Debian 12's
    /// 252) and as 254 and later read the file. Anything else (a secret's own line, a value that
    /// took in other lines, a comment, an undeclared name, `export NAME=`) must never be shown.
    /// The rule admits no more than systemd's reading proves.
    static func printableValues(_ bytes: [UInt8], dialects: [SystemdDialect] = SystemdDialect.allCases) -> [[UInt8]] {
        let readings = dialects.map { dialect in
            systemdAssignments(bytes, dialect).map { assignments in
                assignments.filter { $0.firstLine == $0.lastLine && printableNames.contains($0.name) }.map(\.value)
            } ?? []
        }
        return readings.dropFirst().reduce(readings.first ?? []) { common, reading in common.filter(reading.contains) }
    }

    /// gate sees only the process environment: a value that took in other lines of the file
    /// arrives there as the plain value of its (non-secret) name, and gate cannot tell. Such
    /// values are allowed for gate (the file's own readers, check and provision, must still
    /// withhold them); a secret's value, an undeclared name's, a comment's stay forbidden.
    /// The environment is the one Debian 12's systemd 252 makes (``serviceEnvironment(_:)``).
    static func gateAllowed(_ bytes: [UInt8]) -> Set<UInt64> {
        let assignments = systemdAssignments(bytes, .before254) ?? []
        return Canaries.grams(assignments.filter { printableNames.contains($0.name) }.map(\.value).joined(separator: [10]))
    }

    /// The one rule in which systemd versions read a file differently: before 254 a backslash
    /// at the end of a comment line takes the next line into the comment.
    enum SystemdDialect: CaseIterable { case before254, since254 }

    struct Assignment { var name: String; var value: [UInt8]; var firstLine: Int; var lastLine: Int }

    /// systemd's EnvironmentFile= reader, replayed state by state from parse_env_file_internal
    /// and load_env_file_push (src/basic/env-file.c, checked line by line against v252.39 and
    /// main after v257): lines end at LF or CR (NEWLINE "\n\r"); in PRE_KEY whitespace is
    /// skipped and `#` or `;` begins a comment; a name runs to `=` (a line end first drops
    /// it); whitespace after `=` is skipped; quotes count only where a value (or the rest of one
    /// after a closing quote) begins; unquoted, a backslash escapes the next byte and before a
    /// line end joins the next line; in double quotes `\"` `\\` `\`` `\$` lose the backslash,
    /// a backslash-LF vanishes and any other escape keeps it; an unquoted value's trailing
    /// whitespace is dropped, except what an escape put there (last_value_whitespace); a
    /// comment's backslash escapes the next byte, which before 254 stays in the comment even if
    /// it is a line end. Every name and value pushed must be valid UTF-8 without
    /// non-characters (utf8_is_valid), or systemd refuses the whole file, as it does one with a
    /// NUL byte (read_full_file): then nil. Names are kept as written (invalid ones included:
    /// the caller only matches declared names). Lines are counted at LF and at a CR not before
    /// an LF, so an assignment on one line holds no line end but its last.
    static func systemdAssignments(_ bytes: [UInt8], _ dialect: SystemdDialect) -> [Assignment]? {
        enum State { case preKey, key, preValue, value, valueEscape, single, double, doubleEscape, comment, commentEscape }
        func newline(_ c: UInt8) -> Bool { c == 10 || c == 13 }
        func whitespace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        /// utf8_is_valid() as Swift's strict decoder sees it, less the non-characters.
        func valid(_ text: [UInt8]) -> Bool {
            guard let decoded = String(validating: text, as: UTF8.self) else { return false }
            return !decoded.unicodeScalars.contains { (0xFDD0...0xFDEF).contains($0.value) || $0.value & 0xFFFE == 0xFFFE }
        }
        if bytes.contains(0) { return nil }
        var result: [Assignment] = []
        var state = State.preKey, key: [UInt8] = [], value: [UInt8] = [], line = 1, firstLine = 1
        var lastWhitespace: Int? = nil
        func push(trim: Bool) -> Bool {
            while let last = key.last, whitespace(last) { key.removeLast() }
            if trim, let cut = lastWhitespace { value.removeSubrange(cut...) }
            defer { key = []; value = []; lastWhitespace = nil }
            guard valid(key), valid(value) else { return false }
            result.append(Assignment(name: String(decoding: key, as: UTF8.self), value: value, firstLine: firstLine, lastLine: line))
            return true
        }
        for (index, c) in bytes.enumerated() {
            switch state {
            case .preKey:
                if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") { state = .comment }
                else if !whitespace(c) { state = .key; key = [c]; value = []; firstLine = line }
            case .key:
                if newline(c) { state = .preKey; key = [] }
                else if c == UInt8(ascii: "=") { state = .preValue; lastWhitespace = nil }
                else { key.append(c) }
            case .preValue:
                if newline(c) { state = .preKey; guard push(trim: false) else { return nil } }
                else if c == 32 || c == 9 { }
                else if c == 39 { state = .single }
                else if c == 34 { state = .double }
                else if c == 92 { state = .valueEscape }
                else { state = .value; value.append(c) }
            case .value:
                if newline(c) { state = .preKey; guard push(trim: true) else { return nil } }
                else if c == 92 { state = .valueEscape; lastWhitespace = nil }
                else {
                    if c != 32 && c != 9 { lastWhitespace = nil } else if lastWhitespace == nil { lastWhitespace = value.count }
                    value.append(c)
                }
            case .valueEscape:
                state = .value
                if !newline(c) { value.append(c) }
            case .single:
                if c == 39 { state = .preValue } else { value.append(c) }
            case .double:
                if c == 34 { state = .preValue } else if c == 92 { state = .doubleEscape } else { value.append(c) }
            case .doubleEscape:
                state = .double
                if c == 34 || c == 92 || c == 96 || c == 36 { value.append(c) }
                else if c != 10 { value.append(92); value.append(c) }
            case .comment:
                if c == 92 { state = .commentEscape } else if newline(c) { state = .preKey }
            case .commentEscape:
                state = newline(c) && dialect == .since254 ? .preKey : .comment
            }
            // (Inside quotes a CR is part of the value, for systemd and for hostcontract.)
            let quoted = state == .single || state == .double || state == .doubleEscape
            if c == 10 || (c == 13 && !quoted && (index + 1 == bytes.count || bytes[index + 1] != 10)) { line += 1 }
        }
        switch state {
        case .value: guard push(trim: true) else { return nil }
        case .preValue, .valueEscape, .single, .double, .doubleEscape: guard push(trim: false) else { return nil }
        default: break
        }
        return result
    }
}

// MARK: - (3) The nginx parser

/// The sample roots' nginx files, mutated (with tokens that include a key file, cycle, nest,
/// break quotes), checked with the lx-annotate or the EDM contract; the keys hold canaries.
struct NginxMutationCase: FileSetFuzzCase {
    static let lxFiles = ["/etc/nginx/nginx.conf", "/etc/nginx/conf.d/lx-annotate.conf"]
    static let edmFiles = ["/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/edm-annotator"]
    static let tokens: [[UInt8]] = [
        "{", "}", ";", "\"", "'", "\\", "#", "$", "${", "\n", "\r\n", "\u{0}", "é", "\u{FFFE}", "if (", ")", "location /x {",
        "include /etc/secrets/vault/lx-annotate-master.key;", "\ninclude /etc/secrets/vault/lx-annotate-luks.key;\n",
        "ssl_certificate_key /etc/secrets/vault/lx-annotate-master.key;", "ssl_certificate /etc/secrets/vault/lx-annotate-luks.key;",
        "include /etc/nginx/nginx.conf;", "include /etc/nginx/conf.d/*.conf;", "include /etc/nginx/sites-enabled/*;",
        "include /etc/nginx/*;", "include /etc/secrets/vault/*;", "alias /etc/secrets/vault/;", "root /;",
        String(repeating: "location /a {\n", count: 150), String(repeating: "}", count: 150), String(repeating: "x", count: 100_000),
        "content_by_lua_block {", "'''", "\\\n",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]

    let files: [(String, [UInt8])]
    let summary: String
    let runs: [FuzzRun]
    let hidden: [(name: String, value: String)]

    init(worker: FuzzWorker, random: inout SeededGenerator, index: Int) throws {
        let edm = index % 3 == 2
        let paths = edm ? Self.edmFiles : Self.lxFiles
        let at: (String) -> String = { edm ? worker.edm.at($0) : worker.root.at($0) }
        let originals = try paths.map { (path: String) -> [UInt8] in
            let key = (edm ? "edm:" : "lx:") + path
            return try NginxOriginals.shared.get(key) { Array(try Data(contentsOf: URL(fileURLWithPath: at(path)))) }
        }
        let target = Int.random(in: 0..<paths.count, using: &random)
        var bytes = originals[target]
        let steps = Mutate.randomly(&bytes, splicing: originals[(target + 1) % originals.count], tokens: Self.tokens, &random)
        var files: [(String, [UInt8])] = []
        for (position, path) in paths.enumerated() {
            let content = position == target ? bytes : originals[position]
            try Data(content).write(to: URL(fileURLWithPath: at(path)))
            files.append((path, content))
        }
        self.files = [files[target]]
        summary = "\(edm ? "edm-annotator" : "lx-annotate") root: \(paths[target]) mutated by \(steps.joined(separator: ", "))"

        let contract = packageDirectory.appendingPathComponent("contracts/\(edm ? "edm-annotator" : "lx-annotate").toml").path
        let root = edm ? worker.edm.path : worker.root.path
        let output = worker.scratch.path + "/report"
        let formats = ["text", "json", "junit", "sarif", "prometheus"]
        let base = ["--root", root, "--allow-untrusted-contract"]
        var runs = [FuzzRun(arguments: ["check", contract] + base + ["--format", formats[index % 5]], allowedStatus: [0, 1, 2, 3])]
        if index % 2 == 0 {
            runs.append(FuzzRun(arguments: ["check", contract] + base + ["--only", "nginx", "--format", formats[(index / 2) % 5], "--output", output],
                                allowedStatus: [0, 1, 2, 3], outputFile: output))
        } else {
            // The EDM backend's environment is its unit's Environment= lines.
            let file = edm ? Array("EDM_AUDIO_DIR=/srv/edm/audio\nEDM_ANNOTATION_DIR=/srv/edm/annotations\nEDM_LOG_LEVEL=INFO\n".utf8)
                : worker.originalEnvironment
            runs.append(FuzzRun(arguments: ["gate", contract] + base + ["--", "/bin/true"], allowedStatus: [0, 78],
                                environment: serviceEnvironment(file)))
        }
        self.runs = runs
        // Neither contract nor environment is mutated: no canary may appear, ever.
        hidden = worker.canaries.environmentCanaries + worker.canaries.keyCanaries
    }
}

/// The pristine nginx files of the sample roots (read once, before any mutation).
final class NginxOriginals: @unchecked Sendable {
    static let shared = NginxOriginals()
    private let lock = NSLock()
    private var files: [String: [UInt8]] = [:]

    func get(_ key: String, _ read: () throws -> [UInt8]) throws -> [UInt8] {
        try lock.withLock {
            if let found = files[key] { return found }
            let bytes = try read()
            files[key] = bytes
            return bytes
        }
    }
}
