/// `max_age` on `[[file]]` and `[[directory]]`: the path's modification time is no older than
/// the limit ("the nightly backup actually ran"), judged by the host's clock. A directory's own
/// time changes when an entry is added, removed or renamed in it.
extension Evaluation {
    func checkAge(_ recorder: inout Recorder, _ limit: AgeLimit?, facts: PathFacts?, path: String) {
        guard let limit else { return }
        let expected = "modified within \(limit)"
        guard let facts else {
            recorder.skip("max_age", key: "max_age", "\(path) does not exist", expected: expected)
            return
        }
        let age = host.currentTime - facts.modified
        let when = Self.dateTime(facts.modified)
        if age < 0 {
            recorder.pass("max_age", key: "max_age", "\(path) was modified at \(when), after this host's clock (\(Self.dateTime(host.currentTime)))",
                          expected: expected, actual: "modified at \(when)")
            return
        }
        recorder.verify(
            "max_age", key: "max_age", age <= limit.seconds,
            pass: "\(path) was modified \(AgeLimit.describe(age)) ago (\(when)), within \(limit)",
            fail: "\(path) was last modified \(AgeLimit.describe(age)) ago (\(when)), longer ago than max_age \(limit)",
            expected: expected, actual: "modified \(AgeLimit.describe(age)) ago",
            fix: ShellWords.decision(
                "find out why nothing has written \(host.operatorPath(path)) since \(when): the job that writes it (its timer or cron entry) has not run, or has failed"))
    }

    /// "2026-11-27 03:15 UTC" from seconds since the epoch.
    static func dateTime(_ seconds: Int64) -> String {
        let time = ((seconds % 86400) + 86400) % 86400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date(seconds)) \(two(time / 3600)):\(two(time / 60 % 60)) UTC"
    }
}
