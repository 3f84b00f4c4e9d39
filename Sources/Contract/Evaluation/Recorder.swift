/// Collects the results of one entry for one subject. When the entry does not apply (its
/// `when` is unmet, its path depends on an unset variable) every record becomes a skip with
/// that reason, so the report still lists each check the entry has.
struct Recorder {
    let context: EntryContext
    var subject: String
    let skipReason: String?
    /// The user an `[[access]]` entry is about, carried by each of its results.
    var principal: String?
    private(set) var results: [CheckResult] = []

    init(context: EntryContext, subject: String, skipReason: String?) {
        self.context = context
        self.subject = subject
        self.skipReason = skipReason
    }

    private mutating func record(
        _ check: String, _ status: CheckResult.Status, key: String?, message: String,
        expected: String?, actual: String?, fix: String?
    ) {
        var status = status
        var message = message
        var fix = fix
        if let skipReason {
            status = .skip
            message = skipReason
            fix = nil
        } else if status == .fail, let reason = context.message {
            message += ": " + reason
        }
        results.append(CheckResult(
            kind: context.kind, subject: subject, check: check, status: status, severity: context.severity,
            message: message, expected: expected, actual: skipReason == nil ? actual : nil, fix: fix,
            line: key.map(context.line(of:)) ?? context.line, principal: principal, waiver: context.waiver))
        results[results.count - 1].file = context.file
    }

    mutating func pass(_ check: String, key: String? = nil, _ message: String, expected: String? = nil, actual: String? = nil) {
        record(check, .pass, key: key, message: message, expected: expected, actual: actual, fix: nil)
    }

    mutating func fail(
        _ check: String, key: String? = nil, _ message: String, expected: String? = nil, actual: String? = nil,
        fix: String? = nil
    ) {
        record(check, .fail, key: key, message: message, expected: expected, actual: actual, fix: fix)
    }

    /// A failure of a check on the path in `state`, unless the path could not be inspected at all
    /// (permission denied, an I/O error): then the check could not be evaluated, and has no fix.
    mutating func fail(
        _ check: String, key: String? = nil, _ message: String, state: PathState, expected: String? = nil,
        actual: String? = nil, fix: String? = nil
    ) {
        let unreadable = if case .unreadable = state { true } else { false }
        record(check, unreadable ? .error : .fail, key: key, message: message, expected: expected, actual: actual,
               fix: unreadable ? nil : fix)
    }

    /// The check could not be evaluated: `message` says what could not be read and why.
    mutating func cannotEvaluate(
        _ check: String, key: String? = nil, _ message: String, expected: String? = nil, actual: String? = nil,
        fix: String? = nil
    ) {
        record(check, .error, key: key, message: message, expected: expected, actual: actual, fix: fix)
    }

    mutating func skip(_ check: String, key: String? = nil, _ message: String, expected: String? = nil) {
        record(check, .skip, key: key, message: message, expected: expected, actual: nil, fix: nil)
    }

    /// Pass or fail on a condition; `otherwise: .error` where the condition not holding means
    /// the check could not be evaluated.
    mutating func verify(
        _ check: String, key: String? = nil, _ holds: Bool, pass: @autoclosure () -> String,
        fail: @autoclosure () -> String, expected: String? = nil, actual: String? = nil, fix: @autoclosure () -> String? = nil,
        otherwise: CheckResult.Status = .fail
    ) {
        if holds {
            self.pass(check, key: key, pass(), expected: expected, actual: actual)
        } else {
            record(check, otherwise, key: key, message: fail(), expected: expected, actual: actual, fix: fix())
        }
    }
}
