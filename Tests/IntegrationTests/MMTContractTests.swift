import Foundation
import TestSupport
import Testing

/// contracts/mmt-backend.toml on demo and production environment files.
@Suite struct MMTContractTests {
    let directory = TemporaryDirectory("mmt")
    static let secret = "JWTCANARY-" + String(repeating: "s", count: 40)
    static let keys = "k1:KEYCANARY1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=,k2:KEYCANARY2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb="

    func check(_ environment: String) throws -> (ProcessOutcome, JSONReportView) {
        let file = directory.write("backend.env", environment)
        let outcome = try run(hostcontractExecutable, ["check", "contracts/mmt-backend.toml", "--root", directory.path,
                                                       "--env-file", file, "--format", "json"])
        return (outcome, try JSONReportView(outcome.standardOutput))
    }

    static let production = """
        ENV=prod
        DEMO_MODE=0
        INTERNAL_JWT_SECRET=\(secret)
        ALLOW_GUEST_AUTH=0
        ALLOW_LOCAL_LOGIN=0
        CORS_ALLOW_ORIGINS=https://app.example.org
        ENABLE_FIELD_ENCRYPTION=1
        ENCRYPTION_KEYS=\(keys)
        PRIMARY_ENCRYPTION_KEY_ID=k2
        STORE_PHI=true
        RETENTION_DAYS=90

        """

    @Test func demoModeHolds() throws {
        let (outcome, report) = try check("ENV=dev\nDEMO_MODE=1\nALLOW_GUEST_AUTH=1\nCORS_ALLOW_ORIGINS=*\n")
        #expect(outcome.status == 0, "\(report.failures)")
        #expect(report.results(subject: "CORS_ALLOW_ORIGINS", check: "forbid").first?["status"] as? String == "skip")
    }

    @Test func aProductionThatHolds() throws {
        let (outcome, report) = try check(Self.production)
        #expect(outcome.status == 0, "\(report.failures)")
        #expect(report.results(subject: "PRIMARY_ENCRYPTION_KEY_ID", check: "key_id_in").first?["status"] as? String == "pass")
    }

    @Test func aProductionWithTheDemoHabitsLeftIn() throws {
        let environment = Self.production
            .replacing("DEMO_MODE=0", with: "DEMO_MODE=1").replacing("ALLOW_GUEST_AUTH=0", with: "ALLOW_GUEST_AUTH=1")
            .replacing("CORS_ALLOW_ORIGINS=https://app.example.org", with: "CORS_ALLOW_ORIGINS=*")
            .replacing("INTERNAL_JWT_SECRET=\(Self.secret)", with: "INTERNAL_JWT_SECRET=JWTCANARY-short")
            .replacing("PRIMARY_ENCRYPTION_KEY_ID=k2", with: "PRIMARY_ENCRYPTION_KEY_ID=k3")
        let (outcome, report) = try check(environment)
        #expect(outcome.status == 1)
        #expect(report.failures == [
            "variable DEMO_MODE equals", "variable INTERNAL_JWT_SECRET min_length", "variable ALLOW_GUEST_AUTH equals",
            "variable CORS_ALLOW_ORIGINS forbid", "variable PRIMARY_ENCRYPTION_KEY_ID key_id_in",
        ])
        #expect(report.results(subject: "PRIMARY_ENCRYPTION_KEY_ID", check: "key_id_in").first?["message"] as? String
            == "PRIMARY_ENCRYPTION_KEY_ID names no key in ENCRYPTION_KEYS: new records are encrypted with the primary key, which must be one of ENCRYPTION_KEYS")
        for canary in ["JWTCANARY", "KEYCANARY", "k1:", "k2:"] {
            #expect(!outcome.all.contains(canary), "output shows \(canary)")
        }
        let text = try run(hostcontractExecutable, ["check", "contracts/mmt-backend.toml", "--root", directory.path,
                                                    "--env-file", directory.path + "/backend.env"])
        #expect(!text.all.contains("CANARY"))
    }

    /// Guest and local logins are on where unset (the demo defaults, shared/seeds/003 lines
    /// 28-29): a production file that leaves them out has them on.
    @Test func aProductionThatLeavesGuestAndLocalLoginsUnset() throws {
        let environment = Self.production.replacing("ALLOW_GUEST_AUTH=0\n", with: "").replacing("ALLOW_LOCAL_LOGIN=0\n", with: "")
        let (outcome, report) = try check(environment)
        #expect(outcome.status == 1)
        #expect(report.failures == ["variable ALLOW_GUEST_AUTH equals", "variable ALLOW_LOCAL_LOGIN equals"])
        #expect(report.results(subject: "ALLOW_GUEST_AUTH", check: "equals").first?["actual"] as? String == "1")
    }

    /// Out of demo mode is production: the production rules are not skipped by leaving ENV at
    /// its default, and production decides retention and PHI storage itself.
    @Test func aFullBackendLeftAtDevAndUndecidedPolicies() throws {
        let (dev, devReport) = try check(Self.production.replacing("ENV=prod\n", with: ""))
        #expect(dev.status == 1)
        #expect(devReport.failures == ["variable ENV equals"])
        let undecided = Self.production.replacing("STORE_PHI=true\n", with: "").replacing("RETENTION_DAYS=90\n", with: "")
            .replacing("ENABLE_FIELD_ENCRYPTION=1", with: "ENABLE_FIELD_ENCRYPTION=0")
        let (outcome, report) = try check(undecided)
        #expect(outcome.status == 1)
        #expect(report.failures == ["variable STORE_PHI required", "variable RETENTION_DAYS required", "variable ENABLE_FIELD_ENCRYPTION equals"])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl"))
    func rsaKeysInsteadOfASecret() throws {
        let key = directory.path + "/jwt.key"
        #expect(try run("/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key]).status == 0)
        let publicKey = try run("/usr/bin/openssl", ["pkey", "-in", key, "-pubout"]).standardOutput
        let privateKey = try String(contentsOfFile: key, encoding: .utf8)
        let environment = Self.production.replacing("INTERNAL_JWT_SECRET=\(Self.secret)\n", with: "")
            + "USE_RSA_INTERNAL_JWT=1\nINTERNAL_JWT_PRIVATE_KEY_PEM=\"\(privateKey)\"\nINTERNAL_JWT_PUBLIC_KEY_PEM=\"\(publicKey)\"\n"
        let (outcome, report) = try check(environment)
        #expect(outcome.status == 0, "\(report.failures)")
        #expect(report.results(subject: "INTERNAL_JWT_SECRET", check: "min_length").first?["status"] as? String == "skip")
        for line in privateKey.split(separator: "\n") where !line.hasPrefix("-----") {
            #expect(!outcome.all.contains(line))
        }
        let (missing, missingReport) = try check(environment.replacing("INTERNAL_JWT_PUBLIC_KEY_PEM", with: "JWT_PUBLIC_KEY_PEM"))
        #expect(missing.status == 1)
        #expect(missingReport.failures == ["variable INTERNAL_JWT_PUBLIC_KEY_PEM required"])
    }
}
