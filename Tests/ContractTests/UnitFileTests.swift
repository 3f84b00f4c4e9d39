import Contract
import Testing

/// The unit file syntax as systemd 252 reads it. The `configFile` vectors are transcribed from
/// systemd's src/test/test-conf-parser.c (v252, `config_file[]` and the expectations of
/// `test_config_parse_one()`), read with sections "Section" and "-NoWarnSection".
@Suite struct UnitFileTests {
    static let sections = ["Section", "-NoWarnSection"]

    static func x1000(_ text: String) -> String { String(repeating: text, count: 1000) }

    /// (input, expected value of setting1, or nil when the file must fail with ENOBUFS)
    static let configFile: [(String, String?)] = [
        ("[Section]\nsetting1=1\n", "1"),
        ("[Section]\nsetting1=1", "1"),
        ("\n\n\n\n[Section]\n\n\nsetting1=1", "1"),
        ("[Section]\n[Section]\nsetting1=1\nsetting1=    2 \t\nsetting1=    1\n", "1"),
        ("[Section]\n[Section]\nsetting1=1\nsetting1=2\\\n   \nsetting1=1\n", "1"),
        ("[Section]\nsetting1=1\\\n2\\\n3\n", "1 2 3"),
        ("[Section]\n#hogehoge\\\nsetting1=1\\\n2\\\n3\n", "1 2 3"),
        ("[Section]\nsetting1=1\\\n#hogehoge\\\n2\\\n3\n", "1 2 3"),
        ("[Section]\n   #hogehoge\\\n   setting1=1\\\n2\\\n3\n", "1 2 3"),
        ("[Section]\n   setting1=1\\\n   #hogehoge\\\n2\\\n3\n", "1 2 3"),
        ("[Section]\nsetting1=1\\\n2\\\n3\\\n", "1 2 3"),
        ("[Section]\nsetting1=1\\\\\\\n\\\\2\n", "1\\\\ \\\\2"),
        ("\n[Section]\n\nsetting1=" + x1000("ABCD") + "\n", x1000("ABCD")),
        ("[Section]\nsetting1=" + x1000("ABCD") + "\\\nfoobar", x1000("ABCD") + " foobar"),
        ("[Section]\nsetting1=" + x1000("ABCD") + "\\\nfoobar\\\n", x1000("ABCD") + " foobar"),
        ("[Section]\nsetting1=" + x1000(x1000("x") + String(repeating: "abcde", count: 10)) + "\n", nil),
        ("[Section]\nsetting1=" + x1000(x1000("x") + String(repeating: "abcde", count: 10) + "\\\n") + "xxx", nil),
        ("[Section]\nsetting1=2\n[NoWarnSection]\nsetting1=3\n[WarnSection]\nsetting1=3\n[X-Section]\nsetting1=3\n", "2"),
    ]

    @Test(arguments: configFile.indices)
    func systemdConfigParserVector(_ index: Int) {
        let (input, expected) = Self.configFile[index]
        let file = UnitFile(path: "/test", text: input, knownSections: Self.sections)
        let values = file.assignments(section: "Section", key: "setting1").map(\.value)
        if let expected {
            #expect(file.failure == nil, "vector \(index)")
            #expect(values.last == expected, "vector \(index)")
        } else {
            #expect(file.failure?.kind == .lineTooLong || file.failure?.kind == .continuationTooLong, "vector \(index)")
            #expect(values.isEmpty, "vector \(index)")
        }
    }

    @Test func unknownSectionsWarnExceptExtensionsAndDashedOnes() {
        let file = UnitFile(path: "/test", text: Self.configFile[17].0, knownSections: Self.sections)
        #expect(file.diagnostics.map(\.kind) == [.unknownSection, .unknownSection])
        #expect(file.diagnostics.map(\.line) == [3, 5])
    }

    @Test func lineNumbersOfContinuedLinesAreTheLastPhysicalLine() {
        let file = UnitFile(path: "/u", text: "[Service]\nExecStart=/bin/true a \\\n# comment\n  b\nUser=nobody\nbroken\n", knownSections: ["Service"])
        #expect(file.assignments.map(\.line) == [4, 5])
        #expect(file.assignments[0].value == "/bin/true a    b")
        #expect(file.diagnostics == [UnitFileDiagnostic(file: "/u", line: 6, kind: .missingEquals, message: "Missing '=', ignoring line.")])
    }

    @Test func aContinuationOpenAtTheEndCountsOneMoreLine() {
        let file = UnitFile(path: "/u", text: "[A]\nK=1\\\n", knownSections: ["A"])
        #expect(file.assignments.map(\.line) == [3])
        #expect(file.assignments.first?.value == "1")
    }

    @Test func lineEndingsAreLFCRCRLFLFCRAndNUL() {
        let text = "[A]\r\nK=1\n\rL=2\rM=3\0N=4\n\nO=5"
        let file = UnitFile(path: "/u", contents: Array(text.utf8), knownSections: ["A"])
        #expect(file.assignments.map { "\($0.line):\($0.key)" } == ["2:K", "3:L", "4:M", "5:N", "7:O"])
    }

    @Test func theByteOrderMarkIsDroppedOnce() {
        let file = UnitFile(path: "/u", contents: [0xEF, 0xBB, 0xBF] + Array("[A]\nK=\u{FEFF}v\n".utf8), knownSections: ["A"])
        #expect(file.failure == nil)
        #expect(file.assignments.first?.value == "\u{FEFF}v")
    }

    @Test func includeIsAnOrdinaryInvalidLineSince246() {
        let file = UnitFile(path: "/u", text: ".include /etc/x.service\n[Service]\n.include /etc/y.service\n", knownSections: ["Service"])
        #expect(file.diagnostics.map(\.kind) == [.outsideSection, .missingEquals])
        #expect(file.assignments.isEmpty)
    }

    @Test func fatalLinesStopTheFileAndKeepWhatCameBefore() {
        for (bad, kind) in [("[Service", UnitFileDiagnostic.Kind.invalidSectionHeader), ("[Ser\"vice]", .badSectionName)] {
            let file = UnitFile(path: "/u", text: "[Service]\nA=1\n\(bad)\nB=2\n", knownSections: ["Service"])
            #expect(file.failure?.kind == kind)
            #expect(file.failure?.line == 3)
            #expect(file.assignments.map(\.key) == ["A"])
        }
        let invalid = UnitFile(path: "/u", contents: Array("[Service]\nA=1\nB=\u{FFFE}\n".utf8) , knownSections: ["Service"])
        #expect(invalid.failure?.kind == .invalidUTF8)
        let broken = UnitFile(path: "/u", contents: Array("[Service]\nA=".utf8) + [0xC3, 0x28], knownSections: ["Service"])
        #expect(broken.failure?.kind == .invalidUTF8)
    }

    @Test func keysAndValuesAreStrippedAndSplitAtTheFirstEquals() {
        let file = UnitFile(path: "/u", text: "[S]\n  Environment = A=1 B=2  \n=x\nlonely\n", knownSections: ["S"])
        #expect(file.assignments.map { "\($0.key)|\($0.value)" } == ["Environment|A=1 B=2"])
        #expect(file.diagnostics.map(\.kind) == [.missingKey, .missingEquals])
    }

    @Test func aLineOfOneMebibyteFails() {
        let limit = UnitFile.lineLimit
        let fits = UnitFile(path: "/u", text: "[S]\nK=" + String(repeating: "x", count: limit - 3), knownSections: ["S"])
        #expect(fits.failure == nil)
        let over = UnitFile(path: "/u", text: "[S]\nK=" + String(repeating: "x", count: limit - 2), knownSections: ["S"])
        #expect(over.failure?.kind == .lineTooLong)
    }
}
