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

    /// Every error with its line, in the order of the file (the loader finds a table's unknown
    /// keys after the keys it knows).
    @Test func lintRejectsABadContractWithFileAndLine() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("bad.toml", """
            contract = "bad"
            schema = 1

            [[directory]]
            path = "/srv/app"
            ownr = "app"
            mode = 750
            """)
        let outcome = try hostcontract("lint", file)
        #expect(outcome.status == 2)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 2, "\(outcome.standardError)")
        #expect(lines.first?.hasPrefix("\(file):6: error: [[directory]] #1 (path = \"/srv/app\") ownr: unknown key 'ownr'; did you mean 'owner'?") == true)
        #expect(lines.last?.hasPrefix("\(file):7: error: [[directory]] #1 (path = \"/srv/app\") mode:") == true)
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
        ["check", "contracts/lx-annotate.toml", "--only", ""],
        ["check", "contracts/lx-annotate.toml", "--only", "directory,"],
        ["check", "contracts/lx-annotate.toml", "--only", " , "],
        ["frobnicate"],
        [],
        ["provision", "-"],
        ["gate", "-", "--", "/bin/true"],
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

    @Test func noArgumentsIsBadUsageWithTheHelpOnStandardError() throws {
        let outcome = try run(hostcontractExecutable, [])
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError.contains("USAGE: hostcontract <subcommand>"), "\(outcome.all)")
        let help = try hostcontract("--help")
        #expect(help.status == 0 && help.standardOutput.contains("USAGE: hostcontract <subcommand>"))
    }

    @Test func aMisspeltKindGetsASuggestion() throws {
        let outcome = try hostcontract("check", "contracts/lx-annotate.toml", "--only", "directory,directroy")
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("'directroy' is not an entry kind; did you mean 'directory'?"), "\(outcome.all)")
    }

    /// `--only variable` gives variable results only, not those of the environment file too.
    @Test func onlyGivesTheKindsAskedFor() throws {
        let directory = TemporaryDirectory("only")
        directory.write("root/etc/app.env", "APP_MODE=production\nexport BROKEN=1\n")
        let contract = directory.write("only.toml", """
            contract = "only"
            schema = 1

            [environment]
            file = "/etc/app.env"

            [[variable]]
            name = "APP_MODE"
            one_of = ["production", "staging"]

            [[directory]]
            path = "/etc"
            """)
        func kinds(_ only: String) throws -> [String] {
            let outcome = try hostcontract("check", contract, "--root", directory.path + "/root", "--allow-untrusted-contract",
                                           "--format", "json", "--only", only)
            return try JSONReportView(outcome.standardOutput).results.compactMap { $0["kind"] as? String }
        }
        let variables = try kinds("variable")
        #expect(!variables.isEmpty && Set(variables) == ["variable"], "\(variables)")
        // The environment file has results of its own, which --only variable leaves out.
        #expect(Set(try kinds("variable,environment")) == ["variable", "environment"])
    }

    @Test func lintAndCheckReadTheContractFromStandardInput() throws {
        let text = try String(contentsOfFile: packageDirectory.path + "/contracts/lx-annotate.toml", encoding: .utf8)
        let lint = try runWithInput(hostcontractExecutable, ["lint", "-"], input: text)
        #expect(lint.status == 0, "\(lint.all)")
        let fromFile = try hostcontract("lint", "contracts/lx-annotate.toml").standardOutput
        #expect(lint.standardOutput == fromFile.replacing("contracts/lx-annotate.toml:", with: "<stdin>:"))
        #expect(lint.standardOutput.hasPrefix("<stdin>: valid contract 'lx-annotate' with "))
        let bad = try runWithInput(hostcontractExecutable, ["lint", "-"], input: "contract = \"x\"\nschema = 1\n[[file]]\nmode = \"0640\"\n")
        #expect(bad.status == 2)
        #expect(bad.standardError.hasPrefix("<stdin>:3: error:"), "\(bad.all)")

        let root = TemporaryDirectory("stdin-root")
        let check = try runWithInput(
            hostcontractExecutable, ["check", "-", "--root", root.path, "--format", "json"],
            input: "contract = \"x\"\nschema = 1\n[[directory]]\npath = \"/srv\"\n")
        #expect(check.status == 1, "\(check.all)")
        let report = try JSONReportView(check.standardOutput)
        #expect(report.object["contract_file"] as? String == "<stdin>")
        #expect(report.failures == ["directory /srv exists"])
    }

    /// `--output -` is standard output, not a file named `-`.
    @Test func outputDashIsStandardOutput() throws {
        let work = TemporaryDirectory("dash")
        let root = TemporaryDirectory("dash-root")
        let contract = work.write("dash.toml", "contract = \"dash\"\nschema = 1\n[[directory]]\npath = \"/\"\n")
        let outcome = try run(hostcontractExecutable, ["check", contract, "--root", root.path, "--allow-untrusted-contract",
                                                       "--format", "json", "--output", "-"], directory: work.path)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(try JSONReportView(outcome.standardOutput).object["contract"] as? String == "dash")
        #expect(!FileManager.default.fileExists(atPath: work.path + "/-"))
    }

    /// Colour only for a terminal that shows it: not for TERM=dumb, not under NO_COLOR. The
    /// report goes to a pseudo-terminal made by script(1).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func colourOnlyWhereItCanBeShown() throws {
        let root = TemporaryDirectory("colour-root")
        let contract = root.write("colour.toml", "contract = \"colour\"\nschema = 1\n[[directory]]\npath = \"/\"\n")
        func onTerminal(_ environment: [String: String]) throws -> String {
            let command = [hostcontractExecutable, "check", contract, "--root", root.path, "--allow-untrusted-contract"]
                .map { "'\($0)'" }.joined(separator: " ")
            let outcome = try run("/usr/bin/script", ["-qec", command, "/dev/null"],
                                  environment: ["PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"].merging(environment) { $1 })
            #expect(outcome.standardOutput.contains("contract colour holds"), "\(outcome.all)")
            return outcome.standardOutput
        }
        #expect(try onTerminal(["TERM": "xterm"]).contains("\u{1B}["))
        #expect(!(try onTerminal(["TERM": "dumb"]).contains("\u{1B}[")))
        #expect(!(try onTerminal(["TERM": "xterm", "NO_COLOR": "1"]).contains("\u{1B}[")))
    }
}
