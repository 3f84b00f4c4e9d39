import Contract
import Host

/// The regular expressions of contracts, compiled and matched by PCRE2 through the host module
/// (``RegularExpression``, with its limits). Every load of a contract passes it.
public struct PCRE2Engine: PatternEngine {
    public init() {}

    public func compile(_ source: String) -> Result<any CompiledPattern, Pattern.SyntaxError> {
        RegularExpression.compile(source)
            .map { CompiledExpression(expression: $0) }
            .mapError { Pattern.SyntaxError(message: $0.message, offset: $0.offset) }
    }
}

extension PatternEngine where Self == PCRE2Engine {
    /// `ContractLoader.load(text:file:patterns: .pcre2)`.
    public static var pcre2: PCRE2Engine { PCRE2Engine() }
}

/// A ``RegularExpression`` as evaluation sees it.
private struct CompiledExpression: CompiledPattern {
    let expression: RegularExpression

    func search(_ text: Substring) -> Pattern.Outcome { Self.outcome(expression.search(text)) }
    func wholeMatch(_ text: Substring) -> Pattern.Outcome { Self.outcome(expression.wholeMatch(text)) }

    static func outcome(_ outcome: RegularExpression.Outcome) -> Pattern.Outcome {
        switch outcome {
        case .match: .match
        case .noMatch: .noMatch
        case .gaveUp(let limit): .gaveUp(limit: limit)
        }
    }
}
