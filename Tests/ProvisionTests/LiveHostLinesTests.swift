import Foundation
import Host
import Provision
import TestSupport
import Testing

/// The lines `forbid` and `require` see are numbered as `grep -n` numbers them, whatever the
/// line ends (CR LF is one Swift Character, so a split of the text at "\n" saw one line).
@Suite struct LiveHostLinesTests {
    static let files: [(String, [UInt8])] = [
        ("LF", Array("A=1\nset -x\nB=2\n".utf8)),
        ("CRLF", Array("A=1\r\nset -x\r\nB=2\r\n# set -x\r\n".utf8)),
        ("mixed", Array("A=1\r\nB=2\nset -x\r\n\r\nset -x".utf8)),
        ("lone CR", Array("A=1\rset -x\nB=2\n".utf8)),
        ("no final line end", Array("set -x".utf8)),
        ("invalid UTF-8", [0xFF, 0x0D, 0x0A] + Array("set -x\r\n".utf8) + [0xC3, 0x0A] + Array("x set -x\n".utf8)),
        ("empty lines", Array("\n\n\r\nset -x\n\n".utf8)),
    ]

    @Test(arguments: files.map(\.0))
    func lineNumbersAreGreps(_ name: String) throws {
        let bytes = try #require(Self.files.first { $0.0 == name }?.1)
        let directory = TemporaryDirectory("lines")
        try Data(bytes).write(to: directory.url.appendingPathComponent("file"))
        let host = LiveHost(root: try RootDirectory(path: directory.path))
        let lines = try host.lines(of: "/file").get()
        let grep = try run("/bin/grep", ["-an", "set -x", directory.path + "/file"])
        // (Split on bytes: grep prints each line with its CR.)
        let expected = grep.standardOutput.utf8.split(separator: 0x0A).compactMap { Int(String(decoding: $0.prefix { $0 != 0x3A }, as: UTF8.self)) }
        #expect(!expected.isEmpty)
        #expect(lines.indices.filter { lines[$0].contains("set -x") }.map { $0 + 1 } == expected, "\(lines)")
        let count = try run("/bin/grep", ["-ac", "", directory.path + "/file"])
        #expect(lines.count == Int(count.standardOutput.filter(\.isNumber)), "\(lines)")
        #expect(!lines.contains { $0.hasSuffix("\r") })
    }
}
