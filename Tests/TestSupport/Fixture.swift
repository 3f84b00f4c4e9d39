import Foundation

/// The package's top directory, found from this source file.
public let packageDirectory: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "hostcontract") {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(label)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        url = base
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let file = url.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// Replaces `from` with `to` in the file `name` inside the directory (a path inside a root
    /// made here, with or without its leading '/'); a file without `from` is a fixture error.
    public func edit(_ name: String, _ from: String, _ to: String) throws {
        let path = url.appendingPathComponent(String(name.drop { $0 == "/" })).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.contains(from) else { throw FixtureError(message: "\(name) lacks \(from)") }
        try text.replacing(from, with: to).write(toFile: path, atomically: false, encoding: .utf8)
    }
}

/// What a finished process printed and how it ended.
public struct ProcessOutcome: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
    public var all: String { standardOutput + standardError }

    public init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// Runs `executable` with `arguments` and waits, with standard input closed.
public func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil) throws -> ProcessOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? packageDirectory.path)
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes to the end before waiting, so a large report cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    group.enter()
    DispatchQueue.global().async {
        errorData = error.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessOutcome(
        status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData, as: UTF8.self))
}

/// The built `hostcontract` executable, beside the test bundle.
public let hostcontractExecutable: String = {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hostcontract").path,
        packageDirectory.appendingPathComponent(".build/debug/hostcontract").path,
    ]
    let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    return found ?? candidates[1]
}()

/// Runs the built `hostcontract` with `arguments` from the package directory.
public func hostcontract(_ arguments: String..., environment: [String: String]? = nil) throws -> ProcessOutcome {
    try run(hostcontractExecutable, arguments, environment: environment)
}

/// Whether the tests run as root (chown to other ids needs it).
public let runningAsRoot: Bool = getuid() == 0

/// A sample lx-annotate root built by examples/lx-annotate/make-root.sh in a temporary directory.
public final class SampleRoot: @unchecked Sendable {
    public let directory = TemporaryDirectory("lx-root")
    public var path: String { directory.path }

    public init(role: String = "standalone", mtls: Bool = false) throws {
        let script = packageDirectory.appendingPathComponent("examples/lx-annotate/make-root.sh").path
        let outcome = try run("/bin/bash", [script, directory.path, role] + (mtls ? ["mtls"] : []))
        guard outcome.status == 0 else { throw FixtureError(message: "make-root.sh failed: \(outcome.all)") }
    }

    /// The host path of `path` inside the root.
    public func at(_ path: String) -> String { directory.path + path }

    /// The environment file's text.
    public var environmentFile: String {
        get { (try? String(contentsOfFile: at("/var/lib/lx-annotate/.env.systemd"), encoding: .utf8)) ?? "" }
        set { try! newValue.write(toFile: at("/var/lib/lx-annotate/.env.systemd"), atomically: false, encoding: .utf8) }
    }

    /// Sets `name=value` in the environment file, replacing an existing assignment.
    public func setVariable(_ name: String, _ value: String) {
        var lines = environmentFile.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeAll { $0.hasPrefix(name + "=") }
        if lines.last == "" { lines.removeLast() }
        lines.append("\(name)=\(value)")
        environmentFile = lines.joined(separator: "\n") + "\n"
    }

    /// The value of `name` in the environment file, unquoted.
    public func variable(_ name: String) -> String? {
        for line in environmentFile.split(separator: "\n") where line.hasPrefix(name + "=") {
            return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    public func chmod(_ path: String, _ mode: Int) {
        try! FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: at(path))
    }

    public func chown(_ path: String, user: Int, group: Int) {
        try! FileManager.default.setAttributes([.ownerAccountID: user, .groupOwnerAccountID: group], ofItemAtPath: at(path))
    }

    public func remove(_ path: String) {
        try! FileManager.default.removeItem(atPath: at(path))
    }

    /// Replaces `from` with `to` in the file at `path` inside the root.
    public func edit(_ path: String, _ from: String, _ to: String) throws { try directory.edit(path, from, to) }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A parsed JSON report.
public struct JSONReportView {
    public let object: [String: Any]

    public init(_ text: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw FixtureError(message: "not a JSON object: \(text.prefix(200))")
        }
        self.object = object
    }

    public var passed: Bool { object["passed"] as? Bool ?? false }
    public var results: [[String: Any]] { object["results"] as? [[String: Any]] ?? [] }
    public var summary: [String: Int] { object["summary"] as? [String: Int] ?? [:] }

    /// The failed results as "kind subject check" strings, for exact comparison.
    public var failures: Set<String> {
        Set(results.filter { $0["status"] as? String == "fail" }.map {
            "\($0["kind"] ?? "") \($0["subject"] ?? "") \($0["check"] ?? "")"
        })
    }

    public func results(subject: String, check: String) -> [[String: Any]] {
        results.filter { $0["subject"] as? String == subject && $0["check"] as? String == check }
    }
}

/// What a Python consumer of a report (junitparser, a SARIF reader) prints as JSON, given the
/// report in a file as its first argument.
public func pythonConsumer(_ script: String, _ input: String) throws -> [String: Any] {
    let directory = TemporaryDirectory("consumer")
    let file = directory.write("input", input)
    let outcome = try run("/usr/bin/env", ["python3", "-c", script, file])
    guard outcome.status == 0, let json = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
    else { throw FixtureError(message: "consumer failed: \(outcome.all)") }
    return json
}

/// Runs `executable` with `input` on its standard input.
public func runWithInput(_ executable: String, _ arguments: [String], input: String) throws -> ProcessOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe(), error = Pipe(), stdin = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = stdin
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutcome(
        status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData, as: UTF8.self))
}

/// An lx-annotate root as an image has it before provisioning: the accounts, the mount point and
/// the vault that must already exist, the environment file, and the keys with wrong metadata.
public final class EmptyRoot: @unchecked Sendable {
    public let directory = TemporaryDirectory("empty-root")
    public var path: String { directory.path }

    public init() throws {
        let sample = try SampleRoot()
        let script = """
            set -e
            r='\(directory.path)'
            s='\(sample.path)'
            mkdir -p "$r/etc/secrets/vault" "$r/var/lib/lx-annotate/data"
            cp "$s/etc/passwd" "$s/etc/group" "$r/etc/"
            chown 990:990 "$r/var/lib/lx-annotate/data"
            cp "$s/var/lib/lx-annotate/.env.systemd" "$r/var/lib/lx-annotate/.env.systemd"
            head -c 48 /dev/urandom > "$r/etc/secrets/vault/lx-annotate-master.key"
            head -c 48 /dev/urandom > "$r/etc/secrets/vault/lx-annotate-luks.key"
            chmod 0644 "$r/etc/secrets/vault/lx-annotate-master.key" "$r/etc/secrets/vault/lx-annotate-luks.key"
            """
        let outcome = try run("/bin/sh", ["-c", script])
        guard outcome.status == 0 else { throw FixtureError(message: outcome.all) }
    }
}

/// Every path under `directory` with its mode, owner, group and ctime, for "nothing changed".
public func snapshot(_ directory: String) throws -> String {
    try run("/usr/bin/find", [directory, "-printf", "%p %m %U %G %C@ %s\\n"]).standardOutput
}

/// Runs the real `nginx -t` on the configuration of a fixture root: in a private mount
/// namespace the root's etc/nginx, etc/passwd and etc/group are mounted over the host's, so
/// nginx reads the fixture exactly where its absolute paths point, and the host is untouched.
/// A root with certbot's etc/letsencrypt gets it too, on a copy-on-write /etc (an overlay whose
/// upper layer is a temporary directory), since the host need not have one to mount over.
public func nginxAccepts(root: String) throws -> ProcessOutcome {
    let scratch = TemporaryDirectory("nginx-etc")
    let script = """
        set -e
        if [ -d '\(root)/etc/letsencrypt' ]; then
            mkdir -p '\(scratch.path)/upper' '\(scratch.path)/work'
            mount -t overlay overlay -o 'lowerdir=/etc,upperdir=\(scratch.path)/upper,workdir=\(scratch.path)/work' /etc
            mkdir -p /etc/letsencrypt
            mount --bind '\(root)/etc/letsencrypt' /etc/letsencrypt
        fi
        mount --bind '\(root)/etc/nginx' /etc/nginx
        mount --bind '\(root)/etc/passwd' /etc/passwd
        mount --bind '\(root)/etc/group' /etc/group
        exec nginx -t -c /etc/nginx/nginx.conf
        """
    return try withExtendedLifetime(scratch) {
        try run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script])
    }
}

public let nginxInstalled: Bool = FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx")

/// A sample EDM annotator root built by examples/edm-annotator/make-root.sh.
public final class EDMRoot: @unchecked Sendable {
    public let directory = TemporaryDirectory("edm-root")
    public var path: String { directory.path }

    public init() throws {
        let script = packageDirectory.appendingPathComponent("examples/edm-annotator/make-root.sh").path
        let outcome = try run("/bin/bash", [script, directory.path])
        guard outcome.status == 0 else { throw FixtureError(message: "make-root.sh failed: \(outcome.all)") }
    }

    public func at(_ path: String) -> String { directory.path + path }

    public func edit(_ path: String, _ from: String, _ to: String) throws { try directory.edit(path, from, to) }
}
