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

    public var location: String { line.map { "\(file):\($0)" } ?? file }
}

/// One file of the configuration and its top-level directives.
public struct NginxFile: Sendable, Equatable {
    public var path: String
    public var directives: [NginxDirective]
    public var problems: [NginxProblem]
}
