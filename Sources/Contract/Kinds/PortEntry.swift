/// `[[port]]`: a socket the running host listens on (or must not), read from the kernel's
/// tables: on which address, by which user and which program, and whether on that address only
/// (a backend on 0.0.0.0 when the contract says 127.0.0.1 is reachable past the proxy's
/// authentication).
public struct PortEntry: Sendable, Hashable {
    public var context: EntryContext
    public var listen: NetworkEndpoint
    public var transport: NetworkEndpoint.Transport
    /// false: nothing listens on the port, on any address.
    public var listening: Bool
    public var user: String?
    /// The program: the executable's file name, or the kernel's `comm`.
    public var process: String?
    /// Listening on this address and no other for the port.
    public var only: Bool
}

extension PortEntry {
    static let keys = ["listen", "protocol", "listening", "user", "process", "only"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> PortEntry? {
        let context = r.context(kind: .port, ordinal: ordinal)
        let text = r.nonEmptyString("listen", required: true)
        let endpoint = text.flatMap(NetworkEndpoint.init)
        if let text, endpoint == nil {
            r.error("listen", "'\(text)' is not ADDRESS:PORT (e.g. '127.0.0.1:5000', '[::1]:8000', '*:5000' for any address)")
        }
        let transport = r.choice("protocol", as: NetworkEndpoint.Transport.self) ?? .tcp
        let listening = r.bool("listening") ?? true
        let user = r.nonEmptyString("user")
        if let user, !TableReader.isPrincipalName(user) { r.error("user", "'\(user)' is not a valid user name") }
        let process = r.nonEmptyString("process")
        let only = r.bool("only") ?? false
        if !listening, user != nil || process != nil || only {
            r.error("listening", "a port that must not be listened on has no user, process or only to check")
        }
        if only, endpoint?.address == nil {
            r.error("only", "only needs an address: '*' already means every address")
        }
        r.finish(allowed: keys + ContractLoader.entryKeys)
        guard let endpoint else { return nil }
        return PortEntry(context: context, listen: endpoint, transport: transport, listening: listening, user: user, process: process, only: only)
    }
}

extension Evaluation {
    func evaluate(_ entry: PortEntry) -> [CheckResult] {
        let subject = "\(entry.transport.rawValue) \(entry.listen)"
        var recorder = Recorder(context: entry.context, subject: subject, skipReason: skipReason(entry.context))
        let checks = ["listening"] + (entry.only ? ["only"] : []) + (entry.user == nil ? [] : ["user"]) + (entry.process == nil ? [] : ["process"])
        let observation: SocketObservation
        switch host.listeningSockets() {
        case .success(let found): observation = found
        case .failure(let reason):
            for check in checks {
                recorder.skip(check, key: check == "listening" ? "listen" : check, reason.description)
            }
            return recorder.results
        }
        let onPort = observation.sockets.filter { $0.transport == entry.transport && $0.endpoint.port == entry.listen.port }
        func describe(_ socket: ListeningSocket) -> String {
            let owner = host.user(id: socket.userID)?.name ?? "uid \(socket.userID)"
            let holders = socket.holders.map(\.description).joined(separator: ", ")
            return "\(socket.endpoint) (user \(owner)\(holders.isEmpty ? "" : ", " + holders))"
        }

        guard entry.listening else {
            recorder.verify(
                "listening", key: "listening", onPort.isEmpty,
                pass: "nothing listens on \(entry.transport.rawValue) port \(entry.listen.port)",
                fail: "\(entry.transport.rawValue) port \(entry.listen.port) is listened on: " + onPort.map(describe).joined(separator: "; "),
                expected: "not listening", actual: onPort.map { $0.endpoint.description }.joined(separator: ", "),
                fix: ShellWords.decision("stop what listens on port \(entry.listen.port), or change the contract"))
            return recorder.results
        }
        let accepting = onPort.filter { $0.endpoint.accepts(entry.listen) }
        recorder.verify(
            "listening", key: "listen", !accepting.isEmpty,
            pass: "listening on " + accepting.map(describe).joined(separator: "; "),
            fail: onPort.isEmpty ? "nothing listens on \(entry.transport.rawValue) port \(entry.listen.port)"
                : "port \(entry.listen.port) is listened on, but not on \(entry.listen): " + onPort.map(describe).joined(separator: "; "),
            expected: entry.listen.description, actual: onPort.isEmpty ? "not listening" : onPort.map { $0.endpoint.description }.joined(separator: ", "),
            fix: ShellWords.decision("start the service that listens on \(entry.listen), or bind it there"))
        guard !accepting.isEmpty else {
            for check in checks.dropFirst() { recorder.skip(check, key: check, "nothing listens on \(entry.listen)") }
            return recorder.results
        }
        if entry.only {
            let others = onPort.filter { $0.endpoint.address != entry.listen.address }
            let wide = others.contains { $0.endpoint.isWildcard }
            recorder.verify(
                "only", key: "only", others.isEmpty,
                pass: "port \(entry.listen.port) is listened on at \(entry.listen) only",
                fail: "port \(entry.listen.port) is also listened on at " + others.map(describe).joined(separator: "; ")
                    + (wide ? ": every address of the host, reachable past any proxy in front of it" : ""),
                expected: "\(entry.listen) only", actual: onPort.map { $0.endpoint.description }.joined(separator: ", "),
                fix: ShellWords.decision("bind the service to \(entry.listen) instead of \(others.map { $0.endpoint.description }.joined(separator: ", ")) (its unit's ExecStart= or its configuration)"))
        }
        if let user = entry.user {
            let owners = Set(accepting.map(\.userID))
            let wanted = host.user(named: user)?.id
            let names = owners.sorted().map { host.user(id: $0)?.name ?? "uid \($0)" }
            recorder.verify(
                "user", key: "user", wanted != nil && owners == [wanted!],
                pass: "the socket on \(entry.listen) belongs to \(user)",
                fail: wanted == nil ? "user \(user) does not exist in \(host.accountOrigin); the socket belongs to \(names.joined(separator: ", "))"
                    : "the socket on \(entry.listen) belongs to \(names.joined(separator: ", ")), not \(user)",
                expected: user, actual: names.joined(separator: ", "),
                fix: ShellWords.decision("run the service listening on \(entry.listen) as \(user) (User= of its unit)"))
        }
        if let process = entry.process {
            let holders = accepting.flatMap(\.holders)
            let names = holders.flatMap { [$0.command] + ($0.executable.map { [String($0.split(separator: "/").last ?? "")] } ?? []) }
            if holders.isEmpty {
                // A socket is always held by a process: none seen means it is not visible here
                // (descriptors not readable to this user, or another PID namespace).
                recorder.cannotEvaluate("process", key: "process",
                                        "which process holds \(entry.listen) cannot be seen here"
                                            + (observation.holdersComplete ? " (it is in another PID namespace)" : ": the processes' descriptors are not readable to this user"),
                                        expected: process)
            } else {
                recorder.verify(
                    "process", key: "process", names.contains(process),
                    pass: "\(entry.listen) is held by " + holders.map(\.description).joined(separator: ", "),
                    fail: "\(entry.listen) is held by " + (holders.isEmpty ? "no process" : holders.map(\.description).joined(separator: ", ")) + ", not \(process)",
                    expected: process, actual: holders.map(\.description).joined(separator: ", "),
                    fix: ShellWords.decision("stop what holds \(entry.listen) and start \(process) there"))
            }
        }
        return recorder.results
    }
}
