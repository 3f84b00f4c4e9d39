import Contract

/// The report for a person at a terminal: failures first, each with the contract line that
/// required it and the fix, then waived checks with their waiver, then a one-line verdict.
struct TextReport {
    let colour: Bool

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func render(_ report: Report) -> String {
        var text = ""
        let failures = report.results.filter(\.isViolation)
        let unevaluated = report.unevaluated
        // Warnings: failures, and checks that could not be evaluated, of severity warning.
        let warnings = report.results.filter { ($0.status == .fail || $0.status == .error) && $0.severity == .warning }
        for result in failures { text += block(result, label: paint("FAIL", "1;31"), file: result.file ?? report.contractFile) }
        for result in unevaluated { text += block(result, label: paint("ERROR", "1;35"), file: result.file ?? report.contractFile) }
        for result in warnings { text += block(result, label: paint("WARN", "1;33"), file: result.file ?? report.contractFile) }
        for result in report.results where result.status == .waived {
            text += block(result, label: paint("WAIVED", "1;36"), file: result.file ?? report.contractFile)
        }
        let summary = report.summary
        var counts = "\(summary.total) checks: \(summary.passed) passed, \(summary.failed) failed, \(summary.skipped) skipped"
        if summary.errors > 0 { counts += ", \(summary.errors) could not be evaluated" }
        if summary.waived > 0 { counts += ", \(summary.waived) waived" }
        switch report.verdict {
        case .holds:
            text += paint("contract \(report.contract) holds", "1;32") + " (\(counts))\n"
        case .violated:
            text += paint("contract \(report.contract) violated: \(Self.count(failures.count, "failure"))", "1;31") + " (\(counts))\n"
        case .incomplete:
            text += paint("contract \(report.contract) not verified: \(Self.count(unevaluated.count, "check")) could not be evaluated", "1;35")
                + " (\(counts))\n"
        }
        return text
    }

    /// "1 failure", "3 failures".
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    private func block(_ result: CheckResult, label: String, file: String) -> String {
        var text = "\(label) \(result.subject): \(result.check): \(result.message)\n"
        if let expected = result.expected, let actual = result.actual, !result.message.contains(actual) {
            text += "     expected \(expected), found \(actual)\n"
        }
        if let line = result.line { text += "     required by \(file):\(line)\n" }
        if let fix = result.fix { text += "     fix: \(fix)\n" }
        if result.status == .waived, let waiver = result.waiver {
            text += "     waived until \(waiver.until): \(waiver.reason)\n"
        }
        return text
    }
}
