import ArgumentParser
import Contract
import Host
import Provision

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Audit the host, or an image root, against a contract.",
        discussion: """
            Exit codes: 0 the contract holds, 1 violations, 2 invalid contract or bad usage, 3 some checks \
            could not be evaluated (a path that cannot be read: permission denied, an I/O error) and none \
            failed. As root, a contract a user other than root can edit is checked with a warning on \
            standard error. A [[tree]] is walked by one thread per CPU, or by HOSTCONTRACT_THREADS threads.
            """)

    @OptionGroup var contract: ContractArgument
    @OptionGroup var host: HostOptions
    @OptionGroup var trust: ContractTrustOption

    @Option(help: "The report format.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Write the report to FILE (atomically) instead of standard output ('-': standard output).", valueName: "FILE"),
            completion: .file())
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Check only these entry kinds (\(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))).",
            valueName: "KIND,..."),
        transform: EntryKind.parseList)
    var only: Set<EntryKind>?

    @Option(
        help: ArgumentHelp(
            "Check only the entries carrying one of these tags (an entry's 'tags'); a tag no entry carries is bad usage.",
            valueName: "TAG,..."),
        transform: Check.parseTags)
    var tags: Set<String>?

    @Option(help: ArgumentHelp(
        "Re-check until the contract holds or DURATION (\"60s\", \"2m\") has passed, pausing --sleep between checks; the report is the last check's.",
        valueName: "DURATION"))
    var retryTimeout: Seconds?

    @Option(help: ArgumentHelp("The pause between checks with --retry-timeout.", valueName: "DURATION"))
    var sleep: Seconds = Seconds(1)

    func run() throws {
        if !contract.isStandardInput, let reason = trust.untrustedReason(
            contract.contract, consequence: "decide what this audit passes, and provision and gate refuse it")
        {
            FileHandleStream.standardError.write("hostcontract: warning: contract \(contract.contract) is not trusted: \(reason)\n")
        }
        let started = Terminal.wallClock(), clock = Terminal.monotonicClock()
        var report: Report
        let loaded: Contract
        do {
            loaded = try contract.load()
        } catch {
            try reportNotRun("the contract \(contract.name) is invalid (hostcontract lint lists why)")
            throw error
        }
        // Commands run as the auditing user: as root, only from a contract only root can edit.
        if !loaded.commands.isEmpty, host.root == "/", let reason = contract.isStandardInput
            ? (Terminal.isRoot && !trust.allowUntrustedContract ? "a contract on standard input has no owner to trust" : nil)
            : trust.untrustedReason(contract.contract, consequence: "run commands as root")
                ?? trust.untrustedInclude(of: loaded, consequence: "run commands as root")
        {
            FileHandleStream.standardError.write("hostcontract: refusing contract \(contract.name): it has [[command]] entries, and \(reason)\n")
            try reportNotRun("refused: the contract runs commands and \(reason)")
            throw ExitCode(2)
        }
        if !contract.isStandardInput, let reason = trust.untrustedInclude(
            of: loaded, consequence: "decide what this audit passes, and provision and gate refuse it")
        {
            FileHandleStream.standardError.write("hostcontract: warning: contract \(contract.contract) is not trusted: \(reason)\n")
        }
        if let tags {
            let unknown = tags.subtracting(loaded.tags).sorted()
            if !unknown.isEmpty {
                let carried = loaded.tags.isEmpty ? "no entry has tags" : "the contract's tags: \(loaded.tags.sorted().joined(separator: ", "))"
                FileHandleStream.standardError.write(
                    "hostcontract: no entry of \(contract.name) carries the tag\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) (\(carried))\n")
                try reportNotRun("no entry carries the tag \(unknown.joined(separator: ", "))")
                throw ExitCode(2)
            }
        }
        let deadline = Terminal.monotonicClock() + (retryTimeout?.value ?? 0)
        let progress = retryTimeout != nil && Terminal.wantsColour(FileHandleStream.standardError.descriptor)
        while true {
            do {
                report = try Inspector(
                    contract: loaded, root: host.root, environmentFile: host.envFile, only: only, tags: tags).run()
            } catch {
                FileHandleStream.standardError.write("hostcontract: \(error)\n")
                try reportNotRun("\(error)")
                throw ExitCode(2)
            }
            guard report.verdict != .holds, Terminal.monotonicClock() + sleep.value <= deadline else { break }
            if progress {
                let failing = report.results.count { $0.isViolation || $0.isUnevaluated }
                FileHandleStream.standardError.write("\rwaiting: \(failing) checks not holding, \(Int((deadline - Terminal.monotonicClock()).rounded())) s left ")
            }
            Terminal.sleep(seconds: sleep.value)
        }
        if progress { FileHandleStream.standardError.write("\r\u{1B}[K") }
        report.timestamp = started
        report.duration = Terminal.monotonicClock() - clock
        let destination = Output(output)
        let colour = destination.isStandardOutput && Terminal.wantsColour(FileHandleStream.standardOutput.descriptor)
        try destination.deliver(format.render(report, colour: colour))
        switch report.verdict {
        case .holds: return
        case .violated: throw ExitCode(1)
        case .incomplete: throw ExitCode(3)
        }
    }

    /// Where the check could not run (invalid contract, unreadable root), the report says so and
    /// replaces the last one, whose verdict would otherwise be read as current: Prometheus with
    /// `hostcontract_up 0` (also on standard output), the other formats in the file `--output`
    /// names. Without a last report, the contract is named by its file (`app.toml`: `app`).
    func reportNotRun(_ reason: String) throws {
        let output = Output(output)
        let file = contract.contract.split(separator: "/").last.map(String.init) ?? contract.contract
        let name = file.hasSuffix(".toml") ? String(file.dropLast(5)) : file
        switch format {
        case .prometheus:
            try output.deliver(PrometheusReport.renderDown(replacing: output.previousText(), fallbackName: name))
        case _ where output.isStandardOutput:
            return
        case .json:
            try output.deliver(JSONReport.renderNotRun(contract: name, contractFile: contract.name, root: host.root, reason: reason))
        case .junit:
            try output.deliver(JUnitReport.renderNotRun(contract: name, reason: reason))
        case .sarif:
            try output.deliver(SARIFReport.renderNotRun(
                contract: name, contractFile: contract.name, host: Machine.nodeName(), root: host.root, reason: reason))
        case .text:
            try output.deliver("contract \(name) not checked: \(reason)\n")
        }
    }
}

extension Check {
    /// Parses `pci,hub`: an empty list, an empty name or a name that cannot be a tag is bad usage.
    static func parseTags(_ text: String) throws -> Set<String> {
        var tags = Set<String>()
        for name in text.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingCharacters(in: " ") }) {
            guard !name.isEmpty else { throw ValidationError("'\(text)' has an empty tag") }
            guard Contract.isTag(name) else {
                throw ValidationError("'\(name)' is not a tag: tags are letters, digits, '_', '.' and '-'")
            }
            tags.insert(name)
        }
        return tags
    }
}

extension EntryKind: ExpressibleByArgument {
    /// Parses `directory,file,key`; an empty list, an empty name or an unknown kind is bad usage,
    /// with the closest kind for a misspelt one.
    static func parseList(_ text: String) throws -> Set<EntryKind> {
        let known = EntryKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard !text.trimmingCharacters(in: " ").isEmpty else {
            throw ValidationError("an empty list of entry kinds would check nothing; use \(known)")
        }
        var kinds = Set<EntryKind>()
        for name in text.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingCharacters(in: " ") }) {
            guard !name.isEmpty else {
                throw ValidationError("'\(text)' has an empty entry kind; use \(known)")
            }
            guard let kind = EntryKind(rawValue: name) else {
                let hint = suggestion(for: name).map { "did you mean '\($0.rawValue)'?" } ?? "use \(known)"
                throw ValidationError("'\(name)' is not an entry kind; \(hint)")
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
