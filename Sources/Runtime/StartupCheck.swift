import Contract
import Host
import Provision

/// The contract check an application written in Swift runs at startup: load the contract,
/// check it against this process's environment and the host, and throw if it does not hold.
///
///     import Runtime
///     try StartupCheck(contract: "/etc/hostcontract/lx-annotate.toml").verify()
public struct StartupCheck {
    public var contractPath: String
    public var root: String
    public var environment: [String: String]
    /// Take a contract others may edit even when running as root (fixtures in temporary
    /// directories); the command line's `--allow-untrusted-contract`.
    public var allowUntrustedContract: Bool

    public init(
        contract: String, root: String = "/", environment: [String: String]? = nil, allowUntrustedContract: Bool = false
    ) {
        self.contractPath = contract
        self.root = root
        self.environment = environment ?? ProcessEnvironment.current()
        self.allowUntrustedContract = allowUntrustedContract
    }

    /// Returns the report when the contract holds; throws ``ContractViolation`` otherwise, also
    /// when a check could not be evaluated (what it needs could not be read).
    @discardableResult
    public func verify() throws(ContractViolation) -> Report {
        // As `gate` does: whoever may edit the contract decides what starts.
        if !allowUntrustedContract,
            let reason = ContractFile.untrustedReason(contractPath, consequence: "decide what starts")
        {
            throw ContractViolation(reason: .untrustedContract(reason))
        }
        let outcome = ContractFile.load(contractPath)
        guard let contract = outcome.contract else {
            throw ContractViolation(reason: .invalidContract(outcome.errors.map(\.description)))
        }
        if !allowUntrustedContract, let reason = ContractFile.untrustedInclude(of: contract, consequence: "decide what starts") {
            throw ContractViolation(reason: .untrustedContract(reason))
        }
        let report: Report
        do {
            report = try Inspector(contract: contract, root: root, processEnvironment: environment).run()
        } catch {
            throw ContractViolation(reason: .invalidContract([error.description]))
        }
        switch report.verdict {
        case .holds: return report
        case .violated: throw ContractViolation(reason: .violated(report.results.filter(\.isViolation)))
        case .incomplete: throw ContractViolation(reason: .unevaluated(report.unevaluated))
        }
    }
}

/// Why a startup check refused: the contract is not trusted or invalid, the host breaks it, or
/// the host could not be read well enough to tell.
public struct ContractViolation: Error, CustomStringConvertible {
    enum Reason {
        case untrustedContract(String)
        case invalidContract([String])
        case violated([CheckResult])
        case unevaluated([CheckResult])
    }

    let reason: Reason

    /// The failed checks (empty when the contract itself is invalid).
    public var failures: [CheckResult] {
        if case .violated(let failures) = reason { return failures }
        return []
    }

    /// The checks that could not be evaluated, when nothing failed.
    public var unevaluated: [CheckResult] {
        if case .unevaluated(let results) = reason { return results }
        return []
    }

    /// Why the contract was not taken, when others may edit it.
    public var untrustedReason: String? {
        if case .untrustedContract(let reason) = reason { return reason }
        return nil
    }

    /// The contract's diagnostics, when it could not be loaded.
    public var diagnostics: [String] {
        if case .invalidContract(let diagnostics) = reason { return diagnostics }
        return []
    }

    public var description: String {
        switch reason {
        case .untrustedContract(let reason):
            return "contract is not trusted: \(reason)"
        case .invalidContract(let diagnostics):
            return "contract is invalid:\n" + diagnostics.joined(separator: "\n")
        case .violated(let failures):
            return "contract violated: \(failures.count) \(failures.count == 1 ? "failure" : "failures")\n" + Self.lines(failures)
        case .unevaluated(let results):
            return "contract not verified: \(results.count) \(results.count == 1 ? "check" : "checks") could not be evaluated\n"
                + Self.lines(results)
        }
    }

    static func lines(_ results: [CheckResult]) -> String {
        results.map { "\($0.subject): \($0.check): \($0.message)" }.joined(separator: "\n")
    }
}
