/// At most ``perCheck`` failures of one check of one subject reach a report (21 are shown
/// whole); the rest become
/// one finding that counts them ("and 511,997 more"), as severe as the most severe of them, so
/// the verdict is the same and the report stays readable and small.
enum FindingLimit {
    static let perCheck = 20

    static func capped(_ results: [CheckResult]) -> [CheckResult] {
        struct Group: Hashable {
            var kind: EntryKind
            var subject: String
            var check: String
            var principal: String?
            var waiver: Waiver?

            init(_ result: CheckResult) {
                (kind, subject, check) = (result.kind, result.subject, result.check)
                (principal, waiver) = (result.principal, result.waiver)
            }
        }
        var failures: [Group: Int] = [:]
        for result in results where result.status == .fail {
            failures[Group(result), default: 0] += 1
        }
        // A group one over the limit is shown whole: "and 1 more" would take the place of one.
        guard failures.values.contains(where: { $0 > perCheck + 1 }) else { return results }
        var shown: [Group: Int] = [:]
        var omitted: [Group: (count: Int, severity: Severity, line: Int?, position: Int)] = [:]
        var kept: [CheckResult] = []
        for result in results {
            guard result.status == .fail else { kept.append(result); continue }
            let group = Group(result)
            let count = shown[group, default: 0]
            if count < perCheck || failures[group, default: 0] <= perCheck + 1 {
                shown[group] = count + 1
                kept.append(result)
            } else if var entry = omitted[group] {
                entry.count += 1
                if result.severity == .error { entry.severity = .error }
                omitted[group] = entry
            } else {
                omitted[group] = (1, result.severity, result.line, kept.count)
            }
        }
        // Each count goes where its first omitted finding would have been.
        for (group, entry) in omitted.sorted(by: { $0.value.position > $1.value.position }) {
            kept.insert(CheckResult(
                kind: group.kind, subject: group.subject, check: group.check, status: .fail, severity: entry.severity,
                message: "and \(grouped(entry.count)) more \(group.check) findings for \(group.subject) (only the first \(perCheck) are listed)",
                actual: "\(grouped(entry.count)) more", line: entry.line, principal: group.principal, waiver: group.waiver),
                at: entry.position)
        }
        return kept
    }

    /// 511997 -> "511,997".
    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
