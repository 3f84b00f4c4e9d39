import Contract

/// The JSON report of spec section 2, with its keys in the spec's order (Foundation's encoder
/// on Linux orders them at random).
enum JSONReport {
    static func render(_ report: Report) -> String {
        let summary = JSONValue.object([
            ("total", .number(report.summary.total)), ("passed", .number(report.summary.passed)),
            ("failed", .number(report.summary.failed)), ("skipped", .number(report.summary.skipped)),
            ("errors", .number(report.summary.errors)), ("waived", .number(report.summary.waived)),
        ])
        var fields: [(String, JSONValue)] = [
            ("contract", .string(report.contract)),
            ("contract_file", .string(report.contractFile)),
            ("root", .string(report.root)),
        ]
        if let host = report.host { fields.append(("host", .string(host))) }
        let document = JSONValue.object(fields + [
            ("passed", .bool(report.passed)),
            ("summary", summary),
            ("results", .array(report.results.map(value))),
        ])
        return document.rendered(indent: "") + "\n"
    }

    /// The report of a check that could not run: not passed, no results, and why (`ran` and
    /// `error` are additions to the spec's report, present only here).
    static func renderNotRun(contract: String, contractFile: String, root: String, reason: String) -> String {
        let zero = JSONValue.number(0)
        return JSONValue.object([
            ("contract", .string(contract)), ("contract_file", .string(contractFile)), ("root", .string(root)),
            ("passed", .bool(false)), ("ran", .bool(false)), ("error", .string(reason)),
            ("summary", .object([
                ("total", zero), ("passed", zero), ("failed", zero), ("skipped", zero), ("errors", zero), ("waived", zero),
            ])),
            ("results", .array([])),
        ]).rendered(indent: "") + "\n"
    }

    static func value(_ result: CheckResult) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .string(result.id)), ("kind", .string(result.kind.rawValue)), ("subject", .string(result.subject)),
            ("check", .string(result.check)), ("status", .string(result.status.rawValue)),
            ("severity", .string(result.severity.rawValue)), ("message", .string(result.message)),
        ]
        if let expected = result.expected { fields.append(("expected", .string(expected))) }
        if let actual = result.actual { fields.append(("actual", .string(actual))) }
        if let fix = result.fix { fields.append(("fix", .string(fix))) }
        if let line = result.line { fields.append(("line", .number(line))) }
        if let file = result.file { fields.append(("file", .string(file))) }
        if let principal = result.principal { fields.append(("principal", .string(principal))) }
        if let waiver = result.waiver {
            fields.append(("waiver", .object([
                ("until", .string(waiver.until.description)), ("reason", .string(waiver.reason)),
            ])))
        }
        return .object(fields)
    }
}

/// A JSON value whose objects keep their keys in the order given.
indirect enum JSONValue {
    case string(String)
    case number(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])

    func rendered(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .string(let text): return Self.quote(text)
        case .number(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .array(let elements):
            if elements.isEmpty { return "[]" }
            return "[\n" + elements.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.map { inner + Self.quote($0.0) + ": " + $0.1.rendered(indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
