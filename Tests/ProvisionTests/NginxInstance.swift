import Contract
import Foundation
import Host
import Provision
import TestSupport

/// The real nginx, run on a configuration in a temporary directory: `nginx -t` or a server on
/// a free 127.0.0.1 port, with its prefix, error log, pid file and temporary paths all inside
/// that directory (nothing under /etc/nginx or /var is read or written).
final class NginxInstance: @unchecked Sendable {
    let directory = TemporaryDirectory("nginx-oracle")
    var path: String { directory.path }

    init() throws {
        // The worker (nobody) must reach files the configuration names here.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
    }

    /// Lines an http block needs so that nginx touches nothing outside the directory.
    var httpPreamble: String {
        """
            access_log off;
            client_body_temp_path \(path)/client_body; proxy_temp_path \(path)/proxy;
            fastcgi_temp_path \(path)/fastcgi; uwsgi_temp_path \(path)/uwsgi; scgi_temp_path \(path)/scgi;

        """
    }

    private var baseArguments: [String] { ["-p", path + "/", "-e", path + "/error.log"] }

    /// `nginx -t` on `file` (a path inside the directory): its status and what it printed.
    func test(_ file: String) throws -> ProcessOutcome {
        try run("/usr/sbin/nginx", baseArguments + ["-t", "-q", "-c", file, "-g", "pid \(path)/nginx.pid;"])
    }

    /// nginx's first error for `file`: the message, the file and line it names.
    static func firstError(_ outcome: ProcessOutcome) -> (message: String, file: String, line: Int)? {
        for line in outcome.standardError.split(separator: "\n") {
            guard let start = line.range(of: "[emerg] "), let inside = line.range(of: " in ", options: .backwards) else { continue }
            let message = String(line[start.upperBound..<inside.lowerBound])
            let place = line[inside.upperBound...]
            guard let colon = place.lastIndex(of: ":"), let number = Int(place[place.index(after: colon)...]) else { continue }
            return (message, String(place[..<colon]), number)
        }
        return nil
    }

    /// A running nginx serving `configuration`, in which `PORT` stands for the port it listens
    /// on (and `PORT2` for a second one); stopped when the value is released.
    final class Server: @unchecked Sendable {
        let process: Process
        let port: Int
        let port2: Int

        init(process: Process, port: Int, port2: Int) {
            self.process = process
            self.port = port
            self.port2 = port2
        }

        deinit {
            // SIGKILL: the test runner may have left SIGTERM blocked for its children, and
            // nginx in single-process mode never unblocks it.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func serve(_ configuration: (_ port: Int, _ port2: Int) -> String) throws -> Server {
        var lastError = ""
        for _ in 0..<8 {
            let port = SocketOwnership.randomPort(leaving: 1), port2 = port + 1
            let file = directory.write("serve.conf", configuration(port, port2))
            try? FileManager.default.removeItem(atPath: path + "/error.log")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
            process.arguments = baseArguments + ["-c", file, "-g", "daemon off; master_process off; pid \(path)/nginx.pid;"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let server = Server(process: process, port: port, port2: port2)
            for _ in 0..<100 where process.isRunning {
                if SocketOwnership.listens(process: process.processIdentifier, port: port),
                   (try? run("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"]))?.status == 0 { return server }
                usleep(50_000)
            }
            lastError = (try? String(contentsOfFile: path + "/error.log", encoding: .utf8)) ?? "no error log"
            if !lastError.contains("Address already in use") { break }
        }
        throw FixtureError(message: "nginx did not start: \(lastError)")
    }

    /// One HTTP response as curl received it.
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
    }

    /// Fetches each path from `server` with curl (one process for all of them).
    func fetch(_ paths: [String], from server: Server, extra: [String] = []) throws -> [Response] {
        var arguments = ["-s", "-i", "--path-as-is"] + extra
        for (index, path) in paths.enumerated() {
            try? FileManager.default.removeItem(atPath: self.path + "/response\(index)")
            arguments += ["-o", self.path + "/response\(index)", "http://127.0.0.1:\(server.port)\(path)"]
        }
        let outcome = try run("/usr/bin/curl", arguments)
        return try paths.indices.map { index in
            guard let data = FileManager.default.contents(atPath: path + "/response\(index)") else {
                throw FixtureError(message: "curl got no response for \(paths[index]): \(outcome.all)")
            }
            return Self.response(Array(data))
        }
    }

    /// A response as `curl -i` writes it (after any `100 Continue`).
    static func response(_ bytes: [UInt8]) -> Response {
        var rest = bytes[...]
        while true {
            let separator = Array("\r\n\r\n".utf8)
            let end = rest.indices.first { rest[$0...].starts(with: separator) } ?? rest.endIndex
            let lines = String(decoding: rest[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
            rest = rest[min(rest.endIndex, end + separator.count)...]
            if (100..<200).contains(status) { continue }
            let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            return Response(status: status, headers: headers, body: Array(rest))
        }
    }
}

/// hostcontract's reading of a configuration file, as `check` reads it (LiveHost on /).
func hostcontractReading(_ main: String) -> NginxConfiguration {
    let host = LiveHost(root: try! RootDirectory(path: "/"))
    return NginxConfiguration.load(main: main, read: host.text(of:), glob: host.glob)
}

/// The seed of a randomised oracle: HOSTCONTRACT_ORACLE_SEED replays one, else a new one each run.
let oracleSeed: UInt64 = UInt64(ProcessInfo.processInfo.environment["HOSTCONTRACT_ORACLE_SEED"] ?? "")
    ?? UInt64.random(in: 1...UInt64(UInt32.max))
