/// `[[connect]]`: a peer this host must reach (or must not) over TCP within a time: the DICOM
/// host's AEs and SQL server, an upstream the backend needs. Why it failed is said exactly:
/// refused (the host answered, nothing listens), timed out (filtered, or down), no route,
/// name not resolved. The peer is written in the contract (`address`), or is the host and
/// port a configuration file holds (`config` with `host_key` and `port_key` or `port`), so the
/// contract checks the peers the application will use.
public struct ConnectEntry: Sendable, Hashable {
    public enum Peer: Sendable, Hashable {
        /// `HOST:PORT`; HOST a name, an IPv4 address or an IPv6 address in brackets; may use `${VAR}`.
        case address(Template)
        /// The host and port at keys of a configuration file.
        case configured(ConfiguredAddress)
    }

    public var context: EntryContext
    public var peer: Peer
    public var timeoutMilliseconds: Int
    /// false: the connection must not succeed (a port that must stay closed to this host).
    public var reachable: Bool
}

extension ConnectEntry {
    static let keys = ["address", "config", "format", "host_key", "port_key", "port", "timeout", "reachable"]
    /// The keys that read the peer from a configuration file.
    static let configuredKeys = ["format", "host_key", "port_key", "port"]
    static let defaultTimeout = 5000
    static let maximumTimeout = 120_000

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> ConnectEntry? {
        let context = r.context(kind: .connect, ordinal: ordinal)
        let peer: Peer?
        switch (r.raw("address") != nil, r.raw("config") != nil) {
        case (true, true):
            r.error("config", "give the peer either as address = \"HOST:PORT\" or as config with host_key, not both")
            peer = nil
        case (false, true):
            peer = readConfigured(r).map(Peer.configured)
        case (true, false):
            for key in configuredKeys where r.raw(key) != nil {
                r.error(key, "'\(key)' reads the peer from a configuration file, named by config = \"/path/to/file\"; with address it has no use")
            }
            peer = readAddress(r).map(Peer.address)
        case (false, false):
            r.error(nil, "missing required key 'address' (or 'config' with 'host_key', to take the peer from a configuration file)")
            peer = nil
        }
        var timeout = defaultTimeout
        if let text = r.nonEmptyString("timeout") {
            if let milliseconds = milliseconds(text), milliseconds > 0, milliseconds <= maximumTimeout {
                timeout = milliseconds
            } else {
                r.error("timeout", "'\(text)' is not a time between 1ms and 120s (e.g. \"3s\", \"500ms\")")
            }
        }
        let reachable = r.bool("reachable") ?? true
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return peer.map { ConnectEntry(context: context, peer: $0, timeoutMilliseconds: timeout, reachable: reachable) }
    }

    private static func readAddress(_ r: TableReader) -> Template? {
        let address = r.template("address", required: true)
        if let address, address.variables.isEmpty, split(address.source) == nil {
            r.error("address", "'\(address.source)' is not HOST:PORT (e.g. 'db.example.org:5432', '[2001:db8::1]:104')")
        }
        return address
    }

    /// `config`, `format` (or the file name's extension), `host_key`, and `port_key` or `port`.
    private static func readConfigured(_ r: TableReader) -> ConfiguredAddress? {
        let file = r.path("config")
        let format = ConfigEntry.Format.read(r, of: file, pathKey: "config")
        let hostKey = ConfigEntry.keyPath(r, "host_key", required: true, allowEmpty: false, format: format)
        var port: ConfiguredAddress.Port?
        switch (r.raw("port_key") != nil, r.raw("port") != nil) {
        case (true, true):
            r.error("port", "give port_key (the port's key in the file) or port (a number, where the file holds none), not both")
        case (true, false):
            port = ConfigEntry.keyPath(r, "port_key", required: true, allowEmpty: false, format: format).map(ConfiguredAddress.Port.key)
        case (false, true):
            if let number = r.integer("port", minimum: 1) {
                if let fixed = UInt16(exactly: number) {
                    port = .fixed(fixed)
                } else {
                    r.error("port", "\(number) is not a port: ports are 1 to 65535")
                }
            }
        case (false, false):
            r.error(nil, "missing required key 'port_key' (or port = NUMBER where the file holds no port, as SQL Server's 1433)")
        }
        guard let file, let format, let hostKey, let port else { return nil }
        return ConfiguredAddress(file: file, format: format, hostKey: hostKey, port: port)
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
    /// The peer to try: host, port, how messages show it, and the contract key it comes from.
    private typealias Target = (host: String, port: UInt16, shown: String, key: String)

    func evaluate(_ entry: ConnectEntry) -> [CheckResult] {
        var recorder: Recorder
        let peer: Target?
        switch entry.peer {
        case .address(let address): (recorder, peer) = target(of: entry, at: address)
        case .configured(let configured): (recorder, peer) = target(of: entry, in: configured)
        }
        guard let peer else { return recorder.results }
        let outcome: ConnectionOutcome
        switch peer.host.isEmpty ? .failure(ObservationError("no host")) : host.connect(host: peer.host, port: peer.port, timeoutMilliseconds: entry.timeoutMilliseconds) {
        case .success(let found): outcome = found
        case .failure(let reason):
            recorder.skip("reachable", key: peer.key, reason.description)
            return recorder.results
        }
        let seconds = entry.timeoutMilliseconds % 1000 == 0 ? "\(entry.timeoutMilliseconds / 1000) s" : "\(entry.timeoutMilliseconds) ms"
        let said: String, actual: String, connected: Bool
        switch outcome {
        case .connected(let address): (said, actual, connected) = ("connected to \(address)", "connected", true)
        case .refused(let address): (said, actual, connected) = ("refused by \(address): the host answers, nothing listens on port \(peer.port)", "refused", false)
        case .timedOut: (said, actual, connected) = ("no answer within \(seconds): a firewall drops it, or the host is down", "timed out", false)
        case .unreachable(let reason): (said, actual, connected) = ("no route: \(reason)", "unreachable", false)
        case .unresolved(let reason): (said, actual, connected) = ("the name \(peer.host) does not resolve: \(reason)", "not resolved", false)
        case .failed(let reason): (said, actual, connected) = ("cannot connect: \(reason)", "failed", false)
        }
        let shown = peer.shown
        recorder.verify(
            "reachable", key: peer.key, connected == entry.reachable,
            pass: "\(shown): \(said)", fail: "\(shown): \(said)" + (entry.reachable ? "" : ", and the contract says it must not be reachable from here"),
            expected: entry.reachable ? "connected" : "not reachable", actual: actual,
            fix: ShellWords.decision(entry.reachable
                ? "make \(shown) reachable from this host (the peer's service, its firewall, the route, the name)"
                : "close \(shown) to this host (the peer's firewall), or change the contract"))
        return recorder.results
    }

    /// `address = "HOST:PORT"`, its variables resolved; the entry's one check is `reachable`.
    private func target(of entry: ConnectEntry, at address: Template) -> (Recorder, Target?) {
        var (subject, unresolved) = (address.source, String?.none)
        switch environment.resolve(address) {
        case .success(let text): subject = text
        case .failure(let missing): unresolved = "address depends on ${\(missing.variable)}, \(missing.reason)"
        }
        var recorder = Recorder(context: entry.context, subject: subject, skipReason: skipReason(entry.context) ?? unresolved)
        guard recorder.skipReason == nil else {
            recorder.skip("reachable", key: "address", "")
            return (recorder, nil)
        }
        guard let (host, port) = ConnectEntry.split(subject) else {
            recorder.fail("reachable", key: "address", "\(subject) is not HOST:PORT", expected: "HOST:PORT", actual: subject,
                          fix: ShellWords.decision("set the variable the address is made of to HOST:PORT"))
            return (recorder, nil)
        }
        return (recorder, (host, port, subject, "address"))
    }

    /// The host and port a configuration file holds: the `address` check reads them (under
    /// --root too, from the image's file), then `reachable` tries them. The subject is the file
    /// and the keys (`environments.toml UCLA.sources.ARIA_MAIN.{ip,port}`); no value of the
    /// file but the host and the port is ever shown.
    private func target(of entry: ConnectEntry, in configured: ConfiguredAddress) -> (Recorder, Target?) {
        let (path, unresolvedPath) = resolvePath(configured.file)
        var unresolved = unresolvedPath.map { "config " + $0 }
        var hostKey: [String] = [], portKey: [String]? = nil
        switch resolve(configured.hostKey) {
        case .success(let elements): hostKey = elements
        case .failure(let failure): unresolved = unresolved ?? "host_key " + failure.reason
        }
        if case .key(let key) = configured.port {
            switch resolve(key) {
            case .success(let elements): portKey = elements
            case .failure(let failure): unresolved = unresolved ?? "port_key " + failure.reason
            }
        }
        let keys: String
        if unresolved != nil {
            let port = switch configured.port { case .key(let key): key.description; case .fixed(let port): "\(port)" }
            keys = configured.hostKey.description + ":" + port
        } else {
            keys = Self.keysShown(hostKey, portKey: portKey, port: configured.port)
        }
        var recorder = Recorder(context: entry.context, subject: path + " " + keys, skipReason: skipReason(entry.context) ?? unresolved)
        guard recorder.skipReason == nil else {
            recorder.skip("address", key: "config", "")
            recorder.skip("reachable", key: "host_key", "")
            return (recorder, nil)
        }

        let hostText = ConfigKeyPath.display(hostKey)
        let root: ConfigNode
        switch configuration(at: path, format: configured.format, quoteParserWords: false) {
        case .success(let node): root = node
        case .failure(let problem):
            let unusable = record(problem, path: path, format: configured.format, wanted: hostText, as: "address", key: "config", in: &recorder)
            if unusable.evaluated {
                recorder.skip("reachable", key: "host_key", "the peer's address is not known: \(unusable.reason)")
            } else {
                recorder.cannotEvaluate("reachable", key: "host_key", unusable.reason)
            }
            return (recorder, nil)
        }

        // A value that is not a host or a port is described, never shown: the key may name
        // the wrong value, and that one a secret.
        let folded: Set<Int> = configured.format == .ini ? [1] : []
        var problems: [(key: String, message: String, actual: String, wanted: String)] = []
        var found: [String] = []
        /// The value at `key` as `parse` reads it, or nil with the problem noted.
        func look<Value>(_ key: [String], _ contractKey: String, _ noun: String, _ rule: String, _ parse: (ConfigNode) -> Value?) -> Value? {
            let text = ConfigKeyPath.display(key)
            let wanted = "\(text) to the peer's \(noun)"
            guard case .found(let node) = ConfigKeyPath.find(key, in: root, foldedLevels: folded) else {
                problems.append((contractKey, "\(text) is not set in \(path)" + whyMissing(key, in: root, folded: folded), "\(contractKey) unset", wanted))
                return nil
            }
            guard let value = parse(node) else {
                problems.append((contractKey, "\(at(node))\(text) is \(article(node.typeName)) that is not a \(noun) \(rule)", "\(contractKey) not a \(noun)", wanted))
                return nil
            }
            found.append(node.line.map { "\(text) (line \($0))" } ?? text)
            return value
        }
        let name = look(hostKey, "host_key", "host name or address", "(with no port, instance or path)") { node in
            if case .string(let text) = node.value { ConfiguredAddress.host(text) } else { nil }
        }
        var port: UInt16? = nil
        switch configured.port {
        case .fixed(let fixed): port = fixed
        case .key: port = look(portKey ?? [], "port_key", "port", "(1 to 65535)", ConfiguredAddress.port)
        }
        guard let name, let port, problems.isEmpty else {
            recorder.fail(
                "address", key: problems.first?.key, problems.map(\.message).joined(separator: "; "),
                expected: "a host and a port", actual: problems.map(\.actual).joined(separator: ", "),
                fix: ShellWords.decision("in \(host.operatorPath(path)), set " + problems.map(\.wanted).joined(separator: " and ")))
            recorder.skip("reachable", key: "host_key", "the peer's address is not known: \(path) does not hold it")
            return (recorder, nil)
        }
        let shown = name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)"
        recorder.pass("address", key: "host_key", "\(shown) from " + found.joined(separator: " and ") + " of \(path)")
        return (recorder, (name, port, shown, "host_key"))
    }

    /// The keys as a subject shows them: `SOURCE.{ip,port}` where they share a table,
    /// `HOST_KEY:PORT_KEY` where not, `HOST_KEY:PORT` for a port of the contract's.
    private static func keysShown(_ hostKey: [String], portKey: [String]?, port: ConfiguredAddress.Port) -> String {
        guard let portKey else {
            if case .fixed(let number) = port { return ConfigKeyPath.display(hostKey) + ":\(number)" }
            return ConfigKeyPath.display(hostKey)
        }
        let parent = hostKey.dropLast()
        guard !parent.isEmpty, portKey.dropLast() == parent, let hostLast = hostKey.last, let portLast = portKey.last else {
            return ConfigKeyPath.display(hostKey) + ":" + ConfigKeyPath.display(portKey)
        }
        return ConfigKeyPath.display(Array(parent)) + ".{" + ConfigKeyPath.display([hostLast]) + "," + ConfigKeyPath.display([portLast]) + "}"
    }
}
