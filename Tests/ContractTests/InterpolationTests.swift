import Contract
import Provision
import Testing

@Suite struct InterpolationTests {
    @Test func referencesAndLiterals() throws {
        let template = try Template.parse("${ROOT}/data/$${HOME}/$uri").get()
        #expect(template.variables == ["ROOT"])
        let resolved = try template.resolve { $0 == "ROOT" ? "/var/lib/app" : nil }.get()
        #expect(resolved == "/var/lib/app/data/${HOME}/$uri")
    }

    @Test func unresolvedNamesTheVariable() throws {
        let template = try Template.parse("${A}/${B}").get()
        guard case .failure(let missing) = template.resolve({ $0 == "A" ? "/a" : nil }) else {
            Issue.record("resolved without B")
            return
        }
        #expect(missing.variable == "B")
    }

    @Test func malformedReferences() {
        #expect(throws: Template.SyntaxError.self) { try Template.parse("${1ABC}").get() }
        #expect(throws: Template.SyntaxError.self) { try Template.parse("${A").get() }
        #expect(throws: Template.SyntaxError.self) { try Template.parse("${}").get() }
    }

    func contract(_ text: String) throws -> Contract {
        let outcome = ContractLoader.load(text: "contract = \"t\"\nschema = 1\n" + text, file: "t.toml", patterns: .pcre2)
        guard let contract = outcome.contract else { throw FixtureFailure(diagnostics: outcome.diagnostics) }
        return contract
    }

    struct FixtureFailure: Error { let diagnostics: [Diagnostic] }

    static let layout = """
        [[variable]]
        name = "ROOT"
        aliases = ["DATA_DIR", "OLD_DIR"]

        [[variable]]
        name = "STORE"
        default = "${ROOT}/storage"

        [[variable]]
        name = "MEDIA"
        default = "${STORE}/media"
        """

    @Test func defaultsResolveThroughOtherVariables() throws {
        let environment = ResolvedEnvironment(contract: try contract(Self.layout), given: ["ROOT": "/data"])
        #expect(environment.value(of: "STORE") == "/data/storage")
        #expect(environment.value(of: "MEDIA") == "/data/storage/media")
        #expect(environment.lookup("MEDIA")?.source == .defaultValue)
    }

    @Test func aGivenValueBeatsTheDefault() throws {
        let environment = ResolvedEnvironment(contract: try contract(Self.layout), given: ["ROOT": "/data", "STORE": "/elsewhere"])
        #expect(environment.value(of: "MEDIA") == "/elsewhere/media")
        #expect(environment.lookup("STORE")?.source == .given)
    }

    @Test func anAliasResolvesWhenTheCanonicalIsUnset() throws {
        let environment = ResolvedEnvironment(contract: try contract(Self.layout), given: ["OLD_DIR": "/legacy"])
        #expect(environment.lookup("ROOT")?.value == "/legacy")
        #expect(environment.lookup("ROOT")?.source == .alias("OLD_DIR"))
        #expect(environment.value(of: "STORE") == "/legacy/storage")
    }

    @Test func unsetWithoutDefaultHasNoValue() throws {
        let environment = ResolvedEnvironment(contract: try contract(Self.layout), given: [:])
        #expect(environment.value(of: "ROOT") == nil)
        #expect(environment.value(of: "STORE") == nil)
    }

    @Test func normalisationFillsDefaultsAndAliases() throws {
        let environment = ResolvedEnvironment(contract: try contract(Self.layout), given: ["ROOT": "/data", "OLD_DIR": "/stale"])
        let normalised = environment.normalised()
        #expect(normalised["STORE"] == "/data/storage")
        #expect(normalised["DATA_DIR"] == "/data")
        #expect(normalised["OLD_DIR"] == "/data")
    }

    @Test func pathsCompareNormalised() {
        #expect(normalise("/var//lib/./app/") == "/var/lib/app")
        #expect(isInside("/var/lib/app/data/storage", "/var/lib/app/data/"))
        #expect(!isInside("/var/lib/app/data-old", "/var/lib/app/data"))
        #expect(isInside("/var/lib/app/data", "/var/lib/app/data"))
    }
}

@Suite struct SourceMapTests {
    @Test func headersAndKeys() {
        let text = MarkedTextLite("""
            contract = "x"
            [[directory]]
            path = "/a"
            [[directory]]   # second
            path = "/b"
            mode = "0750"
            [nginx]
            config = "/etc/nginx/nginx.conf"
            [[ nginx.location ]]
            path = "/"
            "directives" = { internal = true }
            """)
        let map = SourceMap(text: text)
        #expect(map.table("")?.keys["contract"] == 1)
        #expect(map.arrayEntry("directory", index: 1)?.line == 4)
        #expect(map.arrayEntry("directory", index: 1)?.keys["mode"] == 6)
        #expect(map.table("nginx")?.keys["config"] == 8)
        #expect(map.arrayEntry("nginx.location", index: 0)?.line == 9)
        #expect(map.arrayEntry("nginx.location", index: 0)?.keys["directives"] == 11)
    }

    @Test func stringsAndMultilineValuesDoNotLookLikeKeys() {
        let text = MarkedTextLite("""
            [[file]]
            path = "/x"
            forbid = [
              'mode = 1',
              "[[directory]]",
            ]
            description = '''
            owner = "nobody"
            [[user]]
            '''
            owner = "root"
            """)
        let map = SourceMap(text: text)
        #expect(map.sections.count == 2)
        #expect(map.arrayEntry("file", index: 0)?.keys["owner"] == 11)
        #expect(map.arrayEntry("file", index: 0)?.keys["mode"] == nil)
    }

    @Test func subTableContinuesTheEntry() {
        let map = SourceMap(text: "[[directory]]\npath = \"/a\"\n[directory.when]\nROLE = \"x\"\n")
        #expect(map.arrayEntry("directory", index: 0)?.keys["when"] == 3)
    }

    @Test func aKeyMetTwiceKeepsItsFirstLine() {
        // Dotted keys name their first part once per line; a sub-table header names its key.
        let map = SourceMap(text: "[[directory]]\npath = \"/a\"\nstorage.a = 1\nstorage.b = 2\n[directory.storage]\nc = 3\n")
        #expect(map.arrayEntry("directory", index: 0)?.keys["storage"] == 3)
        #expect(map.arrayEntry("directory", index: 0)?.keys["c"] == 6)
        #expect(map.arrayEntry("directory", index: 0)?.keys.count == 3)
        // A section of many keys (searched through a set instead of the list) keeps first lines too.
        let many = (1...40).map { "k\($0).x = 1\nk\($0).y = 2\n" }.joined()
        let large = SourceMap(text: "[t]\n" + many)
        #expect(large.table("t")?.keys.count == 40)
        #expect(large.table("t")?.keys["k1"] == 2)
        #expect(large.table("t")?.keys["k40"] == 80)
        #expect(large.table("t")?.keys["k41"] == nil)
    }

    @Test func keyLinesCompareAsSetsOfKeys() {
        let map = SourceMap(text: "[[directory]]\nowner = \"a\"\npath = \"/a\"\n")
        let found = map.arrayEntry("directory", index: 0)?.keys ?? [:]
        let written: KeyLines = ["path": 3, "owner": 2]
        #expect(found == written)
        #expect(found.hashValue == written.hashValue)
        #expect(found != ["path": 3, "owner": 4])
        #expect(found != ["path": 3])
    }

    func MarkedTextLite(_ text: String) -> String { text }

    /// Shell names only: ASCII letters, digits and `_`, no leading digit. Letters and digits of
    /// other scripts, and CR LF (one ASCII Character in Swift), are not part of one.
    @Test func variableNamesAreShellNames() {
        for name in ["A", "_", "DATA_DIR", "a1", "_9", "lower_case", "Z9_"] { #expect(VariableName.isValid(name), "\(name)") }
        for name in ["", "1A", "9", "A-B", "A B", "A=B", "É", "ÀB", "Aª", "A٣", "A\r\n", "A\u{301}", "A\0"] {
            #expect(!VariableName.isValid(name), "\(name.debugDescription)")
        }
    }
}
