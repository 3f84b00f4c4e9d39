/// Why a configuration file could not be read as its format: the 1-based line and a message
/// that describes the text without quoting it (the file may hold secrets).
public struct ConfigSyntaxError: Error, Sendable, Hashable {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}
