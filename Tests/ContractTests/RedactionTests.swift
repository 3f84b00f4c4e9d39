import Contract
import Provision
import TestSupport
import Testing

/// The redaction is a last line of defence that is no oracle (issue 11): a field that would
/// contain a secret value is replaced whole, never the value inside it.
@Suite struct RedactionTests {
    func contract(_ text: String) throws -> Contract {
        let outcome = ContractLoader.load(text: "contract = \"t\"\nschema = 1\n" + text, file: "t.toml", patterns: .pcre2)
        guard let contract = outcome.contract else {
            Issue.record("\(outcome.diagnostics.map(\.description))")
            throw CancellationError()
        }
        return contract
    }

    func run(_ contract: Contract, _ host: LiteralHost, _ values: [String: String]) -> [CheckResult] {
        Evaluation(contract: contract, input: EnvironmentInput(values: values, origin: .process), host: host).run()
    }

    static let weakSecret = """
        [[variable]]
        name = "BACKUP_PASSWORD"
        secret = true
        min_length = 12

        [[file]]
        path = "/etc/dicom-backup/backup.env"
        mode = "0640"
        """

    /// A weak password `backup` used to turn the fix line into
    /// `chmod 0640 /etc/dicom-[secret]/[secret].env`, which names the secret.
    @Test func aWeakSecretIsNotMaskedInsideAFixLine() throws {
        let host = LiteralHost()
        host.add("/etc/dicom-backup/backup.env", .regular, mode: 0o644)
        let results = run(try contract(Self.weakSecret), host, ["BACKUP_PASSWORD": "backup"])
        #expect(!results.contains { "\($0)".contains("[secret]") }, "\(results)")
        #expect(!results.contains { "\($0)".contains("dicom-") }, "\(results)")
        let mode = results.first { $0.check == "mode" }
        #expect(mode?.status == .fail)
        #expect(mode?.fix == Evaluation.withheldField, "\(String(describing: mode))")
        #expect(mode?.subject == Evaluation.withheldField)
        #expect(results.first { $0.check == "min_length" }?.status == .fail)
    }

    /// Values under 4 characters were never scrubbed.
    @Test func aSecretOfThreeCharactersIsCovered() throws {
        let host = LiteralHost()
        host.add("/etc/dicom-backup/backup.env", .regular, mode: 0o644)
        let results = run(try contract(Self.weakSecret), host, ["BACKUP_PASSWORD": "bac"])
        #expect(!results.contains { "\($0)".contains("backup") }, "\(results)")
    }

    /// A secret with `//` escaped the scrub once the path that held it was normalised.
    @Test func aSecretIsFoundInItsNormalisedForm() throws {
        let host = LiteralHost()
        host.add("/srv/a/b", mode: 0o755)
        let c = try contract("""
            [[variable]]
            name = "TOKEN"
            secret = true

            [[directory]]
            path = "/srv/a//b"
            mode = "0750"
            """)
        let results = run(c, host, ["TOKEN": "a//b"])
        #expect(!results.contains { "\($0)".contains("a/b") }, "\(results)")
        #expect(results.first { $0.check == "mode" }?.fix == Evaluation.withheldField)
    }
}
