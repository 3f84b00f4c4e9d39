import Foundation
import TestSupport
import Testing

/// Exit codes and messages of the command line itself.
@Suite struct CommandLineTests {
    @Test func lintAcceptsTheShippedContract() throws {
        let outcome = try hostcontract("lint", "contracts/lx-annotate.toml")
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(outcome.standardOutput.contains("valid contract 'lx-annotate'"))
    }

    @Test func lintRejectsABadContractWithFileAndLine() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("bad.toml", """
            contract = "bad"
            schema = 1

            [[directory]]
            path = "/srv/app"
            mode = 750
            ownr = "app"
            """)
        let outcome = try hostcontract("lint", file)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("\(file):6: error: [[directory]] #1 (path = \"/srv/app\") mode:"))
        #expect(outcome.standardError.contains("\(file):7: error: [[directory]] #1 (path = \"/srv/app\") ownr: unknown key 'ownr'; did you mean 'owner'?"))
    }

    @Test func syntaxErrorsHaveAColumn() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("bad.toml", "contract = \"x\"\nschema = 1\n[[directory]\n")
        let outcome = try hostcontract("lint", file)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.hasPrefix("\(file):3:"))
        #expect(!outcome.standardError.contains("Fatal error"))
    }

    @Test func checkOnAnInvalidContractExits2() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("bad.toml", "contract = \"x\"\nschema = 1\n[[file]]\nmode = \"0640\"\n")
        let outcome = try hostcontract("check", file, "--root", directory.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("missing required key 'path'"))
    }

    @Test func aMissingContractFileExits2() throws {
        let outcome = try hostcontract("lint", "/nonexistent/contract.toml")
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("/nonexistent/contract.toml:1: error: cannot be read: no such file or directory"))
    }

    @Test func aBinaryContractExits2() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/binary.toml"
        try Data([0xff, 0xfe, 0x00, 0x41, 0x80]).write(to: URL(fileURLWithPath: path))
        let outcome = try hostcontract("lint", path)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("is not UTF-8 text"))
    }

    @Test(arguments: [
        ["check", "contracts/lx-annotate.toml", "--bogus"],
        ["check"],
        ["lint"],
        ["check", "contracts/lx-annotate.toml", "--format", "yaml"],
        ["check", "contracts/lx-annotate.toml", "--only", "directory,dirs"],
        ["frobnicate"],
    ])
    func badUsageExits2(_ arguments: [String]) throws {
        let outcome = try run(hostcontractExecutable, arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.all)")
        #expect(outcome.standardError.contains("Usage:") || outcome.standardError.contains("Error:"))
    }

    @Test func anUnopenableRootExits2() throws {
        let outcome = try hostcontract("check", "contracts/lx-annotate.toml", "--root", "/nonexistent-root")
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("cannot open root /nonexistent-root"))
    }

    /// In a chroot or early boot without /proc, Swift's CommandLine comes back empty (it reads
    /// /proc/self/cmdline): the arguments must still be the ones given, or `check` of a missing
    /// contract would print the help and exit 0, and `gate` would exit 0 without running anything.
    @Test(.enabled(if: runningAsRoot, "unmounting /proc in a mount namespace needs root"))
    func theArgumentsSurviveWithoutProc() throws {
        let work = TemporaryDirectory("no-proc")
        let marker = work.path + "/started"
        func withoutProc(_ arguments: [String]) throws -> ProcessOutcome {
            let command = ([hostcontractExecutable] + arguments).map { "'\($0)'" }.joined(separator: " ")
            return try run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
                                                "umount -l /proc && test ! -e /proc/self/cmdline && exec \(command)"])
        }
        let missing = try withoutProc(["check", "/nonexistent/contract.toml"])
        #expect(missing.status == 2, "\(missing.all)")
        #expect(missing.standardError.contains("/nonexistent/contract.toml"), "\(missing.all)")
        let lint = try withoutProc(["lint", packageDirectory.path + "/contracts/lx-annotate.toml"])
        #expect(lint.status == 0 && lint.standardOutput.contains("valid contract 'lx-annotate'"), "\(lint.all)")
        let gate = try withoutProc(["gate", "/nonexistent/contract.toml", "--", "/usr/bin/touch", marker])
        #expect(gate.status == 78, "\(gate.all)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func helpExits0() throws {
        let outcome = try hostcontract("check", "--help")
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("--root <DIR>"))
        #expect(outcome.standardOutput.contains("--only <KIND,...>"))
    }
}
