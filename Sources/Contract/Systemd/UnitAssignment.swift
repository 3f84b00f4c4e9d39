/// One `Key=Value` line of a unit file or drop-in, with where it stands.
public struct UnitAssignment: Hashable, Sendable, CustomStringConvertible {
    /// The file it was read from, as systemd names it (`/etc/systemd/system/foo.service.d/10-a.conf`).
    public let file: String
    /// The line systemd reports for it: for a line continued with `\`, the last physical line
    /// (and one past the last line when the file ends inside a continuation).
    public let line: Int
    public let section: String
    /// The key, with surrounding whitespace removed.
    public let key: String
    /// The value, with surrounding whitespace removed; continued lines joined, each trailing
    /// backslash replaced by a space.
    public let value: String

    public init(file: String, line: Int, section: String, key: String, value: String) {
        self.file = file
        self.line = line
        self.section = section
        self.key = key
        self.value = value
    }

    public var description: String { "\(file):\(line): [\(section)] \(key)=\(value)" }
}
