import Contract
import TestSupport
import Testing

/// The rules a printed fix keeps (issue 12): under --root it names the image's numeric ids, it
/// never contradicts the contract or another finding's fix, never grants more than the contract
/// asks, and where an operator must decide it says so in words, with no command.
@Suite struct FixRuleTests {
    /// Loading and evaluating as the evaluation tests do.
    let evaluation = EvaluationTests()

    func contract(_ text: String) throws -> Contract { try evaluation.contract(text) }

    /// The image's accounts: app 990, nginx 991, www-data 33, secrets 989; nginx in app.
    func host(root: String? = "/img") -> LiteralHost {
        let host = LiteralHost()
        host.rootDirectory = root
        host.users = [Account(name: "root", id: 0, primaryGroupID: 0), Account(name: "app", id: 990, primaryGroupID: 990),
                      Account(name: "nginx", id: 991, primaryGroupID: 991), Account(name: "www-data", id: 33, primaryGroupID: 33)]
        host.groups = [Account(name: "root", id: 0), Account(name: "app", id: 990), Account(name: "nginx", id: 991),
                       Account(name: "www-data", id: 33), Account(name: "secrets", id: 989)]
        host.memberships = ["nginx": ["app"]]
        host.add("/", mode: 0o755)
        host.add("/etc", mode: 0o755)
        host.add("/srv", mode: 0o755)
        return host
    }

    func run(_ contract: Contract, _ host: LiteralHost) -> [CheckResult] { evaluation.run(contract, host) }

    func fix(_ results: [CheckResult], _ kind: String, _ subject: String, _ check: String) -> String? {
        results.first { $0.kind.rawValue == kind && $0.subject == subject && $0.check == check && $0.status == .fail }?.fix
    }

    /// A decision names no command: nothing in it could be pasted and run.
    static let commandWords = ["chmod", "chown", "chgrp", "setfacl", "usermod", "useradd", "groupadd", "gpasswd", "find ",
                               "install -", "openssl", "cryptsetup", "&&", "  #"]

    func expectDecision(_ fix: String?, mentioning words: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let fix else {
            Issue.record("no fix", sourceLocation: sourceLocation)
            return
        }
        #expect(fix.hasPrefix("(decide) "), "\(fix)", sourceLocation: sourceLocation)
        for word in Self.commandWords { #expect(!fix.contains(word), "a decision names '\(word)': \(fix)", sourceLocation: sourceLocation) }
        for word in words { #expect(fix.contains(word), "\(fix)", sourceLocation: sourceLocation) }
    }

    static let key = """
        [[key]]
        path = "/etc/k"
        owner = "root"
        group = "secrets"
        mode = "0640"

        """

    // MARK: ids under --root

    @Test func ownerAndGroupUnderARootAreTheImagesIDsWithTheNamesAsAComment() throws {
        let c = try contract("[[directory]]\npath = \"/srv/x\"\nowner = \"app\"\ngroup = \"secrets\"\nmode = \"0750\"\n")
        let h = host()
        h.add("/srv/x", mode: 0o750, user: 0, group: 0)
        let results = run(c, h)
        // The owner's fix sets the wrong group too: one chown.
        #expect(fix(results, "directory", "/srv/x", "owner") == "chown 990:989 /img/srv/x  # app:secrets")
        #expect(fix(results, "directory", "/srv/x", "group") == "chgrp 989 /img/srv/x  # secrets")
        h.add("/srv/x", mode: 0o750, user: 0, group: 989)
        #expect(fix(run(c, h), "directory", "/srv/x", "owner") == "chown 990 /img/srv/x  # app")
    }

    @Test func onTheHostItselfFixesNameTheAccounts() throws {
        let c = try contract("[[directory]]\npath = \"/srv/x\"\nowner = \"app\"\ngroup = \"secrets\"\n")
        let h = host(root: nil)
        h.add("/srv/x", mode: 0o750, user: 0, group: 0)
        let results = run(c, h)
        #expect(fix(results, "directory", "/srv/x", "owner") == "chown app:secrets /srv/x")
        #expect(fix(results, "directory", "/srv/x", "group") == "chgrp secrets /srv/x")
    }

    @Test func treeFixesTestAndSetTheImagesIDs() throws {
        let c = try contract("[[tree]]\npath = \"/srv/t\"\nowner = \"app\"\ngroup = \"secrets\"\n")
        let h = host()
        h.add("/srv/t", mode: 0o750, user: 990, group: 989)
        h.walked["/srv/t"] = [
            TreeItem(path: "/srv/t", facts: .success(PathFacts(kind: .directory, mode: FileMode(rawValue: 0o750), userID: 990, groupID: 989))),
            TreeItem(path: "/srv/t/f", facts: .success(PathFacts(kind: .regular, mode: FileMode(rawValue: 0o640), userID: 999, groupID: 33))),
        ]
        let results = run(c, h)
        // `! -user app` would test this machine's app: with another uid here, every file matches.
        #expect(fix(results, "tree", "/srv/t", "owner") == "find /img/srv/t ! -uid 990 -exec chown -h 990 {} +  # app")
        #expect(fix(results, "tree", "/srv/t", "group") == "find /img/srv/t ! -gid 989 -exec chgrp -h 989 {} +  # secrets")
        h.rootDirectory = nil
        #expect(fix(run(c, h), "tree", "/srv/t", "owner") == "find /srv/t ! -user app -exec chown -h app {} +")
    }

    @Test func accountCommandsActOnTheImage() throws {
        let c = try contract("""
            [[user]]
            name = "svc"
            groups = ["secrets", "root"]
            [[group]]
            name = "audit"
            members = ["app", "svc"]
            [[user]]
            name = "app"
            groups = ["secrets"]
            """)
        let results = run(c, host())
        // The same line wherever a finding needs svc made, in the groups the contract names that exist, never root.
        #expect(fix(results, "user", "svc", "exists") == "useradd --root /img --create-home --groups secrets svc")
        #expect(fix(results, "user", "svc", "groups") == "useradd --root /img --create-home --groups secrets svc")
        // With its members, so their membership findings go with it.
        #expect(fix(results, "group", "audit", "exists") == "groupadd --root /img --force --users app audit")
        #expect(fix(results, "user", "app", "groups") == "usermod --root /img -aG secrets app")
    }

    // MARK: never into group root, never a group without a name

    @Test func nobodyIsEverAddedToGroupRoot() throws {
        let c = try contract("""
            [[access]]
            principal = "www-data"
            path = "/srv/site"
            allow = "rx"
            [[user]]
            name = "www-data"
            groups = ["root"]
            """)
        let h = host()
        h.add("/srv/site", mode: 0o750, user: 0, group: 0)
        let results = run(c, h)
        expectDecision(fix(results, "access", "/srv/site", "read"), mentioning: ["group root"])
        expectDecision(fix(results, "user", "www-data", "groups"), mentioning: ["group root"])
        #expect(!results.contains { $0.fix?.contains("-aG root") == true })
    }

    @Test func aGroupWithoutANameIsDescribedNotJoined() throws {
        let c = try contract("[[access]]\nprincipal = \"app\"\npath = \"/srv/f\"\nallow = \"r\"\n")
        let h = host()
        h.add("/srv/f", .regular, mode: 0o640, user: 0, group: 995)
        let read = fix(run(c, h), "access", "/srv/f", "read")
        expectDecision(read, mentioning: ["gid 995"])
        #expect(read?.contains("'gid 995'") == false)
    }

    @Test func aGroupTheContractDoesNotPutThePrincipalInIsNotJoined() throws {
        let c = try contract("[[access]]\nprincipal = \"app\"\npath = \"/srv/f\"\nallow = \"r\"\n")
        let h = host()
        h.add("/srv/f", .regular, mode: 0o640, user: 0, group: 33)
        expectDecision(fix(run(c, h), "access", "/srv/f", "read"), mentioning: ["group www-data", "does not put app in it"])
        // Declared, it is a command.
        let declared = try contract("[[access]]\nprincipal = \"app\"\npath = \"/srv/f\"\nallow = \"r\"\n[[group]]\nname = \"www-data\"\nmembers = [\"app\"]\n")
        #expect(fix(run(declared, h), "access", "/srv/f", "read") == "usermod --root /img -aG www-data app")
    }

    @Test func withoutAnyGroupToJoinTheGrantIsOneNamedEntry() throws {
        let c = try contract("[[access]]\nprincipal = \"app\"\npath = \"/srv/f\"\nallow = \"r\"\n")
        let h = host()
        h.add("/srv/f", .regular, mode: 0o600, user: 0, group: 0)
        #expect(fix(run(c, h), "access", "/srv/f", "read") == "setfacl -m u:990:r-- /img/srv/f  # app")
    }

    // MARK: group rules get group fixes, and the contract's own metadata

    @Test func theMasterKeyAtRootRoot0400GetsTheContractsGroupAndModeNotANamedEntry() throws {
        let c = try contract(Self.key + """
            [[access]]
            principal = "app"
            path = "/etc/k"
            allow = "r"
            deny = "w"
            via = "group"
            [[user]]
            name = "app"
            groups = ["secrets"]
            """)
        let h = host()
        h.memberships["app"] = ["secrets"]
        h.add("/etc/k", .regular, mode: 0o400, user: 0, group: 0)
        let results = run(c, h)
        let read = fix(results, "access", "/etc/k", "read")
        #expect(read == "chgrp 989 /img/etc/k && chmod 0640 /img/etc/k  # secrets")
        #expect(fix(results, "key", "/etc/k", "group") == "chgrp 989 /img/etc/k  # secrets")
        #expect(fix(results, "key", "/etc/k", "mode") == "chmod 0640 /img/etc/k")
        #expect(!results.contains { $0.fix?.contains("setfacl") == true })
        // Out of the group as well: the fix makes the member the contract declares.
        h.memberships["app"] = []
        #expect(fix(run(c, h), "access", "/etc/k", "read")
            == "chgrp 989 /img/etc/k && chmod 0640 /img/etc/k && usermod --root /img -aG secrets app  # secrets")
    }

    @Test func aGroupRuleNeverGetsANamedUserEntry() throws {
        let c = try contract("[[access]]\nprincipal = \"app\"\npath = \"/srv/f\"\nallow = \"r\"\nvia = \"group\"\n")
        let h = host()
        h.add("/srv/f", .regular, mode: 0o600, user: 0, group: 0)
        let read = fix(run(c, h), "access", "/srv/f", "read")
        expectDecision(read, mentioning: ["through a group"])
    }

    /// The loop of the issue: the grant fix added `u:990:r`, the via fix then removed it.
    @Test func aNamedEntryThatBreaksViaIsRemovedWithoutLosingTheGrant() throws {
        let c = try contract(Self.key + "[[access]]\nprincipal = \"app\"\npath = \"/etc/k\"\nallow = \"r\"\nvia = \"group\"\n[[group]]\nname = \"secrets\"\nmembers = [\"app\"]\n")
        let h = host()
        h.memberships["app"] = ["secrets"]
        h.add("/etc/k", .regular, mode: 0o640, user: 0, group: 989)
        h.accessLists["/etc/k"] = AccessList(entries: [
            .init(tag: .owner, rights: [.read, .write]), .init(tag: .user(990), rights: .read),
            .init(tag: .owningGroup, rights: .read), .init(tag: .mask, rights: .read), .init(tag: .other, rights: []),
        ])
        let results = run(c, h)
        #expect(fix(results, "access", "/etc/k", "via") == "setfacl -n -x u:990 /img/etc/k  # app")
        // Where the group lacks it, the group gets it; the mask (and so the mode) stays.
        h.accessLists["/etc/k"]!.entries[2].rights = []
        #expect(fix(run(c, h), "access", "/etc/k", "via") == "setfacl -n -x u:990 /img/etc/k && setfacl -n -m g::r-- /img/etc/k  # app")
    }

    /// A media directory of the contract's mode, which nginx reads through its group.
    func media(mode: String) throws -> Contract {
        try contract("""
            [[directory]]
            path = "/srv/media"
            owner = "app"
            group = "app"
            mode = "\(mode)"
            [[access]]
            principal = "nginx"
            path = "/srv/media"
            allow = "r"
            deny = "w"
            via = "group"
            """)
    }

    @Test func aDenyFixKeepsTheContractsMode() throws {
        let c = try media(mode: "0750")
        let h = host()
        h.add("/srv/media", mode: 0o770, user: 990, group: 990)
        let results = run(c, h)
        #expect(fix(results, "access", "/srv/media", "write") == "chmod 0750 /img/srv/media")
        #expect(fix(results, "directory", "/srv/media", "mode") == "chmod 0750 /img/srv/media")
    }

    @Test func noFixGivesModeBitsBeyondTheContract() throws {
        let c = try media(mode: "0700")
        let h = host()
        h.add("/srv/media", mode: 0o700, user: 990, group: 990)
        expectDecision(fix(run(c, h), "access", "/srv/media", "read"), mentioning: ["declares mode 0700"])
    }

    @Test func aMaskIsNeverWidenedForOneEntry() throws {
        let c = try contract("[[access]]\nprincipal = \"nginx\"\npath = \"/srv/f\"\nallow = \"r\"\n")
        let h = host()
        h.add("/srv/f", .regular, mode: 0o600, user: 990, group: 990)
        h.accessLists["/srv/f"] = AccessList(entries: [
            .init(tag: .owner, rights: [.read, .write]), .init(tag: .group(33), rights: [.read, .write]),
            .init(tag: .owningGroup, rights: .read), .init(tag: .mask, rights: []), .init(tag: .other, rights: []),
        ])
        // The mask is ---, so the kernel ignores the ACL: only a wider mask would let app's group count.
        expectDecision(fix(run(c, h), "access", "/srv/f", "read"), mentioning: ["mask of /img/srv/f is ---"])
        // A mask of r-- keeps www-data's rw- entry from writing.
        let write = try contract("[[access]]\nprincipal = \"www-data\"\npath = \"/srv/f\"\nallow = \"w\"\n")
        h.add("/srv/f", .regular, mode: 0o640, user: 990, group: 990)
        h.accessLists["/srv/f"]!.entries[3].rights = .read
        expectDecision(fix(run(write, h), "access", "/srv/f", "write"), mentioning: ["mask of /img/srv/f is r--"])
    }

    @Test func requiredACLEntriesUnderARootUseIDsAndTheContractsMask() throws {
        let c = try contract("""
            [[directory]]
            path = "/srv/shared"
            owner = "app"
            group = "app"
            mode = "0750"
            acl = ["group:www-data:r-x"]
            """)
        let h = host()
        h.add("/srv/shared", mode: 0o750, user: 990, group: 990)
        #expect(fix(run(c, h), "directory", "/srv/shared", "acl") == "setfacl -m g:33:r-x,m::r-x /img/srv/shared  # www-data")
    }

    // MARK: certificates and the rest

    @Test func anExpiredCertificateIsRenewedNowNotBeforeADateGone() throws {
        let c = try contract("[[certificate]]\npath = \"/etc/ca.pem\"\nmin_days_left = 30\n")
        let h = host()
        h.currentTime = 1_700_000_000
        h.certificateFiles["/etc/ca.pem"] = [CertificateFacts(
            subject: "CN=old", issuer: "CN=old", notBefore: 1_500_000_000, notAfter: 1_609_459_200, isAuthority: true)]
        let results = run(c, h)
        for check in ["validity", "min_days_left"] {
            let text = fix(results, "certificate", "/etc/ca.pem", check)
            expectDecision(text, mentioning: ["renew now", "expired on 2021-01-01"])
            #expect(text?.contains("before 2021") == false)
        }
        h.currentTime = 1_609_459_200 - 86400 * 10
        expectDecision(fix(run(c, h), "certificate", "/etc/ca.pem", "min_days_left"), mentioning: ["before 2021-01-01"])
    }

    @Test func anUnknownOwnerIsADecisionNotAHalfFix() throws {
        let c = try contract("[[directory]]\npath = \"/srv\"\nowner = \"ghost\"\n")
        expectDecision(fix(run(c, host()), "directory", "/srv", "owner"), mentioning: ["user 'ghost' does not exist"])
    }

    @Test func aUserOutsideItsRangeIsADecision() throws {
        let c = try contract("[[user]]\nname = \"app\"\nsystem = false\n")
        expectDecision(fix(run(c, host()), "user", "app", "system"))
    }
}
