/// An nginx configuration as nginx reads it: the main file and every file its `include`
/// directives name (globs expanded and sorted, relative names resolved against the main file's
/// directory, each file read once), each parsed into directives that keep their file and line.
/// Pure: files are read and globs expanded by the functions handed in (inside `--root`).
public struct NginxConfiguration: Sendable {
    public var files: [NginxFile]

    /// Every problem of every file, the main file's first.
    public var problems: [NginxProblem] { files.flatMap(\.problems) }

    /// `secret` says why a file is a key and not configuration (nil when it is not): such a
    /// file is not parsed, so no token of it reaches a problem or a directive.
    public static func load(
        main: String,
        read: (String) -> Result<String, ObservationError>,
        glob: (String) -> [String],
        secret: (_ path: String, _ text: String) -> String? = { _, _ in nil }
    ) -> NginxConfiguration {
        let directory = main.contains("/") ? String(main[..<main.lastIndex(of: "/")!]) : "."
        var queue = [main]
        var indices = [main: 0]
        var files: [NginxFile] = []
        var position = 0
        var totalBytes = 0
        let maximumBytes = Self.maximumBytes
        while position < queue.count {
            let path = queue[position]
            let index = position
            position += 1
            if totalBytes > maximumBytes {
                files.append(NginxFile(path: path, directives: [], problems: [NginxProblem(
                    file: path, line: nil, message: "not read: the configuration's files hold more than \(maximumBytes >> 20) MiB together")]))
                continue
            }
            let contents = read(path)
            if case .success(let text) = contents { totalBytes += text.utf8.count }
            switch contents {
            case .failure(let error):
                files.append(NginxFile(path: path, directives: [], problems: [NginxProblem(
                    file: path, line: nil, message: "cannot be read: \(error)", isInaccessible: error.isInaccessible)]))
            case .success(let text) where secret(path, text) != nil:
                files.append(NginxFile(path: path, directives: [], problems: [NginxProblem(
                    file: path, line: nil,
                    message: "is a key, not configuration (\(secret(path, text)!)); nginx includes it, so its content is not read or shown here")]))
            case .success(let text):
                var parser = NginxParser(path: path, fileIndex: index, text: text)
                var directives = parser.parse()
                // Resolve includes, queueing each new file once.
                func resolve(_ list: inout [NginxDirective]) {
                    for i in list.indices {
                        if list[i].block != nil { resolve(&list[i].block!) }
                        guard list[i].name == "include" else { continue }
                        guard let argument = list[i].arguments.first, list[i].arguments.count == 1 else {
                            parser.report(NginxProblem(file: path, line: list[i].line, message: "invalid number of arguments in \"include\" directive"))
                            continue
                        }
                        let pattern = argument.hasPrefix("/") ? argument : (directory.isEmpty ? "" : directory + "/") + argument
                        var names: [String]
                        if pattern.contains(where: { "*?[".contains($0) }) {
                            names = glob(pattern).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                        } else if case .failure(let error) = read(pattern) {
                            names = []
                            parser.report(NginxProblem(
                                file: path, line: list[i].line, message: "include \(argument) cannot be read: \(error)",
                                isInaccessible: error.isInaccessible))
                        } else {
                            names = [pattern]
                        }
                        list[i].includes = names.map { name in
                            if let known = indices[name] { return known }
                            indices[name] = queue.count
                            queue.append(name)
                            return queue.count - 1
                        }
                    }
                }
                resolve(&directives)
                files.append(NginxFile(path: path, directives: directives, problems: parser.log.all))
            }
        }
        var configuration = NginxConfiguration(files: files)
        configuration.bound()
        if totalBytes > maximumBytes, configuration.refusal == nil {
            configuration.refusal = "its files hold more than \(maximumBytes >> 20) MiB together"
        }
        return configuration
    }

    public init(files: [NginxFile]) { self.files = files }

    /// How deep blocks may nest, counted across includes. nginx itself has no limit (its parser
    /// recurses, as this one did: 20,000 nested blocks overflowed the stack); real
    /// configurations nest five or six levels (http, server, location, location, if, limit_except).
    public static let maximumNesting = 100
    /// How many directives the configuration may hold with every include expanded (each
    /// occurrence of an included file counts again). Real ones hold a few thousand.
    public static let maximumDirectives = 100_000
    /// How many bytes the configuration's files may hold together; files past it are not read.
    public static let maximumBytes = 64 << 20

    /// Includes that would re-enter a file already being included: nginx follows them until its
    /// stack overflows (`nginx -t` dies by SIGSEGV); here each is an error and is not followed.
    var severed: Set<Edge> = []
    /// Why the configuration is not evaluated (it nests too deep or expands too far), if so.
    public private(set) var refusal: String? = nil

    struct Edge: Hashable {
        var from: Int
        var to: Int
    }

    /// One `include` as the bound sees it: the file it is in, its block depth there, its targets.
    private struct Inclusion {
        var line: Int
        var depth: Int
        var targets: [Int]
    }

    /// Finds include cycles (reported and severed), then the nesting depth and directive count
    /// of the expanded configuration; all without recursion, each file visited once.
    private mutating func bound() {
        var own = [Int](repeating: 0, count: files.count)
        var deepest = [Int](repeating: 0, count: files.count)
        var inclusions = [[Inclusion]](repeating: [], count: files.count)
        for (index, file) in files.enumerated() {
            var stack: [(directives: [NginxDirective], depth: Int)] = [(file.directives, 0)]
            while let (directives, depth) = stack.popLast() {
                for directive in directives where !directive.isComment {
                    if let includes = directive.includes {
                        inclusions[index].append(Inclusion(line: directive.line, depth: depth, targets: includes))
                    } else {
                        own[index] += 1
                        deepest[index] = max(deepest[index], depth)
                    }
                    if let block = directive.block {
                        deepest[index] = max(deepest[index], depth + 1)
                        stack.append((block, depth + 1))
                    }
                }
            }
        }
        guard !files.isEmpty else { return }
        // Depth-first from the main file: an include of a file still open is a cycle.
        enum Mark { case open, done }
        var marks: [Int: Mark] = [:]
        var size = [Int](repeating: 0, count: files.count)
        var nesting = [Int](repeating: 0, count: files.count)
        var trail: [Int] = []
        var stack: [(file: Int, expanded: Bool)] = [(0, false)]
        while let (file, expanded) = stack.popLast() {
            if expanded {
                trail.removeLast()
                marks[file] = .done
                var total = own[file]
                var depth = deepest[file]
                for inclusion in inclusions[file] {
                    for target in inclusion.targets where !severed.contains(Edge(from: file, to: target)) {
                        total = min(total + size[target], Self.maximumDirectives + 1)
                        depth = max(depth, inclusion.depth + nesting[target])
                    }
                }
                size[file] = total
                nesting[file] = depth
                continue
            }
            guard marks[file] == nil else { continue }
            marks[file] = .open
            trail.append(file)
            stack.append((file, true))
            // Pushed last to first, so files are entered in the order nginx includes them.
            for inclusion in inclusions[file].reversed() {
                for target in inclusion.targets.reversed() {
                    switch marks[target] {
                    case .open?:
                        let edge = Edge(from: file, to: target)
                        guard severed.insert(edge).inserted else { continue }
                        // From the file holding this include, round to it again.
                        let start = trail.lastIndex(of: target) ?? 0
                        let circle = ([file] + trail[start...].dropLast() + [file])
                            .map { "'\(files[$0].path)'" }.joined(separator: " -> ")
                        files[file].problems.append(NginxProblem(
                            file: files[file].path, line: inclusion.line,
                            message: "include cycle: \(circle); nginx would include these files without end"))
                    case .done?: continue
                    case nil: stack.append((target, false))
                    }
                }
            }
        }
        if nesting[0] > Self.maximumNesting {
            refusal = "blocks nest deeper than \(Self.maximumNesting) levels with includes expanded"
        } else if size[0] > Self.maximumDirectives {
            refusal = "holds more than \(Self.maximumDirectives) directives with includes expanded"
        }
        if let refusal { files[0].problems.append(NginxProblem(file: files[0].path, line: nil, message: refusal)) }
    }

    /// The directives of a block with every `include` replaced by what it includes, in place. An
    /// include that would re-enter a file already being expanded (a cycle) is passed over.
    public func expanded(_ directives: [NginxDirective], within chain: Set<Int> = []) -> [NginxDirective] {
        var result: [NginxDirective] = []
        for directive in directives {
            if directive.isComment { continue }
            if let includes = directive.includes {
                let inside = chain.union([directive.file])
                for index in includes
                where index < files.count && !inside.contains(index) && !severed.contains(Edge(from: directive.file, to: index)) {
                    result += expanded(files[index].directives, within: inside.union([index]))
                }
            } else {
                result.append(directive)
            }
        }
        return result
    }

    /// The main file's directives, includes expanded; none when the configuration is refused.
    public var main: [NginxDirective] { refusal == nil ? files.first.map { expanded($0.directives) } ?? [] : [] }

    /// "file:line" of a directive.
    public func location(of directive: NginxDirective) -> String {
        (directive.file < files.count ? files[directive.file].path : "?") + ":\(directive.line)"
    }
}

/// Builds directives from the lexer's tokens, as crossplane's parser does: a directive is a
/// word followed by arguments up to `;` or `{`; comments between directives are dropped, those
/// among a directive's arguments kept as `#` entries; `if` loses the parentheses around its
/// condition. Syntax errors are the lexer's (nginx's own messages and lines); where nginx would
/// stop, the parser takes what was read: a directive cut short by `}` or the end of the file
/// is kept, a `{` without a directive is passed over with its block.
struct NginxParser {
    let path: String
    let fileIndex: Int
    var tokens: [NginxToken] = []
    var position = 0
    /// The file's problems: the lexer's syntax errors and the parser's.
    private(set) var log: NginxProblemLog

    mutating func report(_ problem: NginxProblem) {
        log.report(line: problem.line, problem.message, isInaccessible: problem.isInaccessible)
    }

    init(path: String, fileIndex: Int, text: String) {
        self.path = path
        self.fileIndex = fileIndex
        var lexer = NginxLexer(path: path, text: text)
        (tokens, log) = lexer.tokens()
    }

    mutating func parse() -> [NginxDirective] { block(depth: 0, parent: nil) }

    /// The directives of a block (`parent` names it; nil for the file's top level).
    private mutating func block(depth: Int, parent: String?) -> [NginxDirective] {
        var directives: [NginxDirective] = []
        while position < tokens.count {
            let token = tokens[position]
            position += 1
            if token.isSpecial("}") {
                if depth == 0 { continue }
                return directives
            }
            if token.isComment || token.isSpecial(";") { continue }
            if token.isSpecial("{") {
                skipBlock()
                continue
            }
            var directive = NginxDirective(name: token.text, arguments: [], line: token.line, file: fileIndex)
            var comments: [String] = []
            var terminator: NginxToken? = nil
            while position < tokens.count {
                let argument = tokens[position]
                position += 1
                if argument.isSpecial("{") || argument.isSpecial(";") || argument.isSpecial("}") {
                    terminator = argument
                    break
                }
                if argument.isComment {
                    comments.append(String(argument.text.dropFirst()))
                } else {
                    directive.arguments.append(argument.text)
                }
            }
            if directive.name == "if" { Self.stripParentheses(&directive.arguments) }
            if let terminator { checkEnding(directive, terminator, in: parent) }
            let commentEntries = comments.map {
                NginxDirective(name: "#", arguments: [], line: directive.line, file: fileIndex, comment: $0)
            }
            if terminator?.isSpecial("{") == true {
                if depth + 1 > NginxConfiguration.maximumNesting {
                    // Deeper blocks are skipped, not parsed: recursion stays within the limit.
                    report(NginxProblem(
                        file: path, line: token.line,
                        message: "blocks nest deeper than \(NginxConfiguration.maximumNesting) levels; the block of \"\(directive.name)\" is not read"))
                    skipBlock()
                    directive.block = []
                } else {
                    directive.block = block(depth: depth + 1, parent: directive.name)
                }
            }
            directives.append(directive)
            directives += commentEntries
            // Cut short by `}` (its `;` missing) or by the end of the file.
            if terminator == nil || (terminator!.isSpecial("}") && depth > 0) { return directives }
        }
        return directives
    }

    /// nginx's own checks of what ends a directive: a block directive it knows needs `{`, any
    /// other `;` (a `;` forgotten before a block makes the directive swallow the block's name),
    /// and a line of a table (map, types, ...) goes to the table's handler, which takes no `{`.
    private mutating func checkEnding(_ directive: NginxDirective, _ terminator: NginxToken, in parent: String?) {
        if NginxCatalog.tables.contains(parent ?? "") {
            if terminator.isSpecial("{") { report(NginxProblem(file: path, line: terminator.line, message: "unexpected \"{\"")) }
        } else if terminator.isSpecial("{"), NginxCatalog.isPlain(directive.name, in: parent) {
            report(NginxProblem(file: path, line: terminator.line, message: "directive \"\(directive.name)\" is not terminated by \";\""))
        } else if terminator.isSpecial(";"), NginxCatalog.isBlock(directive.name, in: parent) {
            report(NginxProblem(file: path, line: terminator.line, message: "directive \"\(directive.name)\" has no opening \"{\""))
        }
    }

    /// Moves past the rest of a block whose `{` was just read, counting braces, without recursion.
    private mutating func skipBlock() {
        var open = 1
        while position < tokens.count, open > 0 {
            if tokens[position].isSpecial("{") { open += 1 }
            if tokens[position].isSpecial("}") { open -= 1 }
            position += 1
        }
    }

    /// `if ($a = b)` -> `$a`, `=`, `b`.
    static func stripParentheses(_ arguments: inout [String]) {
        guard let first = arguments.first, let last = arguments.last, first.hasPrefix("("), last.hasSuffix(")") else { return }
        arguments[0] = String(arguments[0].dropFirst()).trimmingLeadingWhitespace()
        arguments[arguments.count - 1] = String(arguments[arguments.count - 1].dropLast()).trimmingTrailingWhitespace()
        let start = arguments[0].isEmpty ? 1 : 0
        let end = arguments.count - (arguments[arguments.count - 1].isEmpty ? 1 : 0)
        arguments = start < end ? Array(arguments[start..<end]) : []
    }
}

extension String {
    func trimmingLeadingWhitespace() -> String { String(drop { $0.isWhitespace }) }
    func trimmingTrailingWhitespace() -> String { String(reversed().drop { $0.isWhitespace }.reversed()) }
}
