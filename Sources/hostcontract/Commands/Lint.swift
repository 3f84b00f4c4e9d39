import ArgumentParser
import Contract

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a contract file without touching the host.",
        discussion: "Exit codes: 0 valid, 2 invalid. Every error is reported as FILE:LINE: message.")

    @OptionGroup var contract: ContractArgument

    func run() throws {
        let loaded = try contract.load()
        let entries = loaded.directories.count + loaded.files.count + loaded.keys.count + loaded.trees.count
            + loaded.users.count + loaded.groups.count + loaded.accesses.count + loaded.variables.count
            + loaded.encrypted.count + loaded.certificates.count
            + (loaded.nginx.map { $0.locations.count + $0.servers.count } ?? 0)
        FileHandleStream.standardOutput.write("\(contract.name): valid contract '\(loaded.name)' with \(entries) entries\n")
    }
}
