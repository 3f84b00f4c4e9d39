import Contract

/// The report for a person at a terminal: failures first, each with the contract line that
/// required it and the fix, then a one-line verdict.
struct TextReport {
    let colour: Bool

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func render(_ report: Report) -> String {
        var text = ""
        let errors = report.results.filter { $0.status == .fail && $0.severity == .error }
        let warnings = report.results.filter { $0.status == .fail && $0.severity == .warning }
        for result in errors { text += block(result, label: paint("FAIL", "1;31"), file: report.contractFile) }
        for result in warnings { text += block(result, label: paint("WARN", "1;33"), file: report.contractFile) }
        let summary = report.summary
        let counts = "\(summary.total) checks: \(summary.passed) passed, \(summary.failed) failed, \(summary.skipped) skipped"
        if report.passed {
            text += paint("contract \(report.contract) holds", "1;32") + " (\(counts))\n"
        } else {
            let failures = errors.count == 1 ? "1 failure" : "\(errors.count) failures"
            text += paint("contract \(report.contract) violated: \(failures)", "1;31") + " (\(counts))\n"
        }
        return text
    }

    private func block(_ result: CheckResult, label: String, file: String) -> String {
        var text = "\(label) \(result.subject): \(result.check): \(result.message)\n"
        if let expected = result.expected, let actual = result.actual, !result.message.contains(actual) {
            text += "     expected \(expected), found \(actual)\n"
        }
        if let line = result.line { text += "     required by \(file):\(line)\n" }
        if let fix = result.fix { text += "     fix: \(fix)\n" }
        return text
    }
}
