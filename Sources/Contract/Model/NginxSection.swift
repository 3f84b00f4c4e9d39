/// `[nginx]`: the nginx configuration and what its server blocks and locations must carry.
public struct NginxSection: Sendable, Hashable {
    public var line: Int
    public var config: Template
    public var serverName: String?
    public var workerAccess: Bool
    public var locations: [NginxLocation]
    public var servers: [NginxServerRule]
}

/// `[[nginx.location]]`: a location block that must exist with these directives.
public struct NginxLocation: Sendable, Hashable {
    public enum Modifier: String, Sendable, CaseIterable {
        case exact = "=", preferredPrefix = "^~", regex = "~", caseInsensitiveRegex = "~*"
    }

    public var context: EntryContext
    public var path: String
    public var modifier: Modifier?
    public var directives: [NginxDirectiveRule]
}

/// `[[nginx.server]]`: directives the selected server blocks must carry.
public struct NginxServerRule: Sendable, Hashable {
    public var context: EntryContext
    public var directives: [NginxDirectiveRule]
}

/// One directive rule on what nginx applies in the block (its own directives, or those it
/// inherits): `true` (present, with any arguments), a string (the arguments joined by one
/// space), or a list (each element among the directive's occurrences).
public struct NginxDirectiveRule: Sendable, Hashable {
    public enum Expectation: Sendable, Hashable {
        case present
        case equals(Template)
        case includes([Template])
    }

    public var name: String
    public var expectation: Expectation
}
