import Contract

/// The text exposition format, for the node_exporter textfile collector: checks by entry kind
/// and status, whether the contract holds, when the run happened and how long it took.
enum PrometheusReport {
    static func render(_ report: Report) -> String {
        let contract = "contract=\"\(escape(report.contract))\""
        var text = ""
        func metric(_ name: String, _ help: String, _ samples: [(String, String)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for (labels, value) in samples { text += "\(name){\(labels)} \(value)\n" }
        }
        var counts: [(String, String)] = []
        for kind in EntryKind.allCases {
            let results = report.results.filter { $0.kind == kind }
            guard !results.isEmpty else { continue }
            for (status, label) in [(CheckResult.Status.pass, "passed"), (.fail, "failed"), (.skip, "skipped")] {
                counts.append(("\(contract),kind=\"\(kind.rawValue)\",status=\"\(label)\"", String(results.count { $0.status == status })))
            }
        }
        metric("hostcontract_checks", "Checks of the contract by entry kind and status.", counts)
        metric("hostcontract_violations", "Failed checks of severity error.", [(contract, String(report.results.count(where: \.isViolation)))])
        metric("hostcontract_warnings", "Failed checks of severity warning.", [(contract, String(report.warnings))])
        metric("hostcontract_holds", "Whether the contract holds (1) or not (0).", [(contract, report.passed ? "1" : "0")])
        if let timestamp = report.timestamp {
            metric("hostcontract_last_run_timestamp_seconds", "When the check ran, in seconds since the epoch.", [(contract, String(format3(timestamp)))])
        }
        if let duration = report.duration {
            metric("hostcontract_run_duration_seconds", "How long the check took.", [(contract, format3(duration))])
        }
        return text
    }

    /// Label values escape backslash, double quote and newline.
    static func escape(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }

    static func format3(_ value: Double) -> String {
        let milli = (value * 1000).rounded()
        let whole = Int64(milli) / 1000, fraction = abs(Int64(milli) % 1000)
        return "\(whole).\(String(repeating: "0", count: 3 - String(fraction).count))\(fraction)"
    }
}
