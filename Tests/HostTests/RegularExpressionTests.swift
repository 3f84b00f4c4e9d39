import Foundation
import Host
import TestSupport
import Testing

/// Contracts' regular expressions through PCRE2: the same answers as `grep -P` (GNU grep calls
/// the same library with the same options: UTF-8, `$` only at the end) on generated patterns
/// and lines, PCRE2's own refusals, and a prompt answer or a refusal to go on where a pattern
/// would backtrack without end.
@Suite struct RegularExpressionTests {
    /// Lines of a small alphabet, so that generated patterns often match and often do not.
    static func lines(_ random: inout SeededGenerator) -> [String] {
        let alphabet = ["a", "a", "a", "b", "b", "c", "1", "2", " ", "-", "=", ".", "_", "A", "é", "É"]
        let fixed = ["", "a", "ab", "aab", "abc", "a=1", "a b", "1.2", "é", "aaaaaaaaaaaaaaab"]
        return fixed + (0..<50).map { _ in
            (0..<Int.random(in: 1...14, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
        }
    }

    /// `grep -P` on `file`: the numbers of the lines it selects, or nil where it refused the
    /// pattern or stopped at its own backtracking limit.
    func grep(_ pattern: String, _ file: String, wholeLine: Bool) throws -> Set<Int>? {
        let outcome = try run(
            "/usr/bin/grep", ["-P", "-n"] + (wholeLine ? ["-x"] : []) + ["-e", pattern, file],
            environment: ["LC_ALL": "C.UTF-8"])
        guard outcome.status != 2 else { return nil }
        return Set(outcome.standardOutput.split(separator: "\n").compactMap { Int($0.prefix { $0 != ":" }) })
    }

    @Test func answersAsGrepDoes() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["HOSTCONTRACT_SEED"] ?? "") ?? 20260415
        var random = SeededGenerator(seed: seed)
        let lines = Self.lines(&random)
        let directory = TemporaryDirectory("pcre2")
        let file = directory.write("lines", lines.joined(separator: "\n") + "\n")
        var generator = PatternGenerator(random: random)
        var compared = 0
        for index in 0..<200 {
            let pattern = generator.pattern()
            let context = "seed \(seed) pattern \(index) '\(pattern)'"
            let found = try grep(pattern, file, wholeLine: false)
            guard case .success(let expression) = RegularExpression.compile(pattern) else {
                #expect(found == nil, "refused but grep -P accepts: \(context)")
                continue
            }
            guard let found, let whole = try grep(pattern, file, wholeLine: true) else {
                Issue.record("compiled but grep -P refused: \(context)")
                continue
            }
            // grep -P runs PCRE2's JIT with PCRE2_MATCH_INVALID_UTF, which in 10.42 matches
            // none of \D, \S, \W to a character beyond ASCII (the interpreter does, as PCRE2
            // documents): those answers of grep's are not compared.
            let jitDiffers = [#"\D"#, #"\S"#, #"\W"#].contains { pattern.contains($0) }
            for (number, line) in zip(1..., lines) where !(jitDiffers && !line.allSatisfy(\.isASCII)) {
                for (outcome, expected, how) in [
                    (expression.search(line[...]), found.contains(number), "search"),
                    (expression.wholeMatch(line[...]), whole.contains(number), "whole match"),
                ] {
                    if case .gaveUp = outcome { continue }
                    #expect((outcome == .match) == expected, "\(how) of '\(line)': \(context)")
                    compared += 1
                }
            }
        }
        #expect(compared > 10_000, "seed \(seed): only \(compared) answers compared")
    }

    /// The patterns that never returned in a backtracking engine without limits, on a line of
    /// 5,000 `a`s and `!`: each answers, or gives up, within moments.
    @Test(arguments: ["(a+)+$", "(a|a)*$", "(.*a){20}$", "^(a*)*b", "(a|aa)+$", #"(\w+\s?)*$"#, "(?:a|x)*(?:!Z|!Y)"])
    func pathologicalPatternsFinish(_ pattern: String) throws {
        let expression = try RegularExpression.compile(pattern).get()
        let line = String(repeating: "a", count: 5_000) + "!"
        let clock = ContinuousClock()
        for how in ["search", "whole match"] {
            var outcome = RegularExpression.Outcome.match
            let elapsed = clock.measure {
                outcome = how == "search" ? expression.search(line[...]) : expression.wholeMatch(line[...])
            }
            #expect(outcome != .match, "\(how) of '\(pattern)'")
            #expect(elapsed < .seconds(1), "\(how) of '\(pattern)' took \(elapsed)")
        }
        if case .gaveUp(let limit) = expression.search(line[...]) {
            #expect(limit.hasSuffix(" steps") || limit.hasSuffix(" points") || limit.hasSuffix(" memory"), "\(limit)")
        }
    }

    /// PCRE2's match limit counts from each starting point afresh; the step count of the whole
    /// search bounds what a simple pattern costs on one very long line (7 s without it).
    @Test func aLongLineIsSearchedInBoundedTime() throws {
        let clock = ContinuousClock()
        let long = String(repeating: "a", count: 100_000) + "!b"
        for pattern in ["a*b", "(?:a|x)*(?:!Z|!Y)", "[a-z]+_"] {
            let expression = try RegularExpression.compile(pattern).get()
            let elapsed = clock.measure { _ = expression.search(long[...]) }
            #expect(elapsed < .seconds(1), "'\(pattern)' took \(elapsed)")
        }
        // A pattern that reads the line once finds what it seeks at the end.
        #expect(try RegularExpression.compile("!b$").get().search(long[...]) == .match)
        #expect(try RegularExpression.compile("^a+!b$").get().wholeMatch(long[...]) == .match)
    }

    /// PCRE2 has what the hand-written engine refused.
    @Test func backreferencesLookaroundAndAtomicGroupsWork() throws {
        let pair = try RegularExpression.compile(#"^(\w+)=\1$"#).get()
        #expect(pair.search("abc=abc") == .match)
        #expect(pair.search("abc=abd") == .noMatch)
        #expect(try RegularExpression.compile(#"^(?!#)\s*set\b"#).get().search("  set -x") == .match)
        #expect(try RegularExpression.compile(#"^(?!#)\s*set\b"#).get().search("# set -x") == .noMatch)
        #expect(try RegularExpression.compile("(?<=key=)secret").get().search("key=secret") == .match)
        #expect(try RegularExpression.compile("(?>a+)b").get().wholeMatch("aab") == .match)
        #expect(try RegularExpression.compile("a++a").get().search("aaaa") == .noMatch)
        // UTF-8: '.' is one character, (?i) folds Unicode case; `\w` is ASCII, as in grep -P.
        #expect(try RegularExpression.compile("^.$").get().wholeMatch("é") == .match)
        #expect(try RegularExpression.compile("(?i)^é$").get().search("É") == .match)
        #expect(try RegularExpression.compile(#"^\w$"#).get().search("é") == .noMatch)
        // `$` is the end of the text only, and a whole match is the whole text.
        #expect(try RegularExpression.compile("a$").get().search("a\n") == .noMatch)
        #expect(try RegularExpression.compile("a|ab").get().wholeMatch("ab") == .match)
    }

    /// PCRE2's message and the offset (in characters) where it stopped; `\C`, overlong
    /// patterns and deep nesting are refused by the options and limits.
    @Test func refusalsCarryPCRE2sMessageAndOffset() {
        let refused: [(String, String, Int?)] = [
            ("^set (-x", "missing closing parenthesis", 8),
            ("a)", "unmatched closing parenthesis", 1),
            ("é(", "missing closing parenthesis", 2),
            ("[a", "missing terminating ] for character class", 2),
            ("*a", "quantifier does not follow a repeatable item", 0),
            (#"a\C"#, #"using \C is disabled"#, nil),
            (String(repeating: "a", count: RegularExpression.maximumLength + 1), "longer than the limit", nil),
            (String(repeating: "(", count: 101) + String(repeating: ")", count: 101), "parentheses are too deeply nested", nil),
        ]
        for (pattern, message, offset) in refused {
            guard case .failure(let error) = RegularExpression.compile(pattern) else {
                Issue.record("accepted '\(pattern.prefix(40))'")
                continue
            }
            #expect(error.message.contains(message), "'\(pattern.prefix(40))': \(error)")
            if let offset { #expect(error.offset == offset, "'\(pattern)': \(error)") }
        }
        #expect((try? RegularExpression.compile(String(repeating: "a", count: RegularExpression.maximumLength)).get()) != nil)
    }
}

/// Random patterns of a small grammar: literals and classes of the lines' alphabet, groups,
/// lookaround, atomic groups, backreferences, quantifiers (lazy and possessive too), anchors,
/// and now and then a character dropped or added so that some are invalid.
private struct PatternGenerator {
    var random: SeededGenerator
    private var groups = 0

    init(random: SeededGenerator) { self.random = random }

    mutating func pattern() -> String {
        groups = 0
        var text = (chance(8) ? "(?i)" : "") + (chance(4) ? "^" : "") + alternation(depth: 0) + (chance(4) ? "$" : "")
        if chance(10), !text.isEmpty {
            let index = text.index(text.startIndex, offsetBy: Int.random(in: 0..<text.count, using: &random))
            if chance(2) { text.remove(at: index) } else { text.insert(["(", ")", "[", "{", "\\"].randomElement(using: &random)!, at: index) }
        }
        return text.contains(#"\C"#) ? pattern() : text
    }

    private mutating func chance(_ one: Int) -> Bool { Int.random(in: 0..<one, using: &random) == 0 }

    private mutating func alternation(depth: Int) -> String {
        (0..<(chance(4) ? 2 : 1)).map { _ in sequence(depth: depth) }.joined(separator: "|")
    }

    private mutating func sequence(depth: Int) -> String {
        (0..<Int.random(in: 1...4, using: &random)).map { _ in item(depth: depth) }.joined()
    }

    private mutating func item(depth: Int) -> String {
        let quantifiers = ["*", "+", "?", "{1,2}", "{2}", "*?", "+?", "++", "?+"]
        let atoms = ["a", "b", "c", "1", " ", "-", "=", #"\."#, "é", "[ab]", "[^a ]", "[a-c1]", #"\d"#, #"\w"#, #"\s"#, #"\W"#, "."]
        switch Int.random(in: 0..<10, using: &random) {
        case 0 where depth < 2:
            groups += 1
            return "(" + alternation(depth: depth + 1) + ")" + (chance(2) ? quantifiers.randomElement(using: &random)! : "")
        case 1 where depth < 2:
            let kind = ["(?:", "(?>"].randomElement(using: &random)!
            return kind + alternation(depth: depth + 1) + ")" + (chance(2) ? quantifiers.randomElement(using: &random)! : "")
        case 2 where depth < 2:
            let kind = ["(?=", "(?!", "(?<=", "(?<!"].randomElement(using: &random)!
            // Lookbehind must have a fixed length: one character.
            return kind + (kind.contains("<") ? atoms.randomElement(using: &random)! : alternation(depth: depth + 1)) + ")"
        case 3 where groups > 0:
            return "\\\(Int.random(in: 1...groups, using: &random))"
        case 4:
            return [#"\b"#, #"\B"#].randomElement(using: &random)!
        default:
            return atoms.randomElement(using: &random)! + (chance(3) ? quantifiers.randomElement(using: &random)! : "")
        }
    }
}
