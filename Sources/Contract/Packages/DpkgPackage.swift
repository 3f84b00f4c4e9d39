/// One package instance of dpkg's database (one stanza of `var/lib/dpkg/status`): its name,
/// architecture, the three words of its `Status` field and its version.
public struct DpkgPackage: Sendable, Hashable {
    /// As dpkg keeps it: in lower case (dpkg lowers the `Package` field when it reads it).
    public let name: String
    /// The `Architecture` field (`amd64`, `all`); nil when the stanza has none.
    public let architecture: String?
    /// The `Multi-Arch` field in lower case (`same`, `foreign`, `allowed`, `no`); nil when the
    /// stanza has none.
    public let multiArch: String?
    public let selection: Selection
    public let flag: Flag
    public let state: State
    /// The `Version` field as written; nil when the stanza has none (or dpkg forgets the record:
    /// see ``DpkgStatus``).
    public let versionText: String?
    /// The version as dpkg reads it (accepting what dpkg only warns about); nil when the stanza
    /// has none or dpkg would refuse it.
    public let version: DebianVersion?
    /// The stanza's first line.
    public let line: Int

    public init(
        name: String, architecture: String?, multiArch: String? = nil, selection: Selection, flag: Flag, state: State,
        versionText: String?, line: Int
    ) {
        self.name = name.lowercased()
        self.architecture = architecture
        self.multiArch = multiArch?.lowercased()
        self.selection = selection
        self.flag = flag
        self.state = state
        self.versionText = versionText
        self.version = versionText.flatMap { try? DebianVersion($0, allowingWarnings: true) }
        self.line = line
    }

    /// The first word of `Status`: what the administrator asked for (`dpkg --get-selections`).
    public enum Selection: String, Sendable, Hashable, CaseIterable {
        case unknown, install, hold, deinstall, purge
    }

    /// The second word of `Status`.
    public enum Flag: String, Sendable, Hashable, CaseIterable {
        case ok
        /// A failed unpack or removal left the package broken; it must be reinstalled.
        case reinstallationRequired = "reinstreq"
    }

    /// The third word of `Status`, what `dpkg-query -W -f='${db:Status-Status}'` prints.
    public enum State: String, Sendable, Hashable, CaseIterable {
        case notInstalled = "not-installed"
        case configFiles = "config-files"
        case halfInstalled = "half-installed"
        case unpacked
        case halfConfigured = "half-configured"
        case triggersAwaited = "triggers-awaited"
        case triggersPending = "triggers-pending"
        case installed

        /// Whether an operator reading this word would call the package installed: its files
        /// are in place and it has been configured. That is `installed`, and the two trigger
        /// states, where only trigger processing is outstanding (dpkg itself counts such a
        /// package as satisfying dependencies; `dpkg --configure -a` finishes it). Not
        /// `half-configured` (its configuration failed or was interrupted), `unpacked` (never
        /// configured), `half-installed` (an installation or removal was interrupted),
        /// `config-files` (removed, its configuration files left) or `not-installed`.
        public var isInstalled: Bool {
            switch self {
            case .installed, .triggersPending, .triggersAwaited: true
            default: false
            }
        }

        /// What the state means for an operator, with the command that finishes dpkg's work;
        /// nil for `installed` and `not-installed`.
        public var explanation: String? {
            switch self {
            case .installed, .notInstalled: nil
            case .configFiles: "removed, its configuration files left (dpkg --purge removes them)"
            case .halfInstalled: "an installation or removal was interrupted (apt-get install --reinstall repairs it)"
            case .unpacked: "unpacked but never configured (dpkg --configure -a finishes it)"
            case .halfConfigured: "its configuration failed or was interrupted (dpkg --configure -a retries it)"
            case .triggersAwaited: "configured, waiting for another package's triggers (dpkg --configure -a processes them)"
            case .triggersPending: "configured, its triggers not yet processed (dpkg --configure -a processes them)"
            }
        }

        /// The letter of `${db:Status-Abbrev}`'s second column (`dpkg -l`).
        public var abbreviation: Character {
            switch self {
            case .notInstalled: "n"
            case .configFiles: "c"
            case .halfInstalled: "H"
            case .unpacked: "U"
            case .halfConfigured: "F"
            case .triggersAwaited: "W"
            case .triggersPending: "t"
            case .installed: "i"
            }
        }
    }

    /// See ``State/isInstalled``: the `Status` word alone decides, as an operator reads
    /// `dpkg-query -W -f='${db:Status-Status}'`; a reinstallation flag is told by ``needsReinstallation``.
    public var isInstalled: Bool { state.isInstalled }

    /// The selection is `hold` (`apt-mark hold`, `echo NAME hold | dpkg --set-selections`),
    /// whether or not the package is installed.
    public var isHeld: Bool { selection == .hold }

    /// dpkg marked the package as needing reinstallation (`reinstreq`).
    public var needsReinstallation: Bool { flag == .reinstallationRequired }

    /// `${db:Status-Abbrev}`: "ii ", "hi ", "rc ", "iHR".
    public var statusAbbreviation: String {
        let want: Character = switch selection {
        case .unknown: "u"
        case .install: "i"
        case .hold: "h"
        case .deinstall: "r"
        case .purge: "p"
        }
        return String(want) + String(state.abbreviation) + (flag == .ok ? " " : "R")
    }

    /// The name as `${binary:Package}` prints it: with `:architecture` when the package is
    /// `Multi-Arch: same`, or of an architecture that is neither `all` nor `native`.
    public func qualifiedName(nativeArchitecture native: String?) -> String {
        guard let architecture, !architecture.isEmpty else { return name }
        if multiArch == "same" || (architecture != "all" && native != nil && architecture != native) {
            return name + ":" + architecture
        }
        return name
    }

    /// Whether `query` names this package: `name` (any instance) or `name:architecture`, the
    /// name in any case, as `dpkg -s` takes it.
    public func isNamed(_ query: String) -> Bool {
        let (wantedName, wantedArchitecture) = Self.split(query)
        guard wantedName.lowercased() == name else { return false }
        return wantedArchitecture == nil || wantedArchitecture == architecture
    }

    /// "libc6:amd64" -> ("libc6", "amd64"); "libc6" -> ("libc6", nil).
    static func split(_ query: String) -> (name: String, architecture: String?) {
        guard let colon = query.firstIndex(of: ":") else { return (query, nil) }
        return (String(query[..<colon]), String(query[query.index(after: colon)...]))
    }

    /// Why `name` cannot be a Debian package name, as dpkg says it (lib/dpkg/parsehelp.c,
    /// pkg_name_is_illegal); nil when it can be. dpkg allows upper case and `_`; Debian policy
    /// does not, but dpkg lowers the name and reads it.
    public static func nameProblem(_ name: String) -> String? {
        guard let first = name.utf8.first else { return "may not be empty string" }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        guard isAlphanumeric(first) else { return "must start with an alphanumeric character" }
        if let bad = name.unicodeScalars.first(where: { !($0.isASCII && (isAlphanumeric(UInt8($0.value)) || "-+._".unicodeScalars.contains($0))) }) {
            return "character '\(bad)' not allowed (only letters, digits and characters '-+._')"
        }
        return nil
    }
}
