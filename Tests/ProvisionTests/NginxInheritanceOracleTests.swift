import Contract
import Provision
import Foundation
import TestSupport
import Testing

/// What hostcontract says a location carries, taking inheritance into account, is what the
/// real nginx does for a request to it. Seeded configurations set auth_basic,
/// auth_basic_user_file, add_header (and add_trailer, which must not end add_header's
/// inheritance), gzip, proxy_set_header, client_max_body_size and internal at random on http,
/// server, locations and nested locations; every location proxies to a second server of the
/// same nginx that echoes the X-P* request headers. For each location hostcontract evaluates a
/// contract rule per value (`auth_basic = "R1"`, `add_header = ["X-H1 server"]`, `gzip =
/// "on"`, ...), and curl asks nginx: is the request refused (internal: 404, body too large:
/// 413), is a password asked for and in which realm, which X-H* headers come back, is the
/// body gzipped, which X-P* headers reached the backend. Replay with HOSTCONTRACT_ORACLE_SEED.
@Suite(.enabled(if: nginxInstalled, "needs nginx"))
struct NginxInheritanceOracleTests {
    /// One block's settings, as directives.
    static func settings(_ level: String, _ random: inout SeededGenerator, location: Bool) -> [String] {
        var lines: [String] = []
        let roll = { (random: inout SeededGenerator) in Double.random(in: 0..<1, using: &random) }
        let realm = roll(&random)
        if realm < 0.2 { lines.append("auth_basic \(["R1", "R2", "off"].randomElement(using: &random)!);") }
        if roll(&random) < 0.2 { lines.append("auth_basic_user_file htpasswd;") }
        if roll(&random) < 0.5 {
            for name in ["X-H1", "X-H2", "X-H3"] where Bool.random(using: &random) { lines.append("add_header \(name) \(level);") }
        }
        if roll(&random) < 0.15 { lines.append("add_trailer X-T \(level);") }
        if roll(&random) < 0.3 { lines.append("gzip \(Bool.random(using: &random) ? "on" : "off");") }
        if roll(&random) < 0.5 {
            for name in ["X-P1", "X-P2", "X-P3"] where Bool.random(using: &random) { lines.append("proxy_set_header \(name) \(level);") }
        }
        if roll(&random) < 0.2 { lines.append("client_max_body_size \(["1k", "100k"].randomElement(using: &random)!);") }
        if location && roll(&random) < 0.1 { lines.append("internal;") }
        return lines.shuffled(using: &random)
    }

    @Test(arguments: 0..<6) func nginxDoesWhatTheEffectiveConfigurationSays(_ scenario: Int) throws {
        let seed = oracleSeed &+ UInt64(scenario)
        let random = SeededGenerator(seed: seed)
        let nginx = try NginxInstance()
        nginx.directory.write("htpasswd", "user:{PLAIN}secret\n")
        var paths: [String] = []
        let server = try nginx.serve { port, port2 in
            var random = random
            var text = "events {}\nhttp {\n" + nginx.httpPreamble + "    default_type text/html;\n"
            text += Self.settings("http", &random, location: false).map { "    \($0)\n" }.joined()
            text += "    server {\n        listen 127.0.0.1:\(port);\n"
            text += Self.settings("server", &random, location: false).map { "        \($0)\n" }.joined()
            paths = []
            for index in 0..<5 {
                let outer = "/l\(index)/", inner = "/l\(index)/n/"
                paths += [outer, inner]
                text += "        location \(outer) {\n            proxy_pass http://127.0.0.1:\(port2);\n"
                text += Self.settings("l\(index)", &random, location: true).map { "            \($0)\n" }.joined()
                text += "            location \(inner) {\n                proxy_pass http://127.0.0.1:\(port2);\n"
                text += Self.settings("n\(index)", &random, location: true).map { "                \($0)\n" }.joined()
                text += "            }\n        }\n"
            }
            text += "    }\n"
            // The backend: neither asks for a password nor adds, compresses or limits anything.
            let padding = String(repeating: "-", count: 200)
            text += """
                    server {
                        listen 127.0.0.1:\(port2);
                        auth_basic off; add_header X-Backend 1; gzip off; client_max_body_size 0;
                        location / { return 200 "X-P1=$http_x_p1;X-P2=$http_x_p2;X-P3=$http_x_p3;\(padding)"; }
                    }
                }

                """
            return text
        }
        let configuration = try String(contentsOfFile: nginx.path + "/serve.conf", encoding: .utf8)
        let gets = try nginx.fetch(paths, from: server, extra: ["-H", "Accept-Encoding: gzip"])
        let posts = try nginx.fetch(paths, from: server, extra: ["--data-binary", String(repeating: "b", count: 10_000)])
        var disagreements: [String] = []
        var compared = (refusals: 0, realms: 0, headers: 0, gzip: 0, proxied: 0)
        for (index, path) in paths.enumerated() {
            let holds = { (rule: String) in try Self.hostcontractHolds(rule, at: path, in: configuration, directory: nginx.path) }
            let get = gets[index], post = posts[index]
            func disagree(_ what: String) { disagreements.append("\(path): \(what)") }
            // Refused before anything else.
            let isInternal = try holds("internal = true")
            if isInternal != (get.status == 404) || isInternal != (post.status == 404) {
                disagree("hostcontract says internal is \(isInternal ? "" : "not ")in effect; nginx answered GET \(get.status), POST \(post.status)")
            }
            compared.refusals += 1
            if isInternal { continue }
            let small = try holds("client_max_body_size = \"1k\"")
            if small != (post.status == 413) { disagree("hostcontract says client_max_body_size 1k is \(small ? "" : "not ")in effect; a 10,000-byte POST got \(post.status)") }
            // A password asked for, and in which realm.
            var realm: String? = nil
            for candidate in ["R1", "R2"] where try holds("auth_basic = \"\(candidate)\"") { realm = candidate }
            if try !holds("auth_basic_user_file = \"htpasswd\"") { realm = nil }
            let challenge = get.status == 401 ? get.header("WWW-Authenticate").first : nil
            compared.realms += 1
            if challenge != realm.map({ "Basic realm=\"\($0)\"" }) {
                disagree("hostcontract says the realm is \(realm ?? "none"); nginx answered \(get.status) \(challenge ?? "")")
            }
            guard get.status == 200 else { continue }
            for name in ["X-H1", "X-H2", "X-H3"] {
                let values = ["http", "server", "l\(index / 2)", "n\(index / 2)"]
                let expected = try values.filter { try holds("add_header = [\"\(name) \($0)\"]") }
                compared.headers += 1
                if expected != get.header(name) { disagree("\(name): hostcontract says \(expected), nginx sent \(get.header(name))") }
            }
            let gzip = try holds("gzip = \"on\"")
            compared.gzip += 1
            if gzip != (get.header("Content-Encoding") == ["gzip"]) { disagree("hostcontract says gzip is \(gzip ? "on" : "off"); nginx sent Content-Encoding \(get.header("Content-Encoding"))") }
            let body = String(decoding: (try? Self.gunzip(get.body)) ?? get.body, as: UTF8.self)
            for name in ["X-P1", "X-P2", "X-P3"] {
                let values = ["http", "server", "l\(index / 2)", "n\(index / 2)"]
                let expected = try values.filter { try holds("proxy_set_header = [\"\(name) \($0)\"]") }
                let seen = body.split(separator: ";").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) } ?? "?"
                compared.proxied += 1
                if expected != (seen.isEmpty ? [] : [seen]) {
                    disagree("\(name): hostcontract says \(expected), the backend received \(seen.debugDescription) (\(get.headers), \(body.prefix(80).debugDescription))")
                }
            }
        }
        #expect(disagreements.isEmpty, "seed \(seed) (HOSTCONTRACT_ORACLE_SEED=\(oracleSeed), scenario \(scenario)): \(disagreements.joined(separator: "\n"))\n\(configuration)")
        #expect(compared.refusals == paths.count, "seed \(seed)")
        print("NginxInheritanceOracleTests scenario \(scenario), seed \(seed): \(paths.count) locations, compared \(compared)")
    }

    /// alias is a location-only directive, yet nginx merges it (with root, one setting) into a
    /// nested location: a file under the nested path is served from the outer alias, and
    /// hostcontract says the nested location has that alias.
    @Test func aNestedLocationServesFromTheAliasAroundIt() throws {
        let nginx = try NginxInstance()
        nginx.directory.write("files/inner/file.txt", "from the alias\n")
        let server = try nginx.serve { port, _ in
            "events {}\nhttp {\n" + nginx.httpPreamble + """
                    server {
                        listen 127.0.0.1:\(port);
                        location /outer/ {
                            alias \(nginx.path)/files/;
                            location /outer/inner/ { }
                        }
                    }
                }

                """
        }
        let configuration = try String(contentsOfFile: nginx.path + "/serve.conf", encoding: .utf8)
        let response = try #require(try nginx.fetch(["/outer/inner/file.txt"], from: server).first)
        #expect(response.status == 200 && response.body == Array("from the alias\n".utf8), "\(response.status)")
        #expect(try Self.hostcontractHolds("alias = \"\(nginx.path)/files/\"", at: "/outer/inner/", in: configuration, directory: nginx.path))
    }

    /// Whether hostcontract finds `rule` (a `directives` entry) holding on the location `path`.
    static func hostcontractHolds(_ rule: String, at path: String, in configuration: String, directory: String) throws -> Bool {
        let text = """
            contract = "oracle"
            schema = 1

            [nginx]
            config = "\(directory)/serve.conf"

            [[nginx.location]]
            path = "\(path)"
            directives = { \(rule) }
            """
        let outcome = ContractLoader.load(text: text, file: "oracle.toml", patterns: .pcre2)
        guard let contract = outcome.contract else { throw FixtureError(message: "\(outcome.diagnostics)") }
        let host = LiteralHost()
        host.contents[directory + "/serve.conf"] = configuration
        let results = Evaluation(contract: contract, input: EnvironmentInput(values: [:], origin: .process), host: host).run()
        let name = String(rule.prefix { $0 != " " })
        guard let result = results.first(where: { $0.kind == .nginx && $0.subject == path && $0.check == name }) else {
            throw FixtureError(message: "no result for \(rule) at \(path): \(results.map { "\($0.subject) \($0.check) \($0.message)" })")
        }
        return result.status == .pass
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = TemporaryDirectory("gunzip")
        let file = directory.url.appendingPathComponent("body.gz")
        try Data(bytes).write(to: file)
        // curl -i writes the trailers (add_trailer) after the body: gzip warns of them (status 2).
        let outcome = try run("/bin/gzip", ["-dcq", file.path])
        guard outcome.status == 0 || outcome.status == 2 else { throw FixtureError(message: "gzip: \(outcome.standardError)") }
        return Array(outcome.standardOutput.utf8)
    }
}
