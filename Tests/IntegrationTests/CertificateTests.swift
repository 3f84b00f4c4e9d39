import Foundation
import TestSupport
import Testing

/// Keys and certificates made with the real openssl command, checked through OpenSSL.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl"))
struct CertificateTests {
    static let contract = """
        contract = "pki"
        schema = 1

        [[certificate]]
        path = "/pki/ca-bundle.pem"
        ca = true
        min_days_left = 30

        [[certificate]]
        path = "/pki/mixed-bundle.pem"
        ca = true

        [[certificate]]
        path = "/pki/server.pem"
        min_days_left = 30
        key = "/pki/server.key"

        [[certificate]]
        path = "/pki/intermediate.pem"
        key = "/pki/other.key"

        [[certificate]]
        path = "/pki/expired.pem"

        [[certificate]]
        path = "/pki/soon.pem"
        min_days_left = 30

        [[certificate]]
        path = "/pki/garbage.pem"

        [[key]]
        path = "/pki/server.key"
        format = "pem-private-key"
        min_bits = 2048

        [[key]]
        path = "/pki/weak.key"
        format = "pem-private-key"
        min_bits = 2048

        [[key]]
        path = "/pki/encrypted.key"
        format = "pem-private-key"

        [[key]]
        path = "/pki/garbage.pem"
        format = "pem-private-key"

        [[key]]
        path = "/pki/server.pem"
        format = "pem-certificate"
        """

    let root = TemporaryDirectory("pki")

    init() throws {
        let script = packageDirectory.path + "/Tests/Fixtures/pki/make-pki.sh"
        let made = try run("/bin/bash", [script, root.path])
        guard made.status == 0 else { throw FixtureError(message: made.all) }
        for file in ["garbage.pem", "server.pem"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: root.path + "/pki/" + file)
        }
    }

    func report() throws -> (ProcessOutcome, JSONReportView) {
        let file = root.write("pki.toml", Self.contract)
        let outcome = try run(hostcontractExecutable, ["check", file, "--root", root.path, "--format", "json"])
        return (outcome, try JSONReportView(outcome.standardOutput))
    }

    func message(_ view: JSONReportView, _ subject: String, _ check: String, index: Int = 0) -> String {
        let results = view.results(subject: subject, check: check)
        return index < results.count ? results[index]["message"] as? String ?? "" : "<none>"
    }

    @Test func eachCaseIsReportedWithItsSubjectAndReason() throws {
        let (outcome, view) = try report()
        #expect(outcome.status == 1)
        #expect(view.failures == [
            "certificate /pki/mixed-bundle.pem ca",
            "certificate /pki/intermediate.pem key",
            "certificate /pki/expired.pem validity",
            "certificate /pki/soon.pem min_days_left",
            "certificate /pki/garbage.pem parse",
            "key /pki/weak.key min_bits",
            "key /pki/encrypted.key format",
            "key /pki/garbage.pem format",
        ])
        #expect(message(view, "/pki/ca-bundle.pem", "parse") == "2 certificates: CN=Example Root CA,O=Example Hospital; CN=Example Intermediate CA,O=Example Hospital")
        #expect(message(view, "/pki/mixed-bundle.pem", "ca").hasPrefix("not a CA certificate: CN=annotate.example.org (issuer CN=Example Intermediate CA,O=Example Hospital, notAfter "))
        #expect(message(view, "/pki/server.pem", "key") == "the private key /pki/server.key belongs to CN=annotate.example.org")
        #expect(message(view, "/pki/intermediate.pem", "key") == "the private key /pki/other.key does not belong to CN=Example Intermediate CA,O=Example Hospital")
        #expect(message(view, "/pki/expired.pem", "validity").hasPrefix("expired: CN=expired.example.org (issuer CN=Example Root CA,O=Example Hospital, notAfter 2021-01-01, expired "))
        let soon = message(view, "/pki/soon.pem", "min_days_left")
        #expect(soon.hasPrefix("fewer than 30 days left: CN=soon.example.org"))
        #expect(soon.contains("4 days left") || soon.contains("5 days left"))
        #expect(message(view, "/pki/garbage.pem", "parse") == "/pki/garbage.pem holds no PEM certificate")
        #expect(message(view, "/pki/server.key", "format") == "RSA 2048 private key")
        #expect(message(view, "/pki/weak.key", "min_bits") == "RSA 1024 private key is shorter than 2048 bits")
        #expect(message(view, "/pki/encrypted.key", "format") == "/pki/encrypted.key is an encrypted private key: the service cannot read it without a passphrase")
        #expect(message(view, "/pki/garbage.pem", "format", index: 0).contains("is not a PEM private key") || view.results(subject: "/pki/garbage.pem", check: "format").contains { ($0["message"] as? String)?.contains("is not a PEM private key") == true })
        #expect(message(view, "/pki/server.pem", "format") == "certificate CN=annotate.example.org")
    }

    @Test func keyContentAppearsInNoOutput() throws {
        let (outcome, _) = try report()
        let text = try run(hostcontractExecutable, ["check", root.write("pki.toml", Self.contract), "--root", root.path]).all
        for name in ["server.key", "weak.key", "other.key"] {
            let pem = try String(contentsOfFile: root.path + "/pki/" + name, encoding: .utf8)
            for line in pem.split(separator: "\n") where !line.hasPrefix("-----") {
                #expect(!outcome.all.contains(line) && !text.contains(line), "\(name) content shown")
            }
        }
    }
}
