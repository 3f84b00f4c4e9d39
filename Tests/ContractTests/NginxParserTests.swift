import Contract
import TestSupport
import Testing

/// The parser reads what nginx reads (arguments with nginx's escapes) and rejects what nginx
/// rejects, with nginx's message and line. The oracle suites (NginxArgumentOracleTests,
/// NginxSyntaxOracleTests) hold it to the real nginx; these are the cases that were wrong.
@Suite struct NginxParserTests {
    func parse(_ text: String, files: [String: String] = [:]) -> NginxConfiguration {
        let all = files.merging(["/etc/nginx/nginx.conf": text]) { $1 }
        return NginxConfiguration.load(
            main: "/etc/nginx/nginx.conf",
            read: { all[$0].map { .success($0) } ?? .failure(ObservationError("no such file or directory", isNotFound: true)) },
            glob: { _ in [] })
    }

    func problems(_ text: String) -> [String] {
        parse(text).problems.map { "\($0.line.map(String.init) ?? "-"): \($0.message)" }
    }

    /// The arguments of the first directive named `name`, anywhere.
    func arguments(_ text: String, _ name: String) -> [String]? {
        func find(_ directives: [NginxDirective]) -> NginxDirective? {
            for directive in directives {
                if directive.name == name { return directive }
                if let found = find(directive.block ?? []) { return found }
            }
            return nil
        }
        return find(parse(text).main)?.arguments
    }

    /// nginx turns `\n`, `\t`, `\r` into LF, tab and CR and drops the backslash of `\"`, `\'`
    /// and `\\`, in quotes and out of them; hostcontract kept them literal, as crossplane does.
    @Test(arguments: [
        (#"return 200 "ok\n";"#, "ok\n"), (#"return 200 'a\tb';"#, "a\tb"), (#"return 200 "cr\r";"#, "cr\r"),
        (#"return 200 "a\"b";"#, "a\"b"), (#"return 200 'a\"b';"#, "a\"b"), (#"return 200 "a\'b";"#, "a'b"),
        (#"return 200 "a\\b";"#, "a\\b"), (#"return 200 a\nb;"#, "a\nb"), (#"return 200 \"x;"#, "\"x"),
        (#"return 200 a\\;"#, "a\\"), (#"return 200 'c\d';"#, "c\\d"), (#"return 200 e\;f;"#, "e\\;f"),
        (#"return 200 a}b;"#, "a}b"),
    ])
    func escapesAreNginxs(_ source: String, _ argument: String) {
        #expect(arguments("events {}\nhttp { server { location / { \(source) } } }\n", "return") == ["200", argument])
        #expect(problems("events {}\nhttp { server { location / { \(source) } } }\n") == [])
    }

    /// `${name}` ends where nginx ends it: at the next whitespace (crossplane kept the
    /// whitespace after it in the word).
    @Test func aBracedVariableEndsAtWhitespace() {
        #expect(arguments("set $x ${a} b;\n", "set") == ["$x", "${a}", "b"])
        #expect(arguments("set $x ${a}b;\n", "set") == ["$x", "${a}b"])
    }

    /// A directive missing its `;`, as nginx -t reports it.
    @Test(arguments: [
        ("events {}\nhttp { server { location /a { alias /b } } }\n", "2: unexpected \"}\""),
        ("events {}\nhttp { server { location /a { alias /b}\n } } }\n", "3: unexpected \"}\""),
        ("events {}\nhttp {\n    gzip on\n}\n", "4: unexpected \"}\""),
        ("events {}\nworker_processes 1", "2: unexpected end of file, expecting \";\" or \"}\""),
        ("events {}\nworker_processes 1\n\n", "4: unexpected end of file, expecting \";\" or \"}\""),
        ("events {}\nhttp { server { return 200 \"x\"} }\n", "2: unexpected \"}\""),
        ("events {}\nhttp {\n    server {\n        location /a {\n            alias /b\n            location /a/c { }\n        }\n    }\n}\n",
         "6: directive \"alias\" is not terminated by \";\""),
        ("events {}\nhttp {\n    server {\n        location /a;\n    }\n}\n", "4: directive \"location\" has no opening \"{\""),
    ])
    func aMissingSemicolonIsAnError(_ text: String, _ expected: String) {
        #expect(problems(text) == [expected])
    }

    /// What is left when the `;` is missing is still read: the directive ends at the `}`.
    @Test func theDirectiveBeforeTheBraceIsKept() {
        let text = "events {}\nhttp { server { location /a { alias /b } location /c { root /d; } } }\n"
        #expect(arguments(text, "alias") == ["/b"])
        #expect(arguments(text, "root") == ["/d"])
    }

    @Test func otherSyntaxErrorsAreNginxs() {
        #expect(problems("events {}\nhttp {\n") == ["3: unexpected end of file, expecting \"}\""])
        #expect(problems("events {}\n}\n") == ["2: unexpected \"}\""])
        #expect(problems("events {}\nhttp { return 200 \"a\"b; }\n") == ["2: unexpected \"b\""])
        #expect(problems("events {}\nhttp { return 200 \"abc;\n}\n") == [
            "4: unexpected end of file, expecting \";\" or \"}\" (the double quote opened on line 2 is not closed)",
        ])
        #expect(problems("events {}\nhttp { server; }\n") == ["2: directive \"server\" has no opening \"{\""])
        #expect(problems("events {}\nhttp { upstream u { server 127.0.0.1; } map $a $b { location 1; } }\n") == [])
        let long = String(repeating: "x", count: 4096)
        #expect(problems("events {}\nhttp {\n    return 200 \(long);\n}\n") == ["3: too long parameter \"xxxxxxxxxx...\" started"])
        #expect(problems("events {}\nhttp {\n    return 200 \(long.dropLast(2));\n}\n") == [])
    }
}
