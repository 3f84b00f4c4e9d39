/// Compiles the regular expressions of a contract. Contract calls no C library: the caller of
/// ``ContractLoader/load(text:file:patterns:)`` passes the engine (PCRE2, through the host module).
public protocol PatternEngine: Sendable {
    /// The compiled pattern, or the engine's reason for refusing it.
    func compile(_ source: String) -> Result<any CompiledPattern, Pattern.SyntaxError>
}
