import SystemPackage
import Contract
import Host

/// A machine or image root answering evaluation's questions through the host module.
public final class LiveHost: ObservedHost {
    public let root: RootDirectory
    let accounts: any AccountDatabase
    /// Where the kernel's views are (fixture trees in tests).
    let proc: String
    let sys: String
    /// How a dm-crypt mapping is described (libcryptsetup; a table in tests).
    let cryptMapping: (String) -> Result<CryptDevice, HostError>

    public init(
        root: RootDirectory, proc: String = "/proc", sys: String = "/sys",
        cryptMapping: @escaping (String) -> Result<CryptDevice, HostError> = CryptDevice.mapping(named:)
    ) {
        self.root = root
        self.accounts = FileAccountDatabase.forRoot(root)
        self.proc = proc
        self.sys = sys
        self.cryptMapping = cryptMapping
    }

    public func inspect(_ path: String, followFinal: Bool) -> PathState {
        switch root.status(of: path, followFinal: followFinal) {
        case .success(let status): return .present(Self.facts(status))
        case .failure(let error) where error.isNotFound: return .missing
        case .failure(let error) where error.isNotADirectory: return .missing
        case .failure(let error): return .unreadable(error.description)
        }
    }

    static func facts(_ status: FileStatus) -> PathFacts {
        let kind: PathFacts.Kind = switch status.kind {
        case .directory: .directory
        case .regular: .regular
        case .symbolicLink: .symbolicLink
        case .fifo: .fifo
        case .socket: .socket
        case .characterDevice: .characterDevice
        case .blockDevice: .blockDevice
        case .unknown: .unknown
        }
        return PathFacts(
            kind: kind, mode: FileMode(rawValue: UInt32(status.permissions.rawValue)), userID: status.userID,
            groupID: status.groupID, size: status.size, linkCount: status.linkCount, modified: status.modificationTime)
    }

    public func lines(of path: String) -> Result<[Substring], ObservationError> {
        switch root.contents(of: path) {
        case .failure(let error): return .failure(ObservationError(error))
        case .success(let bytes): return .success(Self.lines(bytes))
        }
    }

    /// The lines of a file as `grep -n` numbers them: split at each LF byte (on bytes: in a
    /// Swift string CR LF is one Character, which a split at "\n" passes over), a CR before
    /// the LF dropped, nothing after a final LF (an empty file has no line). Invalid UTF-8
    /// becomes U+FFFD within its line.
    static func lines(_ bytes: [UInt8]) -> [Substring] {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.isEmpty || bytes.last == 0x0A { lines.removeLast() }
        return lines.map { line in
            Substring(String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self))
        }
    }

    public func trace(_ path: String) -> AccessTrace {
        let resolution = root.resolve(path)
        func node(_ node: Resolution.Node) -> AccessNode {
            AccessNode(path: node.path, facts: Self.facts(node.status), list: node.accessControlList.map(Self.list))
        }
        return AccessTrace(
            searched: resolution.searched.map(node), target: resolution.target.map(node),
            failure: resolution.failure.map { ($0.path, $0.error.isNotFound ? "does not exist" : $0.error.description) },
            failureIsInaccessible: resolution.failure.map { $0.error.isPermissionDenied || $0.error.isInputOutputError } ?? false)
    }

    public func linksFollowed(to path: String) -> [AccessNode] {
        root.resolve(path).followed.map { AccessNode(path: $0.path, facts: Self.facts($0.status), list: nil) }
    }

    public func accessList(of path: String, isDefault: Bool) -> Result<AccessList, ObservationError> {
        root.accessControlList(of: path, kind: isDefault ? .default : .access)
            .map(Self.list)
            .mapError { ObservationError($0) }
    }

    static func list(_ list: AccessControlList) -> AccessList {
        AccessList(entries: list.entries.map { entry in
            let tag: AccessList.Tag = switch entry.tag {
            case .userOwner: .owner
            case .user(let id): .user(id)
            case .groupOwner: .owningGroup
            case .group(let id): .group(id)
            case .mask: .mask
            case .other: .other
            }
            return AccessList.Entry(tag: tag, rights: AccessRights(rawValue: entry.permissions))
        })
    }

    /// An nginx configuration file, up to 16 MiB (larger ones are refused, never cut).
    public func text(of path: String) -> Result<String, ObservationError> {
        root.contents(of: path, limit: 16 << 20)
            .map { String(decoding: $0, as: UTF8.self) }
            .mapError { ObservationError($0) }
    }

    public func text(of path: String, limit: Int) -> Result<String, ObservationError> {
        root.contents(of: path, limit: limit)
            .map { String(decoding: $0, as: UTF8.self) }
            .mapError { ObservationError($0) }
    }

    /// Each pattern's matches, found once per inspection: the `[[package]]` entries of one
    /// virtual environment all look for its `*.dist-info/METADATA`.
    private var globbed: [String: [String]] = [:]

    public func glob(_ pattern: String) -> [String] {
        if let known = globbed[pattern] { return known }
        let found = root.glob(pattern)
        globbed[pattern] = found
        return found
    }

    public func privateKey(at path: String) -> Result<KeyFacts, ObservationError> {
        switch root.contents(of: path, limit: 1 << 20) {
        case .failure(let error): return .failure(ObservationError(error))
        case .success(let bytes):
            switch PrivateKeyFile.parse(bytes) {
            case .success(let key): return .success(KeyFacts(algorithm: key.algorithm, bits: key.bits))
            case .failure(.encrypted):
                return .failure(ObservationError("is an encrypted private key: the service cannot read it without a passphrase"))
            case .failure(.unreadable):
                return .failure(ObservationError("is not a PEM private key"))
            case .failure(.unavailable(let why)):
                return .failure(ObservationError("cannot be read as a key here: \(why)"))
            }
        }
    }

    public func certificates(at path: String) -> Result<[CertificateFacts], ObservationError> {
        switch root.contents(of: path, limit: 4 << 20) {
        case .failure(let error): return .failure(ObservationError(error))
        case .success(let bytes):
            let bundle: CertificateBundle
            switch CertificateBundle.parse(bytes) {
            case .failure(let error): return .failure(ObservationError("cannot be read as certificates here: \(error)"))
            case .success(nil): return .failure(ObservationError("holds no PEM certificate"))
            case .success(let found?): bundle = found
            }
            return .success(bundle.certificates.map {
                CertificateFacts(subject: $0.subject, issuer: $0.issuer, notBefore: $0.notBefore, notAfter: $0.notAfter,
                                 isAuthority: $0.isAuthority)
            })
        }
    }

    public func keyMatches(certificate: String, key: String) -> Bool? {
        guard case .success(let certificateBytes) = root.contents(of: certificate, limit: 4 << 20),
            case .success(let keyBytes) = root.contents(of: key, limit: 1 << 20)
        else { return nil }
        return CertificateBundle.matches(certificate: certificateBytes, key: keyBytes)
    }

    public func encryption(of path: String) -> EncryptionFacts {
        guard root.isHostRoot else {
            return .unavailable("cannot be judged under --root: the running kernel's mounts say nothing about where an image's data will be stored")
        }
        guard let real = trace(path).target?.path else { return .unavailable("\(path) does not exist") }
        switch StorageStack.inspect(real, proc: proc, sys: sys) {
        case .failure(.unavailable(let reason)):
            return .unavailable("the kernel's view of the storage cannot be read: \(reason)")
        case .failure(.notBlockDevice(let mount)):
            return .unencrypted("on \(mount.filesystem) (\(mount.source) at \(mount.point)), not on a block device")
        case .success(let stack):
            let chain = "\(stack.mount.point) (\(stack.mount.filesystem), \(stack.mount.source)) on "
                + stack.layers.map { layer in layer.mapping.map { "\(layer.device) (\($0))" } ?? layer.device }.joined(separator: " on ")
            guard let crypt = stack.crypt, let name = crypt.mapping else {
                let deviceMapper = (try? readHostFile(proc + "/misc").get()).map { String(decoding: $0, as: UTF8.self).contains("device-mapper") } ?? false
                return .unencrypted("on \(chain), with no dm-crypt layer" + (deviceMapper ? "" : " (this host has no device-mapper)"))
            }
            switch cryptMapping(name) {
            case .success(let device):
                return .encrypted(EncryptedStorage(
                    mapping: name, type: device.type, cipher: device.cipher, mode: device.mode, isActive: device.isActive, chain: chain))
            case .failure(let error):
                return .unavailable("libcryptsetup cannot describe mapping \(name) (\(crypt.cryptType ?? "crypt")): \(error)")
            }
        }
    }

    public var currentTime: Int64 { Int64(Terminal.currentTime()) }

    public func walk(_ path: String, visit: (TreeItem) -> Void) -> ObservationError? {
        let outcome = root.walk(path) { entry in
            visit(TreeItem(
                path: entry.path,
                facts: entry.status.map(Self.facts).mapError { ObservationError($0) }))
        }
        if case .failure(let error) = outcome { return ObservationError(error) }
        return nil
    }

    /// Judged in the host module's threads (``ParallelTreeWalk``), HOSTCONTRACT_THREADS or one
    /// per CPU.
    public func audit(tree path: String, limits: TreeLimits) -> Result<TreeTally, ObservationError> {
        root.survey(path, criteria: Self.criteria(limits))
            .map(Self.tally)
            .mapError { ObservationError($0) }
    }

    static func criteria(_ limits: TreeLimits) -> TreeCriteria {
        TreeCriteria(
            userID: limits.userID, groupID: limits.groupID, maxDirectoryMode: limits.maxDirectoryMode?.rawValue,
            maxFileMode: limits.maxFileMode?.rawValue, setsApartHardLinks: limits.setsApartHardLinks)
    }

    /// The host's survey in the contract's words: paths printable, errnos in words.
    static func tally(_ survey: TreeSurvey) -> TreeTally {
        func rule(_ tally: TreeSurvey.Tally, errors: Bool = false) -> TreeTally.Rule {
            TreeTally.Rule(count: tally.count, examples: tally.examples.map { example in
                TreeTally.Example(
                    path: FileName.printable(example.path), value: example.value,
                    reason: errors ? HostError(errno: CInt(bitPattern: example.value)).description : nil)
            })
        }
        var tally = TreeTally()
        tally.entries = survey.entries
        tally.owner = rule(survey.owner)
        tally.group = rule(survey.group)
        tally.directoryMode = rule(survey.directoryMode)
        tally.fileMode = rule(survey.fileMode)
        tally.hardLinked = rule(survey.hardLinked)
        tally.unreadable = rule(survey.unreadable, errors: true)
        tally.moved = rule(survey.moved)
        tally.failed = rule(survey.failed, errors: true)
        return tally
    }

    public func user(named name: String) -> Account? { accounts.user(named: name).map(Self.account) }
    public func user(id: UInt32) -> Account? { accounts.user(id: id).map(Self.account) }
    public func group(named name: String) -> Account? { accounts.group(named: name).map(Self.account) }
    public func group(id: UInt32) -> Account? { accounts.group(id: id).map(Self.account) }

    static func account(_ user: UserRecord) -> Account {
        Account(name: user.name, id: user.userID, primaryGroupID: user.groupID)
    }

    static func account(_ group: GroupRecord) -> Account {
        Account(name: group.name, id: group.groupID)
    }

    public func groupIDs(of user: Account) -> [UInt32] {
        guard let record = accounts.user(named: user.name) else { return user.primaryGroupID.map { [$0] } ?? [] }
        return accounts.groupIDs(of: record)
    }

    public func members(of group: Account) -> GroupMembers {
        GroupMembers(
            listed: accounts.group(named: group.name)?.members ?? [],
            primary: accounts.users(withPrimaryGroup: group.id).map(\.name))
    }

    public var systemIDMaximum: UInt32 { accounts.systemUserIDMaximum }
    public var accountOrigin: String { accounts.origin }
    public func operatorPath(_ path: String) -> String { root.hostPath(path) }
    public var rootDirectory: String? { root.isHostRoot ? nil : root.path }
}

extension ObservationError {
    /// A host error as evaluation sees it: not found, inaccessible (EACCES, EPERM, EIO) or other.
    init(_ error: HostError) {
        self.init(error.description, isNotFound: error.isNotFound,
                  isInaccessible: error.isPermissionDenied || error.isInputOutputError)
    }
}

extension LiveHost {
    /// The kernel's listening sockets, with the processes holding them; none under --root.
    public func listeningSockets() -> Result<SocketObservation, ObservationError> {
        guard root.isHostRoot else {
            return .failure(ObservationError("listening sockets are the state of a running host; --root checks an image"))
        }
        return SocketTable.listening().map { table in
            SocketObservation(sockets: table.sockets.map { socket in
                ListeningSocket(
                    transport: socket.transport == .tcp ? .tcp : .udp, endpoint: NetworkEndpoint(address: socket.address, port: socket.port),
                    userID: socket.userID,
                    holders: socket.holders.map { ListeningSocket.Holder(pid: $0.pid, command: $0.command, executable: $0.executable) })
            }, holdersComplete: table.holdersComplete)
        }.mapError { ObservationError($0) }
    }

    /// A unit's live state over D-Bus from the system manager; none under --root or without one.
    public func liveState(of unit: String) -> Result<UnitLiveState, ObservationError> {
        guard root.isHostRoot else {
            return .failure(ObservationError("the live state of a unit belongs to a running host; --root checks an image"))
        }
        guard ServiceManager.isRunning else {
            return .failure(ObservationError("no systemd manager runs here (/run/systemd/system is absent)"))
        }
        return ServiceManager.state(of: unit)
            .map { UnitLiveState(active: $0.active, sub: $0.sub, load: $0.load) }
            .mapError { ObservationError("the system manager cannot be asked over D-Bus: \($0)", isInaccessible: true) }
    }

    /// A TCP connection from this host; none under --root (it would leave from this machine, not the image's).
    public func connect(host: String, port: UInt16, timeoutMilliseconds: Int) -> Result<ConnectionOutcome, ObservationError> {
        guard root.isHostRoot else {
            return .failure(ObservationError("a connection would leave from this machine, not from the image; --root checks an image"))
        }
        let outcome: ConnectionOutcome = switch Connection.attempt(host: host, port: port, timeoutMilliseconds: timeoutMilliseconds) {
        case .connected(let address): .connected(address: address)
        case .refused(let address): .refused(address: address)
        case .timedOut: .timedOut
        case .unreachable(let reason): .unreachable(reason)
        case .unresolved(let reason): .unresolved(reason)
        case .failed(let reason): .failed(reason)
        }
        return .success(outcome)
    }

    /// An HTTP(S) request from this host through libcurl; none under --root (it would leave
    /// from this machine, not the image's).
    public func exchange(_ request: HTTPExchange.Request) -> Result<HTTPExchange.Outcome, ObservationError> {
        guard root.isHostRoot else {
            return .failure(ObservationError("a request would leave from this machine, not from the image; --root checks an image"))
        }
        let transfer = HTTPTransfer.Request(
            url: request.url, method: request.method, headers: request.headers, connectTo: request.connectTo,
            caFile: request.caFile, clientCertificate: request.clientCertificate, clientKey: request.clientKey,
            timeoutMilliseconds: request.timeoutMilliseconds, followRedirects: request.followRedirects,
            bodyLimit: request.bodyLimit)
        return HTTPTransfer.perform(transfer).map { outcome in
            switch outcome {
            case .response(let response):
                .response(HTTPExchange.Response(
                    status: response.status, headers: response.headers.map { HTTPExchange.HeaderField(name: $0.name, value: $0.value) },
                    body: response.body, bodyCut: response.bodyCut, headersCut: response.headersCut, address: response.address))
            case .failed(let failure): .failed(Self.failure(failure))
            }
        }.mapError { ObservationError($0) }
    }

    private static func failure(_ failure: HTTPTransfer.Failure) -> HTTPExchange.Failure {
        switch failure {
        case .unresolved(let text): .unresolved(text)
        case .refused(let text): .refused(text)
        case .unreachable(let text): .unreachable(text)
        case .timedOut(let text): .timedOut(text)
        case .untrustedServer(let text): .untrustedServer(text)
        case .handshake(let text): .handshake(text)
        case .localCertificate(let text): .localCertificate(text)
        case .nothingReceived(let text): .nothingReceived(text)
        case .failed(let text): .failed(text)
        }
    }

    /// The filesystem holding a path; none under --root (the image is not mounted as it will be).
    public func space(of path: String) -> Result<FilesystemFacts, ObservationError> {
        guard root.isHostRoot else {
            return .failure(ObservationError("mounts and free space belong to the running host; --root checks an image"))
        }
        return FilesystemSpace.of(path).map {
            FilesystemFacts(device: $0.device, type: $0.type, mountPoint: $0.mountPoint, isMountPoint: $0.isMountPoint,
                            totalBytes: $0.totalBytes, availableBytes: $0.availableBytes, totalInodes: $0.totalInodes, freeInodes: $0.freeInodes)
        }.mapError { ObservationError($0) }
    }

    /// A command on this host; none under --root (it would run here, not in the image).
    public func run(_ arguments: [String], user: String?, timeoutMilliseconds: Int) -> Result<CommandOutcome, ObservationError> {
        guard root.isHostRoot else {
            return .failure(ObservationError("a command would run on this machine, not in the image; --root checks an image"))
        }
        let run = CommandRun.run(arguments, user: user, timeoutMilliseconds: timeoutMilliseconds)
        let ending: CommandOutcome.Ending = switch run.ending {
        case .exited(let status): .exited(status)
        case .signalled(let signal): .signalled(signal)
        case .timedOut: .timedOut
        case .notStarted(let reason): .notStarted(reason)
        }
        return .success(CommandOutcome(ending: ending, standardOutput: Self.lines(run.standardOutput),
                                       standardError: Self.lines(run.standardError), outputCut: run.outputCut))
    }

    /// Unit directories as systemd's search lists them, inside the root.
    public func entries(in directory: String) -> [UnitFileEntry] {
        root.listing(of: directory).map { entry in
            let kind: UnitFileEntry.Kind = switch entry.kind {
            case .regular: .regularFile
            case .directory: .directory
            case .symbolicLink: .symbolicLink(target: entry.linkTarget ?? "")
            default: .other
            }
            return UnitFileEntry(name: entry.name, kind: kind)
        }
    }

    /// A unit file's bytes, up to 16 MiB (systemd's own limit for a unit file is far below).
    public func contents(of path: String) -> [UInt8]? {
        try? root.contents(of: path, limit: 16 << 20).get()
    }
}
