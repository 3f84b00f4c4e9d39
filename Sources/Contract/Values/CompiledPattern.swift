/// A regular expression ready to match, with its work bounded: every call returns promptly,
/// with an answer or ``Pattern/Outcome/gaveUp(limit:)``.
public protocol CompiledPattern: Sendable {
    /// Whether some part of `text` matches (a line of a file for `forbid` and `require`).
    func search(_ text: Substring) -> Pattern.Outcome
    /// Whether the whole of `text` matches (a variable's value for `pattern`).
    func wholeMatch(_ text: Substring) -> Pattern.Outcome
}
