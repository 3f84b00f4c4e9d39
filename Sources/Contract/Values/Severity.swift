/// How much a failure weighs: only errors make a contract fail.
public enum Severity: String, Codable, Sendable, CaseIterable {
    case error, warning
}
