import Foundation
import TestSupport
import Testing

/// `[nginx] protected` against the real nginx: on seeded random server blocks (locations with an
/// alias or a root onto the data tree, its protected storage, a public tree or elsewhere; some
/// internal, behind auth_basic, `deny all`, proxied or returning), hostcontract says a protected
/// path is exposed exactly when the running nginx hands out a file from inside it to a plain
/// request. Every case's seed is printed with a disagreement:
/// HOSTCONTRACT_EXPOSURE_SEED=N replays a run, HOSTCONTRACT_EXPOSURE_RUNS its size.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), "needs nginx"))
struct NginxExposureOracleTests {
    static let marker = "EXPOSED-7d3f"

    struct Case {
        var seed: UInt64
        var server: String
    }

    /// One server block; `{PORT}` and `{D}` are replaced later. Location paths have distinct first
    /// segments, and `location /` never serves files, so no location shadows another's tree.
    static func generate(seed: UInt64) -> String {
        var random = SeededGenerator(seed: seed)
        let targets = ["{D}/data/", "{D}/data/storage/", "{D}/data/storage/videos/", "{D}/data/public/", "{D}/other/"]
        let roots = ["{D}", "{D}/data", "{D}/other"]
        let guards = ["", "", "", "internal;", "auth_basic \"staff\"; auth_basic_user_file {D}/htpasswd;", "deny all;",
                      "proxy_pass http://127.0.0.1:9;", "return 404;"]
        var lines = ["server {", "    listen 127.0.0.1:{PORT};"]
        if Bool.random(using: &random) { lines.append("    root \(roots.randomElement(using: &random)!);") }
        if Int.random(in: 0..<4, using: &random) == 0 { lines.append("    auth_basic \"everything\"; auth_basic_user_file {D}/htpasswd;") }
        for path in ["/media/", "/files/", "/static/", "/storage/", "/data/"].shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random)) {
            let guarding = guards.randomElement(using: &random)!
            let serving = Bool.random(using: &random)
                ? "alias \(targets.randomElement(using: &random)!);"
                : "root \(roots.randomElement(using: &random)!);"
            let undo = guarding.isEmpty && Int.random(in: 0..<3, using: &random) == 0 ? "auth_basic off;" : ""
            lines.append("    location \(path) { \(serving) \(guarding) \(undo) }")
        }
        if Bool.random(using: &random) { lines.append("    location / { proxy_pass http://127.0.0.1:9; }") }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    static func seeds() -> [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        let first = environment["HOSTCONTRACT_EXPOSURE_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let runs = environment["HOSTCONTRACT_EXPOSURE_RUNS"].flatMap { Int($0) } ?? 40
        return (0..<UInt64(runs)).map { first &+ $0 }
    }

    /// The requests that would reach a secret inside the protected tree through any location.
    static let probes: [String] = {
        let prefixes = ["/media/", "/files/", "/static/", "/storage/", "/data/", "/"]
        let suffixes = ["secret.txt", "videos/secret.txt", "storage/secret.txt", "storage/videos/secret.txt",
                        "data/storage/secret.txt", "data/storage/videos/secret.txt"]
        return prefixes.flatMap { prefix in suffixes.map { prefix + $0 } }
    }()

    @Test func hostcontractFlagsExactlyWhatNginxServes() throws {
        let directory = TemporaryDirectory("exposure-oracle")
        let d = directory.path
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: d)
        for path in ["data/storage/videos", "data/public", "other", "logs"] {
            try FileManager.default.createDirectory(atPath: "\(d)/\(path)", withIntermediateDirectories: true)
        }
        _ = directory.write("data/storage/secret.txt", Self.marker)
        _ = directory.write("data/storage/videos/secret.txt", Self.marker)
        _ = directory.write("htpasswd", "staff:$apr1$x$y\n")
        _ = try run("/bin/chmod", ["-R", "a+rX", d])

        let seeds = Self.seeds()
        let cases = seeds.map { Case(seed: $0, server: Self.generate(seed: $0).replacing("{D}", with: d)) }
        let base = SocketOwnership.randomPort(leaving: cases.count)
        // One nginx serves every case, each server block on a port of its own.
        let servers = cases.enumerated().map { index, item in item.server.replacing("{PORT}", with: String(base + index)) }
        let preamble = """
            events { worker_connections 4096; }
            http {
                access_log off; error_log \(d)/logs/error.log;
                client_body_temp_path \(d)/logs/body; proxy_temp_path \(d)/logs/proxy;
                fastcgi_temp_path \(d)/logs/fastcgi; uwsgi_temp_path \(d)/logs/uwsgi; scgi_temp_path \(d)/logs/scgi;

            """
        let all = directory.write("all.conf", preamble + servers.joined(separator: "\n") + "\n}\n")
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-p", d + "/logs/", "-e", d + "/logs/error.log", "-c", all, "-g", "daemon off; master_process off; pid \(d)/logs/nginx.pid;"]
        nginx.standardOutput = FileHandle.nullDevice
        nginx.standardError = FileHandle.nullDevice
        try nginx.run()
        defer {
            kill(nginx.processIdentifier, SIGKILL)
            nginx.waitUntilExit()
        }
        // Every probe of every case, in one Python process: which cases hand out the marker.
        let prober = directory.write("probe.py", """
            import http.client, sys, time, json
            base, count, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
            probes = json.loads(sys.argv[4])
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", base, timeout=1).request("GET", "/"); break
                except OSError: time.sleep(0.05)
            exposed = []
            for index in range(count):
                hits = []
                for probe in probes:
                    c = http.client.HTTPConnection("127.0.0.1", base + index, timeout=5)
                    c.request("GET", probe); r = c.getresponse(); body = r.read()
                    if r.status == 200 and marker.encode() in body: hits.append(probe)
                exposed.append(hits)
            print(json.dumps(exposed))
            """)
        let probesJSON = String(decoding: try JSONSerialization.data(withJSONObject: Self.probes), as: UTF8.self)
        let probed = try run("/usr/bin/python3", [prober, String(base), String(cases.count), Self.marker, probesJSON])
        try #require(probed.status == 0, "\(probed.all) \((try? String(contentsOfFile: d + "/logs/error.log", encoding: .utf8)) ?? "")")
        let served = try #require(try JSONSerialization.jsonObject(with: Data(probed.standardOutput.utf8)) as? [[String]])

        var disagreements = 0
        for (index, item) in cases.enumerated() {
            let conf = directory.write("case\(index).conf", preamble + servers[index] + "\n}\n")
            let contract = directory.write("case\(index).toml", """
                contract = "exposure"
                schema = 1

                [nginx]
                config = "\(conf)"
                protected = ["\(d)/data/storage"]
                """)
            let outcome = try run(hostcontractExecutable, ["check", contract, "--only", "nginx", "--format", "json"])
            let report = try JSONReportView(outcome.standardOutput)
            let verdict = report.results(subject: "\(d)/data/storage", check: "exposure").first?["status"] as? String
            let nginxServes = !served[index].isEmpty
            if (verdict == "fail") != nginxServes {
                disagreements += 1
                Issue.record("""
                    HOSTCONTRACT_EXPOSURE_SEED=\(item.seed) HOSTCONTRACT_EXPOSURE_RUNS=1: hostcontract says \(verdict ?? "nothing"), \
                    nginx \(nginxServes ? "serves \(served[index])" : "serves nothing protected")
                    \(servers[index])
                    \(report.results(subject: "\(d)/data/storage", check: "exposure").first?["message"] ?? "")
                    """)
            }
        }
        #expect(disagreements == 0, "first seed \(seeds.first!), \(seeds.count) cases")
        // The generator reaches both verdicts.
        #expect(served.contains { $0.isEmpty } && served.contains { !$0.isEmpty }, "seed \(seeds.first!)")
    }

    /// The finding names the location, its file and line, the tree it serves and a request that
    /// reaches the protected path; an internal location beside it is not named.
    @Test func theFindingNamesTheLocationAndARequest() throws {
        let directory = TemporaryDirectory("exposure-finding")
        let conf = directory.write("nginx.conf", """
            events { }
            http {
                server {
                    listen 80;
                    location /protected_media/ { internal; alias /var/lib/app/data/storage/; }
                    location /media/ {
                        alias /var/lib/app/data/;
                    }
                    location / { proxy_pass http://127.0.0.1:8000; }
                }
            }
            """)
        let contract = directory.write("app.toml", """
            contract = "app"
            schema = 1

            [nginx]
            config = "\(conf)"
            protected = ["/var/lib/app/data/storage", "/var/lib/app/keys"]
            """)
        let outcome = try run(hostcontractExecutable, ["check", contract, "--only", "nginx", "--format", "json"])
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        let storage = report.results(subject: "/var/lib/app/data/storage", check: "exposure").first ?? [:]
        let message = storage["message"] as? String ?? ""
        #expect(storage["status"] as? String == "fail" && storage["line"] as? Int == 6, "\(storage)")
        #expect(message.contains("location /media/ at \(conf):6 serves /var/lib/app/data (alias at \(conf):7)"), "\(message)")
        #expect(message.contains("a request for /media/storage/... is answered") && !message.contains("protected_media"), "\(message)")
        #expect((storage["fix"] as? String)?.hasPrefix("(decide) make location /media/") == true)
        #expect(report.results(subject: "/var/lib/app/keys", check: "exposure").first?["status"] as? String == "pass")

        let bad = directory.write("bad.toml", "contract = \"bad\"\nschema = 1\n\n[nginx]\nconfig = \"\(conf)\"\nprotected = [\"data/storage\"]\n")
        let lint = try run(hostcontractExecutable, ["lint", bad])
        #expect(lint.status == 2 && lint.standardError.contains("bad.toml:6:") && lint.standardError.contains("must be an absolute path"), "\(lint.all)")
    }
}
