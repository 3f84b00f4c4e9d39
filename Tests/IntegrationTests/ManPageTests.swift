import Foundation
import TestSupport
import Testing

/// The manual pages a package ships: man/hostcontract.toml.5, the contract format, written by
/// hand, and the command pages scripts/man-pages.sh generates and installs.
@Suite struct ManPageTests {
    static let formatPagePath = packageDirectory.path + "/man/hostcontract.toml.5"
    static let mandoc = "/usr/bin/mandoc"
    static let groff = "/usr/bin/groff"
    static let expectedPages = [
        "man1/hostcontract.1.gz", "man1/hostcontract-lint.1.gz", "man1/hostcontract-check.1.gz",
        "man1/hostcontract-provision.1.gz", "man1/hostcontract-tmpfiles.1.gz", "man1/hostcontract-gate.1.gz",
        "man1/hostcontract-capture.1.gz",
        "man5/hostcontract.toml.5.gz",
    ]

    static func formatPage() throws -> String {
        try String(contentsOfFile: formatPagePath, encoding: .utf8)
    }

    // MARK: - The contract format page against the loader

    /// The keys the page documents for each table, against the keys `hostcontract lint`
    /// accepts there. The candidate keys are every snake_case string in the loader's source
    /// (and every key the page names), so a key added to the loader and not to the page fails
    /// here, as does a key on the page (or under the wrong table) that the loader rejects.
    @Test func theFormatPageDocumentsExactlyTheKeysTheLoaderAccepts() throws {
        let page = try Self.formatPage()
        let documented = Self.documentedKeys(page)
        let loader = try Self.loaderSource()
        let kinds = Self.entryKinds(loaderSource: loader)
        #expect(kinds.count >= 13, "entry kinds read from ContractLoader.swift: \(kinds)")

        // Every kind has its section, and every section that looks like a table is a kind.
        let tableSections = Set(documented.keys.filter { $0.hasPrefix("[") })
        #expect(tableSections == Set(kinds), "sections \(tableSections.sorted()) against kinds \(kinds)")

        var candidates = Self.snakeCaseStrings(loader)
        for keys in documented.values { candidates.formUnion(keys) }
        let nested = Set(kinds.compactMap { $0.hasPrefix("[[nginx.") ? String($0.dropFirst(8).dropLast(2)) : nil })

        let accepted = try Self.acceptedKeys(kinds: kinds, candidates: candidates, nested: nested)
        let common = documented["KEYS OF EVERY ENTRY"] ?? []
        #expect(common == ["when", "severity", "message", "waiver", "tags"])
        for kind in kinds {
            var expected = documented[kind] ?? []
            if kind.hasPrefix("[[") { expected.formUnion(common) }
            var found = accepted[kind] ?? []
            if kind == "[nginx]" { found.subtract(nested) }
            #expect(expected == found, """
                \(kind): the page documents \(expected.subtracting(found).sorted()) that the loader rejects \
                and omits \(found.subtracting(expected).sorted()) that it accepts
                """)
        }
        let topLevel = (documented["TOP-LEVEL KEYS"] ?? []).union(
            kinds.filter { !$0.contains(".") }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) })
        let topAccepted = accepted["top level"] ?? []
        #expect(topLevel == topAccepted, """
            top level: the page documents \(topLevel.subtracting(topAccepted).sorted()) that the loader rejects \
            and omits \(topAccepted.subtracting(topLevel).sorted()) that it accepts
            """)
    }

    /// The kinds as the loader reads them: `arrayKinds`, the two tables, and the arrays nested
    /// in a table (`entries("location", in: table, prefix: "nginx")`), as their TOML headers.
    static func entryKinds(loaderSource: String) -> [String] {
        var kinds: [String] = []
        if let start = loaderSource.range(of: "static let arrayKinds"),
            let open = loaderSource[start.upperBound...].range(of: "= ["),
            let close = loaderSource[open.upperBound...].firstIndex(of: "]")
        {
            kinds += snakeCaseStrings(String(loaderSource[open.upperBound..<close])).sorted().map { "[[\($0)]]" }
        }
        for table in ["environment", "nginx"] where loaderSource.contains("table[\"\(table)\"]") {
            kinds.append("[\(table)]")
        }
        var rest = loaderSource[...]
        while let call = rest.range(of: "entries(\"") {
            let after = rest[call.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            let name = after[..<end]
            let tail = after[end...].prefix { $0 != "\n" }
            if let prefix = tail.range(of: "prefix: \""), let close = tail[prefix.upperBound...].firstIndex(of: "\"") {
                kinds.append("[[\(tail[prefix.upperBound..<close]).\(name)]]")
            }
            rest = after[end...]
        }
        return kinds
    }

    static func loaderSource() throws -> String {
        let directory = packageDirectory.path + "/Sources/Contract/Loading/"
        let kinds = packageDirectory.path + "/Sources/Contract/Kinds/"
        let kindFiles = (try FileManager.default.contentsOfDirectory(atPath: kinds)).filter { $0.hasSuffix(".swift") }.sorted()
        return try (["ContractLoader.swift", "TableReader.swift"].map { directory + $0 } + kindFiles.map { kinds + $0 })
            .map { try String(contentsOfFile: $0, encoding: .utf8) }
            .joined(separator: "\n")
    }

    /// Every string literal of the text that could be a key: lower case letters and '_'.
    static func snakeCaseStrings(_ text: String) -> Set<String> {
        var result = Set<String>()
        for (index, piece) in text.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
        where index % 2 == 1 {
            if let first = piece.first, first.isLowercase, first.isASCII,
                piece.allSatisfy({ ($0.isLowercase && $0.isASCII) || $0 == "_" })
            {
                result.insert(String(piece))
            }
        }
        return result
    }

    /// Keys the page tags with .TP, by the section (.SS, or .SH outside any .SS) they are in.
    /// A key's tag is `\fBkey\fR = ...` or `.B key` on the line after `.TP`.
    static func documentedKeys(_ page: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var section = ""
        var tagNext = false
        for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(".SH ") || line.hasPrefix(".SS ") {
                section = line.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
                if result[section] == nil { result[section] = [] }
                tagNext = false
                continue
            }
            if tagNext {
                tagNext = false
                var text = line[...]
                if text.hasPrefix("\\fB") {
                    text = text.dropFirst(3)
                } else if text.hasPrefix(".B ") {
                    text = text.dropFirst(3)
                } else {
                    continue
                }
                let key = text.prefix { $0.isLetter || $0 == "_" }
                if !key.isEmpty, key.allSatisfy({ ($0.isLowercase && $0.isASCII) || $0 == "_" }) {
                    result[section, default: []].insert(String(key))
                }
            }
            if line == ".TP" || line.hasPrefix(".TP ") { tagNext = true }
        }
        return result.filter { !$0.value.isEmpty || $0.key.hasPrefix("[") }
    }

    /// Which candidates `hostcontract lint` accepts in each kind, and at the top level: one
    /// contract with every candidate in every kind, one with every candidate at the top;
    /// whatever lint does not call an unknown key is accepted there.
    static func acceptedKeys(kinds: [String], candidates: Set<String>, nested: Set<String>) throws -> [String: Set<String>] {
        let directory = TemporaryDirectory("man-keys")
        let keys = candidates.sorted()
        func body(_ skipping: Set<String> = []) -> String {
            keys.filter { !skipping.contains($0) }.map { "\($0) = \"x\"\n" }.joined()
        }
        // Tables first, then the nested arrays right after their table, then the arrays.
        var entries = "contract = \"probe\"\nschema = 1\n"
        let ordered = kinds.filter { !$0.hasPrefix("[[") } + kinds.filter { $0.hasPrefix("[[") && $0.contains(".") }
            + kinds.filter { $0.hasPrefix("[[") && !$0.contains(".") }
        for kind in ordered {
            entries += "\n\(kind)\n" + body(kind == "[nginx]" ? nested : [])
        }
        let top = "contract = \"probe\"\nschema = 1\n" + body(["contract", "schema"])

        var accepted: [String: Set<String>] = [:]
        let entriesOutcome = try hostcontract("lint", directory.write("entries.toml", entries))
        #expect(entriesOutcome.status == 2)
        for kind in kinds {
            accepted[kind] = candidates.subtracting(unknownKeys(entriesOutcome.all, entry: kind))
        }
        let topOutcome = try hostcontract("lint", directory.write("top.toml", top))
        #expect(topOutcome.status == 2)
        accepted["top level"] = candidates.subtracting(unknownKeys(topOutcome.all, entry: nil))
        return accepted
    }

    /// The keys of `unknown key 'KEY'` errors about `entry` (`[[directory]] #1 (path = "x") KEY:`),
    /// or, for nil, about the top of the file (no entry named).
    static func unknownKeys(_ output: String, entry: String?) -> Set<String> {
        var keys = Set<String>()
        for line in output.split(separator: "\n") {
            guard let error = line.range(of: ": error: "), let unknown = line.range(of: "unknown key '") else { continue }
            let subject = line[error.upperBound..<unknown.lowerBound]
            if let entry {
                guard subject.hasPrefix(entry + " ") || subject.hasPrefix(entry + ":") else { continue }
            } else if subject.hasPrefix("[") {
                continue
            }
            keys.insert(String(line[unknown.upperBound...].prefix { $0 != "'" }))
        }
        return keys
    }

    // MARK: - The contract format page as a document

    /// The example contract of EXAMPLES lints clean, and so do the section examples together
    /// (with a declaration for each variable they use and do not declare).
    @Test func theFormatPageExamplesAreValidContracts() throws {
        let page = try Self.formatPage()
        let blocks = Self.exampleBlocks(page)
        let full = try #require(blocks.first(where: { $0.section == "EXAMPLES" && $0.text.contains("contract =") }))
        let directory = TemporaryDirectory("man-examples")
        let outcome = try hostcontract("lint", directory.write("example.toml", full.text))
        #expect(outcome.status == 0, "\(outcome.all)")

        let fragments = blocks.filter { $0.section != "EXAMPLES" }.map(\.text)
        #expect(fragments.count >= 10)
        var text = "contract = \"sections\"\nschema = 1\n\n" + fragments.joined(separator: "\n")
        var declared = Set<String>()
        var used = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("name = \""), let name = line.dropFirst(8).split(separator: "\"").first { declared.insert(String(name)) }
            var rest = line[...]
            while let start = rest.range(of: "${") {
                let name = rest[start.upperBound...].prefix { $0 != "}" }
                used.insert(String(name))
                rest = rest[start.upperBound...]
            }
            if let when = line.range(of: "when = { ") {
                used.insert(String(line[when.upperBound...].prefix { $0 != " " && $0 != "=" }))
            }
        }
        for name in used.subtracting(declared).sorted() { text += "\n[[variable]]\nname = \"\(name)\"\n" }
        let sections = try hostcontract("lint", directory.write("sections.toml", text))
        #expect(sections.status == 0, "\(sections.all)\n\(text)")
    }

    /// The .EX/.EE blocks of the page, unescaped, with the .SH they are in.
    static func exampleBlocks(_ page: String) -> [(section: String, text: String)] {
        var blocks: [(section: String, text: String)] = []
        var section = ""
        var current: [String]? = nil
        for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(".SH ") { section = line.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            if line == ".EX" {
                current = []
            } else if line == ".EE" {
                blocks.append((section, (current ?? []).joined(separator: "\n") + "\n"))
                current = nil
            } else if current != nil {
                current!.append(unescape(String(line)))
            }
        }
        return blocks
    }

    static func unescape(_ text: String) -> String {
        var text = text
        for (escape, character) in [("\\-", "-"), ("\\(aq", "'"), ("\\(dq", "\""), ("\\(ha", "^"), ("\\(ti", "~"), ("\\&", ""), ("\\e", "\\")] {
            text = text.replacing(escape, with: character)
        }
        return text
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ManPageTests.mandoc), "needs mandoc"))
    func theFormatPagePassesMandocLint() throws {
        let outcome = try run(Self.mandoc, ["-Tlint", "-Wall", Self.formatPagePath])
        #expect(outcome.all.isEmpty, "\(outcome.all)")
        #expect(outcome.status == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ManPageTests.groff), "needs groff"))
    func theFormatPageRendersWithoutGroffWarnings() throws {
        let outcome = try run(Self.groff, ["-man", "-Tutf8", "-ww", "-z", Self.formatPagePath])
        #expect(outcome.all.isEmpty, "\(outcome.all)")
        #expect(outcome.status == 0)
    }

    // MARK: - The installed pages

    /// What scripts/man-pages.sh installed: HOSTCONTRACT_MAN_DIR when scripts/test.sh made it
    /// before `swift test` (which holds the lock on .build that SwiftPM would wait for), or
    /// made here from the built binary with the generate-manual tool an earlier build left.
    static let generateManualTool: String? = {
        let build = packageDirectory.path + "/.build"
        var candidates: [String] = []
        for triple in (try? FileManager.default.contentsOfDirectory(atPath: build)) ?? [] {
            for configuration in ["debug", "release"] {
                for name in ["generate-manual", "generate-manual-tool"] {
                    candidates.append("\(build)/\(triple)/\(configuration)/\(name)")
                }
            }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let preparedDirectory = ProcessInfo.processInfo.environment["HOSTCONTRACT_MAN_DIR"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(.enabled(
        if: ManPageTests.preparedDirectory != nil || ManPageTests.generateManualTool != nil,
        "needs HOSTCONTRACT_MAN_DIR (scripts/test.sh) or the generate-manual tool in .build (swift build --product generate-manual)"))
    func theInstalledPagesAreCompleteCrossReferencedAndClean() throws {
        let temporary = TemporaryDirectory("man-pages")
        let directory: String
        if let prepared = Self.preparedDirectory {
            directory = prepared
        } else {
            directory = temporary.path + "/man"
            let outcome = try run(
                "/bin/bash", [packageDirectory.path + "/scripts/man-pages.sh", directory],
                environment: ProcessInfo.processInfo.environment.merging(
                    ["HOSTCONTRACT": hostcontractExecutable, "GENERATE_MANUAL": Self.generateManualTool!]) { $1 })
            try #require(outcome.status == 0, "\(outcome.all)")
        }

        // Every page, compressed as Debian policy wants it: gzip -9n, so no name and no time.
        for page in Self.expectedPages {
            guard let data = FileManager.default.contents(atPath: directory + "/" + page) else {
                Issue.record("\(page) is missing")
                continue
            }
            guard data.count > 10, data[0] == 0x1f, data[1] == 0x8b else {
                Issue.record("\(page) is not compressed with gzip")
                continue
            }
            #expect(data[3] & 0x08 == 0, "\(page) records a file name")
            #expect(data[4..<8].allSatisfy { $0 == 0 }, "\(page) records a time")
            #expect(data[8] == 2, "\(page) is not compressed with -9")
        }

        // Uncompressed, side by side: mandoc finds the page an .Xr names in the working directory.
        let flat = temporary.path + "/flat"
        try FileManager.default.createDirectory(atPath: flat, withIntermediateDirectories: true)
        var pages: [String: String] = [:]
        for section in ["man1", "man5"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: directory + "/" + section) where file.hasSuffix(".gz") {
                let outcome = try run("/bin/gzip", ["-dc", directory + "/" + section + "/" + file])
                try #require(outcome.status == 0)
                let name = String(file.dropLast(3))
                pages[name] = outcome.standardOutput
                try outcome.standardOutput.write(toFile: flat + "/" + name, atomically: true, encoding: .utf8)
            }
        }

        for (file, text) in pages.sorted(by: { $0.key < $1.key }) {
            // The NAME is the page's own name, as whatis(1) and apropos(1) index it.
            let stem = String(file[..<file.lastIndex(of: ".")!])
            let name = Self.nameOf(text)
            #expect(name == stem, "\(file) is named '\(name ?? "nothing")'")
            // Every reference to a hostcontract page names a page that is installed.
            let references = Self.references(text)
            for reference in references where reference.name.hasPrefix("hostcontract") {
                #expect(pages["\(reference.name).\(reference.section)"] != nil,
                        "\(file) refers to \(reference.name)(\(reference.section)), which is not installed")
            }
            let seeAlso = Self.references(Self.seeAlso(text))
            #expect(!seeAlso.isEmpty, "\(file) has no SEE ALSO")
            if file.hasSuffix(".1") {
                #expect(seeAlso.contains { $0.name == "hostcontract.toml" && $0.section == "5" },
                        "\(file): SEE ALSO lacks hostcontract.toml(5)")
            }
        }
        #expect(Self.references(Self.seeAlso(pages["hostcontract.1"] ?? "")).map(\.name).filter { $0.hasPrefix("hostcontract-") }.sorted()
            == ["hostcontract-capture", "hostcontract-check", "hostcontract-gate", "hostcontract-lint", "hostcontract-provision", "hostcontract-tmpfiles"])
        // capture's page describes what --help says of its package options.
        let capture = pages["hostcontract-capture.1"] ?? ""
        for item in [".It Fl -package Ar NAME...", ".It Fl -venv Ar DIR", ".It Fl -pip-package Ar NAME..."] {
            #expect(capture.contains(item), "hostcontract-capture.1 lacks \(item)")
        }
        #expect(capture.contains(#"version = ">= INSTALLED""#) && capture.contains(#"version = "==INSTALLED""#))

        // whatis(1) and apropos(1) index each page under its own name, with a plain description.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/lexgrog") {
            for page in Self.expectedPages {
                let stem = String(page.dropFirst(5).dropLast(5))
                let outcome = try run("/usr/bin/lexgrog", [directory + "/" + page])
                #expect(outcome.status == 0 && outcome.standardOutput.contains(": \"\(stem) - "), "\(outcome.all)")
                #expect(!outcome.standardOutput.contains(" - \""), "\(outcome.all)")
            }
        }
        // groff, as man(1) formats them (lintian's groff-message check): no warning.
        if FileManager.default.isExecutableFile(atPath: Self.groff) {
            for file in pages.keys.sorted() {
                let outcome = try run(Self.groff, ["-mandoc", "-Tutf8", "-ww", "-z", file], directory: flat)
                #expect(outcome.status == 0 && outcome.all.isEmpty, "\(file): \(outcome.all)")
            }
        }
        if FileManager.default.isExecutableFile(atPath: Self.mandoc) {
            let outcome = try run(Self.mandoc, ["-Tlint", "-Wall"] + pages.keys.sorted(), directory: flat)
            let errors = outcome.all.split(separator: "\n").filter {
                $0.contains(": ERROR: ") || $0.contains(": UNSUPP: ") || $0.contains(": BADARG: ") || $0.contains(": SYSERR: ")
            }
            #expect(errors.isEmpty, "\(outcome.all)")
            // Warnings of the generator are tidied away by the script; none may come back unnoticed.
            #expect(outcome.all.isEmpty, "\(outcome.all)")
        }
    }

    /// `capture --help`, which the page is made from, names the package options, what they
    /// write and when they are bad usage.
    @Test func captureHelpDescribesThePackageOptions() throws {
        let outcome = try run(hostcontractExecutable, ["capture", "--help"])
        #expect(outcome.status == 0)
        let help = outcome.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for text in [
            "[--package <NAME> ...] [--venv <DIR>] [--pip-package <NAME> ...]",
            #"--package <NAME> Write a [[package]] for the Debian package NAME (or NAME:ARCH) from the root's dpkg database: version = ">= INSTALLED""#,
            #"--venv <DIR> Write a [[package]] with manager = "pip" and version = "==INSTALLED" for each distribution of DIR"#,
            "all but pip, setuptools, wheel and distribute, as pip freeze lists them, or those named with --pip-package",
            "--pip-package <NAME> With --venv, capture only the distribution NAME of it",
            "a package or distribution not installed, no dpkg database, a --venv DIR that is not a virtual environment",
        ] {
            #expect(help.contains(text), "capture --help lacks: \(text)\n\(outcome.standardOutput)")
        }
    }

    /// The name in the NAME section: `.Nm name` (mdoc) or `name \- description` (man).
    static func nameOf(_ page: String) -> String? {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == ".Sh NAME" || $0 == ".SH NAME" }), start + 1 < lines.count else { return nil }
        let line = lines[start + 1]
        if line.hasPrefix(".Nm ") { return String(line.dropFirst(4)) }
        return line.components(separatedBy: " \\- ").first
    }

    /// The SEE ALSO section's lines.
    static func seeAlso(_ page: String) -> String {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == ".Sh \"SEE ALSO\"" || $0 == ".SH \"SEE ALSO\"" }) else { return "" }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix(".Sh ") || $0.hasPrefix(".SH ") } ?? lines.endIndex
        return lines[(start + 1)..<end].joined(separator: "\n")
    }

    /// Manual page references: `.Xr name N` (mdoc), `.BR name (N)` and `\fBname\fR(N)` (man).
    static func references(_ text: String) -> [(name: String, section: String)] {
        var result: [(name: String, section: String)] = []
        for raw in text.split(separator: "\n") {
            let line = raw.replacing("\\%", with: "").replacing("\\&", with: "").replacing("\\-", with: "-")
            let words = line.split(separator: " ")
            if words.count >= 3, words[0] == ".Xr", let section = words[2].first, section.isNumber {
                result.append((String(words[1]), String(section)))
            } else if words.count >= 3, words[0].count == 3, words[0].hasPrefix("."), words[2].hasPrefix("("),
                words[2].count >= 3, words[2].dropFirst().first?.isNumber == true
            {
                result.append((String(words[1]), String(words[2].dropFirst().prefix(1))))
            }
            var rest = line[...]
            while let bold = rest.range(of: "\\fB") {
                let after = rest[bold.upperBound...]
                if let close = after.range(of: "\\fR("), after[close.upperBound...].first?.isNumber == true {
                    let name = after[..<close.lowerBound]
                    if !name.contains(" ") { result.append((String(name), String(after[close.upperBound...].prefix(1)))) }
                }
                rest = after
            }
        }
        return result
    }
}
