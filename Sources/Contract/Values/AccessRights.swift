/// A set of the letters r, w and x ("rx"), as `[[access]]` writes what is allowed or denied.
public struct AccessRights: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 7 }

    public static let read = AccessRights(rawValue: 4)
    public static let write = AccessRights(rawValue: 2)
    public static let execute = AccessRights(rawValue: 1)

    /// Parses letters from r, w, x in any order, each at most once; `-` is ignored ("r-x").
    public init?(letters: String) {
        var rights = AccessRights()
        for letter in letters {
            let right: AccessRights
            switch letter {
            case "r": right = .read
            case "w": right = .write
            case "x": right = .execute
            case "-": continue
            default: return nil
            }
            if rights.contains(right) { return nil }
            rights.insert(right)
        }
        self = rights
    }

    /// "r-x" form.
    public var description: String {
        (contains(.read) ? "r" : "-") + (contains(.write) ? "w" : "-") + (contains(.execute) ? "x" : "-")
    }
}
