import Contract
import Foundation
import Host
import Provision
import TestSupport
import Testing

/// For every configuration in the corpus, the directive tree hostcontract reads (directive,
/// arguments, line, nesting, include expansion) equals what crossplane, the reference nginx
/// parser, reads, once crossplane's arguments are taken as nginx takes them: crossplane keeps
/// escapes as written (only `\"` in "..." and `\'` in '...' lose their backslash), where nginx
/// turns `\"`, `\'`, `\\`, `\n`, `\t` and `\r` into what they name, quoted or not
/// (ngx_conf_read_token; NginxArgumentOracleTests holds hostcontract to the real nginx there).
/// Lua block bodies are opaque to both and compared as they are. Where crossplane's lexer
/// parts from nginx's on a file of the corpus, ``knownDifferences`` says what nginx reads.
@Suite(.enabled(if: crossplaneAvailable, "needs crossplane (pip install crossplane)"))
struct NginxDifferentialTests {
    static let edgeCases: [String] = {
        let directory = packageDirectory.appendingPathComponent("Tests/Fixtures/nginx/edge").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".conf") }.sorted().map { directory + "/" + $0 }
    }()

    /// Every regular file Debian's nginx package installs under /etc/nginx.
    static let debianFiles: [String] = {
        guard let walker = FileManager.default.enumerator(atPath: "/etc/nginx") else { return [] }
        var files: [String] = []
        while let name = walker.nextObject() as? String {
            let path = "/etc/nginx/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }()

    static let fixtures: [String] = {
        let directory = packageDirectory.appendingPathComponent("Tests/Fixtures/nginx").path
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let name = walker.nextObject() as? String {
            if name.hasPrefix("edge/") || !name.hasSuffix(".conf") { continue }
            files.append(directory + "/" + name)
        }
        return files.sorted()
    }()

    @Test func theCorpusIsThere() {
        #expect(Self.edgeCases.count >= 6)
        #expect(Self.debianFiles.contains("/etc/nginx/nginx.conf"), "install Debian's nginx package")
    }

    @Test(arguments: edgeCases + debianFiles + fixtures)
    func sameTreeAsCrossplane(_ path: String) throws {
        let reference = try crossplane(path)
        let ours = try ourTree(path)
        #expect(ours.count == reference.count, "files: \(ours.map { $0["file"] as? String ?? "" }) vs \(reference.map { $0["file"] as? String ?? "" })")
        for (mine, theirs) in zip(ours, reference) {
            #expect(mine["file"] as? String == theirs["file"] as? String)
            let a = canonical(mine["parsed"]), b = canonical(theirs["parsed"])
            if a != b {
                Issue.record("\(mine["file"] ?? ""): first difference:\n\(firstDifference(a, b))")
            }
        }
    }

    /// The nginx files of the project's sample roots, parsed as standalone files.
    @Test(.enabled(if: runningAsRoot, "sample roots need chown"))
    func theSampleRootsSitesMatchToo() throws {
        let plain = try SampleRoot(), hub = try SampleRoot(role: "central_hub", mtls: true), edm = try EDMRoot()
        let files = [
            plain.at("/etc/nginx/nginx.conf"), plain.at("/etc/nginx/conf.d/lx-annotate.conf"),
            hub.at("/etc/nginx/conf.d/lx-annotate.conf"),
            edm.at("/etc/nginx/nginx.conf"), edm.at("/etc/nginx/sites-enabled/edm-annotator"),
        ]
        for path in files {
            let ours = try ourTree(path), reference = try crossplane(path)
            #expect(canonical(ours.map { $0["parsed"] }) == canonical(reference.map { $0["parsed"] }), "\(path)")
        }
    }

    /// Arguments crossplane reads differently from nginx, by file name and line: nginx's.
    static let knownDifferences: [String: [Int: [String]]] = [
        // crossplane keeps the whitespace after an unquoted ${name} in the word.
        "quotes.conf": [14: ["${a}", "b", "${c}", "d"]],
    ]

    /// A word as nginx reads its escapes, written apart from hostcontract's lexer.
    static func nginxEscapes(_ word: String) -> String {
        let meaning: [Unicode.Scalar: Unicode.Scalar] = ["\"": "\"", "'": "'", "\\": "\\", "n": "\n", "t": "\t", "r": "\r"]
        let scalars = Array(word.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count, let replacement = meaning[scalars[index + 1]] {
                result.append(replacement)
                index += 2
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    /// crossplane's tree of `file` with its arguments as nginx reads them.
    func asNginxReadsIt(_ directives: [[String: Any]], file: String) -> [[String: Any]] {
        directives.map { directive in
            var directive = directive
            let name = directive["directive"] as? String ?? ""
            if !name.hasSuffix("_by_lua_block"), let arguments = directive["args"] as? [String] {
                directive["args"] = arguments.map(Self.nginxEscapes)
                directive["directive"] = Self.nginxEscapes(name)
            }
            if let line = directive["line"] as? Int, let known = Self.knownDifferences[(file as NSString).lastPathComponent]?[line] {
                directive["args"] = known
            }
            if let block = directive["block"] as? [[String: Any]] { directive["block"] = asNginxReadsIt(block, file: file) }
            return directive
        }
    }

    func crossplane(_ path: String) throws -> [[String: Any]] {
        // The syntax tree alone: crossplane's analyzer would drop directives it thinks out of
        // context when a snippet (fastcgi_params, mime.types) is read on its own.
        let script = "import crossplane, json, sys; print(json.dumps(crossplane.parse(sys.argv[1], check_ctx=False, check_args=False)))"
        let outcome = try run("/usr/bin/env", ["python3", "-c", script, path])
        guard outcome.status == 0, let json = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any],
            let config = json["config"] as? [[String: Any]]
        else { throw FixtureError(message: "crossplane failed on \(path): \(outcome.all)") }
        return config.map { file in
            var file = file
            let name = file["file"] as? String ?? ""
            file["parsed"] = asNginxReadsIt(file["parsed"] as? [[String: Any]] ?? [], file: name)
            return file
        }
    }

    func ourTree(_ path: String) throws -> [[String: Any]] {
        let host = LiveHost(root: try RootDirectory(path: "/"))
        let configuration = NginxConfiguration.load(main: path, read: host.text(of:), glob: host.glob)
        func convert(_ directives: [NginxDirective]) -> [[String: Any]] {
            directives.map { directive in
                var object: [String: Any] = ["directive": directive.name, "line": directive.line, "args": directive.arguments]
                if let block = directive.block { object["block"] = convert(block) }
                if let includes = directive.includes { object["includes"] = includes }
                if let comment = directive.comment { object["comment"] = comment }
                return object
            }
        }
        return configuration.files.map { ["file": $0.path, "parsed": convert($0.directives)] }
    }

    /// A stable text form for comparison and for showing where two trees part.
    func canonical(_ value: Any?) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.sortedKeys, .prettyPrinted, .fragmentsAllowed])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func firstDifference(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false), y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(x.count, y.count) {
            let left = index < x.count ? String(x[index]) : "<end>", right = index < y.count ? String(y[index]) : "<end>"
            if left != right {
                let context = x[max(0, index - 6)..<min(x.count, index)].joined(separator: "\n")
                return "\(context)\nhostcontract: \(left)\ncrossplane:   \(right)"
            }
        }
        return "none"
    }
}

let crossplaneAvailable: Bool = {
    (try? run("/usr/bin/env", ["python3", "-c", "import crossplane"]).status) == 0
}()
