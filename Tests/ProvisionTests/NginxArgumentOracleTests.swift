import Contract
import Foundation
import TestSupport
import Testing

/// The arguments hostcontract reads are the ones nginx uses: generated (seeded) and hand-picked
/// arguments, quoted and unquoted, with every escape nginx knows and some it does not, are
/// written into `return 200 ARGUMENT;` of their own location; a real nginx serves them and
/// curl fetches each body, which must equal hostcontract's argument byte for byte (the only
/// variable, `$request_method`, replaced by GET as nginx does). Replay with
/// HOSTCONTRACT_ORACLE_SEED.
@Suite(.enabled(if: nginxInstalled, "needs nginx"))
struct NginxArgumentOracleTests {
    static let handPicked = [
        #""ok\n""#, #"'it\'s'"#, #""a\"b""#, #"'a\"b'"#, #""a\'b""#, #""a\\b""#, #"'c\d'"#, #""tab\there""#, #""cr\rlf\n""#,
        #"\"x"#, #"x\'"#, #"\\"#, #"e\;f"#, #"g\{h\}"#, #"a\ b"#, ##"a\#b"##, #"a#b"#, #"a}b"#, #"a"b"#, #"x'y'z"#,
        #""\n\t\r\\\"\'""#, #"\n\t\r"#, #"'\q\x\0'"#, "\"new\nline\"", "'multi\n\tline'", #""""#, #"''"#,
        #""${request_method}""#, #"${request_method}x"#, #""$request_method/""#, #"${request_method}"#,
        #""{;}#""#, "\"grüße ☃ 𝄞\"", "ümlaut", #""a \"quoted\" {body}""#, #"(paren)"#,
    ]

    /// Characters that mean nothing special to nginx in any position.
    static let plain = Array("abcXYZ019/._-:,!?@%&*+=~^()[]<>|`")
    static let escapable = Array("ntr\"'\\az0;{}# /")

    @Test func bodiesEqualTheArgumentsHostcontractReads() throws {
        var random = SeededGenerator(seed: oracleSeed)
        var arguments = Self.handPicked
        while arguments.count < 600 { arguments.append(Self.argument(&random)) }
        var disagreements: [String] = []
        var compared = 0
        for round in stride(from: 0, to: arguments.count, by: 150) {
            let batch = Array(arguments[round..<min(arguments.count, round + 150)])
            let nginx = try NginxInstance()
            var separators: [(String, String, String, String)] = []
            for _ in batch {
                let name = ["return", "\"return\"", "'return'"].randomElement(using: &random)!
                let gaps = [" ", "\t", "\n  ", "  # a comment ; { }\n  ", "\r\n "]
                separators.append((name, gaps.randomElement(using: &random)!, gaps.randomElement(using: &random)!,
                                   ["", " ", "\t", "\n"].randomElement(using: &random)!))
            }
            let file = nginx.path + "/serve.conf"
            let server = try nginx.serve { port, _ in
                var text = "events {}\nhttp {\n" + nginx.httpPreamble + "    default_type application/octet-stream;\n"
                text += "    server {\n        listen 127.0.0.1:\(port);\n"
                for (index, argument) in batch.enumerated() {
                    let (name, gap, gap2, end) = separators[index]
                    text += "        location = /a\(index) {\n            \(name)\(gap)200\(gap2)\(argument)\(end);\n        }\n"
                }
                return text + "    }\n}\n"
            }
            let configuration = hostcontractReading(file)
            let problems = configuration.problems.map { "\($0.location): \($0.message)" }
            if !problems.isEmpty { disagreements.append("nginx accepts \(file), hostcontract reports \(problems)") }
            let http: [NginxDirective] = configuration.main.filter { $0.name == "http" }.flatMap { $0.block ?? [] }
            let servers: [NginxDirective] = http.filter { $0.name == "server" }.flatMap { $0.block ?? [] }
            let locations = servers.filter { $0.name == "location" }
            let responses = try nginx.fetch(batch.indices.map { "/a\($0)" }, from: server)
            for (index, response) in responses.enumerated() {
                let source = batch[index]
                guard let location = locations.first(where: { $0.arguments == ["=", "/a\(index)"] }),
                    let directive = location.block?.first(where: { $0.name == "return" }), directive.arguments.count == 2
                else {
                    disagreements.append("\(source.debugDescription): hostcontract finds no `return 200 ARGUMENT` in location = /a\(index)")
                    continue
                }
                let expected = directive.arguments[1].replacingOccurrences(of: "${request_method}", with: "GET")
                    .replacingOccurrences(of: "$request_method", with: "GET")
                compared += 1
                if response.status != 200 || response.body != Array(expected.utf8) {
                    disagreements.append("\(source.debugDescription): nginx returned \(response.status) \(String(decoding: response.body, as: UTF8.self).debugDescription), hostcontract reads \(directive.arguments[1].debugDescription)")
                }
            }
        }
        #expect(compared == arguments.count, "seed \(oracleSeed)")
        #expect(disagreements.isEmpty, "seed \(oracleSeed): \(disagreements.count) of \(arguments.count) arguments disagree:\n\(disagreements.prefix(20).joined(separator: "\n"))")
    }

    /// One argument as it would be written: quoted (double or single) or not, built from plain
    /// characters, quotes, braces, `;`, `#`, whitespace, escapes, non-ASCII and the variable.
    static func argument(_ random: inout SeededGenerator) -> String {
        var text = ""
        let quote: Character? = [nil, "\"", "'"].randomElement(using: &random)!
        if let quote { text.append(quote) }
        let length = Int.random(in: 0...12, using: &random)
        var index = 0
        while index < length || (quote == nil && text.isEmpty) {
            index += 1
            let first = quote == nil && text.isEmpty
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3: text.append(plain.randomElement(using: &random)!)
            case 4: text += "\\" + String(escapable.randomElement(using: &random)!)
            case 5: text += ["é", "☃", "𝄞", "ß"].randomElement(using: &random)!
            case 6: text += "${request_method}"
            case 7: text += "$request_method" + String(plain.filter { !$0.isLetter && !$0.isNumber && $0 != "_" }.randomElement(using: &random)!)
            default:
                // What only a quoted word, or the middle of a bare one, may hold.
                if let quote {
                    text += [";", "{", "}", "#", " ", "\t", "\n", "\r", quote == "\"" ? "'" : "\""].randomElement(using: &random)!
                } else if !first {
                    text += ["\"", "'", "#", "}"].randomElement(using: &random)!
                } else {
                    text.append(plain.randomElement(using: &random)!)
                }
            }
        }
        if let quote { text.append(quote) }
        return text
    }
}
