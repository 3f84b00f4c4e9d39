import Contract
import Host
import Provision

/// The startup gate: check the contract against this process's own environment, and only if it
/// holds become COMMAND (execvp: same PID, descriptors and signals), with the environment
/// normalised (defaults filled in, aliases set to their canonical value). The verdict goes to
/// the service manager as STATUS= and, where standard error is the journal, each failure as a
/// structured entry.
public struct Gate {
    public var contractPath: String
    public var root: String
    public var command: [String]
    public var environment: [String: String]
    /// Take a contract others than root can edit even when running as root (fixtures, audits).
    public var allowUntrustedContract: Bool
    /// How long to wait for the contract to hold before refusing (re-checking every `interval`):
    /// a volume unlocked late, a peer that starts later.
    public var waitSeconds: Double = 0
    public var intervalSeconds: Double = 1

    /// EX_CONFIG: the contract does not hold, could not be fully evaluated, or is invalid.
    public static let refused: Int32 = 78
    /// As env(1): the command cannot be executed.
    public static let cannotExecute: Int32 = 127

    public init(
        contract: String, root: String = "/", command: [String], environment: [String: String]? = nil,
        allowUntrustedContract: Bool = false
    ) {
        self.contractPath = contract
        self.allowUntrustedContract = allowUntrustedContract
        self.root = root
        self.command = command
        self.environment = environment ?? ProcessEnvironment.current()
    }

    /// Why the gate did not become COMMAND.
    public struct Refusal {
        public var status: Int32
        /// One line for the service's status, as sent with STATUS=.
        public var verdict: String
        public var report: Report?
        public var diagnostics: [Diagnostic]
    }

    /// Checks, then replaces the process with the command; returns only when it does not.
    public func run() -> Refusal {
        if !allowUntrustedContract,
            let reason = ContractFile.untrustedReason(contractPath, consequence: "decide what the gate lets start")
        {
            let verdict = "refusing contract \(contractPath): \(reason)"
            ServiceManager.notifyStatus(verdict)
            journal([JournalEntry.fields(untrustedContract: contractPath, verdict: verdict)])
            return Refusal(status: Self.refused, verdict: verdict, report: nil, diagnostics: [])
        }
        let outcome = ContractFile.load(contractPath)
        guard let contract = outcome.contract else {
            let errors = outcome.errors
            let verdict = "contract \(contractPath) is invalid: \(errors.count) \(errors.count == 1 ? "error" : "errors")"
            ServiceManager.notifyStatus(verdict)
            journal(errors.map { JournalEntry.fields(for: $0, contract: contractPath) })
            return Refusal(status: Self.refused, verdict: verdict, report: nil, diagnostics: outcome.diagnostics)
        }
        if !allowUntrustedContract,
            let reason = ContractFile.untrustedInclude(of: contract, consequence: "decide what the gate lets start")
        {
            let verdict = "refusing contract \(contractPath): \(reason)"
            ServiceManager.notifyStatus(verdict)
            journal([JournalEntry.fields(untrustedContract: contractPath, verdict: verdict)])
            return Refusal(status: Self.refused, verdict: verdict, report: nil, diagnostics: [])
        }
        var report: Report
        let deadline = Terminal.monotonicClock() + waitSeconds
        while true {
            do {
                report = try Inspector(contract: contract, root: root, processEnvironment: environment).run()
            } catch {
                let verdict = "contract \(contract.name) cannot be checked: \(error)"
                ServiceManager.notifyStatus(verdict)
                return Refusal(status: Self.refused, verdict: verdict, report: nil, diagnostics: [])
            }
            guard let waiting = Self.refusal(of: report), Terminal.monotonicClock() + intervalSeconds <= deadline else { break }
            ServiceManager.notifyStatus("waiting \(Int((deadline - Terminal.monotonicClock()).rounded())) s more: \(waiting)")
            Terminal.sleep(seconds: intervalSeconds)
        }
        if let verdict = Self.refusal(of: report) {
            ServiceManager.notifyStatus(verdict)
            journal(report.results.filter { $0.isViolation || $0.isUnevaluated }.map {
                JournalEntry.fields(for: $0, contract: contract.name)
            })
            return Refusal(status: Self.refused, verdict: verdict, report: report, diagnostics: [])
        }
        ServiceManager.notifyStatus("contract \(contract.name) holds: \(report.summary.total) checks")
        let normalised = ResolvedEnvironment(contract: contract, given: environment).normalised()
        let error = ServiceManager.replaceProcess(with: command, environment: normalised)
        let verdict = "cannot execute \(command.first ?? ""): \(error)"
        ServiceManager.notifyStatus(verdict)
        return Refusal(status: Self.cannotExecute, verdict: verdict, report: report, diagnostics: [])
    }

    /// Why `report` must not let COMMAND start, in one line, or nil when the contract holds. A
    /// check that could not be evaluated may hide a violation: the gate starts nothing it could
    /// not verify.
    static func refusal(of report: Report) -> String? {
        switch report.verdict {
        case .holds:
            return nil
        case .violated:
            let failures = report.results.count(where: \.isViolation)
            return "contract \(report.contract) violated: \(failures) \(failures == 1 ? "failure" : "failures")"
        case .incomplete:
            let count = report.unevaluated.count
            return "contract \(report.contract) not verified: \(count) \(count == 1 ? "check" : "checks") could not be evaluated"
        }
    }

    /// Sends each entry with `HOSTCONTRACT_UNIT`, the unit the gate runs in, read while the gate
    /// is alive: journald takes `_SYSTEMD_UNIT` from the sender's cgroup when it processes the
    /// entry, and a gate that has exited by then (a loaded host) leaves that field out.
    private func journal(_ entries: [[(String, String)]]) {
        guard ServiceManager.standardErrorIsJournal else { return }
        let unit = ServiceManager.ownUnit.map { [("HOSTCONTRACT_UNIT", $0)] } ?? []
        for fields in entries { ServiceManager.sendToJournal(fields + unit) }
    }
}
