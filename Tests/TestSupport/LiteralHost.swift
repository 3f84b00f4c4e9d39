import Contract

/// A host given as literals: paths with their facts, file contents, users and groups. For
/// evaluation tests that need no filesystem.
public final class LiteralHost: ObservedHost {
    public var paths: [String: PathState] = [:]
    public var links: [String: PathFacts] = [:]
    public var contents: [String: String] = [:]
    public var users: [Account] = []
    public var groups: [Account] = []
    /// Supplementary memberships: user name to group names.
    public var memberships: [String: [String]] = [:]
    public var walked: [String: [TreeItem]] = [:]
    public var rootDirectory: String? = nil
    /// Symbolic links in unit directories: path to target.
    public var unitLinks: [String: String] = [:]
    /// The running host's sockets; nil: they cannot be known.
    public var sockets: SocketObservation? = nil
    /// Command outcomes by the arguments joined with spaces; nil: nothing runs.
    public var commands: [String: CommandOutcome]? = nil
    /// Filesystems by path; nil: not known.
    public var filesystems: [String: FilesystemFacts]? = nil
    /// Connection outcomes by "host:port"; nil: no network.
    public var connections: [String: ConnectionOutcome]? = nil
    /// Answers to HTTP requests by URL (and, for a request without a client certificate,
    /// by URL with " (no client certificate)" after it); nil: no network here.
    public var exchanges: [String: HTTPExchange.Outcome]? = nil
    /// The requests asked for, in order.
    public private(set) var requests: [HTTPExchange.Request] = []
    /// The running manager's units; nil: no manager runs.
    public var unitStates: [String: UnitLiveState]? = nil

    public init() {}

    public func inspect(_ path: String, followFinal: Bool) -> PathState {
        if !followFinal, let link = links[path] { return .present(link) }
        return paths[path] ?? .missing
    }

    /// A link of ``links`` at the path itself (links inside the path are not modelled).
    public func linksFollowed(to path: String) -> [AccessNode] {
        links[path].map { [AccessNode(path: path, facts: $0, list: nil)] } ?? []
    }

    public func lines(of path: String) -> Result<[Substring], ObservationError> {
        guard let text = contents[path] else { return .failure(ObservationError("no such file", isNotFound: true)) }
        return .success(text.split(separator: "\n", omittingEmptySubsequences: false))
    }

    /// Access lists by path; a path without one has the list its mode expresses.
    public var accessLists: [String: AccessList] = [:]

    public func trace(_ path: String) -> AccessTrace {
        var searched: [AccessNode] = []
        var current = ""
        func node(_ path: String) -> AccessNode? {
            guard case .present(let facts) = paths[path.isEmpty ? "/" : path] else { return nil }
            return AccessNode(path: path.isEmpty ? "/" : path, facts: facts, list: accessLists[path.isEmpty ? "/" : path])
        }
        for component in path.split(separator: "/") {
            guard let directory = node(current) else { return AccessTrace(searched: searched, target: nil, failure: (current, "does not exist")) }
            searched.append(directory)
            current += "/" + component
        }
        guard let target = node(current) else { return AccessTrace(searched: searched, target: nil, failure: (current, "does not exist")) }
        return AccessTrace(searched: searched, target: target)
    }

    public func accessList(of path: String, isDefault: Bool) -> Result<AccessList, ObservationError> {
        if let list = accessLists[path] { return .success(list) }
        guard case .present(let facts) = paths[path] else { return .failure(ObservationError("no such file", isNotFound: true)) }
        return .success(isDefault ? AccessList(entries: []) : AccessList(mode: facts.mode))
    }

    /// Files whose text cannot be read, with why (permission denied: `isInaccessible`).
    public var unreadableFiles: [String: ObservationError] = [:]

    public func text(of path: String) -> Result<String, ObservationError> {
        if let error = unreadableFiles[path] { return .failure(error) }
        return contents[path].map { .success($0) } ?? .failure(ObservationError("no such file", isNotFound: true))
    }

    public func glob(_ pattern: String) -> [String] {
        contents.keys.filter { $0.hasPrefix(String(pattern.prefix { !"*?[".contains($0) })) }.sorted()
    }

    public var keys: [String: Result<KeyFacts, ObservationError>] = [:]
    public var certificateFiles: [String: [CertificateFacts]] = [:]
    public var matchingKeys: [String: String] = [:]
    public var currentTime: Int64 = 1_795_000_000
    public var storage: [String: EncryptionFacts] = [:]

    public func encryption(of path: String) -> EncryptionFacts { storage[path] ?? .unavailable("no storage given") }

    public func privateKey(at path: String) -> Result<KeyFacts, ObservationError> {
        keys[path] ?? .failure(ObservationError("no such file", isNotFound: true))
    }

    public func certificates(at path: String) -> Result<[CertificateFacts], ObservationError> {
        certificateFiles[path].map { .success($0) } ?? .failure(ObservationError("holds no PEM certificate"))
    }

    public func keyMatches(certificate: String, key: String) -> Bool? { matchingKeys[certificate].map { $0 == key } }

    public func walk(_ path: String, visit: (TreeItem) -> Void) -> ObservationError? {
        walked[path]?.forEach(visit)
        return nil
    }

    public func user(named name: String) -> Account? { users.first { $0.name == name } }
    public func user(id: UInt32) -> Account? { users.first { $0.id == id } }
    public func group(named name: String) -> Account? { groups.first { $0.name == name } }
    public func group(id: UInt32) -> Account? { groups.first { $0.id == id } }

    public func groupIDs(of user: Account) -> [UInt32] {
        var ids = user.primaryGroupID.map { [$0] } ?? []
        for name in memberships[user.name] ?? [] { if let group = group(named: name) { ids.append(group.id) } }
        return ids
    }

    public func members(of group: Account) -> GroupMembers {
        GroupMembers(
            listed: memberships.keys.sorted().filter { memberships[$0]?.contains(group.name) == true },
            primary: users.filter { $0.primaryGroupID == group.id }.map(\.name))
    }

    public var systemIDMaximum: UInt32 = 999
    public var accountOrigin = "the literal host"
    public func operatorPath(_ path: String) -> String { (rootDirectory ?? "") + path }

    /// Adds a directory (or another kind) with its facts.
    public func add(
        _ path: String, _ kind: PathFacts.Kind = .directory, mode: UInt32, user: UInt32 = 0, group: UInt32 = 0, size: Int64 = 0,
        modified: Int64 = 0
    ) {
        paths[path] = .present(PathFacts(
            kind: kind, mode: FileMode(rawValue: mode), userID: user, groupID: group, size: size, modified: modified))
    }
}

extension LiteralHost {
    /// Unit files by absolute path (in `contents`, under a unit directory) and links by path
    /// (in `unitLinks`), listed as directories hold them.
    public func entries(in directory: String) -> [UnitFileEntry] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        var seen: [String: UnitFileEntry] = [:]
        for path in contents.keys where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            let name = String(rest.split(separator: "/").first ?? "")
            guard !name.isEmpty else { continue }
            seen[name] = UnitFileEntry(name: name, kind: rest.contains("/") ? .directory : .regularFile)
        }
        for (path, target) in unitLinks where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            if rest.contains("/") {
                let name = String(rest.split(separator: "/")[0])
                seen[name] = UnitFileEntry(name: name, kind: .directory)
            } else {
                seen[String(rest)] = UnitFileEntry(name: String(rest), kind: .symbolicLink(target: target))
            }
        }
        return seen.keys.sorted().map { seen[$0]! }
    }

    public func contents(of path: String) -> [UInt8]? { contents[path].map { Array($0.utf8) } }

    public func liveState(of unit: String) -> Result<UnitLiveState, ObservationError> {
        unitStates.map { .success($0[unit] ?? UnitLiveState(active: "inactive", sub: "dead", load: "not-found")) }
            ?? .failure(ObservationError("no manager given"))
    }

    public func connect(host: String, port: UInt16, timeoutMilliseconds: Int) -> Result<ConnectionOutcome, ObservationError> {
        connections.map { .success($0["\(host):\(port)"] ?? .timedOut) } ?? .failure(ObservationError("no network given"))
    }

    public func exchange(_ request: HTTPExchange.Request) -> Result<HTTPExchange.Outcome, ObservationError> {
        requests.append(request)
        guard let exchanges else { return .failure(ObservationError("no network given")) }
        let key = request.url + (request.clientCertificate == nil ? " (no client certificate)" : "")
        return .success(exchanges[key] ?? exchanges[request.url] ?? .failed(.timedOut("no answer given")))
    }

    public func space(of path: String) -> Result<FilesystemFacts, ObservationError> {
        filesystems.map { table in
            table[path].map { .success($0) } ?? .failure(ObservationError("no such file", isNotFound: true))
        } ?? .failure(ObservationError("no filesystems given"))
    }

    public func run(_ arguments: [String], user: String?, timeoutMilliseconds: Int) -> Result<CommandOutcome, ObservationError> {
        commands.map { .success($0[arguments.joined(separator: " ")] ?? CommandOutcome(ending: .notStarted("not given"), standardOutput: [], standardError: [])) }
            ?? .failure(ObservationError("no commands given"))
    }

    public func listeningSockets() -> Result<SocketObservation, ObservationError> {
        sockets.map { .success($0) } ?? .failure(ObservationError("no sockets given"))
    }
}
