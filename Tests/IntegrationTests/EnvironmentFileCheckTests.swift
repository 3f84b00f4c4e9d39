import Foundation
import TestSupport
import Testing

/// `check` reads the environment file as the root's systemd does: CRLF line ends with the line
/// numbers grep shows, a file systemd refuses (invalid UTF-8) as an error with no value taken,
/// and a comment ending in a backslash as the installed version reads it.
@Suite struct EnvironmentFileCheckTests {
    static let contract = """
        contract = "dialect"
        schema = 1

        [environment]
        file = "/app.env"

        [[variable]]
        name = "ROLE"
        one_of = ["a", "b"]

        [[variable]]
        name = "MODE"
        equals = "on"

        [[file]]
        path = "/app.env"
        forbid = ['^\\s*set\\s+-[a-zA-Z]*x']
        """

    /// A root with the contract's file and, when given, a systemd library of that version.
    struct Fixture {
        let directory = TemporaryDirectory("dialect")
        let contract: String
        var root: String { directory.path + "/root" }

        init(environment: [UInt8], systemd library: String? = nil) throws {
            contract = directory.write("c.toml", EnvironmentFileCheckTests.contract)
            directory.write("root/.keep", "")
            try Data(environment).write(to: URL(fileURLWithPath: root + "/app.env"))
            if let library { directory.write("root" + library, "") }
        }

        func check(_ arguments: String...) throws -> ProcessOutcome {
            try run(hostcontractExecutable, ["check", contract, "--root", root, "--allow-untrusted-contract"] + arguments)
        }

        func results(check name: String) throws -> [[String: Any]] {
            let outcome = try check("--format", "json")
            return try JSONReportView(outcome.standardOutput).results.filter { $0["check"] as? String == name }
        }
    }

    /// grep -n numbers a CRLF file as an LF one; so does the forbid check (a Swift string
    /// split at "\n" saw one line: CR LF is one Character).
    @Test func aForbiddenLineOfACRLFFileIsNamedByGrepsNumber() throws {
        let fixture = try Fixture(environment: Array("ROLE=a\r\nset -x\r\nMODE=on\r\n".utf8))
        let grep = try run("/bin/grep", ["-nE", "^\\s*set\\s+-[a-zA-Z]*x", fixture.root + "/app.env"])
        #expect(grep.standardOutput.hasPrefix("2:"), "\(grep.all)")
        let forbid = try #require(try fixture.results(check: "forbid").first)
        #expect(forbid["status"] as? String == "fail")
        #expect(forbid["actual"] as? String == "line 2", "\(forbid)")
        // (The `set -x` line has no '=': that is the only syntax finding, at its line.)
        #expect(try fixture.results(check: "syntax").map { $0["actual"] as? String } == ["line 2"])
        let text = try fixture.check().standardOutput
        #expect(!text.contains("MODE is"), "\(text)")
    }

    /// systemd refuses the file and takes no value: an error at the line of the bad byte, the
    /// bytes and the values never shown.
    @Test func aFileWithInvalidUTF8IsRefusedAtItsLine() throws {
        let bytes = Array("ROLE=a\nMODE=on\nTOKEN=CANARY-".utf8) + [0xC3, 0x28] + Array("-secret\n".utf8)
        let fixture = try Fixture(environment: bytes)
        let outcome = try fixture.check()
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(outcome.standardOutput.contains("app.env:3: systemd refuses this file: invalid UTF-8 at line 3"), "\(outcome.all)")
        #expect(!outcome.all.contains("CANARY"), "\(outcome.all)")
        let syntax = try fixture.results(check: "syntax")
        #expect(syntax.count == 1)
        #expect(syntax.first?["severity"] as? String == "error", "\(syntax)")
        // No value is taken: ROLE (one_of) is unset as far as the unit goes.
        #expect(try fixture.results(check: "one_of").allSatisfy { $0["status"] as? String != "pass" })
    }

    static let commentBackslash = Array("ROLE=a\n# the mode \\\nMODE=on\n".utf8)

    /// Debian 12's systemd 252 takes MODE's line into the comment: MODE is not set.
    @Test func systemd252TakesTheNextLineIntoTheComment() throws {
        let fixture = try Fixture(environment: Self.commentBackslash, systemd: "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so")
        let text = try fixture.check().standardOutput
        #expect(text.contains("app.env:2: this comment ends in a backslash: the systemd installed here (before 254)"), "\(text)")
        // MODE is unset (not required): its check is skipped, not passed.
        #expect(try fixture.results(check: "equals").first?["status"] as? String == "skip")
    }

    @Test func systemd256ReadsTheNextLine() throws {
        let fixture = try Fixture(environment: Self.commentBackslash, systemd: "/usr/lib/systemd/libsystemd-shared-256.5-1.so")
        #expect(try fixture.results(check: "syntax").isEmpty)
        #expect(try fixture.results(check: "equals").first?["status"] as? String == "pass")
    }

    /// Without a systemd in the root the comment is flagged and MODE's value is not shown.
    @Test func anUnknownSystemdFlagsTheComment() throws {
        let fixture = try Fixture(environment: Array("ROLE=a\n# the mode \\\nMODE=CANARY-off\n".utf8))
        let outcome = try fixture.check()
        #expect(outcome.standardOutput.contains("app.env:2: this comment ends in a backslash: systemd before 254"), "\(outcome.all)")
        #expect(!outcome.all.contains("CANARY"), "\(outcome.all)")
    }
}
