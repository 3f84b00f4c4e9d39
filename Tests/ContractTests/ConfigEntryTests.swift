import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// `[[config]]`: values inside TOML, JSON and INI files, each rule passing and failing in each
/// format, malformed files reported at their line, dangling references, secrets never shown.
@Suite struct ConfigEntryTests {
    func contract(_ text: String) throws -> Contract {
        let outcome = ContractLoader.load(text: "contract = \"t\"\nschema = 1\n" + text, file: "t.toml", patterns: .pcre2)
        guard let contract = outcome.contract else { throw Failure(outcome.diagnostics.map(\.description).joined(separator: "\n")) }
        return contract
    }

    func lint(_ text: String) -> [String] {
        ContractLoader.load(text: "contract = \"t\"\nschema = 1\n" + text, file: "t.toml", patterns: .pcre2)
            .errors.map(\.description)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func run(_ contract: Contract, _ host: LiteralHost, _ values: [String: String] = [:]) -> [CheckResult] {
        Evaluation(contract: contract, input: EnvironmentInput(values: values, origin: .process), host: host).run()
    }

    func failures(_ results: [CheckResult]) -> [String] {
        results.filter { $0.status == .fail }.map { "\($0.subject) \($0.check)" }
    }

    /// The same configuration in each format: a default source, sources and a port.
    static let files: [ConfigEntry.Format: (path: String, text: String)] = [
        .toml: ("/etc/app/app.toml", """
            default_source = "aria"
            mode = "production"

            [sources.aria]
            host = "aria.example.org"
            port = 104

            [sources.mim]
            host = "mim.example.org"
            port = 105
            """),
        .json: ("/etc/app/app.json", """
            {
              "default_source": "aria",
              "mode": "production",
              "sources": {
                "aria": {"host": "aria.example.org", "port": 104},
                "mim": {"host": "mim.example.org", "port": 105}
              }
            }
            """),
        .ini: ("/etc/app/app.ini", """
            [main]
            default_source = aria
            Mode: production

            [aria]
            host = aria.example.org
            port = 104

            [mim]
            host = mim.example.org
            port = 105
            """),
    ]

    /// Key paths in each format: INI has sections at the top.
    static func key(_ format: ConfigEntry.Format, _ name: String) -> String {
        guard format == .ini else { return name }
        return ["default_source": "main.default_source", "mode": "main.mode", "sources": "[]",
                "sources.aria.port": "aria.port", "sources.aria.host": "aria.host"][name] ?? name
    }

    static func entries(_ format: ConfigEntry.Format, mode: String = "production", source: String = "aria", port: String = "integer") -> String {
        let path = files[format]!.path
        let sources = key(format, "sources")
        return """
            [[config]]
            path = "\(path)"
            key = "\(key(format, "default_source"))"
            names_key_in = \(sources == "[]" ? "[]" : "\"\(sources)\"")
            one_of = ["\(source)", "mim"]

            [[config]]
            path = "\(path)"
            key = "\(key(format, "mode"))"
            equals = "\(mode)"
            pattern = '[a-z]+'
            forbid = ["debug"]
            type = "string"

            [[config]]
            path = "\(path)"
            key = "\(key(format, "sources.aria.port"))"
            type = "\(port)"

            [[config]]
            path = "\(path)"
            key = "\(key(format, "sources.aria.host"))"
            pattern = '[a-z.]+\\.org'
            """
    }

    @Test(arguments: ConfigEntry.Format.allCases)
    func everyRulePassesInEachFormat(_ format: ConfigEntry.Format) throws {
        let host = LiteralHost()
        host.contents[Self.files[format]!.path] = Self.files[format]!.text
        let results = run(try contract(Self.entries(format)), host)
        #expect(failures(results) == [], "\(results.map(\.message))")
        let checks = Set(results.filter { $0.status == .pass }.map(\.check))
        #expect(checks == ["parse", "required", "names_key_in", "one_of", "equals", "pattern", "forbid", "type"])
    }

    @Test(arguments: ConfigEntry.Format.allCases)
    func everyRuleFailsInEachFormat(_ format: ConfigEntry.Format) throws {
        let (path, text) = Self.files[format]!
        let host = LiteralHost()
        host.contents[path] = text
            .replacing("\"aria\",", with: "\"nowhere\",").replacing("default_source = \"aria\"", with: "default_source = \"nowhere\"")
            .replacing("default_source = aria", with: "default_source = nowhere")
            .replacing("production", with: "debug")
        let results = run(try contract(Self.entries(format, port: "boolean")), host)
        let source = "\(path) \(Self.key(format, "default_source"))"
        let mode = "\(path) \(Self.key(format, "mode"))"
        #expect(Set(failures(results)) == [
            "\(source) names_key_in", "\(source) one_of", "\(mode) equals", "\(mode) forbid",
            "\(path) \(Self.key(format, "sources.aria.port")) type",
        ])
        let dangling = try #require(results.first { $0.check == "names_key_in" })
        #expect(dangling.message.contains("names 'nowhere', which is not an entry of"), "\(dangling.message)")
        #expect(dangling.message.contains("aria, mim)"), "\(dangling.message)")
        #expect(dangling.message.hasPrefix("line "), "\(dangling.message)")
        #expect(dangling.fix?.hasPrefix("(decide) set ") == true)
        let equals = try #require(results.first { $0.check == "equals" })
        #expect(equals.expected == "production" && equals.actual == "debug")
        #expect(equals.fix == "(decide) set \(Self.key(format, "mode")) in \(path) to production")
    }

    @Test func aMissingKeyAndAMissingFile() throws {
        let host = LiteralHost()
        host.contents["/etc/app/app.toml"] = "[sources.aria]\nport = 104\n"
        let c = try contract("""
            [[config]]
            path = "/etc/app/app.toml"
            key = "sources.aria.host"
            equals = "x"

            [[config]]
            path = "/etc/app/app.toml"
            key = "sources.aria.port.number"

            [[config]]
            path = "/etc/app/app.toml"
            key = "optional"
            required = false
            equals = "x"

            [[config]]
            path = "/etc/app/absent.json"
            key = "a"
            """)
        let results = run(c, host)
        #expect(failures(results) == [
            "/etc/app/app.toml sources.aria.host required", "/etc/app/app.toml sources.aria.port.number required",
            "/etc/app/absent.json a parse",
        ])
        #expect(results.first { $0.subject.hasSuffix("host") && $0.check == "required" }?.message
            == "sources.aria.host is not set in /etc/app/app.toml (sources.aria has no host)")
        #expect(results.first { $0.subject.hasSuffix("number") && $0.check == "required" }?.message
            == "sources.aria.port.number is not set in /etc/app/app.toml (line 2: sources.aria.port is an integer)")
        #expect(results.first { $0.subject.hasSuffix("host") && $0.check == "equals" }?.status == .skip)
        #expect(results.first { $0.subject.hasSuffix("optional") && $0.check != "parse" }.map { [$0.check, $0.status.rawValue] } == ["equals", "skip"])
        #expect(results.first { $0.subject.hasSuffix("host") && $0.check == "required" }?.fix == "(decide) set sources.aria.host in /etc/app/app.toml")
        #expect(results.first { $0.subject.hasPrefix("/etc/app/absent.json") }?.fix?.hasPrefix("(decide) create /etc/app/absent.json") == true)
    }

    @Test func anUnreadableFileCannotBeEvaluated() throws {
        let host = LiteralHost()
        host.unreadableFiles["/etc/app/app.toml"] = ObservationError("permission denied", isInaccessible: true)
        let results = run(try contract("[[config]]\npath = \"/etc/app/app.toml\"\nkey = \"a\"\nequals = \"b\"\n"), host)
        #expect(results.map(\.status) == [.error, .error, .error])
        #expect(results.allSatisfy { $0.fix == nil && $0.message.contains("permission denied") })
    }

    @Test(arguments: [
        (ConfigEntry.Format.toml, "a = 1\n[b]\nc = \n", 3),
        (.json, "{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}\n", 3),
        (.json, "{\n  \"a\": \"x\n\"}\n", 2),
        (.ini, "[s]\na = 1\nthis line has no delimiter\n", 3),
        (.ini, "a = 1\n[s]\n", 1),
        (.ini, "[s]\na = 1\n\n[t]\n[s]\n", 5),
        (.ini, "[s]\na = 1\nA: 2\n", 3),
    ])
    func aMalformedFileIsAFindingAtItsLine(_ format: ConfigEntry.Format, _ text: String, _ line: Int) throws {
        let path = "/etc/app/app." + format.rawValue
        let host = LiteralHost()
        host.contents[path] = text
        let results = run(try contract("[[config]]\npath = \"\(path)\"\nkey = \"s.a\"\nequals = \"1\"\n"), host)
        let parse = try #require(results.first { $0.check == "parse" })
        #expect(parse.status == .fail)
        #expect(parse.message.hasPrefix("\(path):\(line): "), "\(parse.message)")
        #expect(parse.fix == "(decide) edit \(path) at line \(line)")
        #expect(results.filter { $0.check != "parse" }.allSatisfy { $0.status == .skip })
    }

    @Test func aSecretValueIsNeverShown() throws {
        let host = LiteralHost()
        host.contents["/etc/app/app.toml"] = """
            password = "CANARY-7731"
            [pool]
            other = 1
            """
        host.contents["/etc/app/broken.toml"] = "password = \"CANARY-7731\n"
        let c = try contract("""
            [[config]]
            path = "/etc/app/app.toml"
            key = "password"
            secret = true
            equals = "something-else"
            one_of = ["a", "b"]
            forbid = ["CANARY-7731"]
            pattern = '[a-z]+'
            type = "integer"
            names_key_in = "pool"

            [[config]]
            path = "/etc/app/broken.toml"
            key = "password"
            secret = true
            """)
        let results = run(c, host)
        #expect(results.filter { $0.status == .fail }.count == 7)
        for result in results {
            for field in [result.subject, result.message, result.expected, result.actual, result.fix].compactMap({ $0 }) {
                #expect(!field.contains("CANARY"), "\(result.check): \(field)")
                #expect(!field.contains("7731"), "\(result.check): \(field)")
            }
        }
        #expect(results.first { $0.subject.hasPrefix("/etc/app/broken") }?.message == "/etc/app/broken.toml:1: not valid TOML")
    }

    @Test func keyPathsWithDotsIndexesAndVariables() throws {
        let host = LiteralHost()
        host.contents["/etc/app/app.json"] = """
            {"sites": {"ucla.main": {"targets": [{"name": "orthanc"}, {"name": "stage"}], "default": "stage"}}}
            """
        let c = try contract("""
            [[variable]]
            name = "SITE"
            default = "ucla.main"

            [[config]]
            path = "/etc/app/app.json"
            key = ["sites", "ucla.main", "targets", 1, "name"]
            equals = "stage"

            [[config]]
            path = "/etc/app/app.json"
            key = "sites.${SITE}.targets.0.name"
            equals = "orthanc"

            [[config]]
            path = "/etc/app/app.json"
            key = "sites.${SITE}.targets.2.name"
            required = true
            """)
        let results = run(c, host)
        #expect(failures(results) == ["/etc/app/app.json sites.\"ucla.main\".targets.2.name required"])
        #expect(results.filter { $0.check == "equals" }.map(\.status) == [.pass, .pass])
    }

    @Test func iniKeysFoldCaseAndDefaultsAreInherited() throws {
        let host = LiteralHost()
        host.contents["/etc/app/app.ini"] = """
            [DEFAULT]
            Timeout = 30
            [server]
            Hosts = a.example.org
              b.example.org
            enabled = Yes
            """
        let c = try contract("""
            [[config]]
            path = "/etc/app/app.ini"
            key = "server.HOSTS"
            equals = "a.example.org\\nb.example.org"

            [[config]]
            path = "/etc/app/app.ini"
            key = "server.timeout"
            type = "integer"

            [[config]]
            path = "/etc/app/app.ini"
            key = "server.enabled"
            type = "boolean"

            [[config]]
            path = "/etc/app/app.ini"
            key = "Server.enabled"
            """)
        let results = run(c, host)
        #expect(failures(results) == ["/etc/app/app.ini Server.enabled required"])
    }

    @Test func lintValidatesConfigEntries() {
        #expect(lint("[[config]]\npath = \"/etc/app/app.conf\"\nkey = \"a\"\n").contains { $0.contains("cannot tell the format") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\nkey = \"a..b\"\n").contains { $0.contains("empty element") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.ini\"\nkey = \"a.b.c\"\n").contains { $0.contains("two levels") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\nkey = \"a\"\ntype = \"table\"\nequals = \"x\"\n")
            .contains { $0.contains("no single value") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\nkey = \"a\"\nnames_key = \"b\"\n")
            .contains { $0.contains("did you mean 'names_key_in'") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\nkey = [\"a\", -1]\n").contains { $0.contains("element 2") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\nkey = \"a\"\npattern = '('\n").contains { $0.contains("not a valid regular expression") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\nkey = \"a\"\none_of = []\n").contains { $0.contains("at least one") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\nkey = \"a\"\nformat = \"yaml\"\n").contains { $0.contains("not one of") })
        #expect(lint("[[config]]\npath = \"/etc/app/app.toml\"\n").contains { $0.contains("missing required key 'key'") })
        #expect(lint("[[config]]\npath = \"/etc/app/settings\"\nformat = \"ini\"\nkey = \"s.k\"\n") == [])
    }
}

/// The readers alone: lines of values, limits, and thousands of mangled files that each read
/// to a tree or to an error at a line inside the file, never a crash or a hang.
@Suite struct ConfigReaderTests {
    @Test func jsonValuesCarryTheirLines() throws {
        let node = try JSONConfigReader.read("{\n\"a\": 1,\n\"b\": {\n  \"c\": [true,\n null]}}").get()
        #expect(node.line == 1)
        #expect(node.member("a")?.line == 2)
        #expect(node.member("b")?.member("c")?.line == 4)
        guard case .array(let elements) = node.member("b")?.member("c")?.value else { Issue.record("not an array"); return }
        #expect(elements.map(\.line) == [4, 5])
    }

    @Test func jsonNestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .failure(let error) = JSONConfigReader.read(deep) else { Issue.record("accepted"); return }
        #expect(error.message.contains("deeper than"))
        #expect(throws: Never.self) { try JSONConfigReader.read(String(repeating: "[", count: 128) + String(repeating: "]", count: 128)).get() }
    }

    @Test func tomlNestingIsRefusedNotFollowed() {
        let deep = "a = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .failure = TOMLConfigReader.read(deep) else { Issue.record("accepted"); return }
    }

    @Test func jsonNumbersKeepTheirText() throws {
        let node = try JSONConfigReader.read(#"{"a": 1.50, "b": -0, "c": 1e3, "d": "\u00e9\ud83d\ude00"}"#).get()
        #expect(node.member("a")?.value == .float("1.50"))
        #expect(node.member("b")?.value == .integer("-0"))
        #expect(node.member("c")?.value == .float("1e3"))
        #expect(node.member("d")?.value == .string("é😀"))
    }

    static let fragments = [
        "{", "}", "[", "]", "\"", ",", ":", "=", "\n", "\n  ", "#", ";", "\\", "\\u", "\\ud800", "[s]", "[[a]]",
        "[DEFAULT]", "a = 1", "a: 2", "1e", "-", "0.", "true", "nul", "'''", "\"\"\"", "\u{0}", "é", "\r", "\t", "{}",
        "[]", "a.b = 3", "x = {y = [1, }",
    ]

    static let seeds: [ConfigEntry.Format: String] = [
        .toml: ConfigEntryTests.files[.toml]!.text + "\nlist = [1, 2, [3, {a = \"b\"}]]\n'quoted.key' = \"\"\"\nmulti\n\"\"\"\n",
        .json: ConfigEntryTests.files[.json]!.text,
        .ini: ConfigEntryTests.files[.ini]!.text + "\n[DEFAULT]\nlong = first\n  second\n\n  third\n; comment\n",
    ]

    static func read(_ text: String, _ format: ConfigEntry.Format) -> Result<ConfigNode, ConfigSyntaxError> {
        switch format {
        case .toml: TOMLConfigReader.read(text)
        case .json: JSONConfigReader.read(text)
        case .ini: INIConfigReader.read(text)
        }
    }

    /// `HOSTCONTRACT_SEED=N` replays a run; `HOSTCONTRACT_MUTATIONS=N` sets its size per format.
    @Test(arguments: ConfigEntry.Format.allCases)
    func mangledFilesNeverCrash(_ format: ConfigEntry.Format) {
        let seed = UInt64(ProcessInfo.processInfo.environment["HOSTCONTRACT_SEED"] ?? "") ?? 20_261_313
        var random = SeededGenerator(seed: seed)
        let count = Int(ProcessInfo.processInfo.environment["HOSTCONTRACT_MUTATIONS"] ?? "") ?? 2000
        let original = Array(Self.seeds[format]!.unicodeScalars)
        var read = 0, refused = 0
        let started = ContinuousClock.now
        for iteration in 0..<count {
            var text = original
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let position = Int.random(in: 0...text.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where !text.isEmpty:
                    let end = min(text.count, position + Int.random(in: 1...40, using: &random))
                    if position < end { text.removeSubrange(position..<end) }
                case 1:
                    text.insert(contentsOf: Self.fragments.randomElement(using: &random)!.unicodeScalars, at: position)
                case 2 where position < text.count:
                    let end = min(text.count, position + Int.random(in: 1...200, using: &random))
                    text.insert(contentsOf: text[position..<end], at: min(text.count, end + 1))
                default:
                    text.insert(Unicode.Scalar(UInt8.random(in: 32...126, using: &random)), at: position)
                }
            }
            let mangled = String(String.UnicodeScalarView(text))
            let lines = mangled.unicodeScalars.filter { $0 == "\n" || $0 == "\r" }.count + 1
            switch Self.read(mangled, format) {
            case .success: read += 1
            case .failure(let error):
                refused += 1
                if error.line < 1 || error.line > lines {
                    Issue.record("seed \(seed) \(format) iteration \(iteration): line \(error.line) outside 1...\(lines)")
                }
                if error.message.isEmpty { Issue.record("seed \(seed) \(format) iteration \(iteration): no message") }
            }
        }
        #expect(refused > 50, "seed \(seed)")
        #expect(read > 10, "seed \(seed)")
        #expect(ContinuousClock.now - started < .seconds(60), "seed \(seed)")
    }
}
