import Foundation
import TestSupport
import Testing

/// `[[group]] members_only = true` through the built binary: on an image root whose
/// `etc/group` lists a member the contract does not name (its printed gpasswd fix pasted and
/// checked again) and a user whose primary group it is (a decision); and on the host itself,
/// where the users come from NSS's enumeration.
@Suite struct ExactMembershipCheckTests {
    static let contract = """
        contract = "journal"
        schema = 1

        [[group]]
        name = "adm"
        members = ["alice"]
        members_only = true

        [[group]]
        name = "systemd-journal"
        members = ["alice"]
        members_only = true
        """

    /// An image whose adm lists alice and bob, and whose carol has systemd-journal as primary group.
    func image() -> (root: TemporaryDirectory, contract: String) {
        let root = TemporaryDirectory("members-only")
        root.write("etc/passwd", """
            root:x:0:0:root:/root:/bin/sh
            alice:x:1000:1000::/home/alice:/bin/sh
            bob:x:1001:1001::/home/bob:/bin/sh
            carol:x:1002:101::/home/carol:/bin/sh

            """)
        root.write("etc/group", "root:x:0:\nadm:x:4:alice,bob\nsystemd-journal:x:101:alice\nalice:x:1000:\nbob:x:1001:\n")
        return (root, root.write("journal.toml", Self.contract))
    }

    func check(_ contract: String, root: String) throws -> (ProcessOutcome, JSONReportView) {
        let outcome = try hostcontract("check", contract, "--root", root, "--format", "json", "--allow-untrusted-contract")
        return (outcome, try JSONReportView(outcome.standardOutput))
    }

    @Test func extraMembersAreNamedWithTheirFixes() throws {
        let (root, contract) = image()
        let (outcome, report) = try check(contract, root: root.path)
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(report.failures == ["group adm members_only", "group systemd-journal members_only"])
        let adm = try #require(report.results(subject: "adm", check: "members_only").first)
        #expect(adm["message"] as? String == "group adm lists bob, whom the contract does not put in it")
        #expect(adm["fix"] as? String == "gpasswd --root \(root.path) -d bob adm")
        #expect(adm["line"] as? Int == 7)
        let journal = try #require(report.results(subject: "systemd-journal", check: "members_only").first)
        #expect(journal["message"] as? String == "carol has systemd-journal as primary group, and the contract does not put that user in it")
        #expect((journal["fix"] as? String)?.hasPrefix("(decide) give carol another primary group in \(root.path)/etc/passwd") == true)
    }

    @Test(.enabled(if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/gpasswd"), "gpasswd --root needs root"))
    func thePastedFixTakesTheMemberOut() throws {
        let (root, contract) = image()
        let (_, before) = try check(contract, root: root.path)
        let fix = try #require(before.results(subject: "adm", check: "members_only").first?["fix"] as? String)
        let pasted = try run("/bin/sh", ["-c", fix], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        #expect(pasted.status == 0, "\(pasted.all)")
        let group = try String(contentsOfFile: root.path + "/etc/group", encoding: .utf8)
        #expect(group.contains("\nadm:x:4:alice\n"), "\(group)")
        let (_, after) = try check(contract, root: root.path)
        #expect(after.failures == ["group systemd-journal members_only"])
        #expect(after.results(subject: "adm", check: "members_only").first?["status"] as? String == "pass")
    }

    /// On the host itself the primary members are every user NSS enumerates with gid 0: here
    /// those of /etc/passwd (this machine's nsswitch reads the files).
    @Test func onTheHostThePrimaryMembersComeFromTheEnumeration() throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let primary = passwd.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count >= 7 && fields[3] == "0" ? String(fields[0]) : nil
        }
        let group = try String(contentsOfFile: "/etc/group", encoding: .utf8)
        let listed = group.split(separator: "\n").first { $0.hasPrefix("root:") }.map {
            $0.split(separator: ":", omittingEmptySubsequences: false).last!.split(separator: ",").map(String.init)
        } ?? []
        try #require(!primary.isEmpty)
        let directory = TemporaryDirectory("members-only-host")
        let names = (primary + listed).map { "\"\($0)\"" }.joined(separator: ", ")
        let holds = directory.write("holds.toml", "contract = \"h\"\nschema = 1\n[[group]]\nname = \"root\"\nmembers = [\(names)]\nmembers_only = true\n")
        let outcome = try hostcontract("check", holds, "--only", "group", "--format", "json", "--allow-untrusted-contract")
        #expect(outcome.status == 0, "\(outcome.all)")
        let empty = directory.write("empty.toml", "contract = \"e\"\nschema = 1\n[[group]]\nname = \"root\"\nmembers_only = true\n")
        let violated = try hostcontract("check", empty, "--only", "group", "--format", "json", "--allow-untrusted-contract")
        #expect(violated.status == 1, "\(violated.all)")
        let messages = try JSONReportView(violated.standardOutput).results(subject: "root", check: "members_only")
            .compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.hasPrefix(primary.joined(separator: ", ") + " ha") }, "\(messages)")
    }
}
