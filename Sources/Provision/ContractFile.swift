import Contract
import Host

/// Loads a contract from a file on this machine.
public enum ContractFile {
    /// The loaded contract and every diagnostic; a file that cannot be read is one diagnostic.
    public static func load(_ path: String) -> ContractLoader.Outcome {
        switch readHostFile(path, limit: 16 << 20) {
        case .failure(let error):
            return ContractLoader.Outcome(
                contract: nil, diagnostics: [Diagnostic(file: path, line: 1, message: "cannot be read: \(error)")])
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return ContractLoader.Outcome(
                    contract: nil, diagnostics: [Diagnostic(file: path, line: 1, message: "is not UTF-8 text")])
            }
            return ContractLoader.load(text: text, file: path)
        }
    }
}
