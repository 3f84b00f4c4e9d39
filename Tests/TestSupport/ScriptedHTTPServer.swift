import Foundation

/// A small Python HTTP server on 127.0.0.1 answering from a table the test gives: path to
/// status, header fields and body. `/echo` answers with the request's header fields in its body
/// and in an `X-Echo` field; `/big` sends 3 MiB; `/stall` accepts and never answers.
public final class ScriptedHTTPServer: @unchecked Sendable {
    public struct Answer {
        public var status: Int
        public var headers: [String: String]
        public var body: String

        public init(status: Int = 200, headers: [String: String] = [:], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public static func json(_ body: String, status: Int = 200) -> Answer {
            Answer(status: status, headers: ["Content-Type": "application/json"], body: body)
        }
    }

    public let port: Int
    private let process = Process()
    private let directory = TemporaryDirectory("http-server")

    public init(_ answers: [String: Answer]) throws {
        let table = answers.mapValues { ["status": $0.status, "headers": $0.headers, "body": $0.body] as [String: Any] }
        let routes = directory.write("routes.json", String(decoding: try JSONSerialization.data(withJSONObject: table), as: UTF8.self))
        let script = """
            import http.server, json, sys, time, socketserver
            routes = json.load(open(sys.argv[1]))
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    if self.path == "/stall":
                        time.sleep(30); return
                    if self.path == "/echo":
                        text = "".join("%s: %s\\n" % (k, v) for k, v in self.headers.items())
                        body = text.encode(); self.send_response(200)
                        self.send_header("X-Echo", " | ".join(self.headers.values()))
                    elif self.path == "/big":
                        body = b'{"pad": "' + b"x" * (3 << 20) + b'", "ok": true}'; self.send_response(200)
                    elif self.path in routes:
                        answer = routes[self.path]; body = answer["body"].encode(); self.send_response(answer["status"])
                        for name, value in answer["headers"].items(): self.send_header(name, value)
                    else:
                        body = b"no such page"; self.send_response(404)
                    self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                do_HEAD = do_GET
                def log_message(self, *args): pass
            class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
                daemon_threads = True
            server = Server(("127.0.0.1", 0), Handler)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, routes]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw FixtureError(message: "the Python server did not start: \(line)")
        }
        self.port = port
    }

    public var base: String { "http://127.0.0.1:\(port)" }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
