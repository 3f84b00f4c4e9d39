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
            let port = Int.random(in: 20_000...59_000)
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
                if Self.accepts(port: port) {
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

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    deinit {
        if let process {
            // SIGKILL: the test runner may leave SIGTERM blocked for its children.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
