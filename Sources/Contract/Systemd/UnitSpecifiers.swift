/// Resolves `%` specifiers in a setting of the system manager's unit, as `unit_name_printf()` and
/// `unit_full_printf()` do (src/core/unit-printf.c, src/shared/specifier.c, v252).
///
/// Resolved from the unit alone: `%n %N %p %P %i %I %j %J %f %y %Y %%`, and for the system manager
/// `%u`=root `%U`=0 `%g`=root `%G`=0 `%C`=/var/cache `%E`=/etc `%L`=/var/log `%S`=/var/lib
/// `%t`=/run `%d`=/run/credentials/UNIT. The ones that depend on the running system
/// (`%a %A %b %B %H %l %q %m %M %o %v %w %W`), on the manager's environment (`%h %s %T %V`) or on
/// its cgroups (`%c %r %R`, deprecated) resolve only from ``systemValues``; otherwise they stay in
/// the text as written and are listed in ``Resolution/unresolved``.
///
/// As in systemd: `%%` is `%`, a specifier whose value is empty inserts nothing, a stray `%` at
/// the end stays, `%` before a character that is not a letter or digit stays as written, and a
/// letter or digit the table does not know is an error (the setting is then ignored, or for
/// ExecStart= and User= the unit fails with `bad-setting`).
public struct UnitSpecifiers: Sendable {
    /// Which table the setting's parser uses.
    public enum Table: Sendable {
        /// `unit_name_printf()`, for unit names in dependencies (After=, Wants=, ...): `%i %j %n %N %p`,
        /// the system ones and the credential ones only.
        case name
        /// `unit_full_printf()`, for everything else.
        case full
    }

    /// The result of a resolution.
    public struct Resolution: Hashable, Sendable {
        /// The text with every specifier that could be resolved replaced.
        public var text: String
        /// The specifiers left in ``text`` because they depend on the running system.
        public var unresolved: [Character]
        /// Why systemd would reject the text (an unknown specifier, an invalid escape in the unit
        /// name), nil when it accepts it.
        public var failure: String?
    }

    /// The unit's name: for a unit loaded through an alias, the name of its unit file (systemd
    /// resolves against the unit's id), with the instance put in for a template.
    public let unit: UnitName
    /// The unit file's path with symbolic links resolved (`%y`, `%Y`).
    public let fragmentRealPath: String?
    /// Values for the specifiers that depend on the running system, if the caller knows them
    /// (`H` from /etc/hostname, `m` from /etc/machine-id, `o` from os-release, ...).
    public var systemValues: [Character: String]

    public init(unit: UnitName, fragmentRealPath: String? = nil, systemValues: [Character: String] = [:]) {
        self.unit = unit
        self.fragmentRealPath = fragmentRealPath
        self.systemValues = systemValues
    }

    static let systemDependent: Set<Character> = Set("aAbBHlqmMovwW")
    static let environmentDependent: Set<Character> = Set("hsTV")
    static let cgroupDependent: Set<Character> = Set("crR")
    static let credentials: [Character: String] = ["u": "root", "U": "0", "g": "root", "G": "0"]

    private enum Lookup {
        case value(String)
        case unresolved
        case failure(String)
    }

    private func lookup(_ specifier: Character, table: Table) -> Lookup? {
        if Self.systemDependent.contains(specifier) {
            return systemValues[specifier].map { .value($0) } ?? .unresolved
        }
        if let credential = Self.credentials[specifier] { return .value(credential) }
        switch specifier {
        case "i": return .value(unit.instance ?? "")
        case "n": return .value(unit.text)
        case "N": return .value(unit.prefixAndInstance)
        case "p": return .value(unit.prefix)
        case "j": return .value(lastComponent)
        default: break
        }
        guard table == .full else { return nil }
        if Self.environmentDependent.contains(specifier) || Self.cgroupDependent.contains(specifier) {
            return systemValues[specifier].map { .value($0) } ?? .unresolved
        }
        switch specifier {
        case "I": return unescaped(unit.instance ?? "")
        case "J": return unescaped(lastComponent)
        case "P": return unescaped(unit.prefix)
        case "f":
            let escaped = unit.instance ?? unit.prefixAndInstance
            return UnitName.unescapePath(escaped).map { .value($0) } ?? .failure("cannot unescape '\(escaped)' as a path")
        case "y":
            return fragmentRealPath.map { .value($0) } ?? .failure("the unit has no unit file")
        case "Y":
            return fragmentRealPath.map { .value(UnitPath.directory(of: $0)) } ?? .failure("the unit has no unit file")
        case "C": return .value("/var/cache")
        case "E": return .value("/etc")
        case "L": return .value("/var/log")
        case "S": return .value("/var/lib")
        case "t": return .value("/run")
        case "d": return .value("/run/credentials/" + unit.text)
        default: return nil
        }
    }

    private var lastComponent: String {
        let prefix = unit.prefix
        guard let dash = prefix.lastIndex(of: "-") else { return prefix }
        return String(prefix[prefix.index(after: dash)...])
    }

    private func unescaped(_ text: String) -> Lookup {
        UnitName.unescape(text).map { .value($0) } ?? .failure("cannot unescape '\(text)'")
    }

    /// Resolves `text` with `table` (`specifier_printf()`).
    public func resolve(_ text: String, table: Table = .full) -> Resolution {
        var result = ""
        var unresolved: [Character] = []
        var percent = false
        for character in text {
            if !percent {
                if character == "%" { percent = true } else { result.append(character) }
                continue
            }
            percent = false
            if character == "%" {
                result.append("%")
                continue
            }
            switch lookup(character, table: table) {
            case .value(let value)?:
                result += value
            case .unresolved?:
                result += "%\(character)"
                if !unresolved.contains(character) { unresolved.append(character) }
            case .failure(let reason)?:
                return Resolution(text: text, unresolved: [], failure: "specifier '%\(character)': \(reason)")
            case nil:
                if character.isASCII && (character.isLetter || character.isNumber) {
                    return Resolution(text: text, unresolved: [], failure: "unknown specifier '%\(character)'")
                }
                result += "%\(character)"
            }
        }
        if percent { result.append("%") }
        return Resolution(text: result, unresolved: unresolved, failure: nil)
    }
}
