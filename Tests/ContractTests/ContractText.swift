import Contract
import Provision
import TestSupport
import Testing

/// Contract text loaded as `lint` and `check` load it, for suites that test one piece of the
/// vocabulary from its key to its finding.
enum ContractText {
    static let header = "contract = \"t\"\nschema = 1\n"

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// The contract of `body` (after the header), or its diagnostics as the error.
    static func load(_ body: String) throws -> Contract {
        let outcome = ContractLoader.load(text: header + body, file: "t.toml", patterns: .pcre2)
        guard let contract = outcome.contract else {
            throw Invalid(description: outcome.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return contract
    }

    /// The diagnostics of `marked` (after `header`), with the lines of its markers.
    static func diagnostics(_ marked: String, header: String = header) -> (diagnostics: [Diagnostic], text: MarkedText) {
        let text = MarkedText(header + marked)
        return (ContractLoader.load(text: text.text, file: "c.toml", patterns: .pcre2).diagnostics, text)
    }

    /// Expects exactly one error, on the 1️⃣ line, whose printed form contains every fragment.
    static func expectError(_ marked: String, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        expectError(marked, fragments, header: header, sourceLocation: sourceLocation)
    }

    static func expectError(_ marked: String, _ fragments: [String], header: String, sourceLocation: SourceLocation) {
        let (diagnostics, text) = diagnostics(marked, header: header)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)", sourceLocation: sourceLocation)
        guard let error = errors.first else { return }
        #expect(error.line == text["1️⃣"], "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.description.contains(fragment), "\(error) lacks \(fragment)", sourceLocation: sourceLocation)
        }
    }

    /// Every result of `contract` on `host`, with `values` as the environment under contract.
    static func run(_ contract: Contract, _ host: LiteralHost, _ values: [String: String] = [:]) -> [CheckResult] {
        Evaluation(contract: contract, input: EnvironmentInput(values: values, origin: .process), host: host).run()
    }
}
