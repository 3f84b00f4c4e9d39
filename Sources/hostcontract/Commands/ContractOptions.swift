import ArgumentParser
import Contract
import Provision

/// The contract argument, and loading it with every diagnostic printed.
struct ContractArgument: ParsableArguments {
    @Argument(help: "The contract file (TOML); '-' reads it from standard input (lint, check, tmpfiles).",
              completion: .file(extensions: ["toml"]))
    var contract: String

    /// `-`: the contract comes from standard input, and diagnostics name it `<stdin>`.
    var isStandardInput: Bool { contract == "-" }

    /// The contract as messages name it.
    var name: String { isStandardInput ? "<stdin>" : contract }

    /// The loaded contract; on any error the diagnostics go to standard error and the command exits 2.
    func load() throws -> Contract {
        let outcome = isStandardInput ? ContractFile.loadStandardInput(as: name) : ContractFile.load(contract)
        for diagnostic in outcome.diagnostics.inSourceOrder() {
            FileHandleStream.standardError.write(diagnostic.description + "\n")
        }
        guard let loaded = outcome.contract else { throw ExitCode(2) }
        return loaded
    }
}

extension ContractArgument {
    /// For the commands that act on a contract's authority (provision, gate): its trust is that
    /// of its file, so standard input is bad usage.
    func requireFile(_ command: String) throws {
        if isStandardInput {
            throw ValidationError("\(command) takes its contract from a file, not standard input: whoever can edit the file decides what \(command) does")
        }
    }
}

extension Sequence<Diagnostic> {
    /// In the order of the file, whatever order the loader found them in: by file, line and
    /// column (a diagnostic without a column first on its line), ties as found.
    func inSourceOrder() -> [Diagnostic] {
        enumerated().sorted {
            ($0.element.file, $0.element.line, $0.element.column ?? 0, $0.offset)
                < ($1.element.file, $1.element.line, $1.element.column ?? 0, $1.offset)
        }.map(\.element)
    }
}

/// Options shared by the commands that look at a host.
struct HostOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Audit the tree under DIR as if it were / (an image, a chroot).", valueName: "DIR"),
            completion: .directory)
    var root: String = "/"

    @Option(help: ArgumentHelp(
        "Read the environment under contract from FILE instead of the contract's [environment] file.",
        valueName: "FILE"),
        completion: .file())
    var envFile: String?
}
