import Contract
import Host

/// Loads a contract from a file on this machine.
public enum ContractFile {
    /// The loaded contract and every diagnostic; a file that cannot be read is one diagnostic.
    public static func load(_ path: String) -> ContractLoader.Outcome {
        load(readHostFile(path, limit: limit), file: path, include: includedFile)
    }

    /// The contract on standard input (`lint -`), named `file` in diagnostics. Nothing in a
    /// contract is found relative to its own file, so it loads as the same text in a file would.
    public static func loadStandardInput(as file: String = "<stdin>") -> ContractLoader.Outcome {
        load(Terminal.readStandardInput(limit: limit), file: file, include: nil)
    }

    /// A larger contract is not read.
    static let limit = 16 << 20

    static func load(
        _ read: Result<[UInt8], HostError>, file path: String, include: ContractLoader.IncludeReader?
    ) -> ContractLoader.Outcome {
        switch read {
        case .failure(let error):
            return ContractLoader.Outcome(
                contract: nil, diagnostics: [Diagnostic(file: path, line: 1, message: "cannot be read: \(error)")])
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return ContractLoader.Outcome(
                    contract: nil, diagnostics: [Diagnostic(file: path, line: 1, message: "is not UTF-8 text")])
            }
            return ContractLoader.load(text: text, file: path, patterns: .pcre2, include: include)
        }
    }

    /// The text of a file a contract includes, read as the contract itself is.
    static func includedFile(_ path: String) -> Result<String, ContractLoader.IncludeFailure> {
        switch readHostFile(path, limit: limit) {
        case .failure(let error): return .failure(ContractLoader.IncludeFailure("\(error)"))
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(ContractLoader.IncludeFailure("is not UTF-8 text")) }
            return .success(text)
        }
    }

    /// Why this process must not act on the contract at `path`, or nil: the reason, what an
    /// editor could do and the fix, as the end of one line for standard error and the service's
    /// status (after "refusing contract FILE: "). Only a process running as root asks: whoever
    /// can edit the contract then decides what hostcontract changes (provision chowns and chmods
    /// any path it names) and what it lets start (the gate), so the contract must be root's
    /// alone (see ``FileTrust``). A user's own contract grants nothing the user does not
    /// already have. `consequence` says what an editor could do: "make provision change any path".
    /// The same for the files `contract` includes, which decide as much as its own: the first
    /// one this process must not act on, with the reason.
    public static func untrustedInclude(of contract: Contract, consequence: String) -> String? {
        for file in contract.includedFiles {
            if let reason = untrustedReason(file, consequence: consequence) { return "its included file \(file): \(reason)" }
        }
        return nil
    }

    public static func untrustedReason(_ path: String, consequence: String) -> String? {
        guard FileTrust.effectiveUserIsRoot else { return nil }
        guard case .untrusted(let reason, let fix) = FileTrust.verdict(for: path) else { return nil }
        let remedy = fix.map { "fix: \($0); or pass --allow-untrusted-contract" }
            ?? "fix: keep it where only root can write, or pass --allow-untrusted-contract"
        return "\(reason); whoever can edit it can \(consequence) (\(remedy))"
    }
}
