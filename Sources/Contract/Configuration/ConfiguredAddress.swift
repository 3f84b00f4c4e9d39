/// A peer's address as a configuration file holds it: the host at one key path, the port at
/// another, or fixed by the contract where the file names only the host (a SQL Server's
/// `db_server`, which listens on 1433 unless the site moved it). The DICOM backup's
/// `environments.toml` keeps each AE as `[UCLA.sources.ARIA_MAIN]` with `ip` and `port`.
public struct ConfiguredAddress: Sendable, Hashable {
    public enum Port: Sendable, Hashable {
        /// The key path of the port in the file.
        case key(ConfigKeyPath)
        /// A port the contract gives.
        case fixed(UInt16)
    }

    /// The file, an absolute path that may use `${VAR}`.
    public var file: Template
    public var format: ConfigEntry.Format
    public var hostKey: ConfigKeyPath
    public var port: Port

    public init(file: Template, format: ConfigEntry.Format, hostKey: ConfigKeyPath, port: Port) {
        self.file = file
        self.format = format
        self.hostKey = hostKey
        self.port = port
    }
}

extension ConfiguredAddress {
    /// The host a configuration value names: a name (letters, digits, `-`, `_`, dots), an IPv4
    /// address, or an IPv6 address (in brackets or not, with a `%zone`); nil for anything else
    /// (`db,1433` and `db\INSTANCE`, SQL Server's forms with a port or a named instance, too).
    static func host(_ text: String) -> String? {
        var host = Substring(text)
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, host.count <= 253, host.allSatisfy(\.isASCII) else { return nil }
        guard host.contains(":") else {
            let name = host.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            return name && !host.hasPrefix("-") && !host.hasPrefix(".") ? String(host) : nil
        }
        let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        let address = parts[0]
        let zone = parts.count > 1 ? parts[1] : nil
        guard address.filter({ $0 == ":" }).count >= 2, address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
            zone.map({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } }) ?? true
        else { return nil }
        return String(host)
    }

    /// The port a configuration value gives: an integer from 1 to 65535, or text of decimal
    /// digits that reads as one (every value of an INI file is text).
    static func port(_ node: ConfigNode) -> UInt16? {
        switch node.value {
        case .integer(let text), .string(let text):
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(text), port != 0 else { return nil }
            return port
        default:
            return nil
        }
    }
}
