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
}
