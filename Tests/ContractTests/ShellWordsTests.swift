@testable import Contract
import Testing

/// A word of a fix is pasted into a shell: it goes bare only when every byte is one a shell
/// takes literally, and quoted otherwise (a quote inside closed, escaped and reopened).
@Suite struct ShellWordsTests {
    @Test func plainWordsGoBare() {
        for word in ["chmod", "0750", "/var/lib/app", "app:app", "u:nginx:r-x,g::r-x", "a+b=c@d%e-f_g.h"] {
            #expect(ShellWords.quote(word) == word)
        }
    }

    @Test func everyOtherWordIsQuoted() {
        #expect(ShellWords.quote("") == "''")
        #expect(ShellWords.quote("a b") == "'a b'")
        #expect(ShellWords.quote("it's") == "'it'\\''s'")
        #expect(ShellWords.quote("$HOME") == "'$HOME'")
        // Not ASCII letters or digits, though Swift calls them letters or numbers.
        for word in ["café", "Straße", "٣", "e\u{301}", "a\r\nb", "a\tb", "x*"] {
            #expect(ShellWords.quote(word) == "'" + word + "'", "\(word.debugDescription)")
        }
    }
}
