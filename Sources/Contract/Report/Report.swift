/// The outcome of one `check`, as the JSON report (spec section 2) writes it.
public struct Report: Codable, Sendable {
    public struct Summary: Codable, Sendable, Equatable {
        public var total: Int
        public var passed: Int
        public var failed: Int
        public var skipped: Int
        /// Checks that could not be evaluated (status `error`).
        public var errors: Int
        /// Failed or unevaluated checks under a waiver that holds (status `waived`).
        public var waived: Int
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
    /// The machine that ran the check (its node name), where known.
    public var host: String?
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
        case root, host, passed, summary, results
    }

    public init(contract: Contract, root: String, host: String? = nil, results: [CheckResult]) {
        self.contract = contract.name
        self.contractFile = contract.file
        self.root = root
        self.host = host
        self.results = Self.identified(results)
        self.passed = !results.contains { $0.isViolation || $0.isUnevaluated }
        self.summary = Summary(
            total: results.count,
            passed: results.count { $0.status == .pass },
            failed: results.count { $0.status == .fail },
            skipped: results.count { $0.status == .skip },
            errors: results.count { $0.status == .error },
            waived: results.count { $0.status == .waived })
    }

    /// The results with their ids: `KIND:SUBJECT:CHECK`, then `:PRINCIPAL` for an access check,
    /// and `#2`, `#3`, ... on the second and later results that would otherwise share one (two
    /// `require` patterns of a file, three `[[unit]]` entries of one unit), numbered in report
    /// order, which is contract order. The same contract on the same host gives the same ids.
    static func identified(_ results: [CheckResult]) -> [CheckResult] {
        var occurrences: [String: Int] = .init(minimumCapacity: results.count)
        var taken = Set<String>(minimumCapacity: results.count)
        return results.map { result in
            var base = result.kind.rawValue + ":" + result.subject + ":" + result.check
            if let principal = result.principal { base += ":" + principal }
            var number = occurrences[base, default: 0] + 1
            var id = number == 1 ? base : "\(base)#\(number)"
            while taken.contains(id) {
                number += 1
                id = "\(base)#\(number)"
            }
            occurrences[base] = number
            taken.insert(id)
            var result = result
            result.id = id
            return result
        }
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
