import Contract
import Provision
import TestSupport
import Testing

/// The pure half of `capture`: TOML strings, the secret heuristics and the rendered entries.
@Suite struct CaptureRenderingTests {
    @Test func stringsAreEscapedAsTOMLBasicStrings() {
        #expect(TOMLString.quoted("plain/path") == #""plain/path""#)
        #expect(TOMLString.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(TOMLString.quoted("line\nbreak\ttab\r") == #""line\nbreak\ttab\r""#)
        #expect(TOMLString.quoted("\u{01}\u{1F}\u{7F}\u{08}\u{0C}") == #""\u0001\u001F\u007F\b\f""#)
        #expect(TOMLString.quoted("Zürich ✓") == "\"Zürich ✓\"")
        #expect(TOMLString.array(["a", "b\"c"]) == #"["a", "b\"c"]"#)
    }

    @Test func secretNamesAndReferencesToSecrets() {
        for name in ["DJANGO_SECRET_KEY", "DB_PASSWORD", "SMTP_PASSWD", "GITHUB_TOKEN", "AWS_CREDENTIALS", "PRIVATE_KEY",
                     "APIKEY", "OIDC_RP_CLIENT_SECRET", "ENCRYPTION_KEYS", "db_pass"] {
            #expect(SecretLikeness.isSecretName(name), "\(name)")
        }
        for name in ["AWS_ACCESS_KEY_ID", "SSL_KEY_PATH", "SECRET_KEY_FILE", "DATA_DIR", "ENFORCE_AUTH", "BASE_URL"] {
            #expect(!SecretLikeness.isSecretName(name), "\(name)")
        }
        // A word that holds a secret word counts: it errs on the side of secrecy.
        #expect(SecretLikeness.isSecretName("KEYBOARD_LAYOUT"))
        #expect(SecretLikeness.ofVariable(name: "DJANGO_SECRET_KEY", value: "x") == .name)
    }

    @Test func randomLookingValues() {
        #expect(SecretLikeness.looksRandom("k9Zq2LmW8rT4vB6nX1cY5pD3"))
        #expect(SecretLikeness.looksRandom("3f9a2c7e1b4d8f60a5c2e9b7d1f3a8c4"))
        #expect(!SecretLikeness.looksRandom("k9Zq2LmW8rT4"))                    // short
        #expect(!SecretLikeness.looksRandom("django.db.backends.postgresql"))   // no digit
        #expect(!SecretLikeness.looksRandom("https://annotate.example.org"))
        #expect(!SecretLikeness.looksRandom("aaaaaaaaaaaaaaaaaaaaaaaa1"))       // low entropy
        #expect(!SecretLikeness.looksRandom("correct horse battery staple 42"))
        #expect(SecretLikeness.ofVariable(name: "UPSTREAM", value: "k9Zq2LmW8rT4vB6nX1cY5pD3") == .entropy)
    }

    @Test func urlsWithCredentials() {
        #expect(SecretLikeness.hasURLCredentials("postgres://app:pw@db:5432/app"))
        #expect(SecretLikeness.hasURLCredentials("https://abc123@o1.ingest.sentry.io/1"))
        #expect(SecretLikeness.hasURLCredentials("a,redis://:pw@cache/0"))
        #expect(!SecretLikeness.hasURLCredentials("https://annotate.example.org/path@x"))
        #expect(!SecretLikeness.hasURLCredentials("https://annotate.example.org"))
        #expect(SecretLikeness.ofVariable(name: "DATABASE_URL", value: "postgres://app:pw@db/app") == .credentialsInURL)
    }

    @Test func keyFilesByHeaderOrByPlaceAndMode() {
        #expect(SecretLikeness.ofFile(path: "/srv/tls.pem", firstLine: "-----BEGIN RSA PRIVATE KEY-----", readableByOthers: true) == .pemPrivateKey)
        #expect(SecretLikeness.ofFile(path: "/srv/tls.pem", firstLine: "-----BEGIN CERTIFICATE-----", readableByOthers: false) == nil)
        #expect(SecretLikeness.ofFile(path: "/etc/secrets/vault/m.key", firstLine: "\u{FFFD}", readableByOthers: false) == .keyLocation)
        #expect(SecretLikeness.ofFile(path: "/srv/app/master.key", firstLine: nil, readableByOthers: false) == .keyLocation)
        #expect(SecretLikeness.ofFile(path: "/srv/app/master.key", firstLine: nil, readableByOthers: true) == nil)
        #expect(SecretLikeness.ofFile(path: "/srv/keys", firstLine: nil, readableByOthers: false) == nil)
    }

    @Test func sizesAndModes() {
        #expect(CapturedContract.minimumBytes(size: 0) == nil)
        #expect(CapturedContract.minimumBytes(size: 1) == 1)
        #expect(CapturedContract.minimumBytes(size: 32) == 32)
        #expect(CapturedContract.minimumBytes(size: 1704) == 1024)
        #expect(CapturedContract.octal(0o750) == "0750")
        #expect(CapturedContract.octal(0o2770) == "2770")
        #expect(CapturedContract.secretMinimumLength(count: 60) == 16)
        #expect(CapturedContract.secretMinimumLength(count: 9) == 1)
        #expect(CapturedContract.secretMinimumLength(count: 0) == nil)
    }

    @Test func aRenderedContractLoadsClean() {
        var contract = CapturedContract(name: "host \"one\"")
        contract.header = ["captured\nwith a line break"]
        contract.environmentFile = "/etc/app/${ENV}.env"
        contract.paths = [
            .init(path: "/srv/a\nb", kind: .directory(create: false, acl: ["group:nginx:r-x"], subdirs: ["x\"y"]),
                  ownership: .init(owner: "app", group: "nginx", mode: 0o2750), comments: ["why"]),
            .init(path: "/srv/k.key", kind: .key(minBytes: 32), ownership: .init(owner: "root", group: "990", mode: 0o640)),
        ]
        contract.users = [.init(name: "app", system: true, groups: ["app", "nginx"])]
        contract.groups = [.init(name: "nginx", system: true, members: ["app"])]
        contract.variables = [
            .init(name: "TOKEN", rule: .secret(.name, minLength: 16)),
            .init(name: "DIR", rule: .path(exists: true)),
            .init(name: "MODE", rule: .present(nonEmpty: true)),
        ]
        let text = contract.render()
        #expect(text.hasPrefix("# captured with a line break\ncontract = \"host \\\"one\\\"\"\nschema = 1\n"))
        #expect(text.contains("file = \"/etc/app/$${ENV}.env\""))
        #expect(text.contains("# set; its value is not written (any value may be a secret)\n[[variable]]\nname = \"MODE\"\nrequired = true\nmin_length = 1"))
        let outcome = ContractLoader.load(text: text, file: "captured.toml", patterns: .pcre2)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.description))\n\(text)")
        #expect(outcome.contract != nil)
    }

    /// Units and nginx locations render as the [[unit]] and [[nginx.location]] kinds read them:
    /// one value a string, more a list; `${` escaped so that a value is never a variable.
    @Test func unitsAndNginxLocationsRenderAsTheirKindsReadThem() {
        var contract = CapturedContract(name: "web")
        contract.units = [
            .init(name: "app.service", enabled: true, properties: [("User", ["app"]), ("ReadWritePaths", ["/srv/a", "/srv/b"])],
                  comments: ["from /etc/systemd/system/app.service"]),
            .init(name: "old.service", exists: false, comments: ["masked"]),
            .init(name: "once.service", properties: [("WorkingDirectory", ["/srv/${HOME}"])]),
        ]
        contract.nginx = .init(config: "/etc/nginx/nginx.conf", serverName: "example.org", locations: [
            .init(path: "/protected/", directives: [("internal", nil), ("alias", "/srv/data/")]),
            .init(path: "/exact", modifier: "=", directives: [("proxy_pass", "http://127.0.0.1:8000")]),
            .init(path: "/"),
        ])
        let text = contract.render()
        #expect(text.contains("""
            # from /etc/systemd/system/app.service
            [[unit]]
            name = "app.service"
            enabled = true
            properties = { User = "app", ReadWritePaths = ["/srv/a", "/srv/b"] }
            """))
        #expect(text.contains("# masked\n[[unit]]\nname = \"old.service\"\nexists = false\n"))
        #expect(text.contains("properties = { WorkingDirectory = \"/srv/$${HOME}\" }"))
        #expect(text.contains("""
            [nginx]
            config = "/etc/nginx/nginx.conf"
            server_name = "example.org"

            [[nginx.location]]
            path = "/protected/"
            directives = { internal = true, alias = "/srv/data/" }

            [[nginx.location]]
            path = "/exact"
            modifier = "="
            directives = { proxy_pass = "http://127.0.0.1:8000" }

            [[nginx.location]]
            path = "/"
            """))
        let outcome = ContractLoader.load(text: text, file: "captured.toml", patterns: .pcre2)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.description))\n\(text)")
        #expect(outcome.contract?.units.count == 3)
        #expect(outcome.contract?.nginx?.locations.count == 3)
    }

    // MARK: - Packages

    static let dpkgStatus = DpkgStatus(text: """
        Package: ffmpeg
        Status: hold ok installed
        Architecture: amd64
        Version: 7:5.1.6-0+deb12u1

        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Multi-Arch: same
        Version: 2.36-9+deb12u7

        Package: libc6
        Status: hold ok installed
        Architecture: i386
        Multi-Arch: same
        Version: 2.36-9+deb12u4

        Package: vim
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 2:9.0.1378-2

        Package: oddity
        Status: install ok installed
        Architecture: all
        Version: 1.0-1~a_b

        """)

    static func debian(_ name: String) -> Result<CapturedContract.Package, CapturedContract.Package.Refusal> {
        CapturedContract.Package.debian(name, status: dpkgStatus, place: "/r/var/lib/dpkg/status")
    }

    /// A Debian package gets `>= INSTALLED` (the lowest of its instances) and `held` where every
    /// instance is held; one not installed, or a name no package can have, is refused.
    @Test func debianPackagesGetAtLeastTheirVersionAndTheirHold() throws {
        let ffmpeg = try Self.debian("ffmpeg").get()
        #expect(ffmpeg == CapturedContract.Package(
            name: "ffmpeg", manager: .dpkg, version: ">= 7:5.1.6-0+deb12u1", held: true,
            comments: ["installed: 7:5.1.6-0+deb12u1 (version: at least this, so a normal upgrade still holds)",
                       "held: the selection is hold (apt-mark hold); an upgrade waits for the hold to be released"]))
        let libc = try Self.debian("libc6").get()
        #expect(libc.version == ">= 2.36-9+deb12u4")
        #expect(libc.held == nil)
        #expect(libc.comments == ["installed: 2.36-9+deb12u7 (amd64), 2.36-9+deb12u4 (i386) (version: at least this, so a normal upgrade still holds)",
                                  "held for i386 only; no held rule"])
        #expect(try Self.debian("libc6:i386").get().held == true)
        // dpkg reads '_' in a version only with a warning; a contract's rule must not need one.
        let oddity = try Self.debian("oddity").get()
        #expect(oddity.version == nil)
        #expect(oddity.comments == ["installed: 1.0-1~a_b, which no version rule dpkg reads without a warning can name; no version rule"])
        #expect(Self.refusal(Self.debian("vim")) == "the package 'vim' is not installed: dpkg's database /r/var/lib/dpkg/status records it config-files: removed, its configuration files left (dpkg --purge removes them)")
        #expect(Self.refusal(Self.debian("emacs")) == "the package 'emacs' is not installed: dpkg's database /r/var/lib/dpkg/status has no record of it")
        #expect(Self.refusal(Self.debian("-bad")) == "'-bad' is not a Debian package name: must start with an alphanumeric character")
    }

    static func refusal(_ result: Result<CapturedContract.Package, CapturedContract.Package.Refusal>) -> String? {
        if case .failure(let refusal) = result { refusal.description } else { nil }
    }

    static func distribution(_ directory: String, _ metadata: String) -> PythonDistribution {
        PythonDistribution(
            metadataPath: "/srv/app/.venv/lib/python3.11/site-packages/\(directory)/METADATA",
            directoryName: PythonPackageName(distributionInfoDirectory: directory)!, metadata: PythonPackageMetadata(text: metadata))
    }

    /// A distribution is pinned `==VERSION` under the name its METADATA gives; `===` for a
    /// version that is not PEP 440; no rule for two of them or none.
    @Test func pythonDistributionsArePinned() throws {
        let venv = "/srv/app/.venv"
        let django = try CapturedContract.Package.python(
            [Self.distribution("django-4.2.11.dist-info", "Metadata-Version: 2.1\nName: Django\nVersion: 4.2.11\n\n")], environment: venv).get()
        #expect(django == CapturedContract.Package(
            name: "Django", manager: .pip, environment: venv, version: "==4.2.11",
            comments: ["installed: 4.2.11 (version: pinned, as a virtual environment is built from pinned requirements)"]))
        let legacy = try CapturedContract.Package.python(
            [Self.distribution("old-2004d.dist-info", "Name: old\nVersion: 2004d-final\n\n")], environment: venv).get()
        #expect(legacy.version == "===2004d-final")
        let twice = try CapturedContract.Package.python([
            Self.distribution("torch-2.3.0.dist-info", "Name: torch\nVersion: 2.3.0\n\n"),
            Self.distribution("torch-2.3.1.dist-info", "Name: torch\nVersion: 2.3.1\n\n"),
        ], environment: venv).get()
        #expect(twice.version == nil)
        #expect(twice.comments == ["2 distributions (2.3.0, 2.3.1): an interrupted upgrade left one behind; check reports it"])
        let unversioned = try CapturedContract.Package.python([Self.distribution("x-1.dist-info", "Name: x\n\n")], environment: venv).get()
        #expect(unversioned.version == nil)
    }

    /// Packages render as [[package]] reads them, and the rules written hold by the managers'
    /// own orderings: a contract of them loads clean.
    @Test func packagesRenderAsTheKindReadsThem() throws {
        var contract = CapturedContract(name: "pk")
        contract.packages = [
            try Self.debian("ffmpeg").get(), try Self.debian("libc6").get(),
            try CapturedContract.Package.python(
                [Self.distribution("daphne-4.1.2.dist-info", "Name: daphne\nVersion: 4.1.2\n\n")], environment: "/srv/${APP}/.venv").get(),
        ]
        let text = contract.render()
        #expect(text.contains("""
            # held: the selection is hold (apt-mark hold); an upgrade waits for the hold to be released
            [[package]]
            name = "ffmpeg"
            version = ">= 7:5.1.6-0+deb12u1"
            held = true
            """))
        #expect(text.contains("""
            [[package]]
            name = "daphne"
            manager = "pip"
            environment = "/srv/$${APP}/.venv"
            version = "==4.1.2"
            """))
        let outcome = ContractLoader.load(text: text, file: "captured.toml", patterns: .pcre2)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.description))\n\(text)")
        #expect(outcome.contract?.packages.count == 3)
    }
}
