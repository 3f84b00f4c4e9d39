import ArgumentParser
import Contract
import Provision

/// The contract argument, and loading it with every diagnostic printed.
struct ContractArgument: ParsableArguments {
    @Argument(help: "The contract file (TOML).", completion: .file(extensions: ["toml"]))
    var contract: String

    /// The loaded contract; on any error the diagnostics go to standard error and the command exits 2.
    func load() throws -> Contract {
        let outcome = ContractFile.load(contract)
        for diagnostic in outcome.diagnostics {
            FileHandleStream.standardError.write(diagnostic.description + "\n")
        }
        guard let loaded = outcome.contract else { throw ExitCode(2) }
        return loaded
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
