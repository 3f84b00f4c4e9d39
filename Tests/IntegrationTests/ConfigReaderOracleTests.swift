import Contract
import Foundation
import TestSupport
import Testing

/// Python's standard library is the oracle for the `[[config]]` readers: `json` for
/// JSONConfigReader, `configparser` (interpolation=None, universal newlines) for
/// INIConfigReader and `tomllib` for the tree (and so every key path) TOMLConfigReader gives.
/// Generated documents, a third of them mutated, go to one Python run that compares
/// acceptance and every value. `HOSTCONTRACT_CONFIG_ORACLE_SEED=N` replays a campaign
/// (`random` picks a seed and prints it); `HOSTCONTRACT_CONFIG_ORACLE_CASES=N` sets its size.
@Suite(.enabled(if: pythonWithTOMLLib != nil, "needs python3 3.11 or later (tomllib)"))
struct ConfigReaderOracleTests {
    static var python: String? { pythonWithTOMLLib }

    static let seed: UInt64 = {
        let text = ProcessInfo.processInfo.environment["HOSTCONTRACT_CONFIG_ORACLE_SEED"] ?? ""
        if text == "random" {
            let seed = UInt64.random(in: 1...(UInt64.max >> 12))
            print("config oracle: HOSTCONTRACT_CONFIG_ORACLE_SEED=\(seed)")
            return seed
        }
        return UInt64(text) ?? 20_261_313
    }()

    static let cases = Int(ProcessInfo.processInfo.environment["HOSTCONTRACT_CONFIG_ORACLE_CASES"] ?? "") ?? 1500

    static let script = #"""
        import configparser, io, json, math, sys, tomllib

        cases = json.load(open(sys.argv[1], encoding="utf-8"))

        def refuse_constant(name):
            raise ValueError("not RFC 8259: " + name)

        def same(py, sw):
            tag = sw[0]
            if tag == "table":
                return isinstance(py, dict) and set(py) == set(sw[1]) and all(same(py[k], sw[1][k]) for k in py)
            if tag == "array":
                return isinstance(py, list) and len(py) == len(sw[1]) and all(same(a, b) for a, b in zip(py, sw[1]))
            if tag == "string":
                return isinstance(py, str) and py == sw[1]
            if tag == "integer":
                return type(py) is int and py == int(sw[1])
            if tag == "float":
                return type(py) is float and (py == float(sw[1]) or (math.isnan(py) and math.isnan(float(sw[1]))))
            if tag == "boolean":
                return type(py) is bool and py == sw[1]
            if tag == "null":
                return py is None
            return False

        def ini(text):
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_file(io.StringIO(text, newline=None))
            tree = {name: dict(parser[name]) for name in parser}
            return {name: values for name, values in tree.items() if name != "DEFAULT" or values}

        def strings(tree):
            return ["table", {k: ["table", {o: ["string", v] for o, v in s.items()}] for k, s in tree.items()}]

        disagreements = []
        for number, (fmt, text, answer) in enumerate(cases):
            try:
                if fmt == "json":
                    value = json.loads(text, parse_constant=refuse_constant)
                elif fmt == "ini":
                    value = ini(text)
                else:
                    value = tomllib.loads(text)
                ok = True
            except (ValueError, configparser.Error, RecursionError) as error:
                ok, value = False, "%s: %s" % (type(error).__name__, error)
            if fmt == "json" and ok:
                try:
                    json.dumps(value, ensure_ascii=False).encode("utf-8")
                except UnicodeEncodeError:
                    continue  # a lone surrogate: Python keeps it, a Swift string cannot (U+FFFD)
            if fmt == "ini" and ok and answer is not None:
                answer = ["table", {k: v for k, v in answer[1].items() if k != "DEFAULT" or v[1]}]
                if strings(value) == answer:
                    continue
                ok_same = False
            else:
                ok_same = (answer is None) == (not ok) and (not ok or same(value, answer))
            if not ok_same:
                disagreements.append({"case": number, "format": fmt, "text": text, "python": value if ok else str(value), "swift": answer})
        print(json.dumps(disagreements, ensure_ascii=False, default=str).encode("utf-8", "backslashreplace").decode("utf-8"))
        """#

    /// A node in the tagged form the script compares.
    static func tagged(_ node: ConfigNode) -> Any {
        switch node.value {
        case .table(let members):
            var table: [String: Any] = [:]
            for member in members { table[member.key] = tagged(member.node) }
            return ["table", table]
        case .array(let elements): return ["array", elements.map(tagged)]
        case .string(let text): return ["string", text]
        case .integer(let text): return ["integer", text]
        case .float(let text): return ["float", text]
        case .boolean(let flag): return ["boolean", flag]
        case .datetime(let text): return ["datetime", text]
        case .null: return ["null"]
        }
    }

    @Test func readersAgreeWithPython() throws {
        var random = SeededGenerator(seed: Self.seed)
        var cases: [[Any]] = []
        var accepted = 0
        for index in 0..<Self.cases {
            let format = ["json", "ini", "toml"][index % 3]
            var text: String
            switch format {
            case "json": text = Self.json(depth: 0, &random)
            case "ini": text = Self.ini(&random)
            default: text = Self.toml(&random)
            }
            if format != "toml" && Int.random(in: 0..<3, using: &random) == 0 { text = Self.mutated(text, &random) }
            let result: Result<ConfigNode, ConfigSyntaxError> = switch format {
            case "json": JSONConfigReader.read(text)
            case "ini": INIConfigReader.read(text)
            default: TOMLConfigReader.read(text)
            }
            let answer: Any
            switch result {
            case .success(let node):
                accepted += 1
                answer = Self.tagged(node)
            case .failure: answer = NSNull()
            }
            cases.append([format, text, answer])
        }
        let scratch = TemporaryDirectory("config-oracle")
        let input = scratch.path + "/cases.json"
        try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: input))
        let script = scratch.path + "/oracle.py"
        try Self.script.write(toFile: script, atomically: false, encoding: .utf8)
        let outcome = try run(Self.python!, [script, input])
        try #require(outcome.status == 0, "\(outcome.all)")
        let disagreements = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]] ?? []
        for disagreement in disagreements.prefix(10) {
            Issue.record("seed \(Self.seed): \(disagreement)")
        }
        #expect(disagreements.isEmpty, "seed \(Self.seed): \(disagreements.count) disagreements")
        #expect(accepted > Self.cases / 3, "seed \(Self.seed)")
    }

    // MARK: - Generators

    static func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T { items.randomElement(using: &random)! }

    static func space(_ random: inout SeededGenerator) -> String { pick(["", "", " ", "\n", "\n  ", "\t", "\r\n"], &random) }

    static func word(_ random: inout SeededGenerator) -> String {
        pick(["a", "b", "host", "Port", "default_source", "ARIA_MAIN", "x.y", "with space", "é", "ß", "k-1", "0", "Sources"], &random)
    }

    static func jsonString(_ random: inout SeededGenerator) -> String {
        var text = "\""
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            text += pick(["a", "Z", " ", "é", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\t", "'", "#"], &random)
        }
        return text + "\""
    }

    static func json(depth: Int, _ random: inout SeededGenerator) -> String {
        let choice = depth >= 4 ? Int.random(in: 2..<8, using: &random) : Int.random(in: 0..<8, using: &random)
        switch depth == 0 ? Int.random(in: 0..<2, using: &random) : choice {
        case 0:
            let members = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                space(&random) + "\"" + word(&random) + "\"" + space(&random) + ":" + space(&random) + json(depth: depth + 1, &random)
            }
            return "{" + members.joined(separator: "," + space(&random)) + space(&random) + "}"
        case 1:
            let elements = (0..<Int.random(in: 0...4, using: &random)).map { _ in space(&random) + json(depth: depth + 1, &random) }
            return "[" + elements.joined(separator: ",") + space(&random) + "]"
        case 2, 3: return jsonString(&random)
        case 4: return pick(["0", "-0", "12", "-7", "1.5", "0.25", "1e3", "2E-2", "-3.5e+4", "123456789"], &random)
        case 5: return pick(["true", "false"], &random)
        case 6: return "null"
        default: return pick(["1.0", "10", "\"\""], &random)
        }
    }

    static func ini(_ random: inout SeededGenerator) -> String {
        var lines: [String] = []
        if Int.random(in: 0..<8, using: &random) == 0 { lines.append("orphan = 1") }
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            lines.append(pick(["[main]", "[DEFAULT]", "[aria]", "[Sources]", "[ spaced ]", "[a.b]", "[main]x", "[]"], &random))
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let indent = pick(["", "", "", " "], &random)
                let key = pick(["host", "Host", "port", "default_source", "a b", "x.y", "key"], &random)
                let value = pick(["aria", " spaced value ", "a = b", "x: y", "", "1", "yes", "é", "%(host)s", "# not a comment"], &random)
                lines.append(indent + key + pick([" = ", "=", ": ", ":", " : "], &random) + value)
                for _ in 0..<Int.random(in: 0...2, using: &random) {
                    lines.append(pick(["  continued", "\tmore", "", "# comment", "; comment", "    [not a section]", " "], &random))
                }
            }
            if Int.random(in: 0..<6, using: &random) == 0 { lines.append(pick(["junk line", "= value", "  : x"], &random)) }
        }
        return lines.joined(separator: pick(["\n", "\n", "\r\n", "\r"], &random)) + pick(["", "\n"], &random)
    }

    static func tomlKey(_ random: inout SeededGenerator) -> String {
        pick(["a", "b", "host", "port", "ARIA_MAIN", "\"x.y\"", "'lit.eral'", "\"with space\"", "\"é\"", "1", "k-1"], &random)
    }

    static func tomlValue(_ depth: Int, _ random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<(depth > 2 ? 6 : 8), using: &random) {
        case 0: return pick(["\"text\"", "'literal'", "\"esc\\n\\t\\u00e9\"", "\"\"\"\nmulti\nline\"\"\"", "''"], &random)
        case 1: return pick(["0", "-17", "+5", "1_000", "0x1F", "0o17", "0b101"], &random)
        case 2: return pick(["1.5", "-0.25", "1e3", "6.02e23", "inf", "-inf"], &random)
        case 3: return pick(["true", "false"], &random)
        case 4, 5: return "\"" + pick(["v", "w x", "ü"], &random) + "\""
        case 6:
            return "[" + (0..<Int.random(in: 0...3, using: &random)).map { _ in tomlValue(depth + 1, &random) }.joined(separator: ", ") + "]"
        default:
            var keys = Set<String>()
            let members = (0..<Int.random(in: 0...3, using: &random)).compactMap { _ -> String? in
                let key = tomlKey(&random)
                guard keys.insert(key).inserted else { return nil }
                return key + " = " + tomlValue(depth + 1, &random)
            }
            return "{" + members.joined(separator: ", ") + "}"
        }
    }

    static func toml(_ random: inout SeededGenerator) -> String {
        var text = ""
        var used = Set<String>()
        func pairs(_ prefix: String) {
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let key = tomlKey(&random)
                guard used.insert(prefix + "/" + key).inserted else { continue }
                text += key + " = " + tomlValue(0, &random) + "\n"
            }
        }
        pairs("")
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let header = [tomlKey(&random), tomlKey(&random)].joined(separator: ".")
            guard used.insert("[" + header).inserted else { continue }
            let plain = header.split(separator: ".").first.map(String.init) ?? ""
            guard !used.contains("/" + plain) else { continue }
            used.insert("/" + plain)
            text += "\n[" + header + "]\n"
            pairs(header)
        }
        return text
    }

    static func mutated(_ text: String, _ random: inout SeededGenerator) -> String {
        var scalars = Array(text.unicodeScalars)
        let position = Int.random(in: 0...scalars.count, using: &random)
        if Int.random(in: 0..<2, using: &random) == 0, position < scalars.count {
            scalars.remove(at: position)
        } else {
            scalars.insert(pick(["{", "}", "[", "]", ",", ":", "\"", "\\", "=", "\n", " ", "#", ";", "x"], &random), at: position)
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// The system's Python when it has tomllib (3.11 or later).
let pythonWithTOMLLib: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
    FileManager.default.isExecutableFile(atPath: $0) && (try? run($0, ["-c", "import tomllib"]).status) == 0
}
