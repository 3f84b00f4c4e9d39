/// What evaluation needs to know about a host, asked one question at a time, one domain per
/// protocol: a test host answers with literals, the host module for a real machine or an image
/// root. A kind's evaluation asks only the domains it needs.
public typealias ObservedHost = FileObserver & AccountObserver & CryptoObserver & StorageObserver & ServiceObserver
    & NetworkObserver & CommandObserver & ClockObserver

/// Paths, their metadata and contents, inside the root.
public protocol FileObserver: AnyObject {
    /// The facts about `path` inside the root, following symbolic links unless `followFinal` is false.
    func inspect(_ path: String, followFinal: Bool) -> PathState
    /// The lines of the regular file at `path`; never opens anything but a regular file.
    func lines(of path: String) -> Result<[Substring], ObservationError>
    /// Looks `path` up as the kernel would: the directories searched and the object reached.
    func trace(_ path: String) -> AccessTrace
    /// The symbolic links looking `path` up follows, in order, each with its own facts (owner).
    func linksFollowed(to path: String) -> [AccessNode]
    /// The access ACL (or a directory's default ACL) of `path`, following symbolic links.
    func accessList(of path: String, isDefault: Bool) -> Result<AccessList, ObservationError>
    /// The text of the regular file at `path` (configuration files: nginx's, structured ones).
    func text(of path: String) -> Result<String, ObservationError>
    /// The text of the regular file at `path`, up to `limit` bytes (a package database may be
    /// larger than the configuration files ``text(of:)`` reads); larger is an error.
    func text(of path: String, limit: Int) -> Result<String, ObservationError>
    /// The paths matching a glob pattern, as nginx's `include` expands it.
    func glob(_ pattern: String) -> [String]
    /// Visits every entry below `path` without following symbolic links.
    func walk(_ path: String, visit: (TreeItem) -> Void) -> ObservationError?
    /// Judges every entry of the tree at `path` (the top included) against `limits`, without
    /// following symbolic links: counts per rule and the entries with the smallest paths.
    func audit(tree path: String, limits: TreeLimits) -> Result<TreeTally, ObservationError>
    /// The path as an operator types it on this machine (prefixed with `--root`).
    func operatorPath(_ path: String) -> String
    /// The `--root` directory, or nil for the host itself.
    var rootDirectory: String? { get }
}

extension FileObserver {
    /// A host that reads every text whole answers as ``text(of:)`` does.
    public func text(of path: String, limit: Int) -> Result<String, ObservationError> { text(of: path) }

    /// A host that only walks (a test host) is audited entry by entry over ``walk(_:visit:)``.
    public func audit(tree path: String, limits: TreeLimits) -> Result<TreeTally, ObservationError> {
        var tally = TreeTally()
        let error = walk(path) { item in
            tally.entries += 1
            switch item.facts {
            case .failure(let error):
                tally.unreadable.add(item.path, 0, reason: error.description)
            case .success(let facts):
                tally.judge(item.path, facts, limits)
            }
        }
        if let error { return .failure(error) }
        return .success(tally)
    }
}

/// Users and groups, from the root's account database.
public protocol AccountObserver: AnyObject {
    func user(named name: String) -> Account?
    func user(id: UInt32) -> Account?
    func group(named name: String) -> Account?
    func group(id: UInt32) -> Account?
    /// The primary and supplementary groups of a user.
    func groupIDs(of user: Account) -> [UInt32]
    /// Who is in a group: the users its entry lists, and the users whose primary group it is.
    func members(of group: Account) -> GroupMembers
    /// The highest id of system accounts.
    var systemIDMaximum: UInt32 { get }
    /// Where users and groups come from, for messages.
    var accountOrigin: String { get }
}

/// Keys and certificates as OpenSSL reads them, never their content.
public protocol CryptoObserver: AnyObject {
    /// What the PEM private key at `path` is (never its content), or why it cannot be used.
    func privateKey(at path: String) -> Result<KeyFacts, ObservationError>
    /// The certificates of the PEM file at `path`.
    func certificates(at path: String) -> Result<[CertificateFacts], ObservationError>
    /// Whether the private key at `key` belongs to the first certificate at `certificate`; nil
    /// when either cannot be read.
    func keyMatches(certificate: String, key: String) -> Bool?
}

/// The clock certificates and file ages are judged by (a test host sets it).
public protocol ClockObserver: AnyObject {
    /// Now, in seconds since the epoch.
    var currentTime: Int64 { get }
}

/// What a path is stored on.
public protocol StorageObserver: AnyObject {
    /// What the filesystem holding `path` is stored on, down to a dm-crypt mapping.
    func encryption(of path: String) -> EncryptionFacts
    /// The filesystem holding `path` on the running system and its free space; a failure says
    /// why it cannot be known here (under --root the image's future mounts are not these).
    func space(of path: String) -> Result<FilesystemFacts, ObservationError>
}

/// The filesystem holding a path: its type, mount point and room.
public struct FilesystemFacts: Sendable, Equatable {
    public var device: UInt64
    public var type: String
    public var mountPoint: String
    public var isMountPoint: Bool
    public var totalBytes: UInt64
    public var availableBytes: UInt64
    public var totalInodes: UInt64
    public var freeInodes: UInt64

    public init(device: UInt64, type: String, mountPoint: String, isMountPoint: Bool, totalBytes: UInt64, availableBytes: UInt64,
                totalInodes: UInt64, freeInodes: UInt64) {
        self.device = device
        self.type = type
        self.mountPoint = mountPoint
        self.isMountPoint = isMountPoint
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
        self.totalInodes = totalInodes
        self.freeInodes = freeInodes
    }
}

/// systemd's unit files, read as systemd's search reads them: directory listings and file
/// bytes inside the root (``UnitDirectoryListing``), never a link followed out of it.
public protocol ServiceObserver: AnyObject, UnitDirectoryListing {
    /// The unit's live state from the running system manager; a failure says why it cannot be
    /// known here (under --root, or where no systemd manager runs).
    func liveState(of unit: String) -> Result<UnitLiveState, ObservationError>
}

/// A unit's state in the running manager, as `systemctl show -p ActiveState,SubState,LoadState`.
public struct UnitLiveState: Sendable, Equatable {
    public var active: String
    public var sub: String
    public var load: String

    public init(active: String, sub: String, load: String) {
        self.active = active
        self.sub = sub
        self.load = load
    }
}

/// The running host's network state.
public protocol NetworkObserver: AnyObject {
    /// The sockets that accept connections or datagrams; a failure says why they cannot be
    /// known here (under --root there is no running host to ask).
    func listeningSockets() -> Result<SocketObservation, ObservationError>
    /// A TCP connection attempt to `host` (a name or an address) within `timeoutMilliseconds`;
    /// a failure says why none can be made from here (under --root).
    func connect(host: String, port: UInt16, timeoutMilliseconds: Int) -> Result<ConnectionOutcome, ObservationError>
    /// An HTTP(S) request; a failure says why none can be made from here (under --root, or
    /// without an HTTP library).
    func exchange(_ request: HTTPExchange.Request) -> Result<HTTPExchange.Outcome, ObservationError>
}

/// Commands run on the running host.
public protocol CommandObserver: AnyObject {
    /// Runs `arguments` without a shell, as `user` when given, with a clean environment and a
    /// deadline; a failure says why nothing can be run here (under --root).
    func run(_ arguments: [String], user: String?, timeoutMilliseconds: Int) -> Result<CommandOutcome, ObservationError>
}

/// How a command ended and what it printed (read, never shown: it may print anything).
public struct CommandOutcome: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case notStarted(String)
    }

    public var ending: Ending
    public var standardOutput: [Substring]
    public var standardError: [Substring]
    /// An output went over the bound and only its beginning was read.
    public var outputCut: Bool

    public init(ending: Ending, standardOutput: [Substring], standardError: [Substring], outputCut: Bool = false) {
        self.ending = ending
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.outputCut = outputCut
    }
}

/// How a connection attempt ended.
public enum ConnectionOutcome: Sendable, Equatable {
    case connected(address: String)
    case refused(address: String)
    case timedOut
    case unreachable(String)
    case unresolved(String)
    case failed(String)
}

/// What is at a path.
public enum PathState: Sendable, Equatable {
    case present(PathFacts)
    case missing
    /// A symbolic link whose target does not exist.
    case danglingLink
    /// The path could not be inspected; the reason in words ("permission denied").
    case unreadable(String)
}

/// The metadata of one file.
public struct PathFacts: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case directory, regular = "regular file", symbolicLink = "symbolic link", fifo = "FIFO", socket
        case characterDevice = "character device", blockDevice = "block device", unknown = "special file"
    }

    public var kind: Kind
    public var mode: FileMode
    public var userID: UInt32
    public var groupID: UInt32
    public var size: Int64
    public var linkCount: UInt64
    /// When the content last changed, in seconds since the epoch.
    public var modified: Int64

    public init(
        kind: Kind, mode: FileMode, userID: UInt32, groupID: UInt32, size: Int64 = 0, linkCount: UInt64 = 1, modified: Int64 = 0
    ) {
        self.kind = kind
        self.mode = mode
        self.userID = userID
        self.groupID = groupID
        self.size = size
        self.linkCount = linkCount
        self.modified = modified
    }
}

/// One entry met by a tree walk.
public struct TreeItem: Sendable {
    public var path: String
    public var facts: Result<PathFacts, ObservationError>

    public init(path: String, facts: Result<PathFacts, ObservationError>) {
        self.path = path
        self.facts = facts
    }
}

/// Why something could not be observed, in words.
public struct ObservationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public var isNotFound: Bool
    /// The object could not be read for a reason that says nothing about the contract
    /// (permission denied to the auditing user, an I/O error): what depends on it is not
    /// evaluated, rather than failed.
    public var isInaccessible: Bool

    public init(_ description: String, isNotFound: Bool = false, isInaccessible: Bool = false) {
        self.description = description
        self.isNotFound = isNotFound
        self.isInaccessible = isInaccessible
    }
}

/// A user or group as the account database knows it.
public struct Account: Sendable, Equatable {
    public var name: String
    public var id: UInt32
    /// For a user, the primary group.
    public var primaryGroupID: UInt32?

    public init(name: String, id: UInt32, primaryGroupID: UInt32? = nil) {
        self.name = name
        self.id = id
        self.primaryGroupID = primaryGroupID
    }
}

/// The users in a group, by how they are in it.
public struct GroupMembers: Sendable, Equatable {
    /// Listed in the group's entry (group(5)): supplementary members, in the entry's order.
    public var listed: [String]
    /// Users whose passwd(5) entry names the group as their primary group.
    public var primary: [String]

    public init(listed: [String], primary: [String]) {
        self.listed = listed
        self.primary = primary
    }
}

/// A private key as it may be shown: algorithm and size, never content.
public struct KeyFacts: Sendable, Equatable {
    public var algorithm: String
    public var bits: Int

    public init(algorithm: String, bits: Int) {
        self.algorithm = algorithm
        self.bits = bits
    }
}

/// One certificate of a file.
public struct CertificateFacts: Sendable, Equatable {
    public var subject: String
    public var issuer: String
    public var notBefore: Int64
    public var notAfter: Int64
    public var isAuthority: Bool

    public init(subject: String, issuer: String, notBefore: Int64, notAfter: Int64, isAuthority: Bool) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isAuthority = isAuthority
    }
}

/// What a path's storage is, for `[[encrypted]]`.
public enum EncryptionFacts: Sendable, Equatable {
    /// It cannot be judged here (an image under --root, no /proc), with the reason.
    case unavailable(String)
    /// Not on dm-crypt, with what it is on instead.
    case unencrypted(String)
    case encrypted(EncryptedStorage)
}

/// A dm-crypt mapping holding a path, as libcryptsetup describes it.
public struct EncryptedStorage: Sendable, Equatable {
    public var mapping: String
    /// "LUKS2", "LUKS1", "PLAIN".
    public var type: String
    public var cipher: String
    public var mode: String
    public var isActive: Bool
    /// The way down from the mount ("/srv (ext4) on dm-1 (vg-data) on dm-0 (crypt data)").
    public var chain: String

    public init(mapping: String, type: String, cipher: String, mode: String, isActive: Bool, chain: String) {
        self.mapping = mapping
        self.type = type
        self.cipher = cipher
        self.mode = mode
        self.isActive = isActive
        self.chain = chain
    }
}
