/// The outcome of one `check`, as the JSON report (spec section 2) writes it.
public struct Report: Codable, Sendable {
    public struct Summary: Codable, Sendable, Equatable {
        public var total: Int
        public var passed: Int
        public var failed: Int
        public var skipped: Int
        /// Checks that could not be evaluated (status `error`).
        public var errors: Int
    }

    /// What a run says about the contract, worst first.
    public enum Verdict: String, Sendable {
        /// A check of severity error failed.
        case violated
        /// Nothing failed, but a check of severity error could not be evaluated: the contract
        /// is not known to hold.
        case incomplete
        case holds
    }

    public var contract: String
    public var contractFile: String
    public var root: String
    /// Whether the contract is known to hold: no violation, and every check of severity error evaluated.
    public var passed: Bool
    public var summary: Summary
    public var results: [CheckResult]
    /// When the run started (seconds since the epoch) and how long it took, where measured.
    public var timestamp: Double?
    public var duration: Double?

    enum CodingKeys: String, CodingKey {
        case contract
        case contractFile = "contract_file"
        case root, passed, summary, results
    }

    public init(contract: Contract, root: String, results: [CheckResult]) {
        self.contract = contract.name
        self.contractFile = contract.file
        self.root = root
        self.results = results
        self.passed = !results.contains { $0.isViolation || $0.isUnevaluated }
        self.summary = Summary(
            total: results.count,
            passed: results.count { $0.status == .pass },
            failed: results.count { $0.status == .fail },
            skipped: results.count { $0.status == .skip },
            errors: results.count { $0.status == .error })
    }

    public var verdict: Verdict {
        if results.contains(where: \.isViolation) { return .violated }
        if results.contains(where: \.isUnevaluated) { return .incomplete }
        return .holds
    }

    /// Failures that do not make the contract fail.
    public var warnings: Int { results.count { $0.status == .fail && $0.severity == .warning } }

    /// Checks of severity error that could not be evaluated.
    public var unevaluated: [CheckResult] { results.filter(\.isUnevaluated) }
}
