import Foundation
import Glibc
import TestSupport
import Testing

/// File names are bytes: not UTF-8, control characters, Unicode non-characters. A tree's entries
/// are checked whatever their names, and names reach every output in a printable, unambiguous
/// form (`\xHH`), never raw.
@Suite struct FileNameTests {
    let work = TemporaryDirectory("names")

    /// Creates a file 0666 named by `bytes` in `directory`.
    func create(_ directory: String, _ bytes: [UInt8]) throws {
        let path = Array(directory.utf8CString.dropLast()) + [CChar(bitPattern: 47)] + bytes.map { CChar(bitPattern: $0) } + [0]
        let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o666)
        #expect(fd >= 0, "create \(bytes): errno \(errno)")
        fchmod(fd, 0o666)
        close(fd)
    }

    static let names: [(bytes: [UInt8], shown: String)] = [
        ([0x66, 0xFF, 0x2E, 0x6D, 0x70, 0x34], "f\\xff.mp4"),                // not UTF-8
        (Array("\u{1B}[31mred".utf8), "\\x1b[31mred"),                      // an escape sequence
        (Array("x\u{FFFF}y".utf8), "x\\xef\\xbf\\xbfy"),                     // a non-character
        (Array("back\\slash".utf8), "back\\\\slash"),                          // escaped too: unambiguous
        (Array("vidéo".utf8), "vidéo"),                                       // plain UTF-8 stays
    ]

    @Test func everyEntryIsCheckedAndShownEscaped() throws {
        let media = work.path + "/root/srv/media"
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        for name in Self.names { try create(media, name.bytes) }
        let contract = work.write("c.toml", """
            contract = "names"
            schema = 1

            [[tree]]
            path = "/srv/media"
            max_file_mode = "0640"
            """)
        let root = work.path + "/root"
        let text = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract")
        #expect(text.status == 1, "\(text.all)")
        #expect(text.standardOutput.contains("5 of 6 entries are not files within 0640"), "\(text.all)")
        #expect(!text.all.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0xFFFF || $0.value == 0xFFFD }, "\(text.all)")
        // All five are listed (the summary lists up to five), each in its printable form.
        for name in Self.names {
            #expect(text.standardOutput.contains("/srv/media/\(name.shown) (0666)"), "\(name.shown): \(text.all)")
        }

        // Every format parses: JUnit and SARIF as XML and JSON, with no raw control character.
        let junit = work.path + "/report.xml"
        _ = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract", "--format", "junit", "--output", junit)
        #expect(try wellFormed(junit))
        let json = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract", "--format", "json")
        #expect(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) is [String: Any], "\(json.all)")
    }

    /// Whether an XML file is well-formed to expat (FoundationXML's parser recovers from what
    /// XML 1.0 forbids, so it cannot tell).
    func wellFormed(_ path: String) throws -> Bool {
        let parse = try run("/usr/bin/python3", ["-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", path])
        #expect(parse.status == 0, "\(parse.all)")
        return parse.status == 0
    }

    /// The walk reaches a directory whose name is not UTF-8 and the files inside it.
    @Test func aDirectoryNamedInLatin1IsWalked() throws {
        let media = work.path + "/root/srv/media"
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        let directory = Array(media.utf8CString.dropLast()) + [47, CChar(bitPattern: 0xE9), 0]  // "/\xe9" (é in Latin-1)
        #expect(mkdir(directory, 0o755) == 0)
        try create(media, [0xE9] + Array("/clip.mp4".utf8))
        let contract = work.write("c.toml", """
            contract = "names"
            schema = 1

            [[tree]]
            path = "/srv/media"
            max_dir_mode = "0750"
            """)
        let text = try hostcontract("check", contract, "--root", work.path + "/root", "--allow-untrusted-contract")
        #expect(text.standardOutput.contains("/srv/media/\\xe9"), "\(text.all)")
        #expect(!text.all.contains("cannot be read"), "\(text.all)")
    }

    /// A contract's own strings may hold what XML 1.0 forbids (TOML writes U+FFFF as "\uFFFF"):
    /// the JUnit report stays well-formed.
    @Test func contractTextWithANonCharacterKeepsJUnitWellFormed() throws {
        let contract = work.write("c.toml", """
            contract = "names"
            schema = 1

            [[directory]]
            path = "/srv/x\\uFFFFy\\u0001"
            """)
        let junit = work.path + "/report.xml"
        let check = try hostcontract("check", contract, "--root", work.path, "--allow-untrusted-contract", "--format", "junit", "--output", junit)
        #expect(check.status == 1, "\(check.all)")
        #expect(try wellFormed(junit))
    }
}
