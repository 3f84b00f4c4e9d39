import Contract
import Host

/// `capture`: reads the paths asked for, their owners and groups and an environment file from a
/// host or an image root, and writes them down as a ``CapturedContract`` that holds there. Every
/// path is resolved inside the root (``RootDirectory``), so a symbolic link never leads out of
/// it. Content is never kept: a file is read only as far as the first line that tells a PEM
/// private key, and an environment file's values decide only which rules a variable gets.
public struct HostCapture {
    public var root: String
    /// The contract's name; nil: the root's /etc/hostname, the node name on `/`, or "captured".
    public var name: String?
    /// An environment file inside the root, written as `[environment] file`.
    public var environmentFile: String?
    /// The main nginx configuration inside the root, written as `[nginx]` with its locations.
    public var nginxConfig: String?
    /// systemd units, each written as a `[[unit]]`.
    public var units: [String]
    /// Debian packages (`NAME` or `NAME:ARCH`), each written as a `[[package]]` read from dpkg's database.
    public var packages: [String]
    /// A virtual environment inside the root whose distributions are written as `[[package]]`
    /// with `manager = "pip"`: those of ``pythonPackages``, or without them all but its installers.
    public var virtualEnvironment: String?
    public var pythonPackages: [String]

    public init(
        root: String = "/", name: String? = nil, environmentFile: String? = nil, nginxConfig: String? = nil, units: [String] = [],
        packages: [String] = [], virtualEnvironment: String? = nil, pythonPackages: [String] = []
    ) {
        self.root = root
        self.name = name
        self.environmentFile = environmentFile
        self.nginxConfig = nginxConfig
        self.units = units
        self.packages = packages
        self.virtualEnvironment = virtualEnvironment
        self.pythonPackages = pythonPackages
    }

    /// What capture made, and what it noticed and left out (for standard error).
    public struct Outcome: Sendable {
        public var contract: CapturedContract
        public var notes: [String]
    }

    /// Why nothing was captured: a path that is not absolute, does not exist, or a root that
    /// cannot be opened (bad usage).
    public struct UsageError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// How many bytes of a file are read to find a PEM header: the longest header line
    /// (`-----BEGIN ENCRYPTED PRIVATE KEY-----` and the like) with room to spare.
    static let headerBytes = 64

    /// Captures `paths` (absolute paths inside the root), in the order given, then the packages,
    /// the units and the nginx configuration.
    public func capture(_ paths: [String]) throws(UsageError) -> Outcome {
        let rootDirectory: RootDirectory
        do {
            rootDirectory = try RootDirectory(path: root)
        } catch {
            throw UsageError(description: "cannot open the root \(root): \(error)")
        }
        var reading = Reading(root: rootDirectory, accounts: FileAccountDatabase.forRoot(rootDirectory))
        var asked: [String] = []
        for path in paths + [environmentFile, nginxConfig, virtualEnvironment].compactMap({ $0 }) {
            guard path.hasPrefix("/") else { throw UsageError(description: "\(TOMLString.quoted(path)) is not an absolute path") }
            let normal = Self.normalised(path)
            if normal.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
                throw UsageError(description: "\(TOMLString.quoted(path)) must not contain '.' or '..'")
            }
            if normal.unicodeScalars.contains("\u{FFFD}") {
                reading.notes.append("\(TOMLString.quoted(path)): not valid UTF-8 (or holds U+FFFD), which a TOML contract cannot name; skipped")
                continue
            }
            guard case .success = rootDirectory.status(of: normal, followFinal: false) else {
                throw UsageError(description: "\(TOMLString.quoted(path)) does not exist under \(root)")
            }
            if paths.contains(path), !asked.contains(normal) { asked.append(normal) }
        }
        var contract = CapturedContract(name: name ?? Self.hostName(rootDirectory))
        contract.header = [
            "Captured by hostcontract capture" + (rootDirectory.isHostRoot ? "" : " from the image root " + TOMLString.quoted(root))
                + ": edit before relying on it.",
            "It holds on the host it was captured from; each rule is what was found there, not what should be.",
        ]
        let named = Set(asked)
        for path in asked {
            if let entry = reading.entry(path, alsoNamed: named) { contract.paths.append(entry) }
        }
        var file = environmentFile.map(Self.normalised)
        if file == nil {
            // Without --env-file: the first file named like an environment file (.env, *.env,
            // .env.*) among the paths, which must then be a plain [[file]], not a key.
            let candidates = contract.paths.filter { $0.kind == .file && Self.isEnvironmentFileName($0.path) }.map(\.path)
            file = candidates.first
            if let first = candidates.first {
                reading.notes.append("\(TOMLString.quoted(first)): taken as the environment file by its name (give --env-file to choose)")
            }
            for other in candidates.dropFirst() {
                reading.notes.append("\(TOMLString.quoted(other)): also named like an environment file; a contract has one, so its variables are not captured")
            }
        }
        if let file {
            contract.environmentFile = file
            contract.variables = reading.variables(file)
        }
        contract.users = reading.users()
        contract.groups = reading.groups()
        guard !packages.isEmpty || virtualEnvironment != nil || nginxConfig != nil || !units.isEmpty else {
            return Outcome(contract: contract, notes: reading.notes)
        }
        // What `check` reads through its host: package databases, units, nginx.
        let host = LiveHost(root: rootDirectory)
        if !packages.isEmpty { contract.packages = try Self.debianPackages(packages, host: host) }
        if let virtualEnvironment {
            contract.packages += try Self.pythonPackages(
                in: Self.normalised(virtualEnvironment), named: pythonPackages, host: host, notes: &reading.notes)
        }
        if !units.isEmpty {
            contract.units = try Self.units(units, host: host, underRoot: !rootDirectory.isHostRoot, notes: &reading.notes)
            let directories = contract.paths.filter { if case .directory = $0.kind { true } else { false } }.map(\.path)
            reading.notes += Self.unwatchedNotes(contract.units, directories: directories)
        }
        if let nginxConfig {
            contract.nginx = try Self.nginx(Self.normalised(nginxConfig), host: host, notes: &reading.notes)
        }
        return Outcome(contract: contract, notes: reading.notes)
    }

    /// Whether the last component of `path` is named as environment files are: `.env`, `NAME.env`,
    /// `.env.NAME`.
    static func isEnvironmentFileName(_ path: String) -> Bool {
        guard let name = path.split(separator: "/").last else { return false }
        return name == ".env" || (name.hasSuffix(".env") && name.count > 4) || name.hasPrefix(".env.")
    }

    /// `path` without repeated or trailing slashes.
    static func normalised(_ path: String) -> String {
        "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    /// The root's /etc/hostname, the node name for `/` without one, or "captured".
    static func hostName(_ root: RootDirectory) -> String {
        if case .success(let bytes) = root.contents(of: "/etc/hostname", limit: 256),
            let line = String(validating: bytes, as: UTF8.self)?.split(whereSeparator: \.isNewline).first,
            case let name = line.trimmingCharacters(), !name.isEmpty, !name.unicodeScalars.contains(where: { $0.value < 0x20 })
        {
            return name
        }
        if root.isHostRoot, let node = Machine.nodeName(), !node.isEmpty { return node }
        return "captured"
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
