/// An IP address and port as a contract writes it (`127.0.0.1:5000`, `[::1]:8000`,
/// `0.0.0.0:5000`, `*:5000` for any address), compared by its bytes, so `::1` and
/// `0:0:0:0:0:0:0:1` are one address.
public struct NetworkEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, Hashable, CaseIterable { case tcp, udp }

    /// 4 bytes (IPv4) or 16 (IPv6); nil for `*` (any address of either family).
    public var address: [UInt8]?
    public var port: UInt16

    public init(address: [UInt8]?, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses `ADDRESS:PORT`, `[IPV6]:PORT` or `*:PORT`; nil when it is none of these.
    public init?(_ text: String) {
        let addressText: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            addressText = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            guard let bytes = Self.ipv6(addressText) else { return nil }
            address = bytes
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            addressText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if addressText == "*" {
                address = nil
            } else {
                guard let bytes = Self.ipv4(addressText) else { return nil }
                address = bytes
            }
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = UInt16(portText), port != 0 else { return nil }
        self.port = port
    }

    /// Whether this is 0.0.0.0 or ::, which accepts on every address of its family.
    public var isWildcard: Bool { address.map { $0.allSatisfy { $0 == 0 } } ?? true }

    public var isIPv6: Bool { address?.count == 16 }

    /// Whether a socket bound here accepts a connection to `other` (same port): the same address,
    /// or a wildcard of its family (`::` takes IPv4 too, unless the socket is IPv6-only, which
    /// /proc does not show: assumed not).
    public func accepts(_ other: NetworkEndpoint) -> Bool {
        guard port == other.port, let mine = address else { return port == other.port }
        guard let theirs = other.address else { return isWildcard }
        if mine == theirs { return true }
        if isWildcard { return mine.count == theirs.count || mine.count == 16 }
        return false
    }

    public var description: String {
        guard let address else { return "*:\(port)" }
        return address.count == 4 ? address.map(String.init).joined(separator: ".") + ":\(port)" : "[\(Self.ipv6Text(address))]:\(port)"
    }

    static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// RFC 4291 text (with `::` and a trailing dotted IPv4) to 16 bytes.
    static func ipv6(_ text: Substring) -> [UInt8]? {
        var text = text
        var tail: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = ipv4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix(":"), !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        let rest = halves.count == 2 ? groups(halves[1]) : []
        guard let rest else { return nil }
        let known = head.count + rest.count + tail.count
        if halves.count == 2 {
            guard known < 16 else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - known) + rest + tail
        }
        return known == 16 ? head + tail : nil
    }

    /// The shortest RFC 5952 form.
    static func ipv6Text(_ bytes: [UInt8]) -> String {
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var best: (start: Int, length: Int) = (-1, 0)
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > best.length && end - index > 1 { best = (index, end - index) }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard best.start >= 0 else { return hex(0..<8) }
        return hex(0..<best.start) + "::" + hex((best.start + best.length)..<8)
    }
}
