import Contract

/// The structured journal entry for one failed check, or one that could not be evaluated: MESSAGE
/// and PRIORITY, and fields naming the contract, the entry kind, the subject, the check and its
/// status (`fail`, `error`), so `journalctl
/// HOSTCONTRACT_CONTRACT=lx-annotate` finds them. Built only from a result, which never holds a
/// secret.
public enum JournalEntry {
    public static func fields(for result: CheckResult, contract: String) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("MESSAGE", "contract \(contract): \(result.subject): \(result.check): \(result.message)"),
            ("PRIORITY", result.severity == .error ? "3" : "4"),
            ("SYSLOG_IDENTIFIER", "hostcontract"),
            ("HOSTCONTRACT_CONTRACT", contract),
            ("HOSTCONTRACT_KIND", result.kind.rawValue),
            ("HOSTCONTRACT_SUBJECT", result.subject),
            ("HOSTCONTRACT_CHECK", result.check),
            ("HOSTCONTRACT_STATUS", result.status.rawValue),
        ]
        if let line = result.line { fields.append(("HOSTCONTRACT_LINE", String(line))) }
        if let fix = result.fix { fields.append(("HOSTCONTRACT_FIX", fix)) }
        return fields
    }

    /// The entry for a contract that cannot be loaded.
    public static func fields(for diagnostic: Diagnostic, contract: String) -> [(String, String)] {
        [
            ("MESSAGE", diagnostic.description), ("PRIORITY", "3"), ("SYSLOG_IDENTIFIER", "hostcontract"),
            ("HOSTCONTRACT_CONTRACT", contract), ("HOSTCONTRACT_CHECK", "lint"),
        ]
    }

    /// The entry for a contract refused because others than root can edit it.
    public static func fields(untrustedContract contract: String, verdict: String) -> [(String, String)] {
        [
            ("MESSAGE", verdict), ("PRIORITY", "3"), ("SYSLOG_IDENTIFIER", "hostcontract"),
            ("HOSTCONTRACT_CONTRACT", contract), ("HOSTCONTRACT_CHECK", "trust"),
        ]
    }
}
