/// What systemd logs about a line of a unit file it ignores or refuses, with the line number it
/// logs. The messages are systemd's own (src/shared/conf-parser.c, v252).
public struct UnitFileDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// A line with no `=` (in 252 this includes a `.include` line: the directive is gone).
        case missingEquals
        /// A line that starts with `=`.
        case missingKey
        /// An assignment before the first section header.
        case outsideSection
        /// A section the unit type does not know; its assignments are ignored silently.
        case unknownSection
        /// Fatal: a line starting with `[` that does not end with `]`.
        case invalidSectionHeader
        /// Fatal: a section name with a quote, a backslash or a control character.
        case badSectionName
        /// Fatal: a line that is not valid UTF-8.
        case invalidUTF8
        /// Fatal: a physical line of 1 MiB (LONG_LINE_MAX) or more.
        case lineTooLong
        /// Fatal: continued lines that together exceed LONG_LINE_MAX.
        case continuationTooLong
        /// A value the setting's parser ignores (bad quoting, an unknown specifier, ...).
        case invalidValue
        /// A value that makes the unit fail to load (`bad-setting`).
        case badSetting
    }

    public let file: String
    public let line: Int
    public let kind: Kind
    public let message: String

    /// Whether systemd stops reading the file here: the unit then fails to load (load state
    /// `error`) when it is the unit file; a drop-in keeps what it set before this line. (A
    /// ``Kind/badSetting`` value fails the unit too, but the file is read to its end.)
    public var isFatal: Bool {
        switch kind {
        case .missingEquals, .missingKey, .outsideSection, .unknownSection, .invalidValue, .badSetting: return false
        default: return true
        }
    }

    public init(file: String, line: Int, kind: Kind, message: String) {
        self.file = file
        self.line = line
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
