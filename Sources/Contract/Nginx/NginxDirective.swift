/// One directive of an nginx configuration, with the file and line it was written on.
public struct NginxDirective: Sendable, Equatable {
    public var name: String
    public var arguments: [String]
    public var line: Int
    /// Index of its file in ``NginxConfiguration/files``.
    public var file: Int
    /// The directives inside its `{ }`, for a block directive.
    public var block: [NginxDirective]?
    /// For `include`: the indices of the files it includes.
    public var includes: [Int]?
    /// For a `#` entry: a comment written among a directive's arguments (crossplane keeps those).
    public var comment: String?

    public var isComment: Bool { name == "#" }

    /// The arguments as a contract string compares them: joined by one space.
    public var joinedArguments: String { arguments.joined(separator: " ") }
}

/// A problem reading the configuration: a syntax error or an include that cannot be read.
public struct NginxProblem: Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var message: String
    /// A file nginx reads could not be read here (permission denied, an I/O error): the
    /// configuration is incomplete, which says nothing about nginx's.
    public var isInaccessible = false

    public var location: String { line.map { "\(file):\($0)" } ?? file }
}

/// The problems of one file: the ``limit`` earliest are kept, the rest counted, so a file of
/// stray `;` costs memory for 20 problems, not one per token.
struct NginxProblemLog {
    let path: String
    static let limit = 20
    private var kept: [NginxProblem] = []
    private var omitted = 0
    private var firstOmittedLine: Int? = nil

    init(path: String) { self.path = path }

    mutating func report(line: Int?, _ message: String, isInaccessible: Bool = false) {
        var problem = NginxProblem(file: path, line: line, message: message, isInaccessible: isInaccessible)
        if kept.count == Self.limit {
            // Keep the earliest: the one given up is the latest of those kept, or this one.
            let latest = kept.indices.max { (kept[$0].line ?? 0) < (kept[$1].line ?? 0) }!
            if (kept[latest].line ?? 0) > (line ?? 0) { swap(&problem, &kept[latest]) }
            omitted += 1
            firstOmittedLine = [firstOmittedLine, problem.line].compactMap { $0 }.min()
            return
        }
        kept.append(problem)
    }

    /// The problems kept, by line, and one that counts the others.
    var all: [NginxProblem] {
        let sorted = kept.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
        guard omitted > 0 else { return sorted }
        return sorted + [NginxProblem(
            file: path, line: firstOmittedLine,
            message: "and \(omitted) more problems in this file, from this line on (only the first \(Self.limit) are listed)")]
    }
}

/// One file of the configuration and its top-level directives.
public struct NginxFile: Sendable, Equatable {
    public var path: String
    public var directives: [NginxDirective]
    public var problems: [NginxProblem]
}

extension NginxDirective {
    /// Directives whose arguments are a name and a value (which may hold spaces), then
    /// optionally one of these flags.
    static let namedValues: [String: Set<String>] = [
        "add_header": ["always"], "add_trailer": ["always"], "proxy_set_header": [], "grpc_set_header": [],
        "fastcgi_param": ["if_not_empty"], "uwsgi_param": ["if_not_empty"], "scgi_param": ["if_not_empty"],
    ]

    /// The directive written so that nginx reads arguments that, joined by one space, are
    /// `joined` (`add_header X-Frame-Options "SAMEORIGIN";`), quoted where nginx needs it, and
    /// as many as nginx takes (`auth_basic "Restricted Area";`, `return 200 "a b";`: the last
    /// argument takes the rest); nil when nginx would not take them (arguments for a directive
    /// without any, a header without a value) or the catalog does not know the directive and
    /// `joined` has more than one word.
    static func written(_ name: String, joined: String) -> String? {
        let words = joined.isEmpty ? [] : joined.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard let maximum = NginxCatalog.maximumArguments(name) ?? (words.count <= 1 ? 1 : nil), words.count <= maximum || maximum >= 1
        else { return nil }
        var arguments = words
        if let flags = namedValues[name] {
            guard words.count >= 2 else { return nil }
            var value = Array(words.dropFirst())
            let flag = value.count >= 2 && flags.contains(value.last!) ? value.removeLast() : nil
            arguments = [words[0], value.joined(separator: " ")] + (flag.map { [$0] } ?? [])
        } else if words.count > maximum {
            arguments = Array(words.prefix(maximum - 1)) + [words.dropFirst(maximum - 1).joined(separator: " ")]
        }
        let text = ([name] + arguments).map(written).joined(separator: " ") + ";"
        // What nginx would read back must be what was meant.
        var lexer = NginxLexer(path: "", text: text)
        let tokens = lexer.tokens().tokens
        guard arguments.count <= maximum, tokens.map(\.text) == [name] + arguments + [";"],
            !tokens.dropLast().contains(where: \.isComment)
        else { return nil }
        return text
    }

    /// One argument as nginx reads it back: bare when it is one plain word, else in double
    /// quotes with `"` and `\` escaped.
    static func written(_ argument: String) -> String {
        var lexer = NginxLexer(path: "", text: "x " + argument + ";")
        let tokens = lexer.tokens().tokens
        if tokens.count == 3, tokens[1].text == argument, !tokens[1].quoted, !tokens[1].isComment { return argument }
        return "\"" + argument.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
