/// `[[file]]`: a regular file with this owner, group and mode, and lines it must or must not have.
public struct FileEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var mode: FileMode?
    /// False: only checked where present.
    public var required: Bool
    /// Regular expressions no line may match.
    public var forbid: [Pattern]
    /// Regular expressions some line must match.
    public var require: [Pattern]
    /// Nothing may be at the path (`absent = true`); the entry has no other rule.
    public var absent: Bool = false
    /// How long ago it may last have been modified.
    public var maxAge: AgeLimit? = nil
}

extension FileEntry {
    static let keys = ["path", "owner", "group", "mode", "required", "forbid", "require", "absent", "max_age"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> FileEntry? {
        let context = r.context(kind: .file, ordinal: ordinal)
        let path = r.path()
        let absent = r.absence(excluding: keys.filter { $0 != "path" && $0 != "absent" })
        let entry = FileEntry(
            context: context, path: path ?? Template(literal: "/"),
            owner: r.principal("owner"), group: r.principal("group"), mode: r.mode("mode"),
            required: r.bool("required") ?? true,
            forbid: r.regularExpressions("forbid", compiledBy: patterns),
            require: r.regularExpressions("require", compiledBy: patterns), absent: absent, maxAge: r.ageLimit("max_age"))
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return path == nil ? nil : entry
    }
}

extension Evaluation {
    func evaluate(_ entry: FileEntry) -> [CheckResult] {
        if entry.absent { return checkAbsence(entry.context, path: entry.path) }
        var (path, recorder) = start(entry.context, path: entry.path)
        let state = recorder.skipReason == nil ? inspect(path) : .missing
        var facts: PathFacts? = nil
        switch state {
        case .present(let found) where found.kind == .regular:
            facts = found
            recorder.pass("exists", key: "path", "\(path) is a regular file", expected: "regular file", actual: "regular file")
        case .present(let found):
            recorder.fail(
                "exists", key: "path", "\(path) is a \(found.kind.rawValue), not a regular file",
                expected: "regular file", actual: found.kind.rawValue)
        case .missing where !entry.required && recorder.skipReason == nil:
            recorder = Recorder(context: entry.context, subject: path, skipReason: "\(path) is not present (required = false)")
            recorder.skip("exists", key: "path", "not present")
        default:
            recorder.fail(
                "exists", key: "path", describe(state, path: path), state: state, expected: "regular file", actual: actual(state),
                fix: ShellWords.decision("create \(host.operatorPath(path))"))
        }
        checkOwnership(&recorder, facts: facts, path: path, owner: entry.owner, group: entry.group, mode: entry.mode)
        checkAge(&recorder, entry.maxAge, facts: facts, path: path)
        checkLines(&recorder, entry, path: path, readable: facts != nil)
        return recorder.results
    }

    /// `forbid` and `require`: reports line numbers and patterns, never a line's content (an
    /// environment file holds secrets). Where the engine gives up on a line (its work limit),
    /// the check fails at that line and reads no further: the pattern needs simplifying.
    func checkLines(_ recorder: inout Recorder, _ entry: FileEntry, path: String, readable: Bool) {
        guard !entry.forbid.isEmpty || !entry.require.isEmpty else { return }
        var lines: [Substring] = []
        let problem: String? = readable ? nil : "\(path) cannot be read as a regular file"
        if readable {
            switch host.lines(of: path) {
            case .success(let found): lines = found
            case .failure(let error):
                // The file is there but its lines cannot be read: no pattern can be decided.
                for (check, patterns) in [("forbid", entry.forbid), ("require", entry.require)] {
                    for pattern in patterns {
                        recorder.cannotEvaluate(check, key: check, "\(path) cannot be read: \(error)", expected: pattern.source)
                    }
                }
                return
            }
        }
        for pattern in entry.forbid {
            if let problem {
                recorder.skip("forbid", key: "forbid", problem, expected: pattern.source)
                continue
            }
            let (hits, gaveUp) = scan(lines, for: pattern, firstOnly: false)
            let shown = hits.prefix(5).map(String.init).joined(separator: ", ") + (hits.count > 5 ? ", ..." : "")
            let found = "\(hits.count == 1 ? "line" : "lines") \(shown)"
            let matched = "\(found) \(hits.count == 1 ? "matches" : "match") forbidden pattern '\(pattern)'"
            if let (line, limit) = gaveUp {
                recorder.fail(
                    "forbid", key: "forbid", (hits.isEmpty ? "" : matched + "; ") + "line \(line): " + pattern.tooMuchWork(limit: limit),
                    expected: "no line matching '\(pattern)'", actual: (hits.isEmpty ? "" : found + "; ") + "line \(line) undecided",
                    fix: ShellWords.decision("simplify the pattern '\(pattern)' in the contract"))
                continue
            }
            recorder.verify(
                "forbid", key: "forbid", hits.isEmpty,
                pass: "no line matches '\(pattern)'", fail: matched,
                expected: "no line matching '\(pattern)'", actual: found,
                fix: ShellWords.decision("edit \(host.operatorPath(path)) at \(found)"))
        }
        for pattern in entry.require {
            if let problem {
                recorder.skip("require", key: "require", problem, expected: pattern.source)
                continue
            }
            let (hits, gaveUp) = scan(lines, for: pattern, firstOnly: true)
            if let (line, limit) = gaveUp {
                recorder.fail(
                    "require", key: "require", "line \(line): " + pattern.tooMuchWork(limit: limit),
                    expected: "a line matching '\(pattern)'", actual: "line \(line) undecided",
                    fix: ShellWords.decision("simplify the pattern '\(pattern)' in the contract"))
                continue
            }
            recorder.verify(
                "require", key: "require", !hits.isEmpty,
                pass: "line \(hits.first ?? 0) matches '\(pattern)'", fail: "no line matches required pattern '\(pattern)'",
                expected: "a line matching '\(pattern)'", actual: hits.first.map { "line \($0)" } ?? "no such line",
                fix: ShellWords.decision("add a line matching '\(pattern)' to \(host.operatorPath(path))"))
        }
    }

    /// The numbers (from 1) of the lines `pattern` finds, only the first with `firstOnly`; the
    /// scan ends at the first line where the engine gave up, returned with the limit it met.
    private func scan(
        _ lines: [Substring], for pattern: Pattern, firstOnly: Bool
    ) -> (hits: [Int], gaveUp: (line: Int, limit: String)?) {
        var hits: [Int] = []
        for (index, line) in lines.enumerated() {
            switch pattern.compiled.search(line) {
            case .match:
                hits.append(index + 1)
                if firstOnly { return (hits, nil) }
            case .noMatch: continue
            case .gaveUp(let limit): return (hits, (index + 1, limit))
            }
        }
        return (hits, nil)
    }
}
