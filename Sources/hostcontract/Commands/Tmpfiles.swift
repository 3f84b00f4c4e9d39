import ArgumentParser
import Contract
import Provision

struct Tmpfiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the contract's directories, files and keys as a systemd tmpfiles.d fragment.",
        discussion: "Install it with: hostcontract tmpfiles CONTRACT > /etc/tmpfiles.d/NAME.conf. Exit codes: 0, or 2 for an invalid contract.")

    @OptionGroup var contract: ContractArgument

    @Option(help: ArgumentHelp(
        "Read the environment under contract from FILE instead of the contract's [environment] file.",
        valueName: "FILE"),
        completion: .file())
    var envFile: String?

    func run() throws {
        let loaded = try contract.load()
        let (environment, _) = try Inspector(contract: loaded, environmentFile: envFile).environment()
        let (text, notes) = TmpfilesFragment(contract: loaded, environment: environment).render()
        for note in notes { FileHandleStream.standardError.write("hostcontract: \(note)\n") }
        FileHandleStream.standardOutput.write(text)
    }
}
