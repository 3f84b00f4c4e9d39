import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// Every contract shipped in contracts/ loads and lints clean.
@Suite struct ContractFilesTests {
    static let files: [String] = {
        let directory = packageDirectory.appendingPathComponent("contracts")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        // coverage.toml is the coverage tables' data (CoverageTests reads it), not a contract.
        return names.filter { $0.hasSuffix(".toml") && $0 != "coverage.toml" }.sorted()
    }()

    @Test func thereAreContracts() {
        #expect(Self.files.contains("lx-annotate.toml"))
    }

    @Test(arguments: files)
    func lintsClean(_ name: String) throws {
        let path = packageDirectory.appendingPathComponent("contracts/\(name)").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let outcome = ContractLoader.load(text: text, file: "contracts/\(name)", patterns: .pcre2)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.contract != nil)
    }
}
