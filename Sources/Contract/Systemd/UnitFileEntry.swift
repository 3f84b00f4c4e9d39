/// One name in a directory, as `readdir(3)` and `lstat(2)` see it: what systemd's unit search
/// reads before it opens anything.
public struct UnitFileEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case regularFile
        case directory
        /// A symbolic link and its target exactly as `readlink(2)` gives it (relative or absolute).
        case symbolicLink(target: String)
        /// A device node, socket or FIFO: systemd skips these in unit directories.
        case other
    }

    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
