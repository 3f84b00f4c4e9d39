import Contract
import Foundation
import TestSupport
import Testing

/// Mangled nginx configurations: each parses into directives and problems, never a crash or a
/// hang, and every problem names a line inside the file.
@Suite struct NginxMutationTests {
    static let fragments = ["{", "}", ";", "\"", "'", "\\", "#", "${", "$", "\n", "content_by_lua_block {", "set_by_lua_block $x",
                            "include", "if (", ")", "location", "'''", "\\\n", "\r\n", "\u{0}", "é"]

    @Test func mangledConfigurationsNeverCrash() throws {
        let directory = packageDirectory.appendingPathComponent("Tests/Fixtures/nginx/edge").path
        let sources = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".conf") }.sorted()
            .map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
        let seed = UInt64(ProcessInfo.processInfo.environment["HOSTCONTRACT_SEED"] ?? "") ?? 4242
        var random = SeededGenerator(seed: seed)
        var parsed = 0
        for iteration in 0..<3000 {
            var text = Array(sources.randomElement(using: &random)!.unicodeScalars)
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                let position = Int.random(in: 0...text.count, using: &random)
                if Bool.random(using: &random), position < text.count {
                    text.removeSubrange(position..<min(text.count, position + Int.random(in: 1...30, using: &random)))
                } else {
                    text.insert(contentsOf: Self.fragments.randomElement(using: &random)!.unicodeScalars, at: position)
                }
            }
            let mangled = String(String.UnicodeScalarView(text))
            let lines = mangled.unicodeScalars.count { $0 == "\n" } + 1
            let configuration = NginxConfiguration.load(
                main: "/m.conf", read: { $0 == "/m.conf" ? .success(mangled) : .failure(ObservationError("absent", isNotFound: true)) },
                glob: { _ in [] })
            parsed += configuration.files[0].directives.count
            for problem in configuration.problems where problem.file == "/m.conf" {
                if let line = problem.line, line < 1 || line > lines + 1 {
                    Issue.record("seed \(seed) iteration \(iteration): line \(line) outside 1...\(lines): \(problem.message)")
                }
            }
        }
        #expect(parsed > 1000)
    }

    @Test func anIncludeOfItselfIsReadOnce() {
        let configuration = NginxConfiguration.load(
            main: "/etc/nginx/nginx.conf",
            read: { _ in .success("include nginx.conf;\nhttp { include /etc/nginx/nginx.conf; }\n") },
            glob: { _ in [] })
        #expect(configuration.files.count == 1)
        #expect(configuration.main.count == 1)
    }
}
