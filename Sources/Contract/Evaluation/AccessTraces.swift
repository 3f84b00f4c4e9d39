/// The host's ``AccessTrace`` of each path, asked once per evaluation: several `[[access]]`
/// entries, and nginx's worker check, trace the same path (a key for two principals, a data
/// directory that is also a served root), and one evaluation judges one state of the host.
final class AccessTraces {
    private var traces: [String: AccessTrace] = [:]

    /// The trace of `path`, from `host` the first time it is asked for.
    func trace(_ path: String, on host: any FileObserver) -> AccessTrace {
        if let known = traces[path] { return known }
        let trace = host.trace(path)
        traces[path] = trace
        return trace
    }
}
