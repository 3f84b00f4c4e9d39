import Contract
import Provision
import TestSupport
import Testing

/// `absent = true` on `[[directory]]` and `[[file]]`: nothing may be at the path, a symbolic
/// link included; the fix is the operator's (hostcontract never deletes); provisioning neither
/// makes nor touches it, and the tmpfiles fragment has no line for it.
@Suite struct AbsentPathTests {
    static let legacy = """
        [[directory]]
        path = "/srv/app/data"
        absent = true
        message = "the data moved to the encrypted root"

        [[file]]
        path = "/srv/app/.env"
        absent = true

        """

    /// The legacy tree must be gone in the hub role only.
    static let hubOnly = """
        [[variable]]
        name = "ROLE"

        [[directory]]
        path = "/srv/app/data"
        absent = true
        when = { ROLE = "hub" }
        """

    func absence(_ results: [CheckResult]) -> [CheckResult] { results.filter { $0.check == "absent" } }

    @Test func nothingThereHolds() throws {
        let results = ContractText.run(try ContractText.load(Self.legacy), LiteralHost())
        #expect(results.map(\.check) == ["absent", "absent"])
        #expect(results.allSatisfy { $0.status == .pass })
        #expect(results.first?.message == "/srv/app/data does not exist")
    }

    @Test func aDirectoryLeftBehindIsAFindingForTheOperator() throws {
        let host = LiteralHost()
        host.add("/srv/app/data", mode: 0o750)
        let finding = try #require(absence(ContractText.run(try ContractText.load(Self.legacy), host)).first)
        #expect(finding.status == .fail)
        #expect(finding.message == "/srv/app/data exists (a directory) and must not: the data moved to the encrypted root")
        #expect(finding.expected == "absent")
        #expect(finding.actual == "directory")
        #expect(finding.line == 5)
        #expect(finding.fix == "(decide) move /srv/app/data away, or remove it, once nothing needs what it holds (hostcontract never deletes)")
    }

    @Test func aSymbolicLinkCountsAsPresentDanglingOrNot() throws {
        let host = LiteralHost()
        host.links["/srv/app/.env"] = PathFacts(kind: .symbolicLink, mode: FileMode(rawValue: 0o777), userID: 0, groupID: 0)
        let finding = try #require(absence(ContractText.run(try ContractText.load(Self.legacy), host)).last)
        #expect(finding.status == .fail)
        #expect(finding.actual == "symbolic link")
    }

    @Test func aPathThatCannotBeInspectedIsNotEvaluated() throws {
        let host = LiteralHost()
        host.paths["/srv/app/data"] = .unreadable("permission denied")
        let finding = try #require(absence(ContractText.run(try ContractText.load(Self.legacy), host)).first)
        #expect(finding.status == .error)
        #expect(finding.fix == nil)
    }

    @Test func keysDescribingAPathThatExistsAreErrors() {
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app/data"
            absent = true
            1️⃣mode = "0750"
            """, "[[directory]] #1 (path = \"/srv/app/data\") mode:", "'mode' describes a path that exists and cannot be combined with absent = true")
        ContractText.expectError("""
            [[file]]
            path = "/srv/app/.env"
            1️⃣required = false
            absent = true
            """, "'required' describes a path that exists")
        let (diagnostics, _) = ContractText.diagnostics("[[directory]]\npath = \"/x\"\nabsent = true\nowner = \"a\"\nsubdirs = [\"b\"]\nmin_free = \"1G\"\n")
        #expect(diagnostics.filter { $0.severity == .error }.count == 3, "\(diagnostics)")
    }

    @Test func anEntryAtOrBelowAnAbsentPathContradictsIt() {
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app/data"
            1️⃣absent = true

            [[file]]
            path = "/srv/app/data/settings.ini"
            """, "'/srv/app/data' must not exist, but [[file]] #1 at line 7 declares '/srv/app/data/settings.ini' below it")
        // Entries that apply under different conditions may name the same path.
        let (diagnostics, _) = ContractText.diagnostics(Self.hubOnly + """

            [[directory]]
            path = "/srv/app/data"
            when = { ROLE = "site" }
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func provisioningNeitherMakesNorTouchesIt() throws {
        let contract = try ContractText.load(Self.hubOnly + """

            [[directory]]
            path = "/srv/app/data/import"
            mode = "0750"

            [[directory]]
            path = "/srv/app/cache"
            mode = "0750"

            [[file]]
            path = "/srv/app/.env"
            absent = true
            """)
        let host = LiteralHost()
        host.add("/", mode: 0o755)
        host.add("/srv", mode: 0o755)
        host.add("/srv/app", mode: 0o755)
        host.add("/srv/app/.env", .regular, mode: 0o666)
        let plan = Planner(contract: contract, environment: ResolvedEnvironment(contract: contract, given: ["ROLE": "hub"]), host: host).plan()
        #expect(plan.targets.map(\.path) == ["/srv", "/srv/app", "/srv/app/cache"])
        #expect(plan.actions.map { "\($0.path) \($0.status)" } == ["/srv/app/cache planned", "/srv/app/data conflict", "/srv/app/data/import conflict"])
        #expect(plan.actions.first { $0.path == "/srv/app/data" }?.message
            == "the contract says it must not exist (absent = true at line 6); left untouched")
        #expect(plan.actions.first { $0.path == "/srv/app/data/import" }?.message
            == "lies below /srv/app/data, which the contract says must not exist (absent = true at line 6); left untouched")
    }

    @Test func theTmpfilesFragmentHasNoLineForIt() throws {
        let contract = try ContractText.load(Self.legacy + "[[directory]]\npath = \"/srv/app\"\nmode = \"0755\"\n")
        let (text, _) = TmpfilesFragment(contract: contract, environment: ResolvedEnvironment(contract: contract, given: [:])).render()
        #expect(text.contains("d /srv/app 0755 - - -\n"), "\(text)")
        #expect(!text.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("/srv/app/data") }, "\(text)")
        #expect(text.contains("# /srv/app/data must not exist (absent = true): no line"), "\(text)")
    }
}
