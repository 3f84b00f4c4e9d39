/// Entry kinds whose host checks are not built yet: listed as skipped, so a report shows them.
extension Evaluation {
    func pendingResults() -> [CheckResult] {
        var results: [CheckResult] = []
        func pending(_ context: EntryContext, subject: String, check: String, key: String? = nil) {
            var recorder = Recorder(context: context, subject: subject, skipReason: skipReason(context))
            recorder.skip(check, key: key, "not checked yet")
            results += recorder.results
        }
        if includes(.nginx), let nginx = contract.nginx {
            for location in nginx.locations {
                pending(location.context, subject: location.path, check: "location", key: "path")
            }
            for server in nginx.servers {
                pending(server.context, subject: nginx.serverName ?? "server", check: "server", key: "directives")
            }
        }
        if includes(.encrypted) {
            for entry in contract.encrypted {
                pending(entry.context, subject: resolvePath(entry.path).path, check: "encrypted", key: "type")
            }
        }
        if includes(.certificate) {
            for entry in contract.certificates {
                pending(entry.context, subject: resolvePath(entry.path).path, check: "certificate", key: "path")
            }
        }
        return results
    }
}
