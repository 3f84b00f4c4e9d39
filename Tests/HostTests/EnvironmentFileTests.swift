import Host
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
        Case(name: "a comment ending in a backslash does not continue", text: "# note \\\nFOO=bar\n", values: ["FOO": "bar"]),
        Case(name: "CRLF line ends", text: "FOO=bar\r\nBAZ=1\r\n", values: ["FOO": "bar", "BAZ": "1"]),
        Case(name: "= in the value", text: "URL=postgres://u:p@h/db?x=1\n", values: ["URL": "postgres://u:p@h/db?x=1"]),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) {
        let file = EnvironmentFile(parsing: testCase.text)
        #expect(file.values == testCase.values)
        #expect(file.problems.isEmpty, "\(file.problems)")
    }

    @Test func aLineWithoutEqualsIsAProblemAndTheRestIsRead() {
        let file = EnvironmentFile(parsing: "A=1\njust words\nB=2\n")
        #expect(file.values == ["A": "1", "B": "2"])
        #expect(file.problems.map(\.line) == [2])
    }

    @Test func exportIsNamed() {
        let file = EnvironmentFile(parsing: "A=1\nexport B=2\nC=3\n")
        #expect(file.values == ["A": "1", "C": "3"])
        #expect(file.problems.first?.line == 2)
        #expect(file.problems.first?.message.contains("'export' is shell syntax") == true)
    }

    @Test func invalidNameIsAProblem() {
        let file = EnvironmentFile(parsing: "1ABC=x\nGOOD=y\n")
        #expect(file.values == ["GOOD": "y"])
        #expect(file.problems.map(\.line) == [1])
    }

    @Test func unterminatedQuoteSwallowsTheRestAndSaysWhere() {
        let file = EnvironmentFile(parsing: "A=1\nB=\"open\nC=3\n")
        #expect(file.values["A"] == "1")
        #expect(file.values["C"] == nil)
        #expect(file.problems.first?.line == 3 - 1)
        #expect(file.problems.first?.swallowsRest == true)
    }

    @Test func problemsNeverCarryValues() {
        let file = EnvironmentFile(parsing: "PASSWORD hunter1=x\nSECRET=\"hunter2-value\nexport TOKEN=abc123\n")
        #expect(file.problems.count == 2)  // the open quote swallows the export line
        #expect(!file.problems.contains { $0.message.contains("hunter") || $0.message.contains("abc123") })
    }

    @Test func lineNumbersFollowContinuations() {
        let file = EnvironmentFile(parsing: "A=1 \\\n2\nB=3\n")
        #expect(file.assignments.map(\.line) == [1, 3])
    }
}

/// Provenance (issue 11): an assignment is clean only on one physical line with no problem on
/// it; a value that took in other lines is marked, so it is never shown.
@Suite struct EnvironmentFileProvenanceTests {
    @Test func aTrailingBackslashMakesTheValueUnclean() {
        let file = EnvironmentFile(parsing: "A=expandable_segments:True \\\nSECRET=\"canary\"\nB=2\n")
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
        let file = EnvironmentFile(parsing: "A=1\nB=\"open\nC=canary\nD=2\n")
        let effective = file.effectiveAssignments
        #expect(effective["A"]?.isClean == true)
        #expect(effective["B"]?.isClean == false)
        #expect(effective["B"]?.line == 2)
        #expect(effective["C"] == nil)
    }

    @Test func aProblemOnTheLineMakesItUnclean() {
        let file = EnvironmentFile(parsing: "A=1\nB=2\n")
        #expect(file.assignments.allSatisfy { $0.isClean })
        let quoted = EnvironmentFile(parsing: "A=\"one\ntwo\"\nB=3\n")
        #expect(quoted.effectiveAssignments["A"]?.isClean == false)
        #expect(quoted.effectiveAssignments["A"]?.isContinued == false)
        #expect(quoted.effectiveAssignments["B"]?.isClean == true)
    }
}
