import Foundation
import TestSupport
import Testing

/// `hostcontract capture` against the example roots, with the real binary: what it writes lints,
/// holds on the root it was captured from, and fails on each fault planted afterwards; no secret,
/// key content or secret length reaches any output; hostile names are escaped or reported.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct CaptureTests {
    static let setfacl = "/usr/bin/setfacl"
    static let environmentFile = "/var/lib/lx-annotate/.env.systemd"
    static let masterKey = "/etc/secrets/vault/lx-annotate-master.key"
    /// The lx-annotate paths captured: the runtime tree, the vault and its keys, the environment file.
    static let samplePaths = [
        "/var/lib/lx-annotate", "/var/lib/lx-annotate/data", "/var/lib/lx-annotate/data/import",
        "/var/lib/lx-annotate/data/storage", "/var/lib/lx-annotate/staticfiles", "/etc/secrets/vault",
        masterKey, "/etc/secrets/vault/lx-annotate-luks.key", environmentFile,
    ]

    let output = TemporaryDirectory("capture")

    /// Captures `paths` in `root` into a file; expects exit 0 and returns the file and the run.
    func capture(root: String, _ arguments: [String]) throws -> (contract: String, outcome: ProcessOutcome) {
        let contract = output.path + "/captured-\(UUID().uuidString).toml"
        let outcome = try run(hostcontractExecutable, ["capture", "--root", root, "--output", contract] + arguments)
        #expect(outcome.status == 0, "\(outcome.all)")
        return (contract, outcome)
    }

    func lint(_ contract: String) throws {
        let outcome = try hostcontract("lint", contract)
        #expect(outcome.status == 0, "\(outcome.all)\n\((try? String(contentsOfFile: contract, encoding: .utf8)) ?? "")")
    }

    func check(_ contract: String, root: String) throws -> (Int32, JSONReportView) {
        let outcome = try hostcontract("check", contract, "--root", root, "--format", "json")
        return (outcome.status, try JSONReportView(outcome.standardOutput))
    }

    /// The sample root with an extended ACL on the storage directory (nginx, gid 991, may read
    /// it, and what is created in it), captured with its environment file.
    func capturedSample() throws -> (SampleRoot, String) {
        let root = try SampleRoot()
        for (option, entry) in [("-m", "g:991:r-x"), ("-dm", "g:991:r-x")] {
            let set = try run(Self.setfacl, [option, entry, root.at("/var/lib/lx-annotate/data/storage")])
            #expect(set.status == 0, "\(set.all)")
        }
        let (contract, _) = try capture(root: root.path, ["--env-file", Self.environmentFile] + Self.samplePaths)
        return (root, contract)
    }

    // MARK: - Round trip on the lx-annotate sample root

    @Test func theCapturedSampleLintsAndHolds() throws {
        let (root, contract) = try capturedSample()
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        try lint(contract)
        let (status, report) = try check(contract, root: root.path)
        #expect(status == 0, "\(report.failures)\n\(text)")
        #expect(report.failures.isEmpty)
        // What the sample root's guide says, found again.
        #expect(text.contains("""
            path = "/var/lib/lx-annotate/data/import"
            owner = "lx-annotate"
            group = "lx-annotate"
            mode = "0770"
            subdirs = ["preanonymized_import", "report_import", "sap_import", "sap_import_failed", "sap_import_processed", "video_import"]
            """))
        #expect(text.contains("# subdirs: same owner, group and mode as the parent"))
        // storage's children lack its ACL: named, not captured.
        #expect(text.contains(#"# not captured, as they differ from it (name them to capture them): "streamable", "videos""#))
        #expect(text.contains(#"acl = ["group:nginx:r-x", "default:user::rwx", "default:group::r-x", "default:group:nginx:r-x", "default:mask::r-x", "default:other::---"]"#))
        #expect(text.contains("""
            [[key]]
            path = "\(Self.masterKey)"
            owner = "root"
            group = "sensitiveServices"
            mode = "0640"
            min_bytes = 32
            """))
        #expect(text.contains("path = \"/etc/secrets/vault\"\nowner = \"root\"\ngroup = \"sensitiveServices\"\nmode = \"0750\"\ncreate = false"))
        #expect(text.contains("[[user]]\nname = \"lx-annotate\"\nsystem = true\ngroups = [\"lx-annotate\", \"sensitiveServices\"]"))
        #expect(text.contains("[[group]]\nname = \"lx-annotate\"\nsystem = true\nmembers = [\"nginx\"]"))
        #expect(text.contains("[environment]\nfile = \"\(Self.environmentFile)\""))
        #expect(text.contains("# secret by name; its value and length are not shown\n[[variable]]\nname = \"DJANGO_SECRET_KEY\"\nrequired = true\nsecret = true\nmin_length = 16"))
        #expect(text.contains("[[variable]]\nname = \"LX_ANNOTATE_ENCRYPTED_DATA_DIR\"\nrequired = true\npath = true\nexists = true"))
        #expect(!text.contains("standalone"), "a plain value reached the contract")
        #expect(text.contains("# set; its value is not written (any value may be a secret)\n[[variable]]\nname = \"ENDOREG_DEPLOYMENT_ROLE\"\nrequired = true\nmin_length = 1"))
        #expect(text.contains("contract = \"captured\"\nschema = 1"))
    }

    /// Each fault planted after the capture fails exactly the check it concerns.
    @Test(arguments: [
        "chmod import", "chown key", "remove subdir", "remove ACL", "empty secret", "remove secret", "empty value",
    ])
    func aPlantedFaultFailsTheCapturedContract(fault: String) throws {
        let (root, contract) = try capturedSample()
        let expected: Set<String>
        switch fault {
        case "chmod import":
            root.chmod("/var/lib/lx-annotate/data/import", 0o755)
            expected = ["directory /var/lib/lx-annotate/data/import mode"]
        case "chown key":
            root.chown(Self.masterKey, user: 990, group: 990)
            expected = ["key \(Self.masterKey) owner", "key \(Self.masterKey) group"]
        case "remove subdir":
            root.remove("/var/lib/lx-annotate/data/import/sap_import_failed")
            let subject = "/var/lib/lx-annotate/data/import/sap_import_failed"
            expected = ["directory \(subject) exists"]
        case "remove ACL":
            let removed = try run(Self.setfacl, ["-x", "g:991", root.at("/var/lib/lx-annotate/data/storage")])
            #expect(removed.status == 0, "\(removed.all)")
            expected = ["directory /var/lib/lx-annotate/data/storage acl"]
        case "empty secret":
            root.setVariable("DJANGO_SECRET_KEY", "")
            expected = ["variable DJANGO_SECRET_KEY min_length"]
        case "remove secret":
            root.environmentFile = root.environmentFile.split(separator: "\n")
                .filter { !$0.hasPrefix("OIDC_RP_CLIENT_SECRET=") }.joined(separator: "\n") + "\n"
            expected = ["variable OIDC_RP_CLIENT_SECRET required"]
        default:
            root.setVariable("ENDOREG_DEPLOYMENT_ROLE", "")
            expected = ["variable ENDOREG_DEPLOYMENT_ROLE min_length"]
        }
        let (status, report) = try check(contract, root: root.path)
        #expect(status == 1)
        #expect(report.failures == expected)
    }

    /// Without --env-file, the PATH named like an environment file is the contract's.
    @Test func aPathNamedLikeAnEnvironmentFileIsTheEnvironment() throws {
        let root = try SampleRoot()
        let (contract, outcome) = try capture(root: root.path, ["/var/lib/lx-annotate/data", Self.environmentFile])
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        #expect(text.contains("[environment]\nfile = \"\(Self.environmentFile)\""))
        #expect(text.contains("name = \"DJANGO_SECRET_KEY\"\nrequired = true\nsecret = true\nmin_length = 16"))
        #expect(outcome.standardError.contains("taken as the environment file by its name"))
        try lint(contract)
        let (status, report) = try check(contract, root: root.path)
        #expect(status == 0, "\(report.failures)")
    }

    /// A mount point is written `create = false` (provision must not create it), and the name
    /// comes from the root's /etc/hostname.
    @Test func aMountPointIsNotCreatedAndTheNameIsTheRootsHostname() throws {
        let root = try SampleRoot()
        try "annotate-01\n".write(toFile: root.at("/etc/hostname"), atomically: false, encoding: .utf8)
        let target = root.at("/srv/volume")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let mounted = try run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=1m,mode=0750,uid=990,gid=990", "hostcontract-test", target])
        try #require(mounted.status == 0, "\(mounted.all)")
        defer { _ = try? run("/usr/bin/umount", [target]) }
        let outcome = try run(hostcontractExecutable, ["capture", "--root", root.path, "/srv/volume", "/srv"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let text = outcome.standardOutput
        #expect(text.contains("contract = \"annotate-01\""))
        #expect(text.contains("""
            # create = false: a mount point; provision must not create it
            [[directory]]
            path = "/srv/volume"
            owner = "lx-annotate"
            group = "lx-annotate"
            mode = "0750"
            create = false
            """))
        #expect(text.contains("path = \"/srv\"\nowner = \"root\"\ngroup = \"root\"\nmode = \"0755\"\n\n"))
        let contract = output.write("mounted.toml", text)
        try lint(contract)
        let (status, report) = try check(contract, root: root.path)
        #expect(status == 0, "\(report.failures)")
    }

    // MARK: - The other example roots

    /// What each example root is captured with: options and paths.
    static let examples: [String: (options: [String], paths: [String])] = [
        "edm-annotator": ([], [
            "/srv/edm", "/srv/edm/annotations", "/srv/edm/audio", "/etc/nginx",
            "/etc/letsencrypt/archive/annotator.example.com/privkey1.pem", "/usr/local/bin/gunicorn",
        ]),
    ]

    /// (mmt-backend and dicom-backup, with their faults: CaptureExampleTests.)
    @Test(arguments: ["edm-annotator"])
    func anExampleRootCapturedHolds(example: String) throws {
        let (options, paths) = Self.examples[example]!
        let root = TemporaryDirectory(example)
        let made = try run("/bin/bash", [packageDirectory.path + "/examples/\(example)/make-root.sh", root.path])
        guard made.status == 0 else { throw FixtureError(message: made.all) }
        let (contract, _) = try capture(root: root.path, ["--name", example] + options + paths)
        try lint(contract)
        let (status, report) = try check(contract, root: root.path)
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        #expect(status == 0, "\(report.failures)\n\(text)")
        #expect(text.contains("contract = \"\(example)\""))
        if example == "edm-annotator" {
            #expect(text.contains("# key: PEM private key; content not read beyond its first line\n# min_bytes: the key's size rounded down to a power of two\n[[key]]\npath = \"/etc/letsencrypt/archive/annotator.example.com/privkey1.pem\""))
        }
    }

    // MARK: - Secrets

    /// Canaries in a secret-named variable, a random-looking one, one of harmless name and shape,
    /// a key file and a PEM private key readable by others: none of them, nor the secrets'
    /// lengths, in any output.
    @Test func noSecretNorItsLengthReachesAnyOutput() throws {
        let root = try SampleRoot()
        let canary = "CANARYtok3n" + String(repeating: "Q7x", count: 11)   // 44 characters
        let random = "k9Zq2LmW8rT4vB6nX1cY5pD3"                          // 24, random-looking, no secret name
        root.setVariable("API_TOKEN", canary)
        root.setVariable("UPSTREAM_OPAQUE", random)
        root.setVariable("SHORT_PASSWORD", "CANSHORT7")                 // 9 characters
        root.setVariable("DATABASE_URL", "postgres://app:CANURLpw@db.example.org/app")
        root.setVariable("ADMIN_PIN", "4821")                           // a secret of harmless name and shape
        try ("-----BEGIN PRIVATE KEY-----\n" + canary + "\n-----END PRIVATE KEY-----\n")
            .write(toFile: root.at("/var/lib/lx-annotate/tls.pem"), atomically: false, encoding: .utf8)
        root.chmod("/var/lib/lx-annotate/tls.pem", 0o644)
        try (canary + canary).write(toFile: root.at("/etc/secrets/vault/canary.key"), atomically: false, encoding: .utf8)
        root.chmod("/etc/secrets/vault/canary.key", 0o600)
        let paths = ["/var/lib/lx-annotate/tls.pem", "/etc/secrets/vault/canary.key", Self.environmentFile]
        let (contract, outcome) = try capture(root: root.path, ["--env-file", Self.environmentFile] + paths)
        let standardOutput = try run(hostcontractExecutable, ["capture", "--root", root.path, "--env-file", Self.environmentFile] + paths)
        #expect(standardOutput.status == 0)
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        #expect(standardOutput.standardOutput == text)
        for output in [text, outcome.all, standardOutput.all] {
            for secret in [canary, random, "CANSHORT7", "CANARY", "Q7xQ7x", "CANSHORT", "CANURL", "db.example.org", "4821"] {
                #expect(!output.contains(secret), "\(secret) in \(output)")
            }
            for length in [44, 88, 24, 9] { #expect(!output.contains("min_length = \(length)")) }
        }
        #expect(text.contains("name = \"API_TOKEN\"\nrequired = true\nsecret = true\nmin_length = 16"))
        #expect(text.contains("name = \"UPSTREAM_OPAQUE\"\nrequired = true\nsecret = true\nmin_length = 16"))
        #expect(text.contains("name = \"SHORT_PASSWORD\"\nrequired = true\nsecret = true\nmin_length = 1"))
        #expect(text.contains("# secret: a URL with credentials; its value and length are not shown\n[[variable]]\nname = \"DATABASE_URL\"\nrequired = true\nsecret = true\nmin_length = 16"))
        #expect(text.contains("# key: PEM private key; content not read beyond its first line"))
        #expect(text.contains("[[key]]\npath = \"/etc/secrets/vault/canary.key\"\nowner = \"root\"\ngroup = \"root\"\nmode = \"0600\"\nmin_bytes = 64"))
        #expect(outcome.standardError.contains("\"/var/lib/lx-annotate/tls.pem\": a private key readable by others (mode 0644)"))
        #expect(text.contains("[[key]]\npath = \"/var/lib/lx-annotate/tls.pem\"\nowner = \"root\"\ngroup = \"root\"\nmode = \"0640\""))
        try lint(contract)
        // The captured contract holds but for the key others can read, which it reports.
        let (status, report) = try check(contract, root: root.path)
        #expect(status == 1)
        #expect(report.failures == ["key /var/lib/lx-annotate/tls.pem other", "key /var/lib/lx-annotate/tls.pem mode"])
    }

    // MARK: - Hostile names

    /// A directory named with a line break, a quote, a backslash and `${`, and a child whose
    /// name is not UTF-8: the first captured escaped (and holding), the second reported and skipped.
    @Test func hostileNamesAreEscapedOrReported() throws {
        let root = try SampleRoot()
        let hostile = "/srv/we\"ird\nna\\me ${HOME}"
        let script = """
            set -e
            r='\(root.path)'
            d="$r/srv/$(printf 'we"ird\\nna\\\\me ${HOME}')"
            mkdir -p "$d/same" "$d/$(printf 'bad\\377')" "$d/$(printf 'tab\\there')"
            chown 990:990 "$d" "$d/same" "$d/$(printf 'bad\\377')" "$d/$(printf 'tab\\there')"
            chmod 0750 "$d" "$d/same" "$d/$(printf 'bad\\377')" "$d/$(printf 'tab\\there')"
            """
        let made = try run("/bin/sh", ["-c", script])
        #expect(made.status == 0, "\(made.all)")
        #expect(FileManager.default.fileExists(atPath: root.at(hostile)))
        let (contract, outcome) = try capture(root: root.path, [hostile])
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        #expect(text.contains(#"path = "/srv/we\"ird\nna\\me $${HOME}""#), "\(text)")
        #expect(text.contains(#"subdirs = ["same", "tab\there"]"#), "\(text)")
        #expect(outcome.standardError.contains("not valid UTF-8"), "\(outcome.all)")
        try lint(contract)
        let (status, report) = try check(contract, root: root.path)
        #expect(status == 0, "\(report.failures)")
    }

    // MARK: - Usage

    @Test(arguments: [
        (["relative/path"], "is not an absolute path"),
        (["/does/not/exist"], "does not exist"),
        (["/var/lib/../etc"], "must not contain"),
        ([String](), "give at least one PATH"),
    ])
    func badUsageExitsTwo(paths: [String], message: String) throws {
        let root = try SampleRoot()
        let outcome = try hostcontract(arguments: ["capture", "--root", root.path] + paths)
        #expect(outcome.status == 2, "\(outcome.all)")
        #expect(outcome.standardError.contains(message), "\(outcome.all)")
        #expect(outcome.standardOutput.isEmpty)
    }
}

private func hostcontract(arguments: [String]) throws -> ProcessOutcome {
    try run(hostcontractExecutable, arguments)
}
