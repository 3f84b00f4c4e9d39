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

extension NginxLocation {
    static let keys = ["path", "modifier", "directives"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> NginxLocation? {
        let context = r.context(kind: .nginx, ordinal: ordinal)
        let path = r.nonEmptyString("path", required: true)
        let modifier = r.choice("modifier", as: NginxLocation.Modifier.self)
        let directives = NginxDirectiveRule.read(r, patterns: patterns)
        r.finish(allowed: keys + ContractLoader.entryKeys)
        guard let path else { return nil }
        return NginxLocation(context: context, path: path, modifier: modifier, directives: directives)
    }
}
