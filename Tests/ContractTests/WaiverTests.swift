import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// `waiver = { until, reason }` and `tags` on entries: how they load, what a waiver does to a
/// result before and after its day, and which entries `--tags` selects.
@Suite struct WaiverTests {
    static let missingDirectory = """
        [[directory]]
        path = "/srv/app"
        owner = "root"
        mode = "0750"
        waiver = { until = "2027-03-31", reason = "OPS-12: created by the migration" }

        """

    func results(_ body: String, on day: String?, host: LiteralHost = LiteralHost()) throws -> [CheckResult] {
        let contract = try ContractText.load(body)
        let input = EnvironmentInput(values: [:], origin: .process)
        return Evaluation(contract: contract, input: input, host: host, today: day.flatMap(CalendarDay.init)).run()
    }

    @Test func aFailingCheckIsWaivedThroughItsLastDay() throws {
        for day in ["2026-12-01", "2027-03-30", "2027-03-31"] {
            let results = try results(Self.missingDirectory, on: day)
            let exists = try #require(results.first { $0.check == "exists" })
            #expect(exists.status == .waived, "\(day)")
            #expect(!exists.isViolation)
            #expect(exists.waiver?.reason == "OPS-12: created by the migration")
            #expect(exists.message.contains("does not exist"), "the finding itself is kept: \(exists.message)")
            let report = Report(contract: try ContractText.load(Self.missingDirectory), root: "/", results: results)
            #expect(report.passed && report.verdict == .holds && report.summary.waived == 1 && report.summary.failed == 0)
        }
    }

    @Test func fromTheNextDayItFailsSayingTheWaiverExpired() throws {
        for day in ["2027-04-01", "2031-01-01"] {
            let results = try results(Self.missingDirectory, on: day)
            let exists = try #require(results.first { $0.check == "exists" })
            #expect(exists.status == .fail)
            #expect(exists.isViolation)
            #expect(exists.message.hasSuffix("(waiver expired on 2027-03-31: OPS-12: created by the migration)"), "\(exists.message)")
        }
    }

    @Test func aPassingCheckIsNotWaived() throws {
        let host = LiteralHost()
        host.users = [Account(name: "root", id: 0, primaryGroupID: 0)]
        host.groups = [Account(name: "root", id: 0)]
        host.add("/", mode: 0o755)
        host.add("/srv", mode: 0o755)
        host.add("/srv/app", mode: 0o750)
        let results = try results(Self.missingDirectory, on: "2026-12-01", host: host)
        #expect(!results.isEmpty && results.allSatisfy { $0.status == .pass }, "\(results.map { "\($0.check) \($0.status) \($0.message)" })")
    }

    @Test func withoutAGivenDayTheHostsClockDecides() throws {
        let host = LiteralHost()
        host.currentTime = 1_806_451_200  // 2027-03-31 00:00:00 UTC
        #expect(try results(Self.missingDirectory, on: nil, host: host).first { $0.check == "exists" }?.status == .waived)
        host.currentTime = 1_806_537_599  // 2027-03-31 23:59:59 UTC
        #expect(try results(Self.missingDirectory, on: nil, host: host).first { $0.check == "exists" }?.status == .waived)
        host.currentTime = 1_806_537_600  // 2027-04-01 00:00:00 UTC
        #expect(try results(Self.missingDirectory, on: nil, host: host).first { $0.check == "exists" }?.status == .fail)
    }

    @Test func aTOMLDateIsAcceptedAsTheDay() throws {
        let contract = try ContractText.load("""
            [[directory]]
            path = "/srv/app"
            waiver = { until = 2027-03-31, reason = "r" }
            """)
        #expect(contract.directories.first?.context.waiver == Waiver(until: CalendarDay(year: 2027, month: 3, day: 31)!, reason: "r"))
    }

    @Test func badWaiversAreErrorsAtTheirLine() {
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣waiver = { until = "2027-02-29", reason = "r" }
            """, "waiver", "'2027-02-29' is not a date written YYYY-MM-DD")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣waiver = { until = "31.03.2027", reason = "r" }
            """, "not a date written YYYY-MM-DD")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣waiver = { until = "2027-03-31" }
            """, "missing 'reason'")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣waiver = { until = "2027-03-31", reason = "  " }
            """, "non-empty string")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣waiver = { reason = "r" }
            """, "missing 'until'")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣waiver = { untill = "2027-03-31", reason = "r" }
            """, "unknown key 'untill'", "did you mean 'until'?")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣waiver = "2027-03-31"
            """, "expected a table")
        ContractText.expectError("""
            [[access]]
            principal = "nginx"
            path = "/srv/app"
            allow = "r"
            1️⃣waiver = { until = 2027-03-31T10:00:00Z, reason = "r" }
            """, "until: expected a date such as 2027-03-31")
    }

    @Test func badTagsAreErrorsAtTheirLine() {
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣tags = ["pci", "hub,edge"]
            """, "'hub,edge' is not a tag")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣tags = ["pci", "pci"]
            """, "'pci' is listed twice")
        ContractText.expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣tags = [1]
            """, "element 1 is an integer")
    }

    @Test func tagsSelectEntriesAndTheirChecksOnly() throws {
        let contract = try ContractText.load("""
            [[directory]]
            path = "/srv/a"
            tags = ["pci", "hub"]

            [[directory]]
            path = "/srv/b"
            tags = ["edge"]

            [[directory]]
            path = "/srv/c"

            [[variable]]
            name = "ROLE"
            one_of = ["x", "y"]
            tags = ["hub"]
            """)
        #expect(contract.tags == ["pci", "hub", "edge"])
        let input = EnvironmentInput(values: ["ROLE": "x"], origin: .process)
        func subjects(_ tags: Set<String>?) -> Set<String> {
            Set(Evaluation(contract: contract, input: input, host: LiteralHost(), tags: tags).run().map(\.subject))
        }
        #expect(subjects(nil) == ["/srv/a", "/srv/b", "/srv/c", "ROLE"])
        #expect(subjects(["hub"]) == ["/srv/a", "ROLE"])
        #expect(subjects(["edge", "pci"]) == ["/srv/a", "/srv/b"])
        #expect(subjects(["nothing"]).isEmpty)
    }
}
