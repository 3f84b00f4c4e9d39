import CPCRE2

/// A regular expression compiled by PCRE2 (pcre2_compile(3)) and matched by its interpreter
/// (pcre2_match(3)) with the work of every match bounded, so no pattern runs away on any text.
///
/// Syntax and semantics are PCRE2's (pcre2pattern(3)), as `grep -P` has them: UTF-8, `\d \w
/// \s \b` for ASCII, `(?i)` folding Unicode case, `$` only at the very end, backreferences,
/// lookaround, atomic groups and possessive quantifiers. `\C` is refused. No JIT: it needs
/// memory that is writable and executable, which `MemoryDenyWriteExecute=yes` forbids.
///
/// A backtracking matcher may need work exponential in the text, and PCRE2's own match limit
/// counts from each starting position afresh, so a search may still take the text's length
/// times that limit (`a*b` on a line of 100,000 `a`s and `!b` took 7 s). A callout before every
/// item of the pattern (PCRE2_AUTO_CALLOUT) therefore counts the work of the whole search: a
/// step for each item tried and one for each character the match moved over since the last
/// callout; past ``stepLimit`` plus ``stepsPerByte`` per byte of the text the match ends, and
/// the answer is ``Outcome/gaveUp(limit:)``. The same number is PCRE2's match limit; ``depthLimit`` and
/// ``heapLimit`` bound the memory of backtracking.
///
/// The compiled code is never changed after compilation, and PCRE2 lets threads share it
/// (pcre2api(3), "Multithreading"); each match makes its own match data and context.
public final class RegularExpression: @unchecked Sendable {
    /// The longest pattern, in bytes of UTF-8. Contracts' patterns are a few dozen.
    public static let maximumLength = 4_096
    /// How deep parentheses may nest (PCRE2's default is 250).
    public static let maximumNesting: UInt32 = 100
    /// Steps any match may take, before the allowance for the text's length: a few
    /// milliseconds of work.
    public static let stepLimit = 100_000
    /// Steps a match may take for each byte of the text, on top of ``stepLimit``, so that a
    /// simple pattern searches a long line whole.
    public static let stepsPerByte = 16
    /// Backtracking points nested inside each other (a group repeated once per character
    /// nests one per repetition): pcre2_set_depth_limit(3).
    public static let depthLimit: UInt32 = 100_000
    /// Memory for backtracking, in KiB: pcre2_set_heap_limit(3).
    public static let heapLimit: UInt32 = 20 * 1024

    static let compileOptions = PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_DOLLAR_ENDONLY | PCRE2_AUTO_CALLOUT

    public let source: String
    private let code: OpaquePointer

    /// Why PCRE2 refused a pattern: its message, and the characters (Unicode scalars) before
    /// the point where it stopped.
    public struct SyntaxError: Error, Sendable, Equatable {
        public let message: String
        public let offset: Int
    }

    /// What a match found, or the limit that ended it first, in words ("100160 steps").
    public enum Outcome: Sendable, Equatable {
        case match
        case noMatch
        case gaveUp(limit: String)
    }

    private init(source: String, code: OpaquePointer) {
        self.source = source
        self.code = code
    }

    deinit { system_pcre2_code_free(code) }

    public static func compile(_ source: String) -> Result<RegularExpression, SyntaxError> {
        var error: CInt = 0
        var offset = 0
        let code = withBytes(of: source[...]) { bytes in
            system_pcre2_compile(bytes, compileOptions, maximumLength: maximumLength, nestLimit: maximumNesting, &error, &offset)
        }
        guard let code else {
            let characters = String(decoding: source.utf8.prefix(offset), as: UTF8.self).unicodeScalars.count
            return .failure(SyntaxError(message: system_pcre2_error_message(error), offset: characters))
        }
        return .success(RegularExpression(source: source, code: code))
    }

    /// Whether some part of `text` matches.
    public func search(_ text: Substring) -> Outcome { match(text, options: 0) }

    /// Whether the whole of `text` matches.
    public func wholeMatch(_ text: Substring) -> Outcome { match(text, options: PCRE2_ANCHORED | PCRE2_ENDANCHORED) }

    /// The steps a match on a text of `bytes` bytes may take.
    public static func steps(forBytes bytes: Int) -> Int { stepLimit + stepsPerByte * bytes }

    private func match(_ text: Substring, options: UInt32) -> Outcome {
        let result = Self.withBytes(of: text) { bytes in
            let limit = Self.steps(forBytes: bytes.count)
            var meter = StepMeter(limit: limit)
            let code = withUnsafeMutablePointer(to: &meter) { pointer in
                system_pcre2_match(
                    self.code, bytes, options: options, matchLimit: UInt32(clamping: limit),
                    depthLimit: Self.depthLimit, heapLimit: Self.heapLimit, callout: countStep, data: UnsafeMutableRawPointer(pointer))
            }
            return (code: code, limit: limit)
        }
        switch result.code {
        case 0...: return .match
        case PCRE2_ERROR_NOMATCH: return .noMatch
        case PCRE2_ERROR_CALLOUT, PCRE2_ERROR_MATCHLIMIT: return .gaveUp(limit: "\(result.limit) steps")
        case PCRE2_ERROR_DEPTHLIMIT: return .gaveUp(limit: "\(Self.depthLimit) nested backtracking points")
        case PCRE2_ERROR_HEAPLIMIT: return .gaveUp(limit: "\(Self.heapLimit / 1024) MiB of backtracking memory")
        default: return .gaveUp(limit: "what PCRE2 could do (\(system_pcre2_error_message(result.code)))")
        }
    }

    /// The UTF-8 of `text` in one buffer (a copy only where it is not stored contiguously).
    private static func withBytes<T>(of text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }
}

/// The work of one match so far, for ``countStep``.
private struct StepMeter {
    let limit: Int
    var steps = 0
    var position = 0
}

/// The callout before every item of a pattern: counts the step and the characters moved over
/// since the last one, and ends the match (PCRE2_ERROR_CALLOUT) past the meter's limit.
private func countStep(_ block: UnsafeMutablePointer<pcre2_callout_block_8>?, _ data: UnsafeMutableRawPointer?) -> CInt {
    guard let block, let meter = data?.assumingMemoryBound(to: StepMeter.self) else { return 0 }
    let position = Int(block.pointee.current_position)
    meter.pointee.steps += 1 + abs(position - meter.pointee.position)
    meter.pointee.position = position
    return meter.pointee.steps > meter.pointee.limit ? PCRE2_ERROR_CALLOUT : 0
}
