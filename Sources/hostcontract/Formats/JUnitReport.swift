import Contract

/// JUnit XML for CI test reports: one testsuite per entry kind, one testcase per check (named by
/// its id, unique in the report and the same from run to run, so a CI history follows it),
/// failures with message, expected, actual, fix and contract line, checks that could not be
/// evaluated as errors, skips and waived checks (with the waiver's date and reason) as skipped;
/// warnings (failed or not evaluated) are visible in system-out but are neither failures nor
/// errors.
enum JUnitReport {
    static func render(_ report: Report) -> String {
        let violations = report.results.count(where: \.isViolation)
        let errors = report.results.count(where: \.isUnevaluated)
        let time = report.duration.map(PrometheusReport.format3) ?? "0"
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(escape("hostcontract \(report.contract)"))\" tests=\"\(report.results.count)\" "
            + "failures=\"\(violations)\" errors=\"\(errors)\" skipped=\"\(report.summary.skipped + report.summary.waived)\" time=\"\(time)\">\n"
        for kind in EntryKind.allCases {
            let results = report.results.filter { $0.kind == kind }
            guard !results.isEmpty else { continue }
            xml += "  <testsuite name=\"\(kind.rawValue)\" tests=\"\(results.count)\" failures=\"\(results.count(where: \.isViolation))\" "
                + "errors=\"\(results.count(where: \.isUnevaluated))\" skipped=\"\(results.count { $0.status == .skip || $0.status == .waived })\" time=\"0\">\n"
            for result in results {
                xml += "    <testcase classname=\"\(escape(report.contract)).\(kind.rawValue)\" name=\"\(escape(result.id))\" time=\"0\""
                switch result.status {
                case .pass:
                    xml += "/>\n"
                case .skip:
                    xml += ">\n      <skipped message=\"\(escape(result.message))\"/>\n    </testcase>\n"
                case .waived:
                    let waiver = result.waiver.map { "waived until \($0.until): \($0.reason)" } ?? "waived"
                    xml += ">\n      <skipped message=\"\(escape(waiver))\">\(escape(details(result, file: result.file ?? report.contractFile)))</skipped>\n    </testcase>\n"
                case .fail where result.severity == .warning, .error where result.severity == .warning:
                    let label = result.status == .error ? "warning: could not be evaluated: " : "warning: "
                    xml += ">\n      <system-out>\(escape(label + details(result, file: result.file ?? report.contractFile)))</system-out>\n    </testcase>\n"
                case .fail, .error:
                    let element = result.status == .fail ? "failure" : "error"
                    xml += ">\n      <\(element) message=\"\(escape(result.message))\" type=\"\(escape(result.check))\">"
                        + escape(details(result, file: result.file ?? report.contractFile)) + "</\(element)>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    /// The report of a check that could not run: one testcase in error, saying why.
    static func renderNotRun(contract: String, reason: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(escape("hostcontract \(contract)"))\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\">\n"
            + "  <testsuite name=\"contract\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\">\n"
            + "    <testcase classname=\"\(escape(contract)).contract\" name=\"check ran\" time=\"0\">\n"
            + "      <error message=\"\(escape("not checked: " + reason))\" type=\"not-run\">\(escape(reason))</error>\n"
            + "    </testcase>\n  </testsuite>\n</testsuites>\n"
    }

    static func details(_ result: CheckResult, file: String) -> String {
        var lines = [result.message]
        if let expected = result.expected { lines.append("expected: \(expected)") }
        if let actual = result.actual { lines.append("actual: \(actual)") }
        if let fix = result.fix { lines.append("fix: \(fix)") }
        if let line = result.line { lines.append("required by \(file):\(line)") }
        return lines.joined(separator: "\n")
    }

    /// XML text and attribute escaping; what XML 1.0 forbids (control characters, U+FFFE and
    /// U+FFFF) is dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
