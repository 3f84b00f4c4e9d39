import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// Result ids: built from kind, subject, check and principal, unique within a report, the same
/// from run to run.
@Suite struct ResultIdentityTests {
    @Test func idsAreUniqueAndSayWhatWasChecked() throws {
        let body = """
            [[file]]
            path = "/etc/app.env"
            require = ['^A=', '^B=']

            [[access]]
            principal = "nginx"
            path = "/srv/app"
            allow = "r"

            [[access]]
            principal = "app"
            path = "/srv/app"
            allow = "r"

            [[directory]]
            path = "/srv/app"
            """
        let contract = try ContractText.load(body)
        let host = LiteralHost()
        host.users = [Account(name: "nginx", id: 991, primaryGroupID: 991), Account(name: "app", id: 990, primaryGroupID: 990)]
        host.add("/", mode: 0o755)
        host.add("/srv", mode: 0o755)
        host.add("/srv/app", mode: 0o750, user: 990, group: 990)
        host.add("/etc", mode: 0o755)
        host.add("/etc/app.env", .regular, mode: 0o640)
        host.contents["/etc/app.env"] = "A=1\nB=2\n"
        let results = ContractText.run(contract, host)
        let first = Report(contract: contract, root: "/", results: results).results.map(\.id)
        let second = Report(contract: contract, root: "/", results: ContractText.run(contract, host)).results.map(\.id)
        #expect(first == second)
        #expect(Set(first).count == first.count, "\(first)")
        #expect(first.contains("access:/srv/app:read:nginx") && first.contains("access:/srv/app:read:app"))
        #expect(first.contains("file:/etc/app.env:require") && first.contains("file:/etc/app.env:require#2"))
        #expect(first.contains("directory:/srv/app:exists"))
    }

    @Test func aSubjectThatLooksNumberedStaysDistinct() {
        let result = CheckResult(kind: .variable, subject: "A", check: "set", status: .pass, message: "")
        var numbered = result
        numbered.check = "set#2"
        let contract = Contract(name: "t", file: "t.toml")
        let ids = Report(contract: contract, root: "/", results: [result, result, numbered]).results.map(\.id)
        #expect(ids == ["variable:A:set", "variable:A:set#2", "variable:A:set#2#2"])
        #expect(Set(ids).count == 3)
    }
}
