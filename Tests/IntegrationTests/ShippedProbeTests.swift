import Foundation
import TestSupport
import Testing

/// The `[[http]]` entries of the shipped contracts against real servers standing in for the
/// deployments: MMT's post-deploy smoke against a Python backend, lx-annotate's smoke against
/// the real nginx over TLS (and a hub whose transfer endpoint serves anyone), and EDM's health
/// check on 127.0.0.1:5000 inside a network namespace of its own (so the fixed port is free).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx")
                && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs nginx and openssl"))
struct ShippedProbeTests {
    typealias Answer = ScriptedHTTPServer.Answer

    func check(_ contract: String, environment: String, prefix: [String] = []) throws -> JSONReportView {
        let directory = TemporaryDirectory("shipped-probe")
        let file = directory.write("app.env", environment)
        let path = packageDirectory.path + "/contracts/" + contract
        let arguments = ["check", path, "--env-file", file, "--only", "http", "--format", "json"]
        let outcome = try prefix.isEmpty
            ? run(hostcontractExecutable, arguments)
            : run(prefix[0], Array(prefix.dropFirst()) + [hostcontractExecutable] + arguments)
        #expect([0, 1].contains(outcome.status), "\(outcome.all)")
        return try JSONReportView(outcome.standardOutput)
    }

    @Test func mmtSmokeCatchesAProductionBackendInDemoMode() throws {
        let healthy = try ScriptedHTTPServer([
            "/health/live": .json(#"{"status": "alive"}"#), "/demo/status": .json(#"{"demo_mode": false}"#),
        ])
        let good = try check("mmt-backend.toml", environment: "ENV=prod\nREMOTE_API_BASE_URL=\(healthy.base)\n")
        #expect(good.passed && good.summary["passed"] == 5, "\(good.results)")

        let demo = try ScriptedHTTPServer([
            "/health/live": Answer(status: 503, body: "starting"), "/demo/status": .json(#"{"demo_mode": true}"#),
        ])
        let bad = try check("mmt-backend.toml", environment: "ENV=prod\nREMOTE_API_BASE_URL=\(demo.base)\n")
        #expect(bad.failures == ["http \(demo.base)/health/live status", "http \(demo.base)/demo/status json"], "\(bad.failures)")

        // "If the secret is absent, smoke tests are skipped (non-fatal)."
        let absent = try check("mmt-backend.toml", environment: "ENV=prod\n")
        #expect(absent.passed && absent.results.allSatisfy { $0["status"] as? String == "skip" }, "\(absent.results)")
    }

    @Test func lxAnnotateSmokeFetchesTheManifestOverTLSAndProbesTransferIntake() throws {
        let pki = try TestPKI()
        let strict = try HTTPCheckTests.nginx(pki, verifyClients: true)
        let lax = try HTTPCheckTests.nginx(pki, verifyClients: false)
        try HTTPCheckTests.serveManifest(lax)
        func environment(_ server: TLSNginx) -> String {
            "LX_ANNOTATE_PUBLIC_HOST=annotate.test:\(server.port)\nLX_ANNOTATE_TLS_CA_FILE=\(pki.file("server-ca.pem"))\n"
                + "ENDOREG_HUB_TRANSFER_REQUIRE_MTLS=true\n"
        }
        // A site node: the manifest over verified TLS, the transfer and hub upload probes not asked for.
        let node = try check("lx-annotate-smoke.toml", environment: environment(lax).replacing("MTLS=true", with: "MTLS=false"))
        #expect(node.passed && node.summary["passed"] == 4 && node.summary["skipped"] == 3, "\(node.results)")
        // A hub whose nginx verifies nobody: transfer intake is served without a certificate.
        let open = try check("lx-annotate-smoke.toml", environment: environment(lax))
        let base = "https://annotate.test:\(lax.port)"
        #expect(open.failures == ["http \(base)/api/media/hub/transfers/ client_certificate_required"], "\(open.failures)")
        // nginx demanding client certificates refuses the request without one; its manifest is missing.
        let refusing = try check("lx-annotate-smoke.toml", environment: environment(strict))
        let strictBase = "https://annotate.test:\(strict.port)"
        #expect(refusing.results(subject: "\(strictBase)/api/media/hub/transfers/", check: "client_certificate_required").first?["status"] as? String == "pass")
        #expect(refusing.failures.contains("http \(strictBase)/static/.vite/manifest.json status"), "\(refusing.failures)")
    }

    /// Guide 001's hub: nginx verifies client certificates optionally and forwards the verdict
    /// (X-Client-Cert-Verified), the application refuses transfers without SUCCESS and anonymous
    /// uploads. The smoke test's manifest fetch, which presents no certificate, goes through; a
    /// hub whose upload intake takes anonymous callers (authentication silently off) is caught.
    @Test func lxAnnotateSmokeOnAHubWithOptionalVerificationAndAuthenticatedUploads() throws {
        let pki = try TestPKI()
        func hub(uploadStatus: Int) throws -> TLSNginx {
            let server = try TLSNginx(servers: """
                server {
                    listen 127.0.0.1:{PORT} ssl;
                    server_name annotate.test;
                    ssl_certificate \(pki.file("server.pem"));
                    ssl_certificate_key \(pki.file("server.key"));
                    ssl_verify_client optional;
                    ssl_client_certificate \(pki.file("client-ca.pem"));
                    location /static/ { root {DIR}/www; types { application/json json; } }
                    location /api/media/hub/transfers/ {
                        # Standing in for Django reading X-Client-Cert-Verified.
                        if ($ssl_client_verify != SUCCESS) { return 403; }
                        default_type application/json;
                        return 200 '{"transfer": "ready"}';
                    }
                    location /api/upload/ { return \(uploadStatus); }
                }
                """)
            try HTTPCheckTests.serveManifest(server)
            return server
        }
        func environment(_ server: TLSNginx) -> String {
            "LX_ANNOTATE_PUBLIC_HOST=annotate.test:\(server.port)\nLX_ANNOTATE_TLS_CA_FILE=\(pki.file("server-ca.pem"))\n"
                + "ENDOREG_HUB_TRANSFER_REQUIRE_MTLS=true\nENDOREG_DEPLOYMENT_ROLE=central_hub\n"
        }
        let guarded = try hub(uploadStatus: 401)
        let good = try check("lx-annotate-smoke.toml", environment: environment(guarded))
        #expect(good.passed && good.summary["passed"] == 7 && good.summary["skipped"] == 0, "\(good.results)")
        let open = try hub(uploadStatus: 201)
        let bad = try check("lx-annotate-smoke.toml", environment: environment(open))
        #expect(bad.failures == ["http POST https://annotate.test:\(open.port)/api/upload/ status"], "\(bad.failures)")
    }

    @Test(.enabled(if: runningAsRoot, "unshare --net needs root"))
    func edmHealthCheckOnItsOwnPort() throws {
        for (body, passes) in [(#"{"status": "ok"}"#, true), (#"{"status": "error", "detail": "db"}"#, false)] {
            let directory = TemporaryDirectory("edm-probe")
            let server = directory.write("server.py", """
                import http.server, sys
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        body = sys.argv[1].encode() if self.path == "/health" else b"no"
                        self.send_response(200 if self.path == "/health" else 404)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                    def log_message(self, *args): pass
                http.server.HTTPServer(("127.0.0.1", 5000), H).serve_forever()
                """)
            // In a namespace of its own: loopback up, the backend on 127.0.0.1:5000, then the check.
            let script = """
                ip link set lo up
                python3 "$1" "$2" & server=$!
                for i in $(seq 50); do python3 -c 'import socket; socket.create_connection(("127.0.0.1", 5000), 1)' 2>/dev/null && break; sleep 0.1; done
                shift 2
                "$@"; status=$?
                kill $server
                exit $status
                """
            let report = try check("edm-annotator.toml", environment: "", prefix: ["/usr/bin/unshare", "--net", "/bin/sh", "-c", script, "edm", server, body])
            let health = report.results(subject: "http://127.0.0.1:5000/health", check: "json").first
            #expect(health?["status"] as? String == (passes ? "pass" : "fail"), "\(report.results)")
        }
    }
}
