import Foundation

/// The real nginx serving a configuration over TLS from a temporary directory, on a free port;
/// `PORT` in the configuration stands for it. Killed when released.
public final class TLSNginx: @unchecked Sendable {
    public let directory = TemporaryDirectory("nginx-tls")
    public private(set) var port = 0
    private var process: Process?

    /// `servers` is the inside of the http block; `{PORT}` and `{DIR}` are replaced.
    public init(servers: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let dir = directory.path
        var lastError = ""
        for _ in 0..<8 {
            let port = SocketOwnership.randomPort()
            let configuration = """
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path \(dir)/client_body; proxy_temp_path \(dir)/proxy;
                    fastcgi_temp_path \(dir)/fastcgi; uwsgi_temp_path \(dir)/uwsgi; scgi_temp_path \(dir)/scgi;
                \(servers.replacing("{PORT}", with: String(port)).replacing("{DIR}", with: dir))
                }
                """
            let file = directory.write("nginx.conf", configuration)
            try? FileManager.default.removeItem(atPath: dir + "/error.log")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
            process.arguments = ["-p", dir + "/", "-e", dir + "/error.log", "-c", file,
                                 "-g", "daemon off; master_process off; pid \(dir)/nginx.pid;"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 where process.isRunning {
                if SocketOwnership.listens(process: process.processIdentifier, port: port) {
                    self.port = port
                    self.process = process
                    return
                }
                usleep(30_000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastError = (try? String(contentsOfFile: dir + "/error.log", encoding: .utf8)) ?? "no error log"
            if !lastError.contains("Address already in use") { break }
        }
        throw FixtureError(message: "nginx did not start: \(lastError)")
    }

    deinit {
        if let process {
            // SIGKILL: the test runner may leave SIGTERM blocked for its children.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
