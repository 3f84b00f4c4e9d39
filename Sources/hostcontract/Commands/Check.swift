import ArgumentParser
import Contract
import Host
import Provision

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit the host, or an image root, against a contract.",
        discussion: """
            Exit codes: 0 the contract holds, 1 violations, 2 invalid contract or bad usage. As root, a \
            contract a user other than root can edit is checked with a warning on standard error.
            """)

    @OptionGroup var contract: ContractArgument
    @OptionGroup var host: HostOptions
    @OptionGroup var trust: ContractTrustOption

    @Option(help: "The report format.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Write the report to FILE (atomically) instead of standard output.", valueName: "FILE"),
            completion: .file())
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Check only these entry kinds (\(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))).",
            valueName: "KIND,..."),
        transform: EntryKind.parseList)
    var only: Set<EntryKind>?

    func run() throws {
        if let reason = trust.untrustedReason(
            contract.contract, consequence: "decide what this audit passes, and provision and gate refuse it")
        {
            FileHandleStream.standardError.write("hostcontract: warning: contract \(contract.contract) is not trusted: \(reason)\n")
        }
        let loaded = try contract.load()
        let inspector = Inspector(contract: loaded, root: host.root, environmentFile: host.envFile, only: only)
        var report: Report
        let started = Terminal.wallClock(), clock = Terminal.monotonicClock()
        do {
            report = try inspector.run()
            report.timestamp = started
            report.duration = Terminal.monotonicClock() - clock
        } catch {
            FileHandleStream.standardError.write("hostcontract: \(error)\n")
            throw ExitCode(2)
        }
        let colour = output == nil && FileHandleStream.standardOutput.isTerminal
            && Terminal.environmentValue("NO_COLOR") == nil
        try deliver(format.render(report, colour: colour), to: output)
        if !report.passed { throw ExitCode(1) }
    }
}

extension EntryKind: ExpressibleByArgument {
    /// Parses `directory,file,key`, naming the closest kind for a misspelt one.
    static func parseList(_ text: String) throws -> Set<EntryKind> {
        var kinds = Set<EntryKind>()
        for name in text.split(separator: ",").map({ String($0).trimmingCharacters(in: " ") }) where !name.isEmpty {
            guard let kind = EntryKind(rawValue: name) else {
                throw ValidationError(
                    "'\(name)' is not an entry kind; use \(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.insert(kind)
        }
        return kinds
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
