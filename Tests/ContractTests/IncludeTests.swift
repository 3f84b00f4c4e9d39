import Contract
import Provision
import TestSupport
import Testing

/// `include = [...]`: files found beside the including file, merged in order, with every
/// diagnostic naming the file and line it is about; circles and conflicts are errors.
@Suite struct IncludeTests {
    /// Loads `files["main.toml"]` with the others as what its includes read (under /c/).
    func load(_ files: [String: String]) -> ContractLoader.Outcome {
        let main = files["main.toml"]!
        return ContractLoader.load(text: main, file: "/c/main.toml", patterns: .pcre2) { path in
            guard path.hasPrefix("/c/"), let text = files[String(path.dropFirst(3))] else {
                return .failure(ContractLoader.IncludeFailure("no such file"))
            }
            return .success(text)
        }
    }

    static let base = """
        schema = 1

        [[variable]]
        name = "DATA_DIR"
        default = "/srv/data"

        [[directory]]
        path = "${DATA_DIR}"
        mode = "0750"
        """

    @Test func entriesOfIncludedFilesComeFirstInOrder() throws {
        let outcome = load([
            "main.toml": """
                contract = "hub"
                schema = 1
                include = ["base.toml", "roles/hub.toml"]

                [[directory]]
                path = "/srv/own"
                """,
            "base.toml": Self.base,
            "roles/hub.toml": """
                include = ["../base.toml"]

                [[directory]]
                path = "${DATA_DIR}/hub"
                """,
        ])
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let contract = try #require(outcome.contract)
        #expect(contract.name == "hub")
        #expect(contract.directories.map(\.path.source) == ["${DATA_DIR}", "${DATA_DIR}/hub", "/srv/own"])
        #expect(contract.directories.map(\.context.file) == ["/c/base.toml", "/c/roles/hub.toml", nil])
        #expect(contract.directories.map(\.context.line) == [7, 3, 5])
        #expect(contract.includedFiles == ["/c/base.toml", "/c/roles/hub.toml"], "base is read once")
    }

    @Test func aDiagnosticNamesTheIncludedFileAndItsLine() {
        let outcome = load([
            "main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"base.toml\"]\n",
            "base.toml": "[[directory]]\npath = \"/srv\"\nmode = 750\n",
        ])
        #expect(outcome.contract == nil)
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.description.hasPrefix("/c/base.toml:3: error: [[directory]] #1 (path = \"/srv\") mode: ") == true,
                "\(outcome.diagnostics)")
    }

    @Test func aSyntaxErrorInAnIncludedFileIsNamedThere() {
        let outcome = load([
            "main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"base.toml\"]\n",
            "base.toml": "[[directory]]\npath = = \"/srv\"\n",
        ])
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.file == "/c/base.toml" && outcome.errors.first?.line == 2, "\(outcome.diagnostics)")
    }

    @Test func aCircleIsAnErrorAtTheIncludeThatCloses() {
        let outcome = load([
            "main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"a.toml\"]\n",
            "a.toml": "include = [\"b.toml\"]\n",
            "b.toml": "\n\ninclude = [\"./a.toml\"]\n",
        ])
        #expect(outcome.errors.map(\.description) == [
            "/c/b.toml:3: error: include: './a.toml' includes itself: /c/a.toml -> /c/b.toml -> /c/a.toml",
        ], "\(outcome.diagnostics)")
        let itself = load(["main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"main.toml\"]\n"])
        #expect(itself.errors.map(\.description) == [
            "/c/main.toml:3: error: include: 'main.toml' includes itself: /c/main.toml -> /c/main.toml",
        ])
    }

    @Test func aDefaultGivenInTwoFilesIsAConflict() {
        let outcome = load([
            "main.toml": """
                contract = "c"
                schema = 1
                include = ["base.toml"]

                [[variable]]
                name = "DATA_DIR"
                default = "/data"
                """,
            "base.toml": Self.base,
        ])
        #expect(outcome.errors.map(\.description) == [
            "/c/main.toml:5: error: [[variable]] #1 (name = \"DATA_DIR\"): only one entry for DATA_DIR may give 'default' or 'aliases'; /c/base.toml:3 already does",
        ], "\(outcome.diagnostics)")
    }

    @Test func aVariableDeclaredInOneFileServesTheOthers() throws {
        let outcome = load([
            "main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"base.toml\"]\n\n[[file]]\npath = \"${DATA_DIR}/x\"\n",
            "base.toml": Self.base,
        ])
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let undeclared = load([
            "main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"base.toml\"]\n",
            "base.toml": "[[file]]\npath = \"${NOWHERE}/x\"\n",
        ])
        #expect(undeclared.diagnostics.map { "\($0.file):\($0.line)" } == ["/c/base.toml:2"], "\(undeclared.diagnostics)")
    }

    @Test func environmentAndNginxAreGivenInOneFile() {
        let outcome = load([
            "main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"base.toml\"]\n\n[environment]\nfile = \"/etc/b.env\"\n",
            "base.toml": "[environment]\nfile = \"/etc/a.env\"\n\n[nginx]\nconfig = \"/etc/nginx/nginx.conf\"\n",
        ])
        #expect(outcome.errors.map(\.description) == [
            "/c/main.toml:5: error: [environment] is also given at /c/base.toml:1: give it in one file",
        ], "\(outcome.diagnostics)")
    }

    @Test func whatCannotBeIncludedIsAnError() {
        let missing = load(["main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"gone.toml\"]\n"])
        #expect(missing.errors.map(\.description) == [
            "/c/main.toml:3: error: include: cannot include 'gone.toml' (/c/gone.toml): no such file",
        ])
        let stdin = ContractLoader.load(text: "contract = \"c\"\nschema = 1\ninclude = [\"a.toml\"]\n", file: "<stdin>", patterns: .pcre2)
        #expect(stdin.errors.first?.message.contains("standard input cannot include files") == true)
        let notStrings = load(["main.toml": "contract = \"c\"\nschema = 1\ninclude = [1]\n"])
        #expect(notStrings.errors.first?.description.contains("include: element 1 is an integer") == true, "\(notStrings.diagnostics)")
        let includedNeedsNoName = load(["main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"a.toml\"]\n", "a.toml": "schema = 2\n"])
        #expect(includedNeedsNoName.errors.map(\.description) == [
            "/c/a.toml:1: error: schema: schema 2 is not supported; this hostcontract reads schema 1",
        ])
    }

    @Test func resultsOfIncludedEntriesNameTheirFile() throws {
        let outcome = load([
            "main.toml": "contract = \"c\"\nschema = 1\ninclude = [\"base.toml\"]\n\n[[directory]]\npath = \"/srv/own\"\n",
            "base.toml": Self.base,
        ])
        let contract = try #require(outcome.contract)
        let results = ContractText.run(contract, LiteralHost())
        let exists = results.filter { $0.check == "exists" }
        #expect(exists.map(\.subject) == ["/srv/data", "/srv/own"])
        #expect(exists.map(\.file) == ["/c/base.toml", nil])
        #expect(exists.map(\.line) == [8, 6], "the lines of their path keys")
    }
}
