import Foundation
import TestSupport
import Testing

/// Secrets by construction (issue 11): a value that swallowed other lines of the environment
/// file is never shown in any command or format, only named by variable and line.
@Suite struct SecretProvenanceTests {
    static let contract = """
        contract = "leak"
        schema = 1

        [environment]
        file = "/app.env"

        [[variable]]
        name = "PYTORCH_ALLOC_CONF"
        equals = "expandable_segments:True"
        pattern = "[a-z_]+:True"
        forbid = ["x"]

        [[variable]]
        name = "DJANGO_SECRET_KEY"
        required = true
        secret = true

        [[variable]]
        name = "DATA_DIR"
        path = true
        inside = "/srv"
        exists = true

        [[variable]]
        name = "ROLE"
        one_of = ["a", "b"]

        [[directory]]
        path = "${DATA_DIR}/import"
        mode = "0750"

        [[directory]]
        path = "/srv/role"
        mode = "0750"
        when = { DATA_DIR = "/srv/data" }
        """

    /// A trailing backslash on line 1 joins line 2 (the secret) into PYTORCH_ALLOC_CONF; the
    /// quote opened on line 4 swallows the rest of the file into DATA_DIR.
    static let environment = """
        PYTORCH_ALLOC_CONF=expandable_segments:True \\
        DJANGO_SECRET_KEY="CANARY1-django-secret-value-0123456789"
        ROLE=b
        DATA_DIR="/srv/data
        API_TOKEN=CANARY2-token-after-open-quote

        """

    func expectNoCanary(_ text: String, _ what: String) {
        #expect(!text.contains("CANARY"), "\(what): \(text)")
        // Neither the length of a withheld value (as a count of characters or bytes).
        for unit in ["characters", "bytes", "chars"] {
            #expect(!text.contains("\(Self.joinedLength) \(unit)"), "\(what): \(text)")
        }
    }

    static let joinedLength = "expandable_segments:True DJANGO_SECRET_KEY=\"CANARY1-django-secret-value-0123456789\"".count

    @Test func aValueThatSwallowedLinesIsShownNowhere() throws {
        let directory = TemporaryDirectory()
        let contract = directory.write("c.toml", Self.contract)
        let environment = directory.write("app.env", Self.environment)
        let root = directory.url.appendingPathComponent("root").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for format in ["text", "json", "junit", "sarif", "prometheus"] {
            let check = try hostcontract("check", contract, "--root", root, "--env-file", environment, "--format", format)
            #expect(check.status == 1, "\(format): \(check.all)")
            expectNoCanary(check.all, format)
            let output = directory.url.appendingPathComponent("report.\(format)").path
            let written = try hostcontract(
                "check", contract, "--root", root, "--env-file", environment, "--format", format, "--output", output)
            let report = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            #expect(!report.isEmpty, "\(format) --output: \(written.all)")
            expectNoCanary(written.all + report, "\(format) --output")
        }
        let text = try hostcontract("check", contract, "--root", root, "--env-file", environment).standardOutput
        #expect(text.contains("app.env:1: the value of PYTORCH_ALLOC_CONF runs over lines 1-2"), "\(text)")
        #expect(text.contains("app.env:4: quote opened here is never closed"), "\(text)")
        #expect(text.contains("PYTORCH_ALLOC_CONF is (not shown: PYTORCH_ALLOC_CONF is set on lines 1-2 of the environment file, which took in other lines), contract requires 'expandable_segments:True'"), "\(text)")
        let json = try hostcontract("check", contract, "--root", root, "--env-file", environment, "--format", "json").standardOutput
        #expect(json.contains("path depends on ${DATA_DIR}, whose value is never shown (DATA_DIR is set on lines 4-"), "\(json)")
        #expect(!text.contains("expandable_segments:True \\"), "\(text)")

        let plan = try hostcontract("provision", contract, "--root", root, "--env-file", environment, "--dry-run")
        expectNoCanary(plan.all, "provision --dry-run")
        #expect(plan.all.contains("${DATA_DIR}"), "\(plan.all)")
        let planJSON = try hostcontract("provision", contract, "--root", root, "--env-file", environment, "--dry-run", "--format", "json")
        expectNoCanary(planJSON.all, "provision --dry-run --format json")
        let tmpfiles = try hostcontract("tmpfiles", contract, "--env-file", environment)
        expectNoCanary(tmpfiles.all, "tmpfiles")
        #expect(tmpfiles.standardError.contains("${DATA_DIR}/import left out: ${DATA_DIR} whose value is never shown"), "\(tmpfiles.all)")
    }

    /// `gate` sees the values systemd made of the file: the joined text is in the process's
    /// environment, and the contract's environment file says it took in other lines.
    /// Without the file (the gate runs as a user who cannot read it), nothing proves a value is
    /// its own line: one holding `=` or a newline, as a value that took in a line does, is not
    /// shown either.
    @Test(arguments: [true, false]) func gateDoesNotShowAValueThatSwallowedLines(fileReadable: Bool) throws {
        let directory = TemporaryDirectory()
        let contract = directory.write("c.toml", Self.contract)
        if fileReadable { directory.write("root/app.env", Self.environment) }
        let root = directory.url.appendingPathComponent("root").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTORCH_ALLOC_CONF"] = "expandable_segments:True DJANGO_SECRET_KEY=\"CANARY1-django-secret-value-0123456789\""
        environment["ROLE"] = "b"
        environment["DATA_DIR"] = "/srv/data\nAPI_TOKEN=CANARY2-token-after-open-quote\n"
        environment["DJANGO_SECRET_KEY"] = nil
        // The verdict goes to the service manager as STATUS=: that datagram is output too.
        let notifications = try NotifySocket(path: directory.path + "/notify")
        environment["NOTIFY_SOCKET"] = notifications.path
        let gate = try run(
            hostcontractExecutable, ["gate", contract, "--root", root, "--allow-untrusted-contract", "--", "/bin/true"],
            environment: environment)
        #expect(gate.status == 78, "\(gate.all)")
        expectNoCanary(gate.all, "gate")
        #expect(gate.all.contains("PYTORCH_ALLOC_CONF"), "\(gate.all)")
        let status = notifications.receive()
        #expect(status.hasPrefix("STATUS=contract leak violated"), "\(status)")
        expectNoCanary(status, "gate STATUS=")
    }

    /// Everything a command can write, in every format, for one contract and root.
    func everyOutput(_ contract: String, root: String, in directory: TemporaryDirectory) throws -> [(String, String)] {
        var outputs: [(String, String)] = []
        for format in ["text", "json", "junit", "sarif", "prometheus"] {
            let output = directory.url.appendingPathComponent("report.\(format)").path
            let check = try hostcontract("check", contract, "--root", root, "--format", format, "--output", output)
            outputs.append(("check --format \(format)", check.all + ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")))
        }
        outputs.append(("provision --dry-run", try hostcontract("provision", contract, "--root", root, "--dry-run").all))
        outputs.append(("tmpfiles", try hostcontract("tmpfiles", contract, "--root", root).all))
        outputs.append(("lint", try hostcontract("lint", contract).all))
        return outputs
    }

    /// An `[environment] file` that is a key (a `[[key]]` names it, or it is a PEM file): its
    /// lines parse as assignments, and every value may be key material, so none is shown.
    @Test(arguments: ["named by [[key]]", "PEM"]) func anEnvironmentFileThatIsAKeyShowsNoValue(kind: String) throws {
        let directory = TemporaryDirectory()
        let named = kind == "PEM" ? "" : "\n[[key]]\npath = \"/app.env\"\nmode = \"0600\"\n"
        let contract = directory.write("c.toml", Self.contract + "\n" + named)
        let material = "ROLE=CANARY3-key-material\nDATA_DIR=/srv/CANARY4-key-material\n"
        directory.write(
            "root/app.env",
            kind == "PEM" ? "-----BEGIN PRIVATE KEY-----\n" + material + "-----END PRIVATE KEY-----\n" : material)
        let root = directory.url.appendingPathComponent("root").path
        for (what, output) in try everyOutput(contract, root: root, in: directory) {
            expectNoCanary(output, "\(kind): \(what)")
        }
        let text = try hostcontract("check", contract, "--root", root).standardOutput
        let reason = kind == "PEM" ? "/app.env is a PEM file" : "/app.env is the key of [[key]] at line"
        #expect(text.contains("ROLE is (not shown: \(reason)"), "\(text)")
    }

    /// nginx's configuration includes a key: its first token (key material) would be the token
    /// nginx chokes on. The file is not parsed at all, so no token of it reaches a message.
    @Test(arguments: ["named by [[key]]", "PEM"]) func anNginxIncludeThatIsAKeyIsNotQuoted(kind: String) throws {
        let directory = TemporaryDirectory()
        let named = kind == "PEM" ? "" : "\n[[key]]\npath = \"/etc/ssl/app.key\"\nmode = \"0600\"\n"
        let contract = directory.write("c.toml", """
            contract = "nginx-key"
            schema = 1

            [nginx]
            config = "/etc/nginx/nginx.conf"

            [[nginx.location]]
            path = "/media/"
            directives = { internal = true }
            """ + "\n" + named)
        directory.write("root/etc/nginx/nginx.conf", "events {}\nhttp {\n  include /etc/ssl/app.key;\n}\n")
        let material = "CANARY5-first-token { CANARY6-more-material; }\n}"
        directory.write(
            "root/etc/ssl/app.key",
            kind == "PEM" ? "-----BEGIN PRIVATE KEY-----\n" + material + "\n-----END PRIVATE KEY-----\n" : material)
        let root = directory.url.appendingPathComponent("root").path
        for (what, output) in try everyOutput(contract, root: root, in: directory) {
            expectNoCanary(output, "\(kind): \(what)")
        }
        let text = try hostcontract("check", contract, "--root", root).standardOutput
        #expect(text.contains("/etc/ssl/app.key: is a key, not configuration"), "\(text)")
    }

    /// A variable no `[[variable]]` declares is read from the environment, but nothing says it
    /// is not secret: lint warns, and its value is shown nowhere (what uses it is skipped).
    @Test func anUndeclaredVariableIsNeverShown() throws {
        let directory = TemporaryDirectory()
        let contract = directory.write("c.toml", """
            contract = "undeclared"
            schema = 1

            [environment]
            file = "/app.env"

            [[directory]]
            path = "${BACKUP_TOKEN}/x"
            when = { REGION = "eu" }

            [[directory]]
            path = "/srv/${BACKUP_TOKEN}"
            """)
        directory.write("root/app.env", "BACKUP_TOKEN=CANARY7-undeclared-token\nREGION=eu\n")
        let root = directory.url.appendingPathComponent("root").path
        for (what, output) in try everyOutput(contract, root: root, in: directory) {
            expectNoCanary(output, what)
        }
        let lint = try hostcontract("lint", contract)
        #expect(lint.status == 0 && lint.all.contains("'${BACKUP_TOKEN}' is not declared by any [[variable]]"), "\(lint.all)")
        let text = try hostcontract("check", contract, "--root", root, "--format", "json")
        #expect(text.all.contains("BACKUP_TOKEN is not declared by any [[variable]], so it is not known not to be secret"), "\(text.all)")
    }
}
