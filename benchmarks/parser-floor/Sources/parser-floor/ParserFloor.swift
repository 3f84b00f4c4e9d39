import ArgumentParser

/// `parser-floor --version`, or `parser-floor gate CONTRACT [--root DIR] -- COMMAND...`: parsed
/// as hostcontract parses them, then nothing.
@main
struct ParserFloor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parser-floor", version: "0", subcommands: [Gate.self])
}

struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gate")

    @Argument var contract: String
    @Option var root: String = "/"
    @Flag var allowUntrustedContract = false
    @Option var wait: String?
    @Option var sleep: String = "1"
    @Argument(parsing: .postTerminator) var command: [String] = []

    func run() {}
}
