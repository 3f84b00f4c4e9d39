import Contract
import Foundation
import TestSupport
import Testing

/// The `packaging` library (in the project's .venv) is the oracle for PythonVersion,
/// VersionSpecifier, PythonPackageName and PythonPackageMetadata: thousands of random versions
/// (valid, near-valid and mutated), pairs of versions sharing a release, specifiers around a
/// release with versions around it, names and METADATA files are written to one JSON file and
/// answered by one Python run: validity and `str()` of `Version`, `<` and `==`, validity of
/// `SpecifierSet`, `SpecifierSet(s).contains(v)` (default `prereleases=None`),
/// `canonicalize_name` and the core metadata name rule, and the Name, Version and
/// Metadata-Version headers as Python's email parser (compat32, as importlib.metadata) reads them.
@Suite(.enabled(if: VersionOracle.python != nil, "needs .venv/bin/python3 with packaging (bash scripts/setup-machine.sh)"))
struct PythonPackagingOracleTests {
    static let script = #"""
        import email.parser, email.policy, json, sys
        import packaging
        from packaging.version import Version
        from packaging.specifiers import SpecifierSet
        from packaging.utils import canonicalize_name, InvalidName

        data = json.load(open(sys.argv[1], encoding="utf-8"))

        def version(text):
            try:
                parsed = Version(text)
            except ValueError:
                return [False, None, None]
            return [True, str(parsed), parsed.is_prerelease]

        def order(a, b):
            try:
                a, b = Version(a), Version(b)
            except ValueError:
                return None
            return [a < b, a == b, b < a]

        def specifier(text):
            try:
                SpecifierSet(text)
                return True
            except ValueError:
                return False

        def contains(spec, text):
            try:
                return SpecifierSet(spec).contains(text)
            except Exception as error:
                return "error: %s" % type(error).__name__

        def name(text):
            try:
                canonicalize_name(text, validate=True)
                valid = True
            except InvalidName:
                valid = False
            return [canonicalize_name(text), valid]

        def metadata(text):
            message = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
            return [message.get("Name"), message.get("Version"), message.get("Metadata-Version")]

        json.dump({
            "packaging": packaging.__version__,
            "versions": [version(t) for t in data["versions"]],
            "pairs": [order(a, b) for a, b in data["pairs"]],
            "specifiers": [specifier(t) for t in data["specifiers"]],
            "contains": [contains(s, v) for s, v in data["contains"]],
            "names": [name(t) for t in data["names"]],
            "metadata": [metadata(t) for t in data["metadata"]],
        }, open(sys.argv[2], "w", encoding="utf-8"))
        """#

    @Test func packagingAgrees() throws {
        var random = VersionOracle.generator("pep440")
        let scale = VersionOracle.scale
        var versions: [String] = [], pairs: [[String]] = [], specifiers: [String] = [], contains: [[String]] = []
        var names: [String] = [], metadata: [String] = []
        for _ in 0..<(3000 * scale) { versions.append(PythonVersionSample.version(using: &random)) }
        for _ in 0..<(3000 * scale) {
            let release = PythonVersionSample.release(using: &random)
            pairs.append([PythonVersionSample.version(release: release, using: &random), PythonVersionSample.version(release: release, using: &random)])
        }
        for _ in 0..<(1500 * scale) {
            let release = PythonVersionSample.release(using: &random)
            let specifier = PythonVersionSample.specifier(release: release, using: &random)
            specifiers.append(specifier)
            for _ in 0..<3 { contains.append([specifier, PythonVersionSample.version(release: release, using: &random)]) }
        }
        for _ in 0..<(500 * scale) { names.append(PythonVersionSample.name(using: &random)) }
        for _ in 0..<(500 * scale) { metadata.append(PythonVersionSample.metadata(using: &random)) }

        let scratch = TemporaryDirectory("pep440-oracle")
        let input = scratch.url.appendingPathComponent("cases.json"), output = scratch.url.appendingPathComponent("answers.json")
        let cases: [String: Any] = [
            "versions": versions, "pairs": pairs, "specifiers": specifiers, "contains": contains, "names": names, "metadata": metadata,
        ]
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        let outcome = try run(VersionOracle.python!, [scratch.write("oracle.py", Self.script), input.path, output.path])
        try #require(outcome.status == 0, "\(outcome.all)")
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        let packaging = answers["packaging"] as? String ?? "?"

        var disagreements: [String] = []
        var valid = 0
        for (text, answer) in zip(versions, answers["versions"] as! [[Any]]) {
            let theirs = Self.versionAnswer(answer)
            let parsed = try? PythonVersion(text)
            let ours = parsed.map { "valid \($0.description) prerelease \($0.isPrerelease)" } ?? "invalid"
            if theirs == ours { if parsed != nil { valid += 1 } } else {
                disagreements.append("Version(\(Self.show(text))): packaging \(theirs), PythonVersion \(ours)")
            }
        }
        var ordered = 0
        for (pair, answer) in zip(pairs, answers["pairs"] as! [Any]) {
            guard let answer = answer as? [Bool], let a = try? PythonVersion(pair[0]), let b = try? PythonVersion(pair[1]) else { continue }
            ordered += 1
            let ours = [a < b, a == b, b < a]
            if ours != answer || (a == b && a.hashValue != b.hashValue) {
                disagreements.append("\(Self.show(pair[0])) vs \(Self.show(pair[1])): packaging [<, ==, >] = \(answer), PythonVersion \(ours)")
            }
        }
        var validSpecifiers = 0
        for (text, answer) in zip(specifiers, answers["specifiers"] as! [Bool]) {
            let ours = (try? VersionSpecifier(text)) != nil
            if ours { validSpecifiers += 1 }
            if ours != answer { disagreements.append("SpecifierSet(\(Self.show(text))): packaging valid \(answer), VersionSpecifier valid \(ours)") }
        }
        var contained = 0, checked = 0
        for (item, answer) in zip(contains, answers["contains"] as! [Any]) {
            guard let specifier = try? VersionSpecifier(item[0]) else { continue }
            checked += 1
            let ours = specifier.contains(item[1])
            if ours { contained += 1 }
            if (answer as? Bool) != ours {
                disagreements.append("SpecifierSet(\(Self.show(item[0]))).contains(\(Self.show(item[1]))): packaging \(answer), VersionSpecifier \(ours)")
            }
        }
        for (text, answer) in zip(names, answers["names"] as! [[Any]]) {
            let name = PythonPackageName(text)
            let theirs = "\(answer[0] as? String ?? "?") valid \(answer[1] as? Bool ?? false)"
            let ours = "\(name.normalized) valid \(name.isValid)"
            if Array(theirs.unicodeScalars) != Array(ours.unicodeScalars) {
                disagreements.append("canonicalize_name(\(Self.show(text))): packaging \(theirs), PythonPackageName \(ours)")
            }
        }
        for (text, answer) in zip(metadata, answers["metadata"] as! [[Any]]) {
            let read = PythonPackageMetadata(text: text)
            let theirs = answer.map { ($0 as? String).map(Self.show) ?? "nil" }
            let ours = [read.name, read.versionText, read.metadataVersion].map { $0.map(Self.show) ?? "nil" }
            if theirs != ours { disagreements.append("METADATA \(Self.show(text)): email \(theirs), PythonPackageMetadata \(ours)") }
        }
        let total = versions.count + ordered + specifiers.count + checked + names.count + metadata.count
        VersionOracle.report(
            "packaging \(packaging)", cases: total, disagreements: disagreements,
            detail: "\(versions.count) versions (\(valid) valid), \(ordered) orderings, \(specifiers.count) specifiers (\(validSpecifiers) valid), "
                + "\(checked) contains (\(contained) true), \(names.count) names, \(metadata.count) METADATA")
        #expect(valid > versions.count / 2 && ordered > pairs.count / 2 && checked > contains.count / 2, "the generators make too few valid cases")
    }

    static func versionAnswer(_ answer: [Any]) -> String {
        guard answer[0] as? Bool == true else { return "invalid" }
        return "valid \(answer[1] as? String ?? "?") prerelease \(answer[2] as? Bool ?? false)"
    }

    /// The text in Swift's escaped form, so white space and control characters show.
    static func show(_ text: String) -> String { String(reflecting: text) }
}

/// Random PEP 440 material, built to meet at the edges: shared releases, every spelling of
/// every part, separators, case, white space, and mutations that break them.
enum PythonVersionSample {
    static func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T { items.randomElement(using: &random)! }
    static func chance(_ one: Int, _ random: inout SeededGenerator) -> Bool { Int.random(in: 0..<one, using: &random) == 0 }

    static func number(_ random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<12, using: &random) {
        case 0: "0"
        case 1: "0" + String(Int.random(in: 0...9, using: &random))
        case 2: String(UInt64.random(in: 0...UInt64.max, using: &random)) + String(Int.random(in: 0...99_999, using: &random))
        default: String(Int.random(in: 0...12, using: &random))
        }
    }

    static func release(using random: inout SeededGenerator) -> [String] {
        (0..<Int.random(in: 1...4, using: &random)).map { _ in number(&random) }
    }

    static func separator(_ random: inout SeededGenerator) -> String { pick(["", "", "", ".", "-", "_"], &random) }

    static func cased(_ text: String, _ random: inout SeededGenerator) -> String {
        chance(5, &random) ? String(text.map { Bool.random(using: &random) ? Character($0.uppercased()) : $0 }) : text
    }

    static func version(using random: inout SeededGenerator) -> String { version(release: release(using: &random), using: &random) }

    /// A version on `release` (sometimes with a zero more or less), with random parts.
    static func version(release: [String], using random: inout SeededGenerator) -> String {
        var release = release
        if chance(6, &random) { release.append("0") }
        if chance(8, &random), release.count > 1 { release.removeLast() }
        if chance(5, &random) { release[release.count - 1] = String((Int(release[release.count - 1].suffix(6)) ?? 0) + pick([1, -1, 2], &random)) }
        var text = chance(30, &random) ? pick([" ", "\t", "\n", "\u{A0}", "\u{3000}", "\u{85}"], &random) : ""
        if chance(10, &random) { text += pick(["v", "V"], &random) }
        if chance(8, &random) { text += pick(["0", "1", "2", "01"], &random) + "!" }
        text += release.joined(separator: ".")
        if chance(3, &random) {
            text += separator(&random) + cased(pick(["a", "alpha", "b", "beta", "c", "rc", "pre", "preview"], &random), &random)
            if Bool.random(using: &random) { text += separator(&random) + number(&random) }
        }
        if chance(4, &random) {
            if chance(3, &random) {
                text += "-" + number(&random)
            } else {
                text += separator(&random) + cased(pick(["post", "rev", "r"], &random), &random)
                if Bool.random(using: &random) { text += separator(&random) + number(&random) }
            }
        }
        if chance(4, &random) {
            text += separator(&random) + cased("dev", &random)
            if Bool.random(using: &random) { text += separator(&random) + number(&random) }
        }
        if chance(5, &random) {
            let parts = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                Bool.random(using: &random) ? number(&random) : cased(pick(["cpu", "cu121", "ubuntu", "abc", "z9", "rocm5"], &random), &random)
            }
            text += "+" + parts.joined(separator: pick([".", "-", "_"], &random))
        }
        if chance(30, &random) { text += pick([" ", "\r\n", "\u{2003}"], &random) }
        return chance(6, &random) ? mutated(text, &random) : text
    }

    static func mutated(_ text: String, _ random: inout SeededGenerator) -> String {
        VersionOracle.edited(text, alphabet: Array("0123456789.-_+!*vVaAbBcCrRpPoOsStTdDeEwWlLhHxyz ,;)ſ"), using: &random)
    }

    /// One to three clauses on `release`, with every operator, white space, wildcards (also
    /// where they are not allowed), local labels and empty parts.
    static func specifier(release: [String], using random: inout SeededGenerator) -> String {
        let clauses = (0..<Int.random(in: 0...3, using: &random)).map { _ -> String in
            let symbol = pick(["==", "!=", "<=", ">=", "<", ">", "~=", "===", "==", ">=", "<"], &random)
            var version = version(release: release, using: &random).trimmingCharacters(in: .whitespacesAndNewlines)
            if chance(4, &random) { version = release.joined(separator: ".") + ".*" }
            return (chance(8, &random) ? " " : "") + symbol + (chance(6, &random) ? " " : "") + version + (chance(8, &random) ? "\t" : "")
        }
        let text = clauses.joined(separator: pick([",", ", ", " ,", ",,"], &random))
        return chance(12, &random) ? mutated(text, &random) : text
    }

    static func name(using random: inout SeededGenerator) -> String {
        if chance(10, &random) {
            return pick(["python_dateutil", "Torch", "zope.interface", "-bad", "bad-", "a..b", "", "A", "ſ", "Zope__Interface", "x--y", "ö"], &random)
        }
        let alphabet = Array("abcxyzABCXYZ0189-_.")
        return String((0..<Int.random(in: 1...12, using: &random)).map { _ in pick(alphabet, &random) })
    }

    /// A METADATA file: headers in any case and order, spacing after the colon, continuation
    /// lines, duplicates, an envelope line, a line that is no header, line ends of every kind,
    /// and a body with headers in it.
    static func metadata(using random: inout SeededGenerator) -> String {
        var headers: [(String, String)] = [
            ("Metadata-Version", pick(["2.1", "2.3", "1.0"], &random)), ("Name", name(using: &random)),
            ("Version", version(using: &random).trimmingCharacters(in: .newlines)), ("Summary", "A package"),
        ]
        if chance(4, &random) { headers.shuffle(using: &random) }
        if chance(6, &random) { headers.append((pick(["Name", "Version"], &random), "second")) }
        if chance(8, &random) { headers.removeAll { $0.0 == pick(["Name", "Version"], &random) } }
        let end = pick(["\n", "\n", "\n", "\r\n", "\r"], &random)
        var lines: [String] = []
        if chance(15, &random) { lines.append("From someone") }
        if chance(15, &random) { lines.append(" leading continuation") }
        for (name, value) in headers {
            let spelled = chance(5, &random) ? pick([name.lowercased(), name.uppercased()], &random) : name
            lines.append(spelled + pick([": ", ":", ":\t", ":  ", ": \t"], &random) + value + (chance(10, &random) ? " " : ""))
            if chance(10, &random) { lines.append(pick([" continued", "\tcontinued", "  "], &random)) }
            if chance(40, &random) { lines.append(pick(["no colon here", ":no name", "From x", "Bad Name: x"], &random)) }
        }
        var text = lines.joined(separator: end) + end
        if Bool.random(using: &random) { text += end + "Name: body\(end)Version: 9.9\(end)" }
        return text
    }
}
