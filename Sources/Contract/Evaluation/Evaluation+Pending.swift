/// Entry kinds whose host checks are not built yet: listed as skipped, so a report shows them.
extension Evaluation {
    func pendingResults() -> [CheckResult] {
        var results: [CheckResult] = []
        func pending(_ context: EntryContext, subject: String, check: String, key: String? = nil) {
            var recorder = Recorder(context: context, subject: subject, skipReason: skipReason(context))
            recorder.skip(check, key: key, "not checked yet")
            results += recorder.results
        }
        return results
    }
}
