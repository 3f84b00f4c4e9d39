import Contract
import Foundation
import TestSupport
import Testing

/// hostcontract accepts and rejects nginx configurations as `nginx -t` does: a corpus of
/// hand-picked and generated (seeded mutations of valid configurations) files goes through the
/// real `nginx -t` and through hostcontract's parser.
///
/// - nginx accepts: hostcontract reports no problem.
/// - nginx rejects with a syntax error: hostcontract reports a problem in the same file, on the
///   same line, whose message starts with nginx's. Syntax errors are the messages of
///   ngx_conf_read_token and ngx_conf_parse (`unexpected "c"`, `unexpected end of file,
///   expecting ...`, `too long parameter ...`) and the two of ngx_conf_handler about a
///   directive's ending (`directive "x" is not terminated by ";"`, `directive "x" has no
///   opening "{"`, which hostcontract knows for nginx's own directives); see
///   ``isSyntaxError(_:)``. An include nginx cannot open ("open() "..." failed")
///   must be a problem on the include's line too.
/// - nginx rejects for another reason (unknown directive, not allowed here, invalid number of
///   arguments, no events section, ...): not compared. A parser cannot know these, and nginx
///   stops at the first error, so nothing is known of the rest of the file.
///
/// Replay a generated case with HOSTCONTRACT_ORACLE_SEED.
@Suite(.enabled(if: nginxInstalled, "needs nginx"))
struct NginxSyntaxOracleTests {
    /// One configuration: the main file's text and other files beside it. `PRE` stands for the
    /// lines an http block needs to stay inside the test's directory.
    struct Case: CustomStringConvertible {
        var main: String
        var files: [String: String] = [:]
        var description: String { main.debugDescription }
    }

    static let listen = "server {\n        listen 127.0.0.1:8080;\n"
    static func http(_ body: String) -> String { "events {}\nhttp {\nPRE\n    \(body)\n}\n" }
    static func location(_ body: String) -> String { http(listen + body + "\n    }") }

    static let handPicked: [Case] = [
        // A directive missing its `;`.
        Case(main: location("location /a { alias /b }")),
        Case(main: location("location /a { alias /b}\n    }")),
        Case(main: location("location /a {\n        alias /b\n    }")),
        Case(main: location("location /a {\n        alias /b\n        location /a/c { }\n    }")),
        Case(main: location("location /a { alias /b; }")),
        Case(main: http("server {\n        listen 127.0.0.1:8080\n    }")),
        Case(main: "events {}\nhttp {\nPRE\n}\nworker_processes 1"),
        Case(main: "events {}\nhttp {\nPRE\n}\nworker_processes 1\n"),
        Case(main: "events {}\nworker_processes 1 # a comment"),
        Case(main: location("return 200 \"ok\" }")),
        Case(main: location("add_header X-A \"b\"}")),
        Case(main: location("location /a { return 200 x }")),
        // Unbalanced braces.
        Case(main: "events {}\nhttp {\nPRE\n    " + listen),
        Case(main: "events {}\nhttp {\nPRE\n"),
        Case(main: "events {}\n}\n"),
        Case(main: location("location /a { }\n    }\n    }")),
        Case(main: ";\nevents {}\n"),
        Case(main: "{ }\nevents {}\n"),
        Case(main: location("location /a { ; }")),
        Case(main: location("location /a { { return 200 x; } }")),
        // Quotes and escapes.
        Case(main: location("return 200 \"abc;\n    }\n}\n")),
        Case(main: location("return 200 'abc;\n    }\n}\n")),
        Case(main: location("return 200 \"a\"b;")),
        Case(main: location("return 200 'a'\"b\";")),
        Case(main: location("return 200 \"a\"#c\n    ;")),
        Case(main: location("return 200 \"a\";")),
        Case(main: location("return 200 \"a\\\"b\";")),
        Case(main: location("return 200 'it\\'s';")),
        Case(main: location("return 200 a\\;b;")),
        Case(main: location("return 200 a\\ b;")),
        Case(main: location("return 200 a\\\nb;")),
        Case(main: location("return 200 a}b;")),
        Case(main: location("return 200 \"a\\\";")),
        Case(main: "events {}\nworker_processes 1\\"),
        Case(main: "events {}\nworker_processes \\"),
        Case(main: location("if ($host = \"x\"){ return 404; }")),
        Case(main: location("if ($host ~ \"a\"b) { return 404; }")),
        Case(main: location("\"return\" 200 'x';")),
        Case(main: location("location /a {return 200 x;}location /b{return 200 y;}")),
        // Empty files, comments, line endings.
        Case(main: ""),
        Case(main: "# only a comment"),
        Case(main: "events {}\n# a last comment without a newline"),
        Case(main: "events {}\r\nhttp {\r\nPRE\r\n    server {\r\n        listen 127.0.0.1:8080;\r\n    }\r\n}\r\n"),
        Case(main: "events {}\rhttp {\rPRE\r}\r"),
        Case(main: "events\t{\t}\thttp\t{\nPRE\n}"),
        // Directives whose ending nginx checks.
        Case(main: location("location /a;")),
        Case(main: http("server;")),
        Case(main: http("upstream u { server 127.0.0.1:1 { } }")),
        Case(main: http("upstream u { server 127.0.0.1:1; }")),
        Case(main: location("gzip on { }")),
        Case(main: http("map $host $x { location 1; default 0; }")),
        Case(main: http("types { text/html html; location loc; }")),
        Case(main: http("map $host $x { a { } default 0; }")),
        Case(main: http("types { text/html { } }")),
        // Includes.
        Case(main: http("include missing.conf;")),
        Case(main: http("include /nonexistent-hostcontract/x.conf;")),
        Case(main: http("include missing/*.conf;")),
        Case(main: http("include inc/*.conf;"), files: ["inc/a.conf": "server {\n    listen 127.0.0.1:8081;\n}\n}\n"]),
        Case(main: http("include inc/b.conf;"), files: ["inc/b.conf": "gzip on"]),
        Case(main: http("include inc/c.conf;"), files: ["inc/c.conf": "server {\n    listen 127.0.0.1:8082;\n"]),
        Case(main: http("include inc/d.conf;"), files: ["inc/d.conf": "server { listen 127.0.0.1:8083; }\n"]),
        Case(main: http("include inc/e.conf;"), files: ["inc/e.conf": "gzip on;\nreturn \"x\n"]),
        // nginx's 4096-byte buffer.
    ] + longWords

    static let longWords: [Case] = [4094, 4095, 4096, 4097].flatMap { length -> [Case] in
        let word = String(repeating: "x", count: length)
        let tail = String(repeating: "#", count: 60) + "\n"
        return [
            Case(main: location("return 200 \(word);") + tail),
            Case(main: location("return 200 \(word) ;") + tail),
            Case(main: location("return 200 \"\(word)\";") + tail),
            Case(main: location("return 200 \"\(word)\" ;") + tail),
            Case(main: "events {}\n# \(word)\n" + tail),
            Case(main: location("return 200 \"\(word)\n    }\n}\n") + String(repeating: "y", count: 5000)),
        ]
    }

    @Test func handPickedCasesAgree() throws {
        var tally = Tally()
        for (index, testCase) in Self.handPicked.enumerated() { try compare(testCase, label: "hand-picked #\(index)", &tally) }
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements.joined(separator: "\n\n"))")
        #expect(tally.accepted >= 15 && tally.syntax >= 40, "\(tally)")
        print("NginxSyntaxOracleTests hand-picked: \(tally)")
    }

    /// Eight batches of generated cases, run in parallel, each from its own seed.
    @Test(arguments: 0..<8) func generatedCasesAgree(_ batch: Int) throws {
        let seed = oracleSeed &+ UInt64(batch)
        var random = SeededGenerator(seed: seed)
        var tally = Tally()
        for index in 0..<180 {
            let testCase = Self.mutated(&random)
            try compare(testCase, label: "seed \(seed) (HOSTCONTRACT_ORACLE_SEED=\(oracleSeed), batch \(batch)) case \(index)", &tally)
        }
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements.prefix(10).joined(separator: "\n\n"))")
        // The generator reaches both sides.
        #expect(tally.accepted >= 10 && tally.syntax >= 30, "seed \(seed): \(tally)")
        print("NginxSyntaxOracleTests batch \(batch), seed \(seed): \(tally)")
    }

    struct Tally: CustomStringConvertible {
        var accepted = 0, syntax = 0, include = 0, other = 0
        var disagreements: [String] = []
        var description: String { "\(accepted) accepted, \(syntax) syntax errors, \(include) includes not found, \(other) other errors (not compared)" }
    }

    func compare(_ testCase: Case, label: String, _ tally: inout Tally) throws {
        let nginx = try NginxInstance()
        let main = nginx.path + "/main.conf"
        let pre = nginx.httpPreamble
        nginx.directory.write("main.conf", testCase.main.replacingOccurrences(of: "PRE", with: pre))
        for (name, text) in testCase.files { nginx.directory.write(name, text) }
        let outcome = try nginx.test(main)
        let problems = hostcontractReading(main).problems
        let shown = problems.map { "\($0.location): \($0.message)" }
        let text = (try? String(contentsOfFile: main, encoding: .utf8)) ?? ""
        func disagree(_ what: String) {
            tally.disagreements.append("\(label): \(what)\nhostcontract: \(shown)\n\(text.prefix(1500).debugDescription)")
        }
        if outcome.status == 0 {
            tally.accepted += 1
            if !problems.isEmpty { disagree("nginx accepts it") }
            return
        }
        guard let error = NginxInstance.firstError(outcome) else {
            tally.other += 1
            return
        }
        let message = error.message
        let place = "\(error.file):\(error.line)"
        if Self.isSyntaxError(message) {
            tally.syntax += 1
            if !problems.contains(where: { $0.file == error.file && $0.line == error.line && $0.message.hasPrefix(message) }) {
                disagree("nginx: \(place): \(message)")
            }
        } else if message.hasPrefix("open() "), message.contains(" failed") {
            tally.include += 1
            if !problems.contains(where: { $0.file == error.file && $0.line == error.line && $0.message.contains("cannot be read") }) {
                disagree("nginx: \(place): \(message)")
            }
        } else {
            tally.other += 1
        }
    }

    /// Whether nginx's message is one of its syntax errors: those of ngx_conf_read_token and
    /// ngx_conf_parse (`unexpected "c"` for one character, `unexpected end of file, ...`,
    /// `too long parameter ...`) and of ngx_conf_handler about a directive's ending. Not, say,
    /// the rewrite module's `unexpected "..." in condition`.
    static func isSyntaxError(_ message: String) -> Bool {
        if message.hasPrefix("unexpected end of file, expecting ") || message.hasPrefix("too long parameter") { return true }
        if message.hasSuffix("is not terminated by \";\"") || message.hasSuffix("has no opening \"{\"") { return true }
        guard message.hasPrefix("unexpected \""), message.hasSuffix("\"") else { return false }
        return message.dropFirst("unexpected \"".count).dropLast().unicodeScalars.count == 1
    }

    /// Valid configurations the generator starts from.
    static let seeds: [String] = [
        http("""
            server {
                    listen 127.0.0.1:8080;
                    server_name example.org "*.example.org";
                    root /srv/www;
                    location / { try_files $uri $uri/ /index.html; }
                    location /static/ { alias /srv/static/; expires 30d; }
                    location = /health { access_log off; return 200 "ok\\n"; }
                    location ~* \\.(png|jpg)$ { add_header Cache-Control "public, max-age=86400" always; }
                    location /api/ {
                        proxy_pass http://127.0.0.1:8000;
                        proxy_set_header Host $host;
                        proxy_set_header X-Quoted 'it\\'s';
                        # a comment ; { } "
                        if ($request_method = POST) { return 405; }
                    }
                }
            """),
        http("""
            map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                types { text/html html; application/json json; }
                upstream backend { server 127.0.0.1:8000; keepalive 4; }
                server {
                    listen 127.0.0.1:8081;
                    location /ws/ {
                        proxy_pass http://backend;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                    }
                    location /files/ {
                        alias /srv/files/;
                        location ~ \\.txt$ { default_type "text/plain; charset=utf-8"; }
                    }
                }
            """),
        "user nobody;\nworker_processes 1;\nevents {\n    worker_connections 64;\n}\n" + http("""
            gzip on;
                gzip_types text/plain application/json;
                server {
                    listen 127.0.0.1:8082;
                    add_header X-Frame-Options SAMEORIGIN;
                    location / {
                        return 200 '{"a": "b;c"}';
                    }
                    location /x { return 301 https://$host$request_uri; }
                }
            """),
    ]

    static let fragments = [
        ";", "{", "}", "\"", "'", "\\", "#", "}}", "{ }", "\n}", "x;", "\"a\"b", ")", "\"\"", "''", "\\\"", "\\\n",
        "\n", " ", "$", "${", "location /q { return 200 q; }", "gzip on", "alias /z",
    ]

    /// A seed configuration with one to three random edits after its preamble: whitespace or a
    /// comment added where whitespace is, a `;`, `{`, `}` or quote deleted, a fragment inserted anywhere (inside words too), a line
    /// duplicated, the file cut short, or a word too long for nginx's buffer.
    static func mutated(_ random: inout SeededGenerator) -> Case {
        var text = Array(seeds.randomElement(using: &random)!)
        let start = text.indices.first { index in Array(text[index...].prefix(3)) == Array("PRE") }.map { $0 + 4 } ?? 0
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: start...text.count, using: &random)
            if Int.random(in: 0..<10, using: &random) < 3 {
                // Harmless: whitespace or a comment where whitespace already is.
                let spaces = text.indices.filter { $0 > start && " \t\n".contains(text[$0 - 1]) }
                let at = spaces.randomElement(using: &random) ?? position
                text.insert(contentsOf: [" ", "\t", "\n", "\r\n", "# ; { } \" '\n", "\n\n"].randomElement(using: &random)!, at: at)
                continue
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0...2:
                let targets = text.indices.filter { $0 >= start && ";{}\"'".contains(text[$0]) }
                if let target = targets.randomElement(using: &random) { text.remove(at: target) }
            case 3...6:
                text.insert(contentsOf: fragments.randomElement(using: &random)!, at: position)
            case 7:
                let lineStart = text[start..<position].lastIndex(of: "\n").map { $0 + 1 } ?? start
                let lineEnd = text[position...].firstIndex(of: "\n").map { $0 + 1 } ?? text.count
                text.insert(contentsOf: text[lineStart..<lineEnd], at: lineEnd)
            case 8:
                text.removeSubrange(position...)
            default:
                let word = String(repeating: "w", count: Int.random(in: 4090...4100, using: &random))
                text.insert(contentsOf: Bool.random(using: &random) ? word : "\"" + word + "\"", at: position)
            }
        }
        return Case(main: String(text))
    }
}
