/// Permission bits with setuid, setgid and sticky, written in the contract as a quoted octal
/// string ("0750", "2770").
public struct FileMode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue & 0o7777 }

    /// Parses "750", "0750" or "2770".
    public init?(octal text: String) {
        // Three or four of the bytes 0-7: any other character, combining marks included, is
        // bytes outside that range.
        let digits = text.utf8
        guard (3...4).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) })
        else { return nil }
        self.init(rawValue: digits.reduce(0) { $0 << 3 | UInt32($1 - UInt8(ascii: "0")) })
    }

    /// Four octal digits, as chmod(1) takes them.
    public var description: String {
        let digits = String(rawValue, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The bits of `self` that `limit` does not allow.
    public func excess(over limit: FileMode) -> FileMode {
        FileMode(rawValue: rawValue & ~limit.rawValue)
    }

    /// A symbolic chmod(1) argument that removes these bits ("g-w,o-rwx").
    public var symbolicRemoval: String {
        var parts: [String] = []
        let special = (rawValue >> 9) & 7
        for (index, who) in ["u", "g", "o"].enumerated() {
            let shift = UInt32(6 - 3 * index)
            var letters = ""
            let bits = (rawValue >> shift) & 7
            if bits & 4 != 0 { letters += "r" }
            if bits & 2 != 0 { letters += "w" }
            if bits & 1 != 0 { letters += "x" }
            if index == 0, special & 4 != 0 { letters += "s" }
            if index == 1, special & 2 != 0 { letters += "s" }
            if index == 2, special & 1 != 0 { letters += "t" }
            if !letters.isEmpty { parts.append(who + "-" + letters) }
        }
        return parts.joined(separator: ",")
    }
}
