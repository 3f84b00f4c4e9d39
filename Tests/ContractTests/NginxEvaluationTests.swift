import Contract
import Provision
import TestSupport
import Testing

/// `[nginx]` rules on what nginx applies in a location: its own directives, or those it
/// inherits from the locations around it, its server and http (NginxInheritanceOracleTests
/// holds this to the real nginx); `true` is a directive present with any arguments; fixes name
/// directives only as nginx takes them (NginxFixOracleTests runs them through nginx -t).
@Suite struct NginxEvaluationTests {
    static let file = "/etc/nginx/nginx.conf"

    func run(_ rules: String, _ configuration: String) throws -> [CheckResult] {
        let outcome = ContractLoader.load(
            text: "contract = \"t\"\nschema = 1\n\n[nginx]\nconfig = \"\(Self.file)\"\n\n" + rules, file: "t.toml", patterns: .pcre2)
        let contract = try #require(outcome.contract, "\(outcome.diagnostics)")
        let host = LiteralHost()
        host.contents[Self.file] = configuration
        return Evaluation(contract: contract, input: EnvironmentInput(values: [:], origin: .process), host: host).run()
            .filter { $0.kind == .nginx }
    }

    func result(_ results: [CheckResult], _ check: String) throws -> CheckResult {
        try #require(results.first { $0.check == check }, "\(results.map { "\($0.check): \($0.message)" })")
    }

    func location(_ path: String, _ directives: String) -> String {
        "[[nginx.location]]\npath = \"\(path)\"\ndirectives = { \(directives) }\n"
    }

    /// auth_basic and its user file set for the whole server apply to every location.
    @Test func aServersAuthBasicIsTheLocations() throws {
        let configuration = """
            events {}
            http {
                server {
                    auth_basic "Restricted";
                    auth_basic_user_file /etc/nginx/htpasswd;
                    location /api/ { proxy_pass http://127.0.0.1:8000; }
                    location /open/ { auth_basic off; }
                }
            }
            """
        let results = try run(location("/api/", "auth_basic = \"Restricted\", auth_basic_user_file = \"/etc/nginx/htpasswd\"")
            + location("/open/", "auth_basic = \"Restricted\""), configuration)
        let api = try #require(results.first { $0.subject == "/api/" && $0.check == "auth_basic" })
        #expect(api.status == .pass)
        #expect(api.message == "location /api/ at \(Self.file):6 has auth_basic Restricted (inherited from the server at \(Self.file):3)")
        #expect(results.first { $0.subject == "/api/" && $0.check == "auth_basic_user_file" }?.status == .pass)
        let open = try #require(results.first { $0.subject == "/open/" && $0.check == "auth_basic" })
        #expect(open.status == .fail)
        #expect(open.actual == "off")
        #expect(open.fix == "(decide) set `auth_basic Restricted;` at \(Self.file):7")
    }

    /// A location with any add_header of its own inherits none: the server's are lost.
    @Test func aLocationsOwnAddHeaderReplacesTheServers() throws {
        let configuration = """
            events {}
            http {
                add_header X-From-Http 1;
                server {
                    add_header X-Frame-Options DENY;
                    location /a/ { add_header Cache-Control no-store; }
                    location /b/ { gzip on; }
                }
            }
            """
        let rule = "add_header = [\"X-Frame-Options DENY\"]"
        let results = try run(location("/a/", rule) + location("/b/", rule), configuration)
        let a = try #require(results.first { $0.subject == "/a/" && $0.check == "add_header" })
        #expect(a.status == .fail)
        #expect(a.message == "location /a/ at \(Self.file):6 lacks add_header X-Frame-Options DENY (the add_header of the http block at \(Self.file):2 (\(Self.file):3) is not inherited: the location /a/ at \(Self.file):6 has its own add_header (\(Self.file):6), and a block with its own takes none from above; the add_header of the server at \(Self.file):4 (\(Self.file):5) is not inherited: the location /a/ at \(Self.file):6 has its own add_header (\(Self.file):6), and a block with its own takes none from above)")
        #expect(a.fix == "(decide) add `add_header X-Frame-Options DENY;` to the location /a/ at \(Self.file):6")
        let b = try #require(results.first { $0.subject == "/b/" && $0.check == "add_header" })
        #expect(b.status == .pass)
        #expect(b.message.hasSuffix("(inherited from the server at \(Self.file):4)"))
    }

    /// Adding to a list a location inherits ends the inheritance: the fix says to repeat them.
    @Test func addingToAnInheritedListSaysToRepeatIt() throws {
        let configuration = "events {}\nhttp {\n    server {\n        proxy_set_header Host $host;\n        location / { proxy_pass http://b; }\n    }\n}\n"
        let results = try run(location("/", "proxy_set_header = [\"Host $host\", \"X-Real-IP $remote_addr\"]"), configuration)
        let fix = try result(results, "proxy_set_header").fix
        #expect(fix == "(decide) add `proxy_set_header X-Real-IP $remote_addr;` to the location / at \(Self.file):5, and repeat there the proxy_set_header it now inherits from the server at \(Self.file):3 (a block with its own proxy_set_header takes none from above)")
    }

    /// allow and deny are one list of rules in nginx: a location's deny drops the server's allow.
    @Test func allowAndDenyAreOneSetting() throws {
        let configuration = "events {}\nhttp {\n    server {\n        allow 10.0.0.0/8;\n        location / { deny 10.0.0.1; }\n    }\n}\n"
        let allow = try result(try run(location("/", "allow = \"10.0.0.0/8\""), configuration), "allow")
        #expect(allow.status == .fail)
        #expect(allow.message.contains("the location / at \(Self.file):5 has its own deny (\(Self.file):5)"))
    }

    /// Handlers and rewrites act only where they are written.
    @Test func returnIsNotInherited() throws {
        let configuration = "events {}\nhttp {\n    server {\n        return 404;\n        location / { }\n    }\n}\n"
        let rule = try result(try run(location("/", "return = true"), configuration), "return")
        #expect(rule.status == .fail)
        #expect(rule.message == "location / at \(Self.file):5 lacks return (the return of the server at \(Self.file):3 (\(Self.file):4) is not inherited: nginx applies return only in the block it is written in)")
    }

    /// A nested location takes internal and alias from the location around it (nginx merges
    /// both into nested locations).
    @Test func aNestedLocationInheritsInternalAndAlias() throws {
        let configuration = "events {}\nhttp {\n    server {\n        location /p/ {\n            internal;\n            alias /srv/p/;\n            location /p/x/ { }\n        }\n    }\n}\n"
        let results = try run(location("/p/x/", "internal = true, alias = \"/srv/p/\""), configuration)
        #expect(try result(results, "internal").status == .pass)
        #expect(try result(results, "alias").status == .pass)
    }

    /// A server rule takes what http sets too.
    @Test func aServerRuleSeesHttp() throws {
        let configuration = "events {}\nhttp {\n    gzip on;\n    server { listen 80; }\n}\n"
        let gzip = try result(try run("[[nginx.server]]\ndirectives = { gzip = \"on\" }\n", configuration), "gzip")
        #expect(gzip.status == .pass)
    }

    /// `true` is a directive present with any arguments; a fix never prints `limit_req;`.
    @Test func trueMeansPresentWithAnyArguments() throws {
        let configuration = "events {}\nhttp {\n    server {\n        location /api/ { limit_req zone=api burst=20; }\n        location /b/ { }\n    }\n}\n"
        let results = try run(location("/api/", "limit_req = true") + location("/b/", "limit_req = true, internal = true"), configuration)
        #expect(results.first { $0.subject == "/api/" && $0.check == "limit_req" }?.status == .pass)
        let missing = try #require(results.first { $0.subject == "/b/" && $0.check == "limit_req" })
        #expect(missing.status == .fail)
        #expect(missing.fix == "(decide) add a limit_req directive, with the arguments it needs, to the location /b/ at \(Self.file):5")
        #expect(results.first { $0.subject == "/b/" && $0.check == "internal" }?.fix == "(decide) add `internal;` to the location /b/ at \(Self.file):5")
    }

    /// Fixes quote what nginx needs quoted and give a directive as many arguments as it takes.
    @Test func fixesAreWrittenAsNginxReadsThem() throws {
        let configuration = "events {}\nhttp {\n    server {\n        location / { }\n    }\n}\n"
        let rules = "add_header = [\"Content-Security-Policy default-src 'self'; img-src * always\"], auth_basic = \"Restricted Area\", return = \"200 a b\", more_set_headers = \"X-A: b\""
        let results = try run(location("/", rules), configuration)
        #expect(try result(results, "add_header").fix == "(decide) add `add_header Content-Security-Policy \"default-src 'self'; img-src *\" always;` to the location / at \(Self.file):4")
        #expect(try result(results, "auth_basic").fix == "(decide) add `auth_basic \"Restricted Area\";` to the location / at \(Self.file):4")
        #expect(try result(results, "return").fix == "(decide) add `return 200 \"a b\";` to the location / at \(Self.file):4")
        // A third-party directive: how its arguments split is not known, so no directive is printed.
        #expect(try result(results, "more_set_headers").fix == "(decide) add a more_set_headers directive whose arguments read 'X-A: b' to the location / at \(Self.file):4")
    }

    /// A missing location's fix is an empty block nginx accepts.
    @Test func aMissingLocationsFixIsABlock() throws {
        let configuration = "events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n"
        let results = try run("[[nginx.location]]\npath = \"\\\\.php$\"\nmodifier = \"~\"\n", configuration)
        #expect(try result(results, "location").fix == "add `location ~ \\.php$ { }` to the server at \(Self.file):3")
    }

    /// `{ matches = ... }`: a pattern found in the arguments of some occurrence nginx applies,
    /// its own or inherited; `{ present = true }` is `true`.
    @Test func argumentsMatchAPattern() throws {
        let configuration = """
            events {}
            http {
                limit_req_zone $binary_remote_addr zone=upload:10m rate=1r/s;
                limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
                server {
                    limit_req zone=api burst=10;
                    location /upload/ { limit_req zone=upload burst=5 nodelay; }
                    location /api/ { proxy_pass http://127.0.0.1:8000; }
                    location /static/ { limit_req_status 429; }
                }
            }
            """
        let rule = "limit_req = { matches = \"^zone=upload \" }"
        let results = try run(location("/upload/", rule) + location("/api/", rule) + location("/static/", "limit_req = { present = true }"), configuration)
        let upload = try #require(results.first { $0.subject == "/upload/" && $0.check == "limit_req" })
        #expect(upload.status == .pass)
        #expect(upload.message == "location /upload/ at \(Self.file):7 has limit_req zone=upload burst=5 nodelay (\(Self.file):7), matching '^zone=upload '")
        let api = try #require(results.first { $0.subject == "/api/" && $0.check == "limit_req" })
        #expect(api.status == .fail)
        #expect(api.message == "location /api/ at \(Self.file):8 has limit_req zone=api burst=10 (\(Self.file):6) (inherited from the server at \(Self.file):5), none matching '^zone=upload '")
        #expect(api.expected == "limit_req matching '^zone=upload '")
        #expect(api.actual == "zone=api burst=10")
        #expect(api.fix == "(decide) add a limit_req directive whose arguments match '^zone=upload ' to the location /api/ at \(Self.file):8")
        // The server's limit_req reaches /static/ too: present, with any arguments.
        #expect(results.first { $0.subject == "/static/" && $0.check == "limit_req" }?.status == .pass)
    }

    /// Every pattern of a list must be found; a directive nginx takes once is changed where the
    /// block has its own.
    @Test func everyPatternOfAListIsFound() throws {
        let configuration = "events {}\nhttp {\n    server {\n        location / { client_max_body_size 10m; }\n    }\n}\n"
        let results = try run(location("/", "client_max_body_size = { matches = ['^\\d+m$', '^[1-9]\\d{3,}m$'] }"), configuration)
        let size = try result(results, "client_max_body_size")
        #expect(size.status == .fail)
        #expect(size.message.hasSuffix("none matching '^[1-9]\\d{3,}m$'"))
        #expect(size.fix == "(decide) change the client_max_body_size at \(Self.file):4 so that its arguments match '^[1-9]\\d{3,}m$'")
        let missing = try result(try run(location("/", "limit_req = { matches = 'zone=' }"), configuration), "limit_req")
        #expect(missing.message == "location / at \(Self.file):4 lacks limit_req")
        #expect(missing.actual == "absent")
    }
}
