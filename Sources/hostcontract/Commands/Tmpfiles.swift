import ArgumentParser
import Contract
import Provision

struct Tmpfiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tmpfiles",
        abstract: "Print the contract's directories, files and keys as a systemd tmpfiles.d fragment.",
        discussion: "Install it with: hostcontract tmpfiles CONTRACT > /etc/tmpfiles.d/NAME.conf. Exit codes: 0; 1 when entries depend on variables without a value (nothing written unless --allow-incomplete); 2 for an invalid contract.")

    @OptionGroup var contract: ContractArgument

    @Option(help: ArgumentHelp(
        "Read the environment under contract from FILE instead of the contract's [environment] file.",
        valueName: "FILE"),
        completion: .file())
    var envFile: String?

    @Option(help: ArgumentHelp(
        "Read the contract's [environment] file inside DIR, an image root (the fragment's paths stay as the contract names them, for systemd-tmpfiles --root=DIR).",
        valueName: "DIR"),
        completion: .directory)
    var root = "/"

    @Flag(help: "Write the fragment even when entries are left out because a variable they depend on is not set.")
    var allowIncomplete = false

    func run() throws {
        let loaded = try contract.load()
        let (environment, input) = try Inspector(contract: loaded, root: root, environmentFile: envFile).environment()
        let fragment = TmpfilesFragment(contract: loaded, environment: environment)
        let unresolved = fragment.unresolvedEntries()
        // A fragment without them would be installed and applied as if it were the whole tree.
        if !unresolved.isEmpty && !allowIncomplete {
            if let readError = input.readError, case .file(let subject, _) = input.origin {
                FileHandleStream.standardError.write("hostcontract: cannot read the environment file \(subject): \(readError)\n")
            }
            for note in unresolved { FileHandleStream.standardError.write("hostcontract: \(note)\n") }
            FileHandleStream.standardError.write(
                "hostcontract: no fragment written: \(unresolved.count) \(unresolved.count == 1 ? "entry depends" : "entries depend") on variables without a value "
                    + "(give the environment with --env-file, or pass --allow-incomplete)\n")
            throw ExitCode(1)
        }
        let (text, notes) = fragment.render()
        for note in notes { FileHandleStream.standardError.write("hostcontract: \(note)\n") }
        FileHandleStream.standardOutput.write(text)
    }
}
