/// `[[connect]]`: a peer this host must reach (or must not) over TCP within a time: the DICOM
/// host's AEs and SQL server, an upstream the backend needs. Why it failed is said exactly:
/// refused (the host answered, nothing listens), timed out (filtered, or down), no route,
/// name not resolved.
public struct ConnectEntry: Sendable, Hashable {
    public var context: EntryContext
    /// `HOST:PORT`; HOST a name, an IPv4 address or an IPv6 address in brackets; may use `${VAR}`.
    public var address: Template
    public var timeoutMilliseconds: Int
    /// false: the connection must not succeed (a port that must stay closed to this host).
    public var reachable: Bool
}

extension ConnectEntry {
    static let keys = ["address", "timeout", "reachable"]
    static let defaultTimeout = 5000
    static let maximumTimeout = 120_000

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> ConnectEntry? {
        let context = r.context(kind: .connect, ordinal: ordinal)
        let address = r.template("address", required: true)
        if let address, address.variables.isEmpty, split(address.source) == nil {
            r.error("address", "'\(address.source)' is not HOST:PORT (e.g. 'db.example.org:5432', '[2001:db8::1]:104')")
        }
        var timeout = defaultTimeout
        if let text = r.nonEmptyString("timeout") {
            if let milliseconds = milliseconds(text), milliseconds > 0, milliseconds <= maximumTimeout {
                timeout = milliseconds
            } else {
                r.error("timeout", "'\(text)' is not a time between 1ms and 120s (e.g. \"3s\", \"500ms\")")
            }
        }
        let entry = ConnectEntry(context: context, address: address ?? Template(literal: ""), timeoutMilliseconds: timeout,
                                 reachable: r.bool("reachable") ?? true)
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return address == nil ? nil : entry
    }

    /// `host:port`, `[v6]:port`: the host without brackets and the port.
    static func split(_ text: String) -> (host: String, port: UInt16)? {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }), port.allSatisfy(\.isASCII),
            let number = UInt16(port), number != 0 else { return nil }
        return (String(host), number)
    }

    /// "3s", "500ms", "2" (seconds).
    static func milliseconds(_ text: String) -> Int? {
        if text.hasSuffix("ms") { return Int(text.dropLast(2)) }
        if text.hasSuffix("s") { return Int(text.dropLast()).map { $0 * 1000 } }
        return Int(text).map { $0 * 1000 }
    }
}

extension Evaluation {
    func evaluate(_ entry: ConnectEntry) -> [CheckResult] {
        var (subject, unresolved) = (entry.address.source, String?.none)
        switch environment.resolve(entry.address) {
        case .success(let text): subject = text
        case .failure(let missing): unresolved = "address depends on ${\(missing.variable)}, \(missing.reason)"
        }
        var recorder = Recorder(context: entry.context, subject: subject, skipReason: skipReason(entry.context) ?? unresolved)
        guard recorder.skipReason == nil else {
            recorder.skip("reachable", key: "address", "")
            return recorder.results
        }
        guard let (host, port) = ConnectEntry.split(subject) else {
            recorder.fail("reachable", key: "address", "\(subject) is not HOST:PORT", expected: "HOST:PORT", actual: subject,
                          fix: ShellWords.decision("set the variable the address is made of to HOST:PORT"))
            return recorder.results
        }
        let outcome: ConnectionOutcome
        switch host.isEmpty ? .failure(ObservationError("no host")) : self.host.connect(host: host, port: port, timeoutMilliseconds: entry.timeoutMilliseconds) {
        case .success(let found): outcome = found
        case .failure(let reason):
            recorder.skip("reachable", key: "address", reason.description)
            return recorder.results
        }
        let seconds = entry.timeoutMilliseconds % 1000 == 0 ? "\(entry.timeoutMilliseconds / 1000) s" : "\(entry.timeoutMilliseconds) ms"
        let said: String, actual: String, connected: Bool
        switch outcome {
        case .connected(let address): (said, actual, connected) = ("connected to \(address)", "connected", true)
        case .refused(let address): (said, actual, connected) = ("refused by \(address): the host answers, nothing listens on port \(port)", "refused", false)
        case .timedOut: (said, actual, connected) = ("no answer within \(seconds): a firewall drops it, or the host is down", "timed out", false)
        case .unreachable(let reason): (said, actual, connected) = ("no route: \(reason)", "unreachable", false)
        case .unresolved(let reason): (said, actual, connected) = ("the name \(host) does not resolve: \(reason)", "not resolved", false)
        case .failed(let reason): (said, actual, connected) = ("cannot connect: \(reason)", "failed", false)
        }
        recorder.verify(
            "reachable", key: "address", connected == entry.reachable,
            pass: "\(subject): \(said)", fail: "\(subject): \(said)" + (entry.reachable ? "" : ", and the contract says it must not be reachable from here"),
            expected: entry.reachable ? "connected" : "not reachable", actual: actual,
            fix: ShellWords.decision(entry.reachable
                ? "make \(subject) reachable from this host (the peer's service, its firewall, the route, the name)"
                : "close \(subject) to this host (the peer's firewall), or change the contract"))
        return recorder.results
    }
}
