import Foundation
import TestSupport
import Testing

/// `[[http]]` against real servers the tests start: the real nginx over TLS with certificates
/// made by openssl at test time (one server with `ssl_verify_client on`, one that verifies
/// nothing), and a Python HTTP server answering the guides' health and status documents. Each
/// rule is shown to pass on a healthy service and to catch its planted fault.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx")
                && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs nginx and openssl"))
struct HTTPCheckTests {
    static let canary = "HTTPCANARY7c1d9e2f4a6b8d0c3e5f"

    /// nginx over TLS for `annotate.test`: the Vite manifest under /static/, and the hub's
    /// transfer endpoint; with `verifyClients`, every request must bring a client certificate
    /// the client CA signed (`ssl_verify_client on`).
    static func nginx(_ pki: TestPKI, verifyClients: Bool) throws -> TLSNginx {
        try TLSNginx(servers: """
            server {
                listen 127.0.0.1:{PORT} ssl;
                server_name annotate.test;
                ssl_certificate \(pki.file("server.pem"));
                ssl_certificate_key \(pki.file("server.key"));
                \(verifyClients ? "ssl_verify_client on; ssl_client_certificate \(pki.file("client-ca.pem"));" : "")
                location /static/ { root {DIR}/www; types { application/json json; } }
                location /api/media/hub/transfers/ {
                    default_type application/json;
                    return 200 '{"transfer": "ready"}';
                }
            }
            """)
    }

    static func serveManifest(_ server: TLSNginx) throws {
        try FileManager.default.createDirectory(atPath: server.directory.path + "/www/static/.vite", withIntermediateDirectories: true)
        _ = server.directory.write("www/static/.vite/manifest.json", #"{"src/main.ts": {"file": "assets/main.js"}}"#)
    }

    func check(_ entries: String, extra: [String] = [], format: String = "json", environment: String? = nil) throws -> ProcessOutcome {
        let directory = TemporaryDirectory("http")
        var text = "contract = \"http\"\nschema = 1\n\n"
        if let environment {
            text += "[environment]\nfile = \"\(directory.write("app.env", environment))\"\n\n"
        }
        let contract = directory.write("http.toml", text + entries)
        let outcome = try run(hostcontractExecutable, ["check", contract, "--format", format] + extra)
        #expect([0, 1].contains(outcome.status), "\(outcome.all)")
        return outcome
    }

    /// Status by "subject check".
    func statuses(_ outcome: ProcessOutcome) throws -> [String: String] {
        var found: [String: String] = [:]
        for result in try JSONReportView(outcome.standardOutput).results {
            found["\(result["subject"] ?? "") \(result["check"] ?? "")"] = result["status"] as? String
        }
        return found
    }

    func result(_ outcome: ProcessOutcome, _ subject: String, _ check: String) throws -> [String: Any] {
        try JSONReportView(outcome.standardOutput).results(subject: subject, check: check).first ?? [:]
    }

    /// The guides' acceptance probes on a healthy deployment: MMT's /health/live and
    /// /demo/status, EDM's /health, lx-annotate's manifest through nginx over TLS, and the hub's
    /// transfer endpoint with a client certificate, refused without one.
    @Test func aHealthyDeploymentHoldsItsProbes() throws {
        let pki = try TestPKI()
        let nginx = try Self.nginx(pki, verifyClients: true)
        try Self.serveManifest(nginx)
        let backend = try ScriptedHTTPServer([
            "/health/live": .json(#"{"status": "alive"}"#),
            "/demo/status": .json(#"{"demo_mode": false, "version": "0.3.1", "limits": {"max_upload_mb": 200}}"#),
            "/health": .json(#"{"status": "ok"}"#),
        ])
        let outcome = try check("""
            [[http]]
            url = "\(backend.base)/health/live"

            [[http]]
            url = "\(backend.base)/demo/status"
            header = { "Content-Type" = "^application/json" }
            json = { demo_mode = false, "limits.max_upload_mb" = 200 }

            [[http]]
            url = "\(backend.base)/health"
            json = { status = "ok" }
            body = '"status"'

            [[http]]
            url = "https://annotate.test:\(nginx.port)/static/.vite/manifest.json"
            connect_to = "127.0.0.1"
            ca_file = "\(pki.file("server-ca.pem"))"
            client_certificate = "\(pki.file("client.pem"))"
            client_key = "\(pki.file("client.key"))"
            header = { "Content-Type" = "^application/json" }
            body = "assets/main\\\\.js"

            [[http]]
            url = "https://annotate.test:\(nginx.port)/api/media/hub/transfers/"
            connect_to = "127.0.0.1"
            ca_file = "\(pki.file("server-ca.pem"))"
            client_certificate = "\(pki.file("client.pem"))"
            client_key = "\(pki.file("client.key"))"
            client_certificate_required = true
            json = { transfer = "ready" }

            [[http]]
            # A hub holds no sender's certificate: it can only see that a request without one is refused.
            url = "https://annotate.test:\(nginx.port)/api/media/hub/transfers/?probe"
            connect_to = "127.0.0.1"
            ca_file = "\(pki.file("server-ca.pem"))"
            client_certificate_required = true
            """)
        #expect(outcome.status == 0, "\(outcome.all)")
        let found = try statuses(outcome)
        #expect(found["https://annotate.test:\(nginx.port)/api/media/hub/transfers/?probe client_certificate_required"] == "pass")
        #expect(found.count == 19 && found.values.allSatisfy { $0 == "pass" }, "\(found)")
        let refusal = try result(outcome, "https://annotate.test:\(nginx.port)/api/media/hub/transfers/", "client_certificate_required")
        #expect((refusal["message"] as? String)?.contains("without a client certificate the server answers 400") == true, "\(refusal)")
    }

    /// One fault per rule, each caught by its own check with the explanation that names it.
    @Test func eachPlantedFaultIsCaughtByItsRule() throws {
        let pki = try TestPKI()
        let lax = try Self.nginx(pki, verifyClients: false)
        let strict = try Self.nginx(pki, verifyClients: true)
        try Self.serveManifest(strict)
        let backend = try ScriptedHTTPServer([
            "/health/live": Answer(status: 503, body: "starting"),
            "/demo/status": .json(#"{"demo_mode": true}"#),
            "/health": .json(#"{"status": "degraded"}"#),
            "/page": Answer(status: 200, headers: ["Content-Type": "text/html"], body: "<html></html>"),
        ])
        let reserved = try ClosedLoopbackPort()
        defer { withExtendedLifetime(reserved) {} }
        let closed = reserved.port
        let transfers = "api/media/hub/transfers/"
        let outcome = try check("""
            [[http]]
            url = "\(backend.base)/health/live"

            [[http]]
            url = "\(backend.base)/demo/status"
            json = { demo_mode = false }

            [[http]]
            url = "\(backend.base)/health"
            json = { status = "ok" }

            [[http]]
            url = "\(backend.base)/page"
            header = { "Content-Type" = "^application/json" }

            [[http]]
            url = "\(backend.base)/big"
            json = { ok = true }

            [[http]]
            url = "\(backend.base)/stall"
            timeout = "700ms"

            [[http]]
            url = "http://127.0.0.1:\(closed)/health"

            [[http]]
            url = "https://annotate.test:\(lax.port)/\(transfers)"
            connect_to = "127.0.0.1"
            ca_file = "\(pki.file("server-ca.pem"))"
            client_certificate = "\(pki.file("client.pem"))"
            client_key = "\(pki.file("client.key"))"
            client_certificate_required = true

            [[http]]
            url = "https://annotate.test:\(lax.port)/\(transfers)?probe"
            connect_to = "127.0.0.1"
            ca_file = "\(pki.file("server-ca.pem"))"
            client_certificate_required = true

            [[http]]
            url = "https://annotate.test:\(strict.port)/\(transfers)"
            connect_to = "127.0.0.1"
            ca_file = "\(pki.file("server-ca.pem"))"
            client_certificate = "\(pki.file("rogue.pem"))"
            client_key = "\(pki.file("rogue.key"))"

            [[http]]
            url = "https://annotate.test:\(strict.port)/static/.vite/manifest.json"
            connect_to = "127.0.0.1"
            ca_file = "\(pki.file("other-ca.pem"))"
            client_certificate = "\(pki.file("client.pem"))"
            client_key = "\(pki.file("client.key"))"
            """)
        #expect(outcome.status == 1, "\(outcome.all)")
        let found = try statuses(outcome)
        let base = backend.base
        #expect(found["\(base)/health/live status"] == "fail", "\(found)")
        let demo = try result(outcome, "\(base)/demo/status", "json")
        #expect(demo["status"] as? String == "fail" && (demo["actual"] as? String) == "demo_mode = true", "\(demo)")
        #expect(found["\(base)/health json"] == "fail")
        let page = try result(outcome, "\(base)/page", "header")
        #expect(page["status"] as? String == "fail" && (page["message"] as? String)?.contains("'text/html'") == true, "\(page)")
        // Over the bound: read in part, never whole, so its JSON is not judged.
        #expect(found["\(base)/big status"] == "pass" && found["\(base)/big json"] == "error", "\(found)")
        let stall = try result(outcome, "\(base)/stall", "response")
        #expect(stall["actual"] as? String == "timed out" && (stall["message"] as? String)?.contains("within 700 ms") == true, "\(stall)")
        #expect(found["\(base)/stall status"] == "skip")
        #expect(try result(outcome, "http://127.0.0.1:\(closed)/health", "response")["actual"] as? String == "refused")
        // The classic hub fault: the transfer endpoint serves anyone.
        let open = try result(outcome, "https://annotate.test:\(lax.port)/\(transfers)", "client_certificate_required")
        #expect(open["status"] as? String == "fail" && open["actual"] as? String == "answered 200", "\(open)")
        #expect((open["fix"] as? String)?.contains("ssl_client_certificate CA-FILE; with ssl_verify_client on, or optional") == true)
        let probe = try JSONReportView(outcome.standardOutput).results.filter { $0["subject"] as? String == "https://annotate.test:\(lax.port)/\(transfers)?probe" }
        #expect(probe.count == 1 && probe.first?["status"] as? String == "fail", "only the refusal is checked: \(probe)")
        // A sender whose certificate the configured CA did not sign is refused.
        #expect(try result(outcome, "https://annotate.test:\(strict.port)/\(transfers)", "status")["actual"] as? String == "400")
        let untrusted = try result(outcome, "https://annotate.test:\(strict.port)/static/.vite/manifest.json", "response")
        #expect(untrusted["actual"] as? String == "untrusted certificate", "\(untrusted)")
    }

    typealias Answer = ScriptedHTTPServer.Answer

    /// A secret sent in a header, echoed back by the server in its body and its header fields,
    /// and a secret entry's body: none reaches any format.
    @Test func secretsNeverReachAnyOutput() throws {
        let backend = try ScriptedHTTPServer(["/private": Answer(status: 500, body: "trace: " + Self.canary + "-body")])
        let entries = """
            [[variable]]
            name = "API_TOKEN"
            secret = true
            required = true

            [[http]]
            url = "\(backend.base)/echo"
            headers = { Authorization = "Bearer ${API_TOKEN}" }
            body = "^nothing like this$"
            header = { "X-Echo" = "^nothing like this$" }
            json = { ok = true }

            [[http]]
            url = "\(backend.base)/private"
            secret = true
            body = "^fine$"
            """
        for format in ["text", "json", "junit", "sarif", "prometheus"] {
            let outcome = try check(entries, format: format, environment: "API_TOKEN=\(Self.canary)\n")
            #expect(outcome.status == 1, "\(format): \(outcome.all)")
            #expect(!outcome.all.contains(Self.canary), "\(format): \(outcome.all)")
            #expect(!outcome.all.contains("Bearer"), "\(format): \(outcome.all)")
        }
        // The header was sent: the server saw the token (the echo failed its rules, not the request).
        let outcome = try check(entries, environment: "API_TOKEN=\(Self.canary)\n")
        #expect(try statuses(outcome)["\(backend.base)/echo response"] == "pass")
    }

    @Test func underARootRequestsAreSkipped() throws {
        let directory = TemporaryDirectory("http-root")
        let outcome = try check("[[http]]\nurl = \"http://127.0.0.1:9/\"\njson = { ok = true }\n", extra: ["--root", directory.path])
        let results = try JSONReportView(outcome.standardOutput).results
        #expect(results.count == 3 && results.allSatisfy { $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("--root") == true },
                "\(results)")
    }

    @Test func lintNamesEachBadRequest() throws {
        let directory = TemporaryDirectory("http-lint")
        let contract = directory.write("bad.toml", """
            contract = "bad"
            schema = 1

            [[http]]
            url = "https://admin:hunter2@example.org/health"

            [[http]]
            url = "ftp://example.org/file"

            [[http]]
            url = "http://example.org/"
            client_certificate_required = true

            [[http]]
            url = "https://example.org/"
            client_key = "/etc/ssl/private/node.key"
            status = 700

            [[http]]
            url = "https://example.org/"
            method = "HEAD"
            json = { list = [1, 2] }

            [[http]]
            url = "https://example.org/"
            header = { "Bad Name" = "x", Server = "(" }
            timeout = "1h"
            """)
        let outcome = try run(hostcontractExecutable, ["lint", contract])
        #expect(outcome.status == 2, "\(outcome.all)")
        let expected: [(String, String)] = [
            ("bad.toml:5:", "carries a user name or password"),
            ("bad.toml:8:", "only http:// and https://"),
            ("bad.toml:12:", "is about TLS, and the url is http://"),
            ("bad.toml:16:", "a client key goes with a client_certificate"),
            ("bad.toml:17:", "expected a status from 100 to 599"),
            ("bad.toml:22:", "a HEAD request has no body to check"),
            ("bad.toml:22:", "list must be a string, a number or a boolean"),
            ("bad.toml:26:", "'Bad Name' is not a header field name"),
            ("bad.toml:27:", "'1h' is not a time"),
        ]
        let lines = outcome.standardError.split(separator: "\n")
        for (place, words) in expected {
            #expect(lines.contains { $0.contains("/" + place) && $0.contains(words) }, "\(place) \(words): \(outcome.standardError)")
        }
        #expect(lines.contains { $0.contains("'(' is not a valid regular expression") }, "\(outcome.standardError)")
        #expect(!outcome.all.contains("hunter2"), "a password in a url is refused without being repeated")
    }
}

/// Servers that answer badly on purpose: thousands of header fields, an endless body without a
/// length, bytes that are not UTF-8 or not HTTP at all. Each is a finding within the deadline,
/// with bounded memory; none crashes or hangs the check.
@Suite struct HostileHTTPServerTests {
    @Test func badAnswersAreFindingsWithinTheDeadline() throws {
        let directory = TemporaryDirectory("hostile-http")
        let script = directory.write("hostile.py", #"""
            import socket, sys, threading
            def answer(connection, kind):
                try:
                    connection.recv(65536)
                    if kind == "headers":
                        connection.sendall(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Field-%d: %s\r\n" % (i, b"v" * 50) for i in range(3000)) + b"Content-Length: 2\r\n\r\n{}")
                    elif kind == "endless":
                        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\": \"")
                        while True: connection.sendall(b"x" * 65536)
                    elif kind == "bytes":
                        body = b'{"status": "\xff\xfe\x00ok"}'
                        connection.sendall(b"HTTP/1.1 200 OK\r\nX-Bad: \xff\xfe\x01\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
                    elif kind == "garbage":
                        connection.sendall(b"\x00\x01\x02 this is not HTTP\r\n\r\n")
                except OSError:
                    pass
                finally:
                    connection.close()
            servers = {}
            for kind in ["headers", "endless", "bytes", "garbage"]:
                s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8); servers[kind] = s
            print(" ".join("%s=%d" % (k, s.getsockname()[1]) for k, s in servers.items()), flush=True)
            def serve(kind, s):
                while True:
                    c, _ = s.accept()
                    threading.Thread(target=answer, args=(c, kind), daemon=True).start()
            for kind, s in servers.items():
                threading.Thread(target=serve, args=(kind, s), daemon=True).start()
            threading.Event().wait(120)
            """#)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var ports: [String: Int] = [:]
        for pair in String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self).split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=")
            if parts.count == 2 { ports[String(parts[0])] = Int(parts[1]) }
        }
        #expect(ports.count == 4, "\(ports)")
        let contract = directory.write("hostile.toml", """
            contract = "hostile"
            schema = 1

            [[http]]
            url = "http://127.0.0.1:\(ports["headers"] ?? 0)/"
            header = { "X-Field-2999" = "v" }

            [[http]]
            url = "http://127.0.0.1:\(ports["endless"] ?? 0)/"
            json = { a = "b" }
            timeout = "20s"

            [[http]]
            url = "http://127.0.0.1:\(ports["bytes"] ?? 0)/"
            json = { status = "ok" }
            header = { "X-Bad" = "^ok$" }

            [[http]]
            url = "http://127.0.0.1:\(ports["garbage"] ?? 0)/"
            timeout = "3s"
            """)
        let started = Date()
        let outcome = try run(hostcontractExecutable, ["check", contract, "--format", "json"])
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(Date().timeIntervalSince(started) < 15, "the endless body is cut at 1 MiB, not read until the deadline")
        let report = try JSONReportView(outcome.standardOutput)
        func status(_ kind: String, _ check: String) -> String? {
            report.results(subject: "http://127.0.0.1:\(ports[kind] ?? 0)/", check: check).first?["status"] as? String
        }
        // Only the first 256 fields are kept: the 3000th is not proven missing, and the finding says why.
        #expect(status("headers", "status") == "pass" && status("headers", "header") == "error")
        #expect(status("endless", "status") == "pass" && status("endless", "json") == "error")
        #expect(status("bytes", "json") == "fail" && status("bytes", "header") == "fail")
        #expect(status("garbage", "response") == "fail")
        #expect(!outcome.standardOutput.contains("\u{0}"))
    }
}
