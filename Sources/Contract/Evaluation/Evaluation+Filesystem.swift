/// `[[directory]]`, `[[file]]` and `[[key]]`.
extension Evaluation {
    func evaluate(_ entry: DirectoryEntry) -> [CheckResult] {
        let (base, unresolved) = resolvePath(entry.path)
        let reason = skipReason(entry.context) ?? unresolved.map { "path " + $0 }
        var results: [CheckResult] = []
        for path in [base] + entry.subdirs.map({ normalise(base + "/" + $0) }) {
            var recorder = Recorder(context: entry.context, subject: path, skipReason: reason)
            let state = reason == nil ? inspect(path) : .missing
            var facts: PathFacts? = nil
            switch state {
            case .present(let found) where found.kind == .directory:
                facts = found
                recorder.pass("exists", key: "path", "\(path) is a directory", expected: "directory", actual: "directory")
            case .present(let found):
                recorder.fail(
                    "exists", key: "path", "\(path) is a \(found.kind.rawValue), not a directory",
                    expected: "directory", actual: found.kind.rawValue,
                    fix: ShellWords.decision("move the \(found.kind.rawValue) at \(host.operatorPath(path)) aside, then run hostcontract provision"))
            default:
                recorder.fail(
                    "exists", key: "path", describe(state, path: path), state: state, expected: "directory", actual: actual(state),
                    fix: entry.create
                        ? creationCommand(path, entry)
                        : ShellWords.decision("mount or create \(host.operatorPath(path)) (create = false: provisioning does not create it)"))
            }
            checkOwnership(&recorder, facts: facts, path: path, owner: entry.owner, group: entry.group, mode: entry.effectiveMode)
            checkAccessControlList(&recorder, entry.acl, path: path, present: facts != nil)
            results += recorder.results
        }
        return results
    }

    /// `install -d` with the contract's mode, owner and group: under --root the image's ids (with
    /// the names as a comment), as every other fix, since install looks names up on this machine.
    /// An owner or group no account database knows is the operator's to create first.
    func creationCommand(_ path: String, _ entry: DirectoryEntry) -> String {
        var words = ["install", "-d"]
        var accounts: [Account] = []
        if let mode = entry.mode { words += ["-m", mode.description] }
        for (template, isGroup) in [(entry.owner, false), (entry.group, true)] {
            guard let template else { continue }
            switch account(template, isGroup: isGroup) {
            case .found(let found):
                words += [isGroup ? "-g" : "-o", argument(found)]
                accounts.append(found)
            case .unknown(let name): return unknownAccountFix(name, isGroup: isGroup)
            case .unresolved: continue
            }
        }
        words.append(host.operatorPath(path))
        let names = host.rootDirectory == nil ? [] : [accounts.map(\.name).joined(separator: ":")].filter { !$0.isEmpty }
        return ShellWords.sequence([words.map(ShellWords.quote).joined(separator: " ")], names: names)
    }

    func evaluate(_ entry: FileEntry) -> [CheckResult] {
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

    func evaluate(_ entry: KeyEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        // A key must be a regular file itself: a final symbolic link is not followed, unless
        // `follow` says the path is a link (certbot's live/ into archive/) and every link on
        // the way is root's, so only root can point it elsewhere.
        let state = recorder.skipReason == nil ? inspect(path, followFinal: entry.follow) : .missing
        if entry.follow, recorder.skipReason == nil {
            let links = host.linksFollowed(to: path)
            let foreign = links.filter { $0.facts.userID != 0 }
            recorder.verify(
                "links", key: "follow", foreign.isEmpty,
                pass: links.isEmpty ? "no symbolic link on the way" : "every symbolic link on the way is owned by root",
                fail: foreign.map { "\($0.path) is a symbolic link owned by \(userName($0.facts.userID)), who can point the key elsewhere" }
                    .joined(separator: "; "),
                expected: "links owned by root", actual: foreign.map(\.path).joined(separator: ", "),
                fix: foreign.map { ShellWords.command("chown", "-h", "root:root", host.operatorPath($0.path)) }.joined(separator: " && "))
        }
        var facts: PathFacts? = nil
        switch state {
        case .present(let found) where found.kind == .regular:
            facts = found
            recorder.pass("exists", key: "path", "\(path) is a regular file", expected: "regular file", actual: "regular file")
        case .present(let found):
            recorder.fail(
                "exists", key: "path",
                "\(path) is a \(found.kind.rawValue); a key must be a regular file, not a \(found.kind.rawValue)",
                expected: "regular file", actual: found.kind.rawValue,
                fix: ShellWords.decision("replace \(host.operatorPath(path)) with the key file itself"))
        default:
            recorder.fail(
                "exists", key: "path", describe(state, path: path), state: state, expected: "regular file", actual: actual(state),
                fix: ShellWords.decision("install the key at \(host.operatorPath(path))"))
        }
        checkOwnership(&recorder, facts: facts, path: path, owner: entry.owner, group: entry.group, mode: entry.mode)
        if let facts {
            let other = FileMode(rawValue: facts.mode.rawValue & 0o007)
            recorder.verify(
                "other", facts.mode.rawValue & 0o004 == 0,
                pass: "not readable by other", fail: "readable by other (mode \(facts.mode)); a key never is",
                expected: "no read for other", actual: "other has \(AccessRights(rawValue: UInt8(other.rawValue)))",
                fix: ShellWords.command("chmod", "o-rwx", host.operatorPath(path)))
        } else {
            recorder.skip("other", "\(path) is not a regular file")
        }
        if let minBytes = entry.minBytes {
            // Never the size itself: for a raw key that is the secret's length.
            if let facts {
                recorder.verify(
                    "min_bytes", key: "min_bytes", facts.size >= Int64(minBytes),
                    pass: "holds at least \(minBytes) bytes", fail: "holds fewer than \(minBytes) bytes",
                    expected: "at least \(minBytes) bytes", actual: facts.size >= Int64(minBytes) ? "enough" : "fewer",
                    fix: ShellWords.decision("replace \(host.operatorPath(path)) with a key of at least \(minBytes) bytes"))
            } else {
                recorder.skip("min_bytes", key: "min_bytes", "\(path) is not a regular file")
            }
        }
        checkFormat(&recorder, entry, path: path, readable: facts != nil)
        return recorder.results
    }
}
