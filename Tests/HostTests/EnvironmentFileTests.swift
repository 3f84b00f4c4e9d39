import Host
import TestSupport
import Testing

/// The EnvironmentFile= syntax of systemd.exec(5), case by case, as systemd's parser reads it.
@Suite struct EnvironmentFileTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let values: [String: String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "plain assignment", text: "FOO=bar\n", values: ["FOO": "bar"]),
        Case(name: "no trailing newline", text: "FOO=bar", values: ["FOO": "bar"]),
        Case(name: "comments with # and ;", text: "# c\n; c\nFOO=1\n  # indented\n", values: ["FOO": "1"]),
        Case(name: "whitespace around = and the value is stripped", text: "  FOO  =   bar baz  \n", values: ["FOO": "bar baz"]),
        Case(name: "empty value", text: "FOO=\n", values: ["FOO": ""]),
        Case(name: "double quotes keep whitespace", text: "FOO=\"  bar  \"\n", values: ["FOO": "  bar  "]),
        Case(name: "single quotes are literal", text: "FOO='a\\nb $X \"q\"'\n", values: ["FOO": "a\\nb $X \"q\""]),
        Case(name: "double-quote escapes of \" \\ ` $", text: "FOO=\"a\\\"b\\\\c\\`d\\$e\"\n", values: ["FOO": "a\"b\\c`d$e"]),
        Case(name: "other escapes in double quotes keep the backslash", text: "FOO=\"a\\nb\"\n", values: ["FOO": "a\\nb"]),
        Case(name: "unquoted backslash escapes the next character", text: "FOO=a\\ b\\#c\n", values: ["FOO": "a b#c"]),
        Case(name: "a trailing backslash continues the line", text: "FOO=one \\\ntwo\nBAR=3\n", values: ["FOO": "one two", "BAR": "3"]),
        Case(name: "continuation inside double quotes", text: "FOO=\"one\\\ntwo\"\n", values: ["FOO": "onetwo"]),
        Case(name: "newline inside quotes is kept", text: "FOO=\"one\ntwo\"\n", values: ["FOO": "one\ntwo"]),
        Case(name: "# after a value is part of it", text: "FOO=bar # not a comment\n", values: ["FOO": "bar # not a comment"]),
        Case(name: "adjacent quoted parts join", text: "FOO=\"a\"'b'c\n", values: ["FOO": "abc"]),
        Case(name: "the last assignment wins", text: "FOO=1\nFOO=2\n", values: ["FOO": "2"]),
        Case(name: "a comment ending in a backslash does not continue (since 254)", text: "# note \\\nFOO=bar\n", values: ["FOO": "bar"]),
        Case(name: "CRLF line ends", text: "FOO=bar\r\nBAZ=1\r\n", values: ["FOO": "bar", "BAZ": "1"]),
        Case(name: "= in the value", text: "URL=postgres://u:p@h/db?x=1\n", values: ["URL": "postgres://u:p@h/db?x=1"]),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) {
        let file = EnvironmentFile(parsing: testCase.text, dialect: .since254)
        #expect(file.values == testCase.values)
        #expect(file.problems.isEmpty, "\(file.problems)")
    }

    @Test func aLineWithoutEqualsIsAProblemAndTheRestIsRead() {
        let file = EnvironmentFile(parsing: "A=1\njust words\nB=2\n", dialect: .since254)
        #expect(file.values == ["A": "1", "B": "2"])
        #expect(file.problems.map(\.line) == [2])
    }

    @Test func exportIsNamed() {
        let file = EnvironmentFile(parsing: "A=1\nexport B=2\nC=3\n", dialect: .since254)
        #expect(file.values == ["A": "1", "C": "3"])
        #expect(file.problems.first?.line == 2)
        #expect(file.problems.first?.message.contains("'export' is shell syntax") == true)
    }

    @Test func invalidNameIsAProblem() {
        let file = EnvironmentFile(parsing: "1ABC=x\nGOOD=y\n", dialect: .since254)
        #expect(file.values == ["GOOD": "y"])
        #expect(file.problems.map(\.line) == [1])
    }

    @Test func unterminatedQuoteSwallowsTheRestAndSaysWhere() {
        let file = EnvironmentFile(parsing: "A=1\nB=\"open\nC=3\n", dialect: .since254)
        #expect(file.values["A"] == "1")
        #expect(file.values["C"] == nil)
        #expect(file.problems.first?.line == 3 - 1)
        #expect(file.problems.first?.swallowsRest == true)
    }

    @Test func problemsNeverCarryValues() {
        let file = EnvironmentFile(parsing: "PASSWORD hunter1=x\nSECRET=\"hunter2-value\nexport TOKEN=abc123\n", dialect: .since254)
        #expect(file.problems.count == 2)  // the open quote swallows the export line
        #expect(!file.problems.contains { $0.message.contains("hunter") || $0.message.contains("abc123") })
    }

    @Test func lineNumbersFollowContinuations() {
        let file = EnvironmentFile(parsing: "A=1 \\\n2\nB=3\n", dialect: .since254)
        #expect(file.assignments.map(\.line) == [1, 3])
    }
}

/// Provenance (issue 11): an assignment is clean only on one physical line with no problem on
/// it; a value that took in other lines is marked, so it is never shown.
@Suite struct EnvironmentFileProvenanceTests {
    @Test func aTrailingBackslashMakesTheValueUnclean() {
        let file = EnvironmentFile(parsing: "A=expandable_segments:True \\\nSECRET=\"canary\"\nB=2\n", dialect: .since254)
        let effective = file.effectiveAssignments
        #expect(effective["A"]?.isClean == false)
        #expect(effective["A"]?.line == 1)
        #expect(effective["A"]?.endLine == 2)
        #expect(effective["SECRET"] == nil)
        #expect(effective["B"]?.isClean == true)
        #expect(effective["A"]?.isContinued == true)
        #expect(effective["B"]?.isContinued == false)
    }

    @Test func anUnterminatedQuoteMakesItsValueUnclean() {
        let file = EnvironmentFile(parsing: "A=1\nB=\"open\nC=canary\nD=2\n", dialect: .since254)
        let effective = file.effectiveAssignments
        #expect(effective["A"]?.isClean == true)
        #expect(effective["B"]?.isClean == false)
        #expect(effective["B"]?.line == 2)
        #expect(effective["C"] == nil)
    }

    @Test func aProblemOnTheLineMakesItUnclean() {
        let file = EnvironmentFile(parsing: "A=1\nB=2\n", dialect: .since254)
        #expect(file.assignments.allSatisfy { $0.isClean })
        let quoted = EnvironmentFile(parsing: "A=\"one\ntwo\"\nB=3\n", dialect: .since254)
        #expect(quoted.effectiveAssignments["A"]?.isClean == false)
        #expect(quoted.effectiveAssignments["A"]?.isContinued == false)
        #expect(quoted.effectiveAssignments["B"]?.isClean == true)
    }
}

/// Line ends: systemd ends a line at LF or CR (NEWLINE is "\n\r" in parse_env_file_internal);
/// line numbers are those `grep -n` shows, so a CRLF file is numbered like an LF one.
@Suite struct EnvironmentFileLineEndTests {
    @Test func aCRLFFileReadsAsItsLFTwin() {
        let lf = "# header\nA=1\nB=\"two words\"\n\nC=x\\ y\nD='q'\n"
        let crlf = EnvironmentFile(parsing: lf.replacing("\n", with: "\r\n"), dialect: .since254)
        let plain = EnvironmentFile(parsing: lf, dialect: .since254)
        #expect(crlf.values == plain.values)
        #expect(crlf.values == ["A": "1", "B": "two words", "C": "x y", "D": "q"])
        #expect(crlf.assignments.map(\.line) == [2, 3, 5, 6])
        #expect(crlf.assignments.allSatisfy { $0.isClean })
        #expect(crlf.problems.isEmpty, "\(crlf.problems)")
    }

    /// The backslash eats the CR, and the LF then ends the value: systemd joins nothing.
    @Test func aTrailingBackslashBeforeCRLFJoinsNothing() {
        let file = EnvironmentFile(parsing: "A=1 \\\r\nB=2\r\n", dialect: .since254)
        #expect(file.values == ["A": "1 ", "B": "2"])
        #expect(file.effectiveAssignments["A"]?.isContinued == false)
        #expect(file.effectiveAssignments["A"]?.isClean == true)
        #expect(file.assignments.map(\.line) == [1, 2])
    }

    /// A CR alone ends the line for systemd, not for grep: what shares that grep line is not clean.
    @Test func aLoneCarriageReturnIsNamedAndItsLineIsNotClean() {
        let file = EnvironmentFile(parsing: "A=1\rSECRET=canary\nB=2\n", dialect: .since254)
        #expect(file.values == ["A": "1", "SECRET": "canary", "B": "2"])
        #expect(file.problems.map(\.line) == [1])
        #expect(file.problems.first?.message.contains("carriage return") == true)
        #expect(file.effectiveAssignments["A"]?.isClean == false)
        #expect(file.effectiveAssignments["SECRET"]?.isClean == false)
        #expect(file.effectiveAssignments["B"]?.isClean == true)
        let joined = EnvironmentFile(parsing: "A=1\\\rSECRET=canary\n", dialect: .since254)
        #expect(joined.values == ["A": "1SECRET=canary"])
        #expect(joined.effectiveAssignments["A"]?.isClean == false)
    }

    /// Inside quotes a CR is part of the value, as systemd keeps it.
    @Test func aCarriageReturnInsideQuotesIsKept() {
        let file = EnvironmentFile(parsing: "A='x\ry'\n", dialect: .since254)
        #expect(file.values == ["A": "x\ry"])
        #expect(file.problems.isEmpty)
    }
}

/// systemd refuses a file with invalid UTF-8 in a name or a value it takes (load_env_file_push,
/// check_utf8ness_and_warn: EINVAL) or with a NUL byte anywhere (read_full_file: EBADMSG), and
/// then takes no value from it; comments and lines without '=' are never checked.
@Suite struct EnvironmentFileRefusalTests {
    static func bytes(_ parts: [UInt8]...) -> [UInt8] { parts.flatMap { $0 } }
    static func text(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func invalidUTF8InAValueRefusesTheWholeFileAtItsLine() throws {
        let file = EnvironmentFile(parsing: Self.bytes(Self.text("A=1\nB=2\nSECRET=hunter"), [0xFF], Self.text("2\nC=3\n")), dialect: .since254)
        let refusal = try #require(file.refusal)
        #expect(refusal.line == 3)
        #expect(refusal.message.hasPrefix("systemd refuses this file: invalid UTF-8 at line 3"))
        #expect(!refusal.message.contains("hunter"))
        #expect(file.values.isEmpty)
        #expect(file.assignments.isEmpty)
    }

    @Test func theLineIsThatOfTheFirstBadByteInAValueOverSeveralLines() throws {
        let file = EnvironmentFile(parsing: Self.bytes(Self.text("A=\"one\ntwo\nthr"), [0xC3, 0x28], Self.text("ee\"\n")), dialect: .since254)
        #expect(try #require(file.refusal).line == 3)
        let continued = EnvironmentFile(parsing: Self.bytes(Self.text("X=1\nA=one\\\n"), [0xED, 0xA0, 0x80], Self.text("\n")), dialect: .since254)
        #expect(try #require(continued.refusal).line == 3)
    }

    @Test func invalidUTF8InANameRefusesToo() throws {
        let file = EnvironmentFile(parsing: Self.bytes(Self.text("OK=1\n\nNA"), [0xFE], Self.text("ME=x\n")), dialect: .since254)
        #expect(try #require(file.refusal).line == 3)
    }

    /// systemd's own three (src/test/test-env-file.c, load_env_file_invalid_utf8) and the other
    /// non-characters unichar_is_valid() refuses, surrogates, overlong forms, values past U+10FFFF.
    @Test(arguments: ["fo\u{FFFE}o=bar", "foo=b\u{FFFF}ar", "baz=hello world\u{FFFE}"]
        + ([0xFDD0, 0xFDEF, 0x1FFFE, 0x1FFFF, 0x10FFFF] as [UInt32]).map { "a=" + String(Unicode.Scalar($0)!) })
    func nonCharactersAreRefused(_ text: String) {
        #expect(EnvironmentFile(parsing: text, dialect: .since254).refusal != nil)
    }

    @Test(arguments: [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3], [0x80]] as [[UInt8]])
    func malformedSequencesAreRefused(_ sequence: [UInt8]) {
        #expect(EnvironmentFile(parsing: Self.bytes(Self.text("a="), sequence, Self.text("\n")), dialect: .since254).refusal != nil)
    }

    @Test(arguments: ["a=\u{FDCF}\u{FDF0}\u{FFFD}\u{10FFFD}é😀\u{202E}\u{FEFF}\u{1B}\u{7F}"])
    func otherCharactersAreTaken(_ text: String) {
        let file = EnvironmentFile(parsing: text, dialect: .since254)
        #expect(file.refusal == nil)
        #expect(file.values["a"] == String(text.dropFirst(2)))
    }

    /// systemd validates the value it made: an escape between the bytes of a character is gone
    /// by then, and bytes in a comment or a line without '=' are never pushed.
    @Test func onlyWhatSystemdTakesIsValidated() {
        let escaped = EnvironmentFile(parsing: Self.bytes(Self.text("A="), [0xC3], Self.text("\\"), [0xA9], Self.text("\n")), dialect: .since254)
        #expect(escaped.refusal == nil)
        #expect(escaped.values == ["A": "é"])
        let elsewhere = EnvironmentFile(
            parsing: Self.bytes(Self.text("# "), [0xFF], Self.text("\nno equals "), [0xFF], Self.text("\nA=1\n")), dialect: .since254)
        #expect(elsewhere.refusal == nil)
        #expect(elsewhere.values == ["A": "1"])
    }

    @Test func aNulByteAnywhereRefusesTheFile() throws {
        for text in ["A=1\nB=\u{0}2\n", "A=1\n# \u{0}\n", "A=1\n\nB=2\u{0}"] {
            let file = EnvironmentFile(parsing: text, dialect: .since254)
            let refusal = try #require(file.refusal, "\(text.debugDescription)")
            #expect(refusal.line == (text.hasPrefix("A=1\n\n") ? 3 : 2))
            #expect(refusal.message.contains("NUL byte"))
            #expect(file.values.isEmpty)
        }
    }

    /// Differential: systemd's validity is Swift's strict UTF-8 decoding minus the
    /// non-characters, on random byte strings biased to the edges of the encoding.
    @Test func validityIsStrictUTF8WithoutNonCharacters() {
        var random = SeededGenerator(seed: 0x5EED_0F_0252)
        let interesting: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xF8, 0xFC, 0xFE, 0xFF, 0xB7, 0xBE]
        for _ in 0..<20_000 {
            let sequence = (0..<Int.random(in: 1...6, using: &random)).map { _ in interesting.randomElement(using: &random)! }
            let swift = String(validating: sequence, as: UTF8.self)
            let expected = swift.map { !$0.unicodeScalars.contains { Self.isNonCharacter($0.value) } } ?? false
            let file = EnvironmentFile(parsing: Self.bytes(Self.text("A="), sequence), dialect: .since254)
            #expect((file.refusal == nil) == expected, "\(sequence.map { String($0, radix: 16) })")
            if file.refusal == nil { #expect(file.values["A"].map { Array($0.utf8) } == sequence) }
        }
    }

    static func isNonCharacter(_ scalar: UInt32) -> Bool { (0xFDD0...0xFDEF).contains(scalar) || scalar & 0xFFFE == 0xFFFE }
}

/// A comment ending in a backslash: before systemd 254 it takes the next line into the
/// comment, since 254 it does not (parse_env_file_internal, COMMENT_ESCAPE).
@Suite struct EnvironmentFileDialectTests {
    static let text = "A=1\n# note \\\nB=2\nC=3\n"

    @Test func before254TheNextLineIsComment() {
        let file = EnvironmentFile(parsing: Self.text, dialect: .before254)
        #expect(file.values == ["A": "1", "C": "3"])
        #expect(file.problems.map(\.line) == [2])
        #expect(file.problems.first?.message.contains("before 254") == true)
    }

    @Test func since254TheNextLineIsRead() {
        let file = EnvironmentFile(parsing: Self.text, dialect: .since254)
        #expect(file.values == ["A": "1", "B": "2", "C": "3"])
        #expect(file.problems.isEmpty)
    }

    /// Unknown: the values of 254 and later, but what the two read differently is not clean,
    /// and the comment is named.
    @Test func unknownFlagsTheCommentAndWithholdsWhatDiffers() {
        let file = EnvironmentFile(parsing: Self.text, dialect: .unknown)
        #expect(file.values == ["A": "1", "B": "2", "C": "3"])
        #expect(file.problems.map(\.line) == [2])
        #expect(file.problems.first?.message.contains("not known") == true)
        let effective = file.effectiveAssignments
        #expect(effective["A"]?.isClean == true)
        #expect(effective["B"]?.isClean == false)
        #expect(effective["C"]?.isClean == true)
    }

    /// Before 254 a continued comment continues again; an open quote on the line 254 reads
    /// makes everything after differ.
    @Test func theReadingsDivergeAsSystemdsDo() {
        let chain = "# a \\\nB=2 \\\nC=3\nD=4\n"
        #expect(EnvironmentFile(parsing: chain, dialect: .before254).values == ["D": "4"])
        #expect(EnvironmentFile(parsing: chain, dialect: .since254).values == ["B": "2 C=3", "D": "4"])
        let quote = "# a \\\nB=\"open\nC=3\nD=\"4\"\n"
        let unknown = EnvironmentFile(parsing: quote, dialect: .unknown)
        #expect(Set(unknown.values.keys) == ["B"])
        #expect(unknown.assignments.allSatisfy { !$0.isClean })
    }

    /// A backslash before CR LF eats the CR in either version; the LF ends the comment.
    @Test func aCRLFCommentNeverContinues() {
        for dialect in [EnvironmentFile.Dialect.before254, .since254, .unknown] {
            let file = EnvironmentFile(parsing: "# note \\\r\nB=2\r\n", dialect: dialect)
            #expect(file.values == ["B": "2"], "\(dialect)")
            #expect(file.problems.isEmpty, "\(dialect): \(file.problems)")
        }
    }

    /// Nothing to flag when the next line is blank or a comment itself.
    @Test func aHarmlessContinuationIsNotFlagged() {
        for dialect in [EnvironmentFile.Dialect.before254, .unknown] {
            #expect(EnvironmentFile(parsing: "# a \\\n# b\n\nA=1\n", dialect: dialect).problems.isEmpty)
            #expect(EnvironmentFile(parsing: "# a \\\n\nA=1\n", dialect: dialect).problems.isEmpty)
        }
    }

    @Test func theDialectFollowsTheVersion() {
        #expect(EnvironmentFile.Dialect(systemd: SystemdVersion(major: 252)) == .before254)
        #expect(EnvironmentFile.Dialect(systemd: SystemdVersion(major: 253)) == .before254)
        #expect(EnvironmentFile.Dialect(systemd: SystemdVersion(major: 254)) == .since254)
        #expect(EnvironmentFile.Dialect(systemd: SystemdVersion(major: 257)) == .since254)
        #expect(EnvironmentFile.Dialect(systemd: nil) == .unknown)
    }
}
