import ArgumentParser
import Contract

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Validate a contract file without touching the host.",
        discussion: "Exit codes: 0 valid, 2 invalid. Every error is reported as FILE:LINE: message.")

    @OptionGroup var contract: ContractArgument

    func run() throws {
        let loaded = try contract.load()
        let entries = loaded.entryCount
        FileHandleStream.standardOutput.write("\(contract.name): valid contract '\(loaded.name)' with \(entries) entries\n")
    }
}
