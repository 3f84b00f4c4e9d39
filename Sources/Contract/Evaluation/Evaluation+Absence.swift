/// `absent = true` on `[[directory]]` and `[[file]]`: a path that must not exist (a data tree
/// left behind by a migration). Anything there counts, a symbolic link too, dangling or not
/// (lstat). hostcontract never deletes, so the fix is the operator's.
extension Evaluation {
    func checkAbsence(_ context: EntryContext, path template: Template) -> [CheckResult] {
        var (path, recorder) = start(context, path: template)
        let state = recorder.skipReason == nil ? host.inspect(path, followFinal: false) : .missing
        let found: String
        switch state {
        case .missing:
            recorder.pass("absent", key: "absent", "\(path) does not exist", expected: "absent", actual: "absent")
            return recorder.results
        case .unreadable(let reason):
            recorder.cannotEvaluate("absent", key: "absent", "\(path) cannot be inspected: \(reason)", expected: "absent")
            return recorder.results
        case .danglingLink: found = PathFacts.Kind.symbolicLink.rawValue
        case .present(let facts): found = facts.kind.rawValue
        }
        recorder.fail(
            "absent", key: "absent", "\(path) exists (a \(found)) and must not", expected: "absent", actual: found,
            fix: ShellWords.decision(
                "move \(host.operatorPath(path)) away, or remove it, once nothing needs what it holds (hostcontract never deletes)"))
        return recorder.results
    }
}
