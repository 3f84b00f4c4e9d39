import Contract
import Provision
import Foundation
import TestSupport
import Testing

/// Every nginx directive a fix prints is one nginx accepts: for each directive of a corpus of
/// real ones (quoted values, values with spaces, `;` and quotes inside, flags, several
/// arguments), a contract requires it (`true`, a string, a list) of a location that lacks it,
/// has it with other arguments, or inherits other arguments from its server; hostcontract's
/// fix is applied as it says (the directive between backticks added to the block it names, or
/// put in place of the line it names), the real `nginx -t` must accept the result, and
/// hostcontract must then find the rule holding. A fix that cannot name the arguments says in
/// words what to add, with no directive in backticks.
@Suite(.enabled(if: nginxInstalled, "needs nginx"))
struct NginxFixOracleTests {
    struct Entry: CustomStringConvertible, Sendable {
        /// The directive as written in a configuration, and its arguments joined by one space.
        var text: String
        var joined: String
        /// The same directive with other arguments.
        var other: String
        var name: String { String(text.prefix { $0 != " " && $0 != ";" }) }
        var description: String { text }
    }

    static let corpus: [Entry] = [
        Entry(text: "internal;", joined: "", other: ""),
        Entry(text: "stub_status;", joined: "", other: ""),
        Entry(text: "alias /srv/static/;", joined: "/srv/static/", other: "alias /srv/other/;"),
        Entry(text: "root /srv/www;", joined: "/srv/www", other: "root /srv/other;"),
        Entry(text: "proxy_pass http://127.0.0.1:8000;", joined: "http://127.0.0.1:8000", other: "proxy_pass http://127.0.0.1:9000;"),
        Entry(text: "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
              joined: "X-Forwarded-For $proxy_add_x_forwarded_for", other: "proxy_set_header Host $host;"),
        Entry(text: "proxy_set_header X-Custom \"a b  c\";", joined: "X-Custom a b  c", other: "proxy_set_header X-Custom d;"),
        Entry(text: "proxy_http_version 1.1;", joined: "1.1", other: "proxy_http_version 1.0;"),
        Entry(text: "add_header Content-Security-Policy \"default-src 'self'; img-src *\" always;",
              joined: "Content-Security-Policy default-src 'self'; img-src * always", other: "add_header X-Other other;"),
        Entry(text: "add_header X-Frame-Options SAMEORIGIN;", joined: "X-Frame-Options SAMEORIGIN", other: "add_header X-Frame-Options DENY;"),
        Entry(text: "add_header X-Quote 'say \"hi\" {now} \\\\o/ #1';", joined: "X-Quote say \"hi\" {now} \\o/ #1", other: "add_header X-Quote no;"),
        Entry(text: "add_trailer X-Trailer \"t t\" always;", joined: "X-Trailer t t always", other: "add_trailer X-Trailer u;"),
        Entry(text: "limit_req zone=api burst=20 nodelay;", joined: "zone=api burst=20 nodelay", other: "limit_req zone=api;"),
        Entry(text: "auth_basic \"Restricted Area\";", joined: "Restricted Area", other: "auth_basic off;"),
        Entry(text: "auth_basic_user_file /etc/nginx/htpasswd;", joined: "/etc/nginx/htpasswd", other: "auth_basic_user_file /etc/nginx/other;"),
        Entry(text: "client_max_body_size 10m;", joined: "10m", other: "client_max_body_size 1m;"),
        Entry(text: "gzip on;", joined: "on", other: "gzip off;"),
        Entry(text: "gzip_types text/plain application/json;", joined: "text/plain application/json", other: "gzip_types text/css;"),
        Entry(text: "try_files $uri $uri/ /index.html;", joined: "$uri $uri/ /index.html", other: "try_files $uri =404;"),
        Entry(text: "return 301 https://$host$request_uri;", joined: "301 https://$host$request_uri", other: "return 404;"),
        Entry(text: "return 200 \"a b; c {d}\";", joined: "200 a b; c {d}", other: "return 204;"),
        Entry(text: "rewrite ^/old/(.*)$ /new/$1 permanent;", joined: "^/old/(.*)$ /new/$1 permanent", other: "rewrite ^/a$ /b;"),
        Entry(text: "rewrite \"^/a{2}$\" /b last;", joined: "^/a{2}$ /b last", other: "rewrite ^/c$ /d;"),
        Entry(text: "expires 30d;", joined: "30d", other: "expires off;"),
        Entry(text: "log_not_found off;", joined: "off", other: "log_not_found on;"),
        Entry(text: "error_page 404 /404.html;", joined: "404 /404.html", other: "error_page 500 /500.html;"),
        Entry(text: "allow 10.0.0.0/8;", joined: "10.0.0.0/8", other: "allow 192.168.0.0/16;"),
        Entry(text: "deny all;", joined: "all", other: "deny 10.0.0.1;"),
        Entry(text: "fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;",
              joined: "SCRIPT_FILENAME $document_root$fastcgi_script_name", other: "fastcgi_param QUERY_STRING $query_string;"),
        Entry(text: "fastcgi_param HTTPS \"\" if_not_empty;", joined: "HTTPS  if_not_empty", other: "fastcgi_param HTTPS on;"),
        Entry(text: "index index.html index.htm;", joined: "index.html index.htm", other: "index index.php;"),
        Entry(text: "charset utf-8;", joined: "utf-8", other: "charset off;"),
        Entry(text: "default_type \"text/plain; charset=utf-8\";", joined: "text/plain; charset=utf-8", other: "default_type text/html;"),
        Entry(text: "sub_filter \"<a href\" '<A HREF';", joined: "<a href <A HREF", other: "sub_filter x y;"),
        Entry(text: "set $x \"a b\";", joined: "$x a b", other: "set $x c;"),
        Entry(text: "proxy_redirect off;", joined: "off", other: "proxy_redirect http://a/ http://b/;"),
        Entry(text: "if_modified_since before;", joined: "before", other: "if_modified_since off;"),
    ]

    static let template = """
        events {}
        http {
        PRE
            limit_req_zone $binary_remote_addr zone=api:1m rate=1r/s;
            server {
                listen 127.0.0.1:8080;
                # SERVER
                location /t/ {
                    # LOCATION
                }
            }
        }

        """

    /// The starting points: the location lacks the directive, has it with other arguments, or
    /// inherits it with other arguments from its server.
    enum Start: CaseIterable { case absent, other, inherited }

    @Test(arguments: corpus) func everyPrintedDirectivePassesNginx(_ entry: Entry) throws {
        let nginx = try NginxInstance()
        // The corpus itself is real nginx, read as hostcontract reads it.
        let own = try self.configuration(nginx, location: entry.text)
        let accepted = try nginx.test(own)
        #expect(accepted.status == 0, "\(entry.text): \(accepted.standardError)")
        let parsed = Self.location(hostcontractReading(own)).first { $0.name == entry.name }
        #expect(parsed?.joinedArguments == entry.joined, "\(entry.text)")

        let rules = ["\(entry.name) = true", "\(entry.name) = \(Self.toml(entry.joined))", "\(entry.name) = [\(Self.toml(entry.joined))]"]
        for rule in rules where !(rule.hasSuffix("[\"\"]")) {
            for start in Start.allCases {
                if start != .absent && entry.other.isEmpty { continue }
                if rule.hasSuffix("true") && start != .absent { continue }
                if start == .inherited && !Self.settableInServer(entry.name) { continue }
                let file = try configuration(
                    nginx, server: start == .inherited ? entry.other : "", location: start == .other ? entry.other : "")
                #expect(try nginx.test(file).status == 0, "\(rule), \(start): the starting configuration")
                let before = try Self.evaluate(rule, file: file)
                #expect(before.status == .fail, "\(rule), \(start): \(before.message)")
                let marked = try #require(before.fix, "\(rule), \(start): no fix")
                #expect(marked.hasPrefix("(decide) "), "an edit of nginx's configuration is not a command: \(marked)")
                let fix = String(marked.dropFirst("(decide) ".count))
                let directives = Self.backticked(fix)
                if directives.isEmpty {
                    #expect(fix.hasPrefix("add a \(entry.name) directive, with the arguments it needs, to the location /t/ at \(file):"),
                            "\(rule), \(start): \(fix)")
                    #expect(rule.hasSuffix("true") && !Self.withoutArguments.contains(entry.name), "\(rule), \(start): \(fix)")
                    continue
                }
                let fixed = try apply(fix, to: file)
                let outcome = try nginx.test(fixed)
                #expect(outcome.status == 0, "\(rule), \(start): fix \(fix)\nnginx: \(outcome.standardError)\n\((try? String(contentsOfFile: fixed, encoding: .utf8)) ?? "")")
                let after = try Self.evaluate(rule, file: fixed)
                #expect(after.status == .pass, "\(rule), \(start): after the fix \(fix): \(after.message)")
            }
        }
    }

    /// A missing location's fix is an empty block nginx accepts, and then the location is found.
    @Test(arguments: ["/missing/", "= /exact", "~ \\.php$", "~* \"\\.(png|jpg)$\"", "^~ /pre/"])
    func aMissingLocationsFixPassesNginx(_ written: String) throws {
        let nginx = try NginxInstance()
        let file = try configuration(nginx)
        let parts = written.split(separator: " ", maxSplits: 1).map(String.init)
        let (modifier, path) = parts.count == 2 ? (parts[0], parts[1]) : (nil, parts[0])
        let unquoted = path.hasPrefix("\"") ? String(path.dropFirst().dropLast()) : path
        let rule = "path = \(Self.toml(unquoted))\n" + (modifier.map { "modifier = \(Self.toml($0))\n" } ?? "")
        let results = try Self.results("[[nginx.location]]\n" + rule, file: file)
        let missing = try #require(results.first { $0.check == "location" })
        #expect(missing.status == .fail)
        let fix = try #require(missing.fix)
        let fixed = try apply(fix, to: file)
        let outcome = try nginx.test(fixed)
        #expect(outcome.status == 0, "fix \(fix)\nnginx: \(outcome.standardError)")
        #expect(try Self.results("[[nginx.location]]\n" + rule, file: fixed).first { $0.check == "location" }?.status == .pass, "\(fix)")
    }

    // MARK: - Helpers

    /// The directives of the corpus nginx takes without arguments (NGX_CONF_NOARGS).
    static let withoutArguments: Set<String> = ["internal", "stub_status"]

    static func settableInServer(_ name: String) -> Bool {
        !["alias", "internal", "proxy_pass", "stub_status", "try_files", "limit_except"].contains(name)
    }

    /// The template with `server` and `location` lines in place, written to the directory.
    func configuration(_ nginx: NginxInstance, server: String = "", location: String = "") throws -> String {
        let text = Self.template.replacingOccurrences(of: "PRE", with: nginx.httpPreamble)
            .replacingOccurrences(of: "# SERVER", with: server.isEmpty ? "# SERVER" : server)
            .replacingOccurrences(of: "# LOCATION", with: location.isEmpty ? "# LOCATION" : location)
        return nginx.directory.write("nginx-\(UUID().uuidString).conf", text)
    }

    static func location(_ configuration: NginxConfiguration) -> [NginxDirective] {
        configuration.main.first { $0.name == "http" }?.block?.first { $0.name == "server" }?.block?
            .first { $0.name == "location" }?.block ?? []
    }

    static func toml(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The texts between backticks.
    static func backticked(_ fix: String) -> [String] {
        fix.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Applies a fix as an operator would: each "add `X` to the location ... at FILE:LINE" (or
    /// server) puts X on the line after the block's opening line, each "set `X` at FILE:LINE"
    /// replaces that line; the result is written beside the file.
    func apply(_ fix: String, to file: String) throws -> String {
        var lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        var insertions: [(Int, String)] = []
        for part in fix.components(separatedBy: "; add ").enumerated().map({ $0.offset == 0 ? $0.element : "add " + $0.element }) {
            let directives = Self.backticked(part)
            guard let directive = directives.first, let at = part.range(of: "\(file):"),
                let line = Int(part[at.upperBound...].prefix { $0.isNumber })
            else { continue }
            if part.hasPrefix("set ") {
                lines[line - 1] = directive
            } else {
                insertions.append((line, directive))
            }
        }
        for (line, directive) in insertions.sorted(by: { $0.0 > $1.0 }) { lines.insert(directive, at: line) }
        let fixed = file + ".fixed"
        try lines.joined(separator: "\n").write(toFile: fixed, atomically: true, encoding: .utf8)
        return fixed
    }

    static func results(_ entries: String, file: String) throws -> [CheckResult] {
        let text = "contract = \"fix\"\nschema = 1\n\n[nginx]\nconfig = \(toml(file))\n\n" + entries
        let outcome = ContractLoader.load(text: text, file: "fix.toml", patterns: .pcre2)
        guard let contract = outcome.contract else { throw FixtureError(message: "\(outcome.diagnostics)") }
        let host = LiteralHost()
        host.contents[file] = try String(contentsOfFile: file, encoding: .utf8)
        return Evaluation(contract: contract, input: EnvironmentInput(values: [:], origin: .process), host: host).run()
            .filter { $0.kind == .nginx }
    }

    /// The result of one `directives` rule on location /t/.
    static func evaluate(_ rule: String, file: String) throws -> CheckResult {
        let name = String(rule.prefix { $0 != " " })
        let results = try results("[[nginx.location]]\npath = \"/t/\"\ndirectives = { \(rule) }\n", file: file)
        guard let result = results.first(where: { $0.check == name }) else {
            throw FixtureError(message: "no result for \(rule): \(results.map { "\($0.check) \($0.message)" })")
        }
        return result
    }
}
