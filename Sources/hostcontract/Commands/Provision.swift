import ArgumentParser
import Contract
import Provision

struct Provision: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Create the contract's directories and bring declared paths' metadata in line.",
        discussion: """
            Never creates a file or a key, never writes content, never deletes, never follows a symbolic link. \
            A [[tree]] is brought in line by one thread per CPU (HOSTCONTRACT_THREADS sets the count); \
            --dry-run prints each change's count and first examples. \
            Exit codes: 0 converged (or, with --dry-run, plan printed), 1 something could not be brought in line, \
            2 invalid contract, bad usage, or (as root) a contract a user other than root can edit.
            """)

    @OptionGroup var contract: ContractArgument
    @OptionGroup var host: HostOptions
    @OptionGroup var trust: ContractTrustOption

    @Flag(help: "Print the plan and change nothing.")
    var dryRun = false

    @Option(help: "The output format.")
    var format: ProvisionFormat = .text

    func validate() throws { try contract.requireFile("provision") }

    func run() throws {
        if let reason = trust.untrustedReason(contract.contract, consequence: "make provision change any path") {
            FileHandleStream.standardError.write("hostcontract: refusing contract \(contract.contract): \(reason)\n")
            throw ExitCode(2)
        }
        let loaded = try contract.load()
        if let reason = trust.untrustedInclude(of: loaded, consequence: "make provision change any path") {
            FileHandleStream.standardError.write("hostcontract: refusing contract \(contract.contract): \(reason)\n")
            throw ExitCode(2)
        }
        let outcome: ProvisionOutcome
        do {
            outcome = try Provisioner(contract: loaded, root: host.root, environmentFile: host.envFile).run(dryRun: dryRun)
        } catch {
            FileHandleStream.standardError.write("hostcontract: \(error)\n")
            throw ExitCode(2)
        }
        FileHandleStream.standardOutput.write(format.render(outcome))
        if !outcome.converged { throw ExitCode(1) }
    }
}
