import Contract
import TestSupport
import Testing

/// `[[group]] members_only = true`: nobody is in the group but the users the contract puts
/// there, neither listed in its group(5) entry nor through a primary group.
@Suite struct ExactMembershipTests {
    /// systemd-journal (gid 101) lists alice and bob; carol's primary group is it.
    func host() -> LiteralHost {
        let host = LiteralHost()
        host.users = [Account(name: "root", id: 0, primaryGroupID: 0), Account(name: "alice", id: 1000, primaryGroupID: 1000),
                      Account(name: "bob", id: 1001, primaryGroupID: 1001), Account(name: "carol", id: 1002, primaryGroupID: 101)]
        host.groups = [Account(name: "root", id: 0), Account(name: "systemd-journal", id: 101), Account(name: "alice", id: 1000),
                       Account(name: "bob", id: 1001)]
        host.memberships = ["alice": ["systemd-journal"], "bob": ["systemd-journal"]]
        return host
    }

    func exact(_ results: [CheckResult]) -> [CheckResult] { results.filter { $0.check == "members_only" } }

    @Test func aListedMemberTheContractDoesNotNameIsTakenOutWithGpasswd() throws {
        let contract = try ContractText.load("""
            [[group]]
            name = "systemd-journal"
            members = ["alice", "carol"]
            members_only = true
            """)
        let found = exact(ContractText.run(contract, host()))
        #expect(found.map(\.status) == [.fail])
        let finding = try #require(found.first)
        #expect(finding.message == "group systemd-journal lists bob, whom the contract does not put in it")
        #expect(finding.expected == "only alice, carol")
        #expect(finding.actual == "carol, alice, bob")
        #expect(finding.fix == "gpasswd -d bob systemd-journal")
        #expect(finding.line == 6)
    }

    @Test func aPrimaryGroupCountsAndIsTheOperatorsToChange() throws {
        let contract = try ContractText.load("""
            [[group]]
            name = "systemd-journal"
            members = ["alice"]
            members_only = true
            """)
        let found = exact(ContractText.run(contract, host()))
        #expect(found.map(\.status) == [.fail, .fail])
        #expect(found[0].fix == "gpasswd -d bob systemd-journal")
        #expect(found[1].message == "carol has systemd-journal as primary group, and the contract does not put that user in it")
        #expect(found[1].fix?.hasPrefix("(decide) give carol another primary group in the literal host") == true)
    }

    @Test func usersTheContractPutsInTheGroupElsewhereAreAllowed() throws {
        let contract = try ContractText.load("""
            [[group]]
            name = "systemd-journal"
            members = ["alice"]
            members_only = true

            [[user]]
            name = "bob"
            groups = ["systemd-journal"]

            [[user]]
            name = "carol"
            groups = ["systemd-journal"]
            """)
        let found = exact(ContractText.run(contract, host()))
        #expect(found.map(\.status) == [.pass])
        #expect(found.first?.message == "group systemd-journal has no members but alice, bob, carol")
    }

    @Test func withoutMembersTheGroupMustBeEmpty() throws {
        let contract = try ContractText.load("""
            [[group]]
            name = "systemd-journal"
            members_only = true
            """)
        let found = exact(ContractText.run(contract, host()))
        #expect(found.first?.expected == "no members")
        #expect(found.first?.fix == "gpasswd -d alice systemd-journal && gpasswd -d bob systemd-journal")
    }

    @Test func underARootTheImagesFilesAreChanged() throws {
        let contract = try ContractText.load("[[group]]\nname = \"systemd-journal\"\nmembers = [\"alice\", \"carol\"]\nmembers_only = true\n")
        let host = host()
        host.rootDirectory = "/img"
        #expect(exact(ContractText.run(contract, host)).first?.fix == "gpasswd --root /img -d bob systemd-journal")
    }

    @Test func aMissingGroupSkipsTheCheck() throws {
        let contract = try ContractText.load("[[group]]\nname = \"adm\"\nmembers_only = true\n")
        let results = ContractText.run(contract, host())
        #expect(results.first { $0.check == "exists" }?.status == .fail)
        #expect(exact(results).map(\.status) == [.skip])
        #expect(exact(results).first?.message == "group adm does not exist")
    }

    @Test func withoutTheKeyOtherMembersAreNoFinding() throws {
        let contract = try ContractText.load("[[group]]\nname = \"systemd-journal\"\nmembers = [\"alice\"]\n")
        #expect(exact(ContractText.run(contract, host())).isEmpty)
    }

    @Test func theKeyIsABoolean() {
        ContractText.expectError("""
            [[group]]
            name = "adm"
            1️⃣members_only = "yes"
            """, "[[group]] #1 (name = \"adm\") members_only:", "expected true or false")
    }
}
