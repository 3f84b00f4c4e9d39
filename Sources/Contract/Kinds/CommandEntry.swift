/// `[[command]]`: a command that must succeed on the host (`nginx -t`, `pg_isready`), run without
/// a shell, as a named user, with a clean environment and a deadline; its exit status and lines
/// of its output checked. What it prints is never shown (it may print anything, a secret too):
/// findings say which rule failed. A contract with commands is code that runs as root, so as root
/// `check`, `provision` and `gate` refuse it when anyone but root can edit it.
public struct CommandEntry: Sendable, Hashable {
    public var context: EntryContext
    /// The program and its arguments; `${VAR}` allowed in each.
    public var run: [Template]
    public var user: String?
    public var timeoutMilliseconds: Int
    public var exitStatus: Int
    /// Patterns each of which must match a line of standard output (of standard error).
    public var standardOutput: [Pattern]
    public var standardError: [Pattern]
}

extension CommandEntry {
    static let keys = ["run", "user", "timeout", "exit_status", "stdout", "stderr"]
    static let maximumTimeout = 300_000

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> CommandEntry? {
        let context = r.context(kind: .command, ordinal: ordinal)
        let words = r.strings("run")
        if r.raw("run") == nil { r.error(nil, "a command needs 'run', the program and its arguments, e.g. run = [\"nginx\", \"-t\"]") }
        if let words, words.isEmpty || words[0].isEmpty { r.error("run", "name the program to run first") }
        let run = (words ?? []).compactMap { r.template("run", text: $0) }
        let user = r.nonEmptyString("user")
        if let user, !TableReader.isPrincipalName(user) { r.error("user", "'\(user)' is not a valid user name") }
        var timeout = 10_000
        if let text = r.nonEmptyString("timeout") {
            if let value = ConnectEntry.milliseconds(text), value > 0, value <= maximumTimeout {
                timeout = value
            } else {
                r.error("timeout", "'\(text)' is not a time between 1ms and 300s (e.g. \"10s\")")
            }
        }
        let status = r.integer("exit_status", minimum: 0) ?? 0
        if status > 255 { r.error("exit_status", "an exit status is 0 to 255") }
        let entry = CommandEntry(
            context: context, run: run, user: user, timeoutMilliseconds: timeout, exitStatus: status,
            standardOutput: r.regularExpressions("stdout", compiledBy: patterns),
            standardError: r.regularExpressions("stderr", compiledBy: patterns))
        r.finish(allowed: keys + ContractLoader.entryKeys)
        guard let words, !words.isEmpty, !words[0].isEmpty else { return nil }
        return entry
    }
}

extension Evaluation {
    func evaluate(_ entry: CommandEntry) -> [CheckResult] {
        let shown = entry.run.map(\.source).joined(separator: " ")
        var arguments: [String] = []
        var unresolved: String? = nil
        for template in entry.run {
            switch environment.resolve(template) {
            case .success(let text): arguments.append(text)
            case .failure(let missing): unresolved = unresolved ?? "run depends on ${\(missing.variable)}, \(missing.reason)"
            }
        }
        var recorder = Recorder(context: entry.context, subject: shown, skipReason: skipReason(entry.context) ?? unresolved)
        let checks = ["exit_status"] + (entry.standardOutput.isEmpty ? [] : ["stdout"]) + (entry.standardError.isEmpty ? [] : ["stderr"])
        guard recorder.skipReason == nil else {
            for check in checks { recorder.skip(check, key: check == "exit_status" ? "run" : check, "") }
            return recorder.results
        }
        let outcome: CommandOutcome
        switch host.run(arguments, user: entry.user, timeoutMilliseconds: entry.timeoutMilliseconds) {
        case .success(let found): outcome = found
        case .failure(let reason):
            for check in checks { recorder.skip(check, key: check == "exit_status" ? "run" : check, reason.description) }
            return recorder.results
        }
        let who = entry.user.map { " as \($0)" } ?? ""
        let ended: String, finished: Bool
        switch outcome.ending {
        case .exited(let status): (ended, finished) = ("exited with \(status)", true)
        case .signalled(let signal): (ended, finished) = ("was killed by signal \(signal)", false)
        case .timedOut: (ended, finished) = ("did not finish within \(entry.timeoutMilliseconds) ms and was killed", false)
        case .notStarted(let reason): (ended, finished) = ("could not be started: \(reason)", false)
        }
        let status: Int32? = if case .exited(let value) = outcome.ending { value } else { nil }
        recorder.verify(
            "exit_status", key: "exit_status", status == Int32(entry.exitStatus),
            pass: "\(shown)\(who) exited with \(entry.exitStatus)", fail: "\(shown)\(who) \(ended)",
            expected: String(entry.exitStatus), actual: status.map(String.init) ?? ended,
            fix: ShellWords.decision("run \(shown)\(who) by hand and correct what it reports"))
        for (check, patterns, lines) in [("stdout", entry.standardOutput, outcome.standardOutput), ("stderr", entry.standardError, outcome.standardError)]
        where !patterns.isEmpty {
            guard finished else {
                recorder.skip(check, key: check, "\(shown) \(ended)")
                continue
            }
            var missing: [String] = []
            var gaveUp = false
            for pattern in patterns {
                var matched = false
                for line in lines {
                    switch pattern.compiled.search(line) {
                    case .match: matched = true
                    case .gaveUp: gaveUp = true
                    case .noMatch: break
                    }
                    if matched { break }
                }
                if !matched { missing.append(pattern.source) }
            }
            let cut = outcome.outputCut ? " (its output went over 1 MiB; only the first MiB was read)" : ""
            let message = missing.isEmpty ? "" : "no line of its \(check) matches " + missing.map { "'\($0)'" }.joined(separator: ", ")
            recorder.verify(
                check, key: check, missing.isEmpty,
                pass: "every pattern matches a line of the \(check) of \(shown)",
                fail: "\(shown)\(who): \(message)\(gaveUp ? " (a pattern needed more work than the limit allows)" : "")\(cut)",
                expected: patterns.map(\.source).joined(separator: "; "), actual: "\(lines.count) lines, not shown",
                fix: ShellWords.decision("run \(shown)\(who) by hand and compare its \(check) with the contract"))
        }
        return recorder.results
    }
}
