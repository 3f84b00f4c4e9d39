import ArgumentParser
import Contract
import Runtime

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Check the contract, and only if it holds replace this process with COMMAND.",
        discussion: """
            The contract is checked against this process's environment. On success COMMAND runs with \
            the same PID, with defaults and aliases of the contract's variables set. Exit codes: \
            COMMAND's own; 78 (EX_CONFIG) when the contract does not hold, is invalid, or could not be \
            fully evaluated (a check that cannot read what it needs); 127 when COMMAND cannot be \
            executed. As root, a contract a user other than root can edit is refused (78). With \
            NOTIFY_SOCKET set, the verdict is sent as STATUS=.
            """)

    @OptionGroup var contract: ContractArgument

    @Option(help: ArgumentHelp("Check the tree under DIR as if it were /.", valueName: "DIR"), completion: .directory)
    var root: String = "/"

    @OptionGroup var trust: ContractTrustOption

    @Option(help: ArgumentHelp("Wait up to DURATION (\"2m\", \"90s\") for the contract to hold, re-checking every --sleep, before refusing.",
                               valueName: "DURATION"))
    var wait: Seconds?

    @Option(help: ArgumentHelp("The pause between checks while waiting.", valueName: "DURATION"))
    var sleep: Seconds = Seconds(1)

    @Argument(parsing: .postTerminator, help: "The command to run when the contract holds (after --).")
    var command: [String] = []

    func validate() throws {
        try contract.requireFile("gate")
        if command.isEmpty { throw ValidationError("give the command to run after --, e.g. hostcontract gate app.toml -- /usr/bin/app") }
    }

    func run() throws {
        var gate = Gate(
            contract: contract.contract, root: root, command: command,
            allowUntrustedContract: trust.allowUntrustedContract)
        gate.waitSeconds = wait?.value ?? 0
        gate.intervalSeconds = sleep.value
        let refusal = gate.run()
        for diagnostic in refusal.diagnostics.inSourceOrder() { FileHandleStream.standardError.write(diagnostic.description + "\n") }
        if let report = refusal.report, refusal.status == Gate.refused {
            FileHandleStream.standardError.write(TextReport(colour: false).render(report))
        }
        FileHandleStream.standardError.write("hostcontract: \(refusal.verdict)\n")
        throw ExitCode(refusal.status)
    }
}
