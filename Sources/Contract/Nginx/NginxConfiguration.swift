/// An nginx configuration as nginx reads it: the main file and every file its `include`
/// directives name (globs expanded and sorted, relative names resolved against the main file's
/// directory, each file read once), each parsed into directives that keep their file and line.
/// Pure: files are read and globs expanded by the functions handed in (inside `--root`).
public struct NginxConfiguration: Sendable {
    public var files: [NginxFile]

    /// Every problem of every file, the main file's first.
    public var problems: [NginxProblem] { files.flatMap(\.problems) }

    public static func load(
        main: String,
        read: (String) -> Result<String, ObservationError>,
        glob: (String) -> [String]
    ) -> NginxConfiguration {
        let directory = main.contains("/") ? String(main[..<main.lastIndex(of: "/")!]) : "."
        var queue = [main]
        var indices = [main: 0]
        var files: [NginxFile] = []
        var position = 0
        while position < queue.count {
            let path = queue[position]
            let index = position
            position += 1
            switch read(path) {
            case .failure(let error):
                files.append(NginxFile(path: path, directives: [], problems: [NginxProblem(file: path, line: nil, message: "cannot be read: \(error)")]))
            case .success(let text):
                var parser = NginxParser(path: path, fileIndex: index, text: text)
                var directives = parser.parse()
                // Resolve includes, queueing each new file once.
                func resolve(_ list: inout [NginxDirective]) {
                    for i in list.indices {
                        if list[i].block != nil { resolve(&list[i].block!) }
                        guard list[i].name == "include" else { continue }
                        guard let argument = list[i].arguments.first, list[i].arguments.count == 1 else {
                            parser.problems.append(NginxProblem(file: path, line: list[i].line, message: "invalid number of arguments in \"include\" directive"))
                            continue
                        }
                        let pattern = argument.hasPrefix("/") ? argument : (directory.isEmpty ? "" : directory + "/") + argument
                        var names: [String]
                        if pattern.contains(where: { "*?[".contains($0) }) {
                            names = glob(pattern).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                        } else if case .failure(let error) = read(pattern) {
                            names = []
                            parser.problems.append(NginxProblem(file: path, line: list[i].line, message: "include \(argument) cannot be read: \(error)"))
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
                files.append(NginxFile(path: path, directives: directives, problems: parser.problems))
            }
        }
        return NginxConfiguration(files: files)
    }

    public init(files: [NginxFile]) { self.files = files }

    /// The directives of a block with every `include` replaced by what it includes, in place. An
    /// include that would re-enter a file already being expanded (a cycle) is passed over.
    public func expanded(_ directives: [NginxDirective], within chain: Set<Int> = []) -> [NginxDirective] {
        var result: [NginxDirective] = []
        for directive in directives {
            if directive.isComment { continue }
            if let includes = directive.includes {
                let inside = chain.union([directive.file])
                for index in includes where index < files.count && !inside.contains(index) {
                    result += expanded(files[index].directives, within: inside.union([index]))
                }
            } else {
                result.append(directive)
            }
        }
        return result
    }

    /// The main file's directives, includes expanded.
    public var main: [NginxDirective] { files.first.map { expanded($0.directives) } ?? [] }

    /// "file:line" of a directive.
    public func location(of directive: NginxDirective) -> String {
        (directive.file < files.count ? files[directive.file].path : "?") + ":\(directive.line)"
    }
}

/// Builds directives from tokens, as crossplane's parser does: a directive is a word followed
/// by arguments up to `;` or `{`; comments are dropped; `if` loses the parentheses around its
/// condition.
struct NginxParser {
    let path: String
    let fileIndex: Int
    var tokens: [NginxToken] = []
    var position = 0
    var problems: [NginxProblem] = []

    init(path: String, fileIndex: Int, text: String) {
        self.path = path
        self.fileIndex = fileIndex
        var lexer = NginxLexer(text: text)
        let (tokens, error) = lexer.tokens()
        self.tokens = tokens
        if let error { problems.append(NginxProblem(file: path, line: error.line, message: error.message)) }
        var depth = 0
        for token in self.tokens {
            if token.isSpecial("{") { depth += 1 }
            if token.isSpecial("}") {
                depth -= 1
                if depth < 0 {
                    problems.append(NginxProblem(file: path, line: token.line, message: "unexpected \"}\""))
                    break
                }
            }
        }
        if depth > 0 && error == nil {
            problems.append(NginxProblem(file: path, line: self.tokens.last?.line, message: "unexpected end of file, expecting \"}\""))
        }
    }

    mutating func parse() -> [NginxDirective] { block(depth: 0) }

    private mutating func block(depth: Int) -> [NginxDirective] {
        var directives: [NginxDirective] = []
        while position < tokens.count {
            let token = tokens[position]
            position += 1
            if token.isSpecial("}") {
                if depth == 0 { continue }
                return directives
            }
            if token.isComment { continue }
            if token.isSpecial(";") || token.isSpecial("{") {
                problems.append(NginxProblem(file: path, line: token.line, message: "unexpected \"\(token.text)\""))
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
            guard let terminator else {
                problems.append(NginxProblem(file: path, line: token.line, message: "unexpected end of file, expecting \";\" or \"}\""))
                directives.append(directive)
                return directives
            }
            if directive.name == "if" { Self.stripParentheses(&directive.arguments) }
            let commentEntries = comments.map {
                NginxDirective(name: "#", arguments: [], line: directive.line, file: fileIndex, comment: $0)
            }
            if terminator.isSpecial("{") {
                directive.block = block(depth: depth + 1)
            } else if terminator.isSpecial("}") {
                problems.append(NginxProblem(file: path, line: token.line, message: "directive \"\(directive.name)\" is not terminated by \";\""))
                directives.append(directive)
                directives += commentEntries
                if depth > 0 { return directives }
                continue
            }
            directives.append(directive)
            directives += commentEntries
        }
        return directives
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
