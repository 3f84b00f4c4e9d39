import Contract

/// The text exposition format, for the node_exporter textfile collector: whether the check ran,
/// checks by entry kind and status (waived among them), whether the contract holds, when the run
/// happened and how long it took.
enum PrometheusReport {
    static let lastSuccess = "hostcontract_last_success_timestamp_seconds"

    static func render(_ report: Report) -> String {
        var text = Exposition(contract: report.contract)
        text.metric("hostcontract_up", "Whether the check ran (1) or could not run (0: invalid contract, unreadable root).", "1")
        var counts: [(String, String)] = []
        for kind in EntryKind.allCases {
            let results = report.results.filter { $0.kind == kind }
            guard !results.isEmpty else { continue }
            for (status, label) in [(CheckResult.Status.pass, "passed"), (.fail, "failed"), (.skip, "skipped"), (.error, "error"), (.waived, "waived")] {
                counts.append(("kind=\"\(kind.rawValue)\",status=\"\(label)\"", String(results.count { $0.status == status })))
            }
        }
        text.metric("hostcontract_checks", "Checks of the contract by entry kind and status (error: could not be evaluated).", counts)
        text.metric("hostcontract_violations", "Failed checks of severity error.", String(report.results.count(where: \.isViolation)))
        text.metric("hostcontract_errors", "Checks of severity error that could not be evaluated.", String(report.unevaluated.count))
        text.metric("hostcontract_warnings", "Failed checks of severity warning.", String(report.warnings))
        text.metric("hostcontract_waived", "Failed or unevaluated checks under a waiver that holds.", String(report.summary.waived))
        text.metric("hostcontract_holds", "Whether the contract is known to hold (1) or not (0).", report.passed ? "1" : "0")
        if let timestamp = report.timestamp {
            text.metric("hostcontract_last_run_timestamp_seconds", "When the check ran, in seconds since the epoch.", format3(timestamp))
            text.metric(lastSuccess, lastSuccessHelp, format3(timestamp))
        }
        if let duration = report.duration {
            text.metric("hostcontract_run_duration_seconds", "How long the check took.", format3(duration))
        }
        return text.text
    }

    /// The report of a check that could not run: `hostcontract_up 0`, and the last run that did,
    /// carried over from the report this one replaces (`previous`), so an alert on its age keeps
    /// firing. The contract is named as that report named it, so `hostcontract_up` stays one
    /// series, or else as `fallbackName`.
    static func renderDown(replacing previous: String?, fallbackName: String) -> String {
        var contract: String? = nil, lastRun: String? = nil
        for line in previous?.split(separator: "\n") ?? [] {
            guard let sample = sample(line) else { continue }
            if sample.name == "hostcontract_up" { contract = sample.contract }
            if sample.name == lastSuccess, Double(sample.value) != nil { lastRun = String(sample.value) }
        }
        var text = Exposition(contract: contract ?? fallbackName)
        text.metric("hostcontract_up", "Whether the check ran (1) or could not run (0: invalid contract, unreadable root).", "0")
        if let lastRun { text.metric(lastSuccess, lastSuccessHelp, lastRun) }
        return text.text
    }

    static let lastSuccessHelp = "When the check last ran (hostcontract_up 1), in seconds since the epoch."

    /// A sample as ``Exposition`` writes it, `NAME{contract="..."} VALUE`, with the label unescaped.
    static func sample(_ line: Substring) -> (name: Substring, contract: String, value: Substring)? {
        guard let open = line.firstRange(of: "{contract=\""), let space = line.lastIndex(of: " ") else { return nil }
        var contract = "", escaped = false, index = open.upperBound
        while index < space {
            let character = line[index]
            if escaped {
                contract.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                contract.append(character)
            }
            index = line.index(after: index)
        }
        guard index < space, line[index...].hasPrefix("\"}") else { return nil }
        return (line[..<open.lowerBound], contract, line[line.index(after: space)...])
    }

    /// Metrics labelled with the contract, each with its HELP and TYPE (all are gauges).
    struct Exposition {
        let contract: String
        var text = ""

        init(contract: String) { self.contract = "contract=\"\(PrometheusReport.escape(contract))\"" }

        mutating func metric(_ name: String, _ help: String, _ samples: [(String, String)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for (labels, value) in samples { text += "\(name){\(contract)\(labels.isEmpty ? "" : ",")\(labels)} \(value)\n" }
        }

        mutating func metric(_ name: String, _ help: String, _ value: String) { metric(name, help, [("", value)]) }
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
