import Contract
import TestSupport
import Testing

/// The contract's own regular expressions: the same answers as Swift's Regex on the patterns
/// contracts use, in time linear in the text, and a clear refusal of what needs backtracking.
@Suite struct RegularExpressionTests {
    /// Patterns of the shipped contracts, the tests and the manual, and classic shapes.
    static let patterns = [
        #"^\s*set\s+-[a-zA-Z]*x"#, "__[A-Z0-9_]+__", "^ROOT=", #"^\s*TESSDATA_PREFIX\s*="#, "^probe-data=1$",
        #"(?s)\s*-----BEGIN (RSA )?PRIVATE KEY-----.+-----END (RSA )?PRIVATE KEY-----\s*"#,
        "[A-Za-z0-9_-]+:[^,]+(,[A-Za-z0-9_-]+:[^,]+)*", #"https?://[^\s/]+(/.*)?"#, "[a-z/]+", "[A-Za-z0-9]+",
        "a|b|", "(ab|a)*c", "x{2,3}y?", "x{2}", "x{1,}z", #"\bset\b"#, #"\d+\.\d*"#, #"[^\w\s]"#, "(?i)secret",
        "a.c", #"\Aab\z"#, "(?:ab)+", "(?<word>[a-z]+)=", "a*?b", "{", "a{,2}", #"\/\."#,
    ]
    static let texts = [
        "", "set -x", "  set -ex # trace", "export __PLACEHOLDER__=1", "ROOT=/srv", "TESSDATA_PREFIX = /x", "probe-data=1",
        "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n", "k1:abc,k2:def", "k1:abc,,", "https://host/path",
        "http://", "abcabc", "ababc", "xxy", "xxxxz", "offset x", "3.14", "a-b", "SECRET", "abc", "a\nc", "ab", "word=1",
        "aab", "]", "{", "a{,2}", "/.", "é", "a b",
    ]

    @Test func answersAsSwiftRegexDoes() throws {
        for pattern in Self.patterns {
            let ours = try RegularExpression(pattern)
            let swift = try Regex(pattern)
            for text in Self.texts {
                #expect(ours.matches(in: text) == text.contains(swift), "'\(pattern)' in '\(text)'")
                #expect(ours.wholeMatch(text) == ((try? swift.wholeMatch(in: text)) ?? nil != nil), "'\(pattern)' whole '\(text)'")
            }
        }
    }

    /// The pathological patterns that never returned: `(a+)+$` and friends on a line of
    /// `a`s that does not match. Linear time: a 5,000-character line (2^5000 paths for a backtracking engine) is checked at once.
    @Test func pathologicalPatternsFinish() throws {
        let line = String(repeating: "a", count: 5_000) + "!"
        for pattern in ["(a+)+$", "(a|a)*$", "(a|aa)+$", "(.*a){20}$", "^(a*)*b", #"(\w+\s?)*$"#, ".*.*.*.*.*.*=.*"] {
            let regex = try RegularExpression(pattern)
            #expect(!regex.wholeMatch(line), "\(pattern)")
            #expect(regex.matches(in: line) == (pattern == "(a+)+$" ? false : regex.matches(in: line)))
        }
        #expect(try !RegularExpression("(a+)+$").matches(in: line))
    }

    @Test func refusesWhatNeedsBacktrackingWithTheReason() {
        let refused = [
            #"(a)\1"#: "backreferences are not supported", "a(?=b)": "lookaround is not supported",
            "(?>a)": "atomic groups are not supported", "a*+": "possessive quantifiers are not supported",
            "(": "'(' is never closed", "a)": "unbalanced ')'", "*a": "'*' has nothing to repeat",
            "(a{100}){200}": "is too large", String(repeating: "(", count: 200) + String(repeating: ")", count: 200): "groups nest deeper than 100 levels",
            "[a": "'[' is never closed", "a**": "'*' has nothing to repeat", #"\x41"#: "not a supported escape",
        ]
        for (pattern, reason) in refused {
            do {
                _ = try RegularExpression(pattern)
                Issue.record("accepted '\(pattern)'")
            } catch {
                #expect(error.description.contains(reason), "'\(pattern)': \(error)")
            }
        }
    }
}
