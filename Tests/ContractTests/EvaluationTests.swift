import Contract
import Provision
import TestSupport
import Testing

/// Evaluation of host observations given as literals.
@Suite struct EvaluationTests {
    func contract(_ text: String) throws -> Contract {
        let outcome = ContractLoader.load(text: "contract = \"t\"\nschema = 1\n" + text, file: "t.toml", patterns: .pcre2)
        guard let contract = outcome.contract else { throw Failure(outcome.diagnostics.map(\.description).joined(separator: "\n")) }
        return contract
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func host() -> LiteralHost {
        let host = LiteralHost()
        host.users = [Account(name: "root", id: 0, primaryGroupID: 0), Account(name: "app", id: 990, primaryGroupID: 990),
                      Account(name: "nginx", id: 991, primaryGroupID: 991)]
        host.groups = [Account(name: "root", id: 0), Account(name: "app", id: 990), Account(name: "nginx", id: 991),
                       Account(name: "secrets", id: 989)]
        host.memberships = ["nginx": ["app"]]
        return host
    }

    func run(_ contract: Contract, _ host: LiteralHost, _ values: [String: String] = [:]) -> [CheckResult] {
        Evaluation(contract: contract, input: EnvironmentInput(values: values, origin: .process), host: host).run()
    }

    func failures(_ results: [CheckResult]) -> [String] {
        results.filter { $0.status == .fail }.map { "\($0.subject) \($0.check)" }
    }

    @Test func directoryMetadata() throws {
        let c = try contract("""
            [[directory]]
            path = "/srv/import"
            owner = "app"
            group = "app"
            mode = "0770"
            subdirs = ["video", "sap"]
            """)
        let h = host()
        h.add("/srv/import", mode: 0o770, user: 990, group: 990)
        h.add("/srv/import/video", mode: 0o755, user: 990, group: 0)
        let results = run(c, h)
        #expect(failures(results) == ["/srv/import/video group", "/srv/import/video mode", "/srv/import/sap exists"])
        let mode = results.first { $0.subject == "/srv/import/video" && $0.check == "mode" }
        #expect(mode?.expected == "0770")
        #expect(mode?.actual == "0755")
        #expect(mode?.fix == "chmod 0770 /srv/import/video")
        #expect(mode?.line == 7)
        let missing = results.first { $0.subject == "/srv/import/sap" && $0.check == "exists" }
        #expect(missing?.fix == "install -d -m 0770 -o app -g app /srv/import/sap")
        // The checks of a missing directory are listed as skipped, not dropped.
        #expect(results.filter { $0.subject == "/srv/import/sap" && $0.status == .skip }.map(\.check) == ["owner", "group", "mode"])
    }

    @Test func unknownOwnerIsAFindingThatSaysToCreateIt() throws {
        let c = try contract("[[directory]]\npath = \"/srv\"\nowner = \"ghost\"\n")
        let h = host()
        h.add("/srv", mode: 0o755)
        let owner = run(c, h).first { $0.check == "owner" }
        #expect(owner?.status == .fail)
        #expect(owner?.message.contains("does not exist") == true)
        // Which uid the new account gets is a decision; only then can the path be given to it.
        #expect(owner?.fix == "(decide) user 'ghost' does not exist in the literal host: create it (its id is yours to choose), then check again")
    }

    @Test func fixesUnderARootNameTheRootedPath() throws {
        let c = try contract("[[directory]]\npath = \"/srv/my data\"\nmode = \"0750\"\n[[user]]\nname = \"svc\"\n")
        let h = host()
        h.rootDirectory = "/img"
        h.add("/srv/my data", mode: 0o700)
        let results = run(c, h)
        #expect(results.first { $0.check == "mode" }?.fix == "chmod 0750 '/img/srv/my data'")
        #expect(results.first { $0.subject == "svc" }?.fix == "useradd --root /img --create-home svc")
    }

    @Test func keyRules() throws {
        let c = try contract("""
            [[key]]
            path = "/etc/k"
            owner = "root"
            group = "secrets"
            mode = "0640"
            min_bytes = 32
            """)
        let h = host()
        h.add("/etc/k", .regular, mode: 0o444, user: 0, group: 0, size: 16)
        let results = run(c, h)
        #expect(failures(results) == ["/etc/k group", "/etc/k mode", "/etc/k other", "/etc/k min_bytes"])
        // Never the key's size: that is the secret's length.
        #expect(!results.contains { ($0.message + ($0.actual ?? "")).contains("16") })
    }

    @Test func aKeyBehindASymbolicLinkFails() throws {
        let c = try contract("[[key]]\npath = \"/etc/k\"\n")
        let h = host()
        h.add("/etc/k", .regular, mode: 0o600)
        h.links["/etc/k"] = PathFacts(kind: .symbolicLink, mode: FileMode(rawValue: 0o777), userID: 0, groupID: 0)
        let exists = run(c, h).first { $0.check == "exists" }
        #expect(exists?.status == .fail)
        #expect(exists?.actual == "symbolic link")
    }

    @Test func fileLinesNeverShowContent() throws {
        let c = try contract("""
            [[file]]
            path = "/etc/app.env"
            forbid = ['^\\s*set\\s+-[a-zA-Z]*x']
            require = ['^TESSDATA_PREFIX=', '^MISSING=']
            """)
        let h = host()
        h.add("/etc/app.env", .regular, mode: 0o640)
        h.contents["/etc/app.env"] = "TESSDATA_PREFIX=/x\nPASSWORD=hunter2-very-secret\n  set -eux\n"
        let results = run(c, h)
        #expect(failures(results) == ["/etc/app.env forbid", "/etc/app.env require"])
        let forbid = results.first { $0.check == "forbid" }
        #expect(forbid?.actual == "line 3")
        #expect(!results.contains { "\($0)".contains("hunter2") || "\($0)".contains("eux") })
    }

    /// A pattern that needs more work than the engine's limit on a line fails the check at that
    /// line, for `forbid` as for `require`, and stops the scan; the line is never shown.
    @Test func aPatternTheEngineGivesUpOnFailsAtItsLine() throws {
        let c = try contract("""
            [[file]]
            path = "/etc/app.env"
            forbid = ['^A=', '(a+)+$', '(a|a)*$', '(.*a){20}$', '^(a*)*b']
            require = ['(a+)+$', 'LATER']
            """)
        let h = host()
        h.add("/etc/app.env", .regular, mode: 0o640)
        h.contents["/etc/app.env"] = "A=1\n" + String(repeating: "a", count: 5_000) + "!\nLATER\n"
        let results = run(c, h)
        let forbid = results.filter { $0.check == "forbid" }
        #expect(forbid.map(\.status) == [.fail, .fail, .fail, .fail, .fail])
        #expect(forbid[0].message == "line 1 matches forbidden pattern '^A='")
        // '(a|a)*$' matches line 1 too (no repetition, at the end): both are named.
        for (result, pattern) in zip(forbid.dropFirst(), ["(a+)+$", "(a|a)*$", "(.*a){20}$", "^(a*)*b"]) {
            let before = pattern == "(a|a)*$" ? "line 1 matches forbidden pattern '\(pattern)'; " : ""
            #expect(result.message.hasPrefix(before + "line 2: pattern '\(pattern)' needs more work than the limit of "), "\(result.message)")
            #expect(result.message.hasSuffix(" allows; simplify the pattern"), "\(result.message)")
            #expect(result.actual == (before.isEmpty ? "" : "line 1; ") + "line 2 undecided")
            #expect(result.fix == "(decide) simplify the pattern '\(pattern)' in the contract")
        }
        let require = results.filter { $0.check == "require" }
        #expect(require.map(\.status) == [.fail, .pass])
        #expect(require[0].message.hasPrefix("line 2: pattern '(a+)+$' needs more work"), "\(require[0].message)")
        #expect(!results.contains { "\($0)".contains("aaaa") })
    }

    /// The same for `pattern` on a variable's value, which is never shown.
    @Test func aVariablePatternTheEngineGivesUpOnFails() throws {
        let c = try contract("""
            [[variable]]
            name = "TOKEN"
            pattern = '(a|a)*'
            """)
        let value = String(repeating: "a", count: 5_000) + "!"
        let result = try #require(run(c, host(), ["TOKEN": value]).first { $0.check == "pattern" })
        #expect(result.status == .fail)
        #expect(result.message.hasPrefix("TOKEN: pattern '(a|a)*' needs more work than the limit of "), "\(result.message)")
        #expect(result.actual == "undecided")
        #expect(!"\(result)".contains("aaaa"))
    }

    @Test func aFIFOIsReportedAndNotRead() throws {
        let c = try contract("[[file]]\npath = \"/run/pipe\"\nforbid = ['x']\n")
        let h = host()
        h.add("/run/pipe", .fifo, mode: 0o600)
        let results = run(c, h)
        #expect(results.first { $0.check == "exists" }?.message == "/run/pipe is a FIFO, not a regular file")
        #expect(results.first { $0.check == "forbid" }?.status == .skip)
    }

    @Test func optionalFileAbsentIsSkipped() throws {
        let c = try contract("[[file]]\npath = \"/etc/opt\"\nrequired = false\nmode = \"0600\"\n")
        let results = run(c, host())
        #expect(results.allSatisfy { $0.status == .skip })
        #expect(results.map(\.check) == ["exists", "mode"])
    }

    @Test func danglingLinkIsNamed() throws {
        let c = try contract("[[directory]]\npath = \"/srv/x\"\n")
        let h = host()
        h.links["/srv/x"] = PathFacts(kind: .symbolicLink, mode: FileMode(rawValue: 0o777), userID: 0, groupID: 0)
        let exists = run(c, h).first { $0.check == "exists" }
        #expect(exists?.message == "/srv/x is a symbolic link whose target does not exist")
    }

    @Test func usersAndGroups() throws {
        let c = try contract("""
            [[user]]
            name = "app"
            system = true
            groups = ["secrets"]

            [[group]]
            name = "app"
            members = ["nginx", "ghost"]
            """)
        let results = run(c, host())
        #expect(failures(results) == ["app groups", "app members"])
        let groups = results.first { $0.check == "groups" }
        #expect(groups?.fix == "usermod -aG secrets app")
        let ghost = results.first { $0.check == "members" && $0.status == .fail }
        #expect(ghost?.message.contains("ghost does not exist") == true)
    }

    static let variables = """
        [[variable]]
        name = "ROOT"
        required = true
        path = true
        aliases = ["DATA_DIR"]

        [[variable]]
        name = "STORE"
        default = "${ROOT}/storage"
        path = true
        inside = "${ROOT}"

        [[variable]]
        name = "ROLE"
        required = true
        one_of = ["central_hub", "site_node", "standalone"]

        [[variable]]
        name = "DB_ENGINE"
        when = { ROLE = "central_hub" }
        forbid = ["django.db.backends.sqlite3"]
        message = "SQLite is not an acceptable hub database"

        [[variable]]
        name = "SECRET_KEY"
        required = true
        secret = true
        min_length = 50
        pattern = '[A-Za-z0-9]+'
        """

    @Test func variablesThatHold() throws {
        let values = ["ROOT": "/data", "DATA_DIR": "/data/", "ROLE": "standalone", "SECRET_KEY": String(repeating: "k", count: 60)]
        let results = run(try contract(Self.variables), host(), values)
        #expect(failures(results).isEmpty, "\(results.filter { $0.status == .fail })")
        #expect(results.first { $0.subject == "DB_ENGINE" }?.status == .skip)
        #expect(results.first { $0.subject == "DB_ENGINE" }?.message == "applies when ROLE is 'central_hub', not 'standalone'")
    }

    @Test func variableFaults() throws {
        let values = [
            "ROOT": "/data", "DATA_DIR": "/old", "STORE": "/srv/store", "ROLE": "hub",
            "SECRET_KEY": "short-secret-value!",
        ]
        let results = run(try contract(Self.variables), host(), values)
        #expect(failures(results) == ["DATA_DIR alias", "STORE inside", "ROLE one_of", "SECRET_KEY pattern", "SECRET_KEY min_length"])
        let alias = results.first { $0.check == "alias" && $0.status == .fail }
        #expect(alias?.expected == "/data")
        #expect(alias?.actual == "/old")
    }

    @Test func secretValuesAppearNowhere() throws {
        let secret = "short-secret-value!"
        let values = ["ROOT": "/data", "ROLE": "standalone", "SECRET_KEY": secret]
        let results = run(try contract(Self.variables), host(), values)
        #expect(!results.contains { "\($0)".contains(secret) || "\($0)".contains("short-") })
        #expect(!results.contains { "\($0)".contains("\(secret.count)") })
    }

    @Test func migrationFromAnAlias() throws {
        let results = run(try contract(Self.variables), host(), ["DATA_DIR": "/data", "ROLE": "standalone", "SECRET_KEY": String(repeating: "k", count: 60)])
        let alias = results.first { $0.check == "alias" }
        #expect(alias?.status == .fail)
        #expect(alias?.message.contains("rename DATA_DIR to ROOT") == true)
        // The alias still resolves, so the rest is checked against it.
        #expect(results.first { $0.subject == "STORE" && $0.check == "inside" }?.status == .pass)
    }

    @Test func hubRuleAppliesInTheHubRole() throws {
        let values = ["ROOT": "/data", "ROLE": "central_hub", "DB_ENGINE": "django.db.backends.sqlite3", "SECRET_KEY": String(repeating: "k", count: 60)]
        let results = run(try contract(Self.variables), host(), values)
        let rule = results.first { $0.subject == "DB_ENGINE" }
        #expect(rule?.status == .fail)
        #expect(rule?.message.hasSuffix("SQLite is not an acceptable hub database") == true)
    }

    @Test func entriesOnAnUnsetVariableAreSkippedWithTheReason() throws {
        let c = try contract("""
            [[variable]]
            name = "ROOT"

            [[directory]]
            path = "${ROOT}/import"
            mode = "0770"
            """)
        let results = run(c, host())
        #expect(results.filter { $0.kind == .directory }.allSatisfy { $0.status == .skip && $0.message == "path depends on ${ROOT}, which is not set" })
    }

    @Test func treeCountsAndExamples() throws {
        let c = try contract("""
            [[tree]]
            path = "/store"
            owner = "app"
            max_dir_mode = "0750"
            max_file_mode = "0640"
            """)
        let h = host()
        h.add("/store", mode: 0o750, user: 990)
        func item(_ path: String, _ kind: PathFacts.Kind, _ mode: UInt32, _ uid: UInt32 = 990) -> TreeItem {
            TreeItem(path: path, facts: .success(PathFacts(kind: kind, mode: FileMode(rawValue: mode), userID: uid, groupID: 990)))
        }
        h.walked["/store"] = [
            item("/store", .directory, 0o750), item("/store/a", .directory, 0o777), item("/store/a/f", .regular, 0o644, 0),
            item("/store/l", .symbolicLink, 0o777), item("/store/g", .regular, 0o600),
        ]
        let results = run(c, h)
        #expect(failures(results) == ["/store owner", "/store max_dir_mode", "/store max_file_mode"])
        let dirs = results.first { $0.check == "max_dir_mode" }
        #expect(dirs?.fix == "find /store -type d -perm /7027 -exec chmod u-s,g-ws,o-rwxt {} +")
        #expect(dirs?.message.contains("/store/a (0777)") == true)
    }
}
