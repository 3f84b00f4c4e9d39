import Foundation
import TestSupport
import Testing

/// Inputs built to make hostcontract hang, crash or run out of memory (issue 11): each command
/// finishes within a generous bound, with a finding or a diagnostic at FILE:LINE, and `gate`
/// exits 78 rather than dying by a signal. Bounds are not performance tests: a hang or a crash
/// shows as the timeout's exit status or a signal, far from the bound.
@Suite struct HostileInputTests {
    /// `timeout`'s status when it had to kill the command.
    static let killedByTimeout: Set<Int32> = [124, 137]

    /// Runs the built hostcontract under `timeout -s KILL`, so a hang ends the test, not the run.
    func bounded(_ arguments: String..., seconds: Int = 20) throws -> ProcessOutcome {
        try run("/usr/bin/timeout", ["-s", "KILL", "\(seconds)", hostcontractExecutable] + arguments)
    }

    /// 24 variables each defaulting to `${NEXT}${NEXT}`: 1.3 KB that used to expand to 16 MiB.
    @Test func repeatedDefaultsAreALintErrorNotAHang() throws {
        let directory = TemporaryDirectory()
        var text = "contract = \"expansion\"\nschema = 1\n"
        for index in 0..<24 {
            text += "\n[[variable]]\nname = \"V\(index)\"\ndefault = \"${V\(index + 1)}${V\(index + 1)}\"\n"
        }
        text += "\n[[variable]]\nname = \"V24\"\ndefault = \"x\"\n\n[[directory]]\npath = \"/srv/${V0}\"\ncreate = false\n"
        let file = directory.write("expansion.toml", text)
        let lint = try bounded("lint", file)
        #expect(lint.status == 2, "\(lint.all)")
        // V0's default is on line 6 (header 2 lines, blank, [[variable]], name, default).
        #expect(lint.standardError.contains("\(file):6: error: [[variable]] #1 (name = \"V0\") default: the default of V0 expands to more than 65536 bytes"), "\(lint.all)")
        let check = try bounded("check", file, "--root", directory.path)
        #expect(check.status == 2, "\(check.all)")
        let gate = try bounded("gate", file, "--root", directory.path, "--", "/bin/true")
        #expect(gate.status == 78, "\(gate.all)")
    }

    /// Makes `path` `size` bytes long (a sparse tail of zeros: no time, no disk).
    func extend(_ path: String, to size: UInt64) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: size)
        try handle.close()
    }

    /// A contract over 16 MiB used to be read up to 16 MiB, and the rest never linted.
    @Test func aContractOverTheLimitIsRefusedNotCut() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("large.toml", "contract = \"large\"\nschema = 1\n")
        try extend(file, to: 16 << 20 + 1)
        let lint = try bounded("lint", file)
        #expect(lint.status == 2, "\(lint.all)")
        #expect(lint.standardError.contains("\(file):1: error: cannot be read: is larger than 16 MiB"), "\(lint.all)")
        let gate = try bounded("gate", file, "--", "/bin/true")
        #expect(gate.status == 78, "\(gate.all)")
    }

    /// An environment file over 64 MiB used to be read up to 64 MiB, so a line after the cut
    /// went unchecked; now it is a finding at the contract's [environment] line.
    @Test func anEnvironmentFileOverTheLimitIsRefusedNotCut() throws {
        let directory = TemporaryDirectory()
        let contract = directory.write("c.toml", """
            contract = "large-env"
            schema = 1

            [environment]
            file = "/app.env"
            """)
        let environment = directory.write("app.env", "A=1\n")
        try extend(environment, to: 64 << 20 + 1)
        let check = try bounded("check", contract, "--env-file", environment, "--format", "json")
        #expect(check.status == 1, "\(check.all)")
        #expect(check.standardOutput.contains("cannot be read: is larger than 64 MiB"), "\(check.all)")
        #expect(check.standardOutput.contains("\"line\": 4"), "\(check.standardOutput)")
    }
}

extension HostileInputTests {
    /// 1 MB of lines without '=' used to give 512k findings and 1.3 GB: now the first 20, then
    /// one finding that counts the rest, at the line they start.
    @Test func brokenEnvironmentLinesAreCounted() throws {
        let directory = TemporaryDirectory()
        let contract = directory.write("c.toml", """
            contract = "broken-env"
            schema = 1

            [environment]
            file = "/app.env"
            """)
        let environment = directory.write("app.env", String(repeating: "x\n", count: 512 * 1024))
        let check = try bounded("check", contract, "--env-file", environment, "--format", "json")
        #expect(check.status == 0, "warnings only: \(check.standardError)")
        #expect(check.standardOutput.utf8.count < 64 << 10, "\(check.standardOutput.utf8.count) bytes of report")
        #expect(check.standardOutput.contains("\(environment):21: and 524268 more lines systemd ignores, from this line on"), "\(check.standardOutput.prefix(4000))")
        #expect(check.standardOutput.components(separatedBy: "\"check\": \"syntax\"").count - 1 == 21)
    }
}

extension HostileInputTests {
    /// A root with `etc/nginx/nginx.conf` (and the files in `files`), passwd and group, and a
    /// contract whose [nginx] config is that file.
    func nginxRoot(_ main: String, files: [String: String] = [:]) -> (TemporaryDirectory, contract: String) {
        let root = TemporaryDirectory()
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
        root.write("etc/group", "root:x:0:\nnogroup:x:65534:\n")
        root.write("etc/nginx/nginx.conf", main)
        for (name, text) in files { root.write("etc/nginx/" + name, text) }
        let contract = root.write("c.toml", """
            contract = "nginx-bounds"
            schema = 1

            [nginx]
            config = "/etc/nginx/nginx.conf"

            [[nginx.location]]
            path = "/static/"
            """)
        return (root, contract)
    }

    /// 20,000 nested blocks used to overflow the parser's stack (SIGSEGV; gate exited 139).
    @Test func deeplyNestedNginxBlocksAreAFinding() throws {
        let depth = 20_000
        let main = "events {}\nhttp {\n" + String(repeating: "location /a {\n", count: depth)
            + String(repeating: "}\n", count: depth) + "}\n"
        let (root, contract) = nginxRoot(main)
        let check = try bounded("check", contract, "--root", root.path)
        #expect(check.status == 1, "\(check.all.prefix(2000))")
        // http is the first block; the 100th location (line 102) would open the 101st.
        #expect(check.standardOutput.contains("/etc/nginx/nginx.conf:102: blocks nest deeper than 100 levels"), "\(check.all.prefix(2000))")
        let gate = try bounded("gate", contract, "--root", root.path, "--", "/bin/true")
        #expect(gate.status == 78, "\(gate.all.prefix(2000))")
    }

    /// Eight files including each other through a glob took over 30 s (every order of them
    /// was expanded); nginx -t itself recurses until it dies. Now each cycle is an error at
    /// the include's line, and the rest is expanded once.
    @Test func nginxIncludeCyclesAreErrors() throws {
        var files: [String: String] = [:]
        for index in 1...8 { files["conf.d/\(index).conf"] = "include /etc/nginx/conf.d/*.conf;\n" }
        let main = "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n"
        let (root, contract) = nginxRoot(main, files: files)
        let check = try bounded("check", contract, "--root", root.path)
        #expect(check.status == 1, "\(check.all.prefix(2000))")
        #expect(check.standardOutput.contains("/etc/nginx/conf.d/1.conf:1: include cycle: '/etc/nginx/conf.d/1.conf' -> '/etc/nginx/conf.d/1.conf'"), "\(check.all.prefix(3000))")
        let gate = try bounded("gate", contract, "--root", root.path, "--", "/bin/true")
        #expect(gate.status == 78, "\(gate.all.prefix(2000))")
        if nginxInstalled && runningAsRoot {
            // The real nginx does not accept it (it overflows its own stack).
            #expect(try nginxAccepts(root: root.path).status != 0)
        }
    }

    /// A file included twice without a cycle is legitimate (a snippet in two servers), but
    /// doubling includes multiply: past 100,000 directives the configuration is refused.
    @Test func nginxIncludesThatMultiplyAreBounded() throws {
        var files: [String: String] = [:]
        for index in 0..<30 {
            files["d/\(index).conf"] = "include /etc/nginx/d/\(index + 1).conf;\ninclude /etc/nginx/d/\(index + 1).conf;\n"
        }
        files["d/30.conf"] = "gzip on;\n"
        let (root, contract) = nginxRoot("events {}\nhttp {\n    include /etc/nginx/d/0.conf;\n}\n", files: files)
        let check = try bounded("check", contract, "--root", root.path)
        #expect(check.status == 1, "\(check.all.prefix(2000))")
        #expect(check.standardOutput.contains("/etc/nginx/nginx.conf: holds more than 100000 directives with includes expanded"), "\(check.all.prefix(3000))")
    }

    /// 2,000 stray semicolons: the parser keeps 20 problems and counts the rest, so the
    /// report has 20 syntax findings and one that counts the others, at the line they start.
    @Test func nginxSyntaxFindingsAreCapped() throws {
        let (root, contract) = nginxRoot("events {}\nhttp {\n" + String(repeating: ";\n", count: 2000) + "}\n")
        let check = try bounded("check", contract, "--root", root.path, "--format", "json")
        #expect(check.status == 1)
        #expect(check.standardOutput.contains("/etc/nginx/nginx.conf:23: and 1980 more problems in this file, from this line on"), "\(check.standardOutput.prefix(3000))")
        #expect(check.standardOutput.components(separatedBy: "\"check\": \"syntax\"").count - 1 == 21)
    }
}

extension HostileInputTests {
    /// `forbid = ['(a+)+$']` over a line of a's never returned (Swift's Regex backtracks
    /// without bound); PCRE2 gives up past its limits, and the check fails at that line. A
    /// backreference is PCRE2 syntax; an invalid pattern is a lint error with PCRE2's message.
    @Test func pathologicalForbidPatternsFinish() throws {
        let directory = TemporaryDirectory()
        directory.write("srv/app.env", String(repeating: "a", count: 64) + "\n" + String(repeating: "a", count: 50_000) + "!\n")
        let contract = directory.write("c.toml", """
            contract = "regex"
            schema = 1

            [[file]]
            path = "/srv/app.env"
            forbid = ['(a+)+$', '(a|aa)*$', '^(a)\\1']
            """)
        let check = try bounded("check", contract, "--root", directory.path)
        #expect(check.status == 1, "\(check.all)")
        #expect(check.standardOutput.contains("line 1 matches forbidden pattern '(a+)+$'; line 2: pattern '(a+)+$' needs more work than the limit of "), "\(check.all)")
        #expect(check.standardOutput.contains("allows; simplify the pattern"), "\(check.all)")
        #expect(check.standardOutput.contains("lines 1, 2 match forbidden pattern '^(a)\\1'"), "\(check.all)")

        let invalid = directory.write("b.toml", """
            contract = "regex"
            schema = 1

            [[file]]
            path = "/srv/app.env"
            forbid = ['(a+)\\2']
            """)
        let lint = try bounded("lint", invalid)
        #expect(lint.status == 2)
        #expect(lint.standardError.contains("\(invalid):6: error: [[file]] #1 (path = \"/srv/app.env\") forbid: '(a+)\\2' is not a valid regular expression: reference to non-existent subpattern at offset 5"), "\(lint.all)")
    }
}
