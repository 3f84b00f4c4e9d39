/// `[[nginx.server]]`: directives the selected server blocks must carry.
public struct NginxServerRule: Sendable, Hashable {
    public var context: EntryContext
    public var directives: [NginxDirectiveRule]
}

extension NginxServerRule {
    static let keys = ["directives"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> NginxServerRule {
        let context = r.context(kind: .nginx, ordinal: ordinal)
        let directives = NginxDirectiveRule.read(r, patterns: patterns)
        if directives.isEmpty { r.error("directives", "a server rule needs at least one directive") }
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return NginxServerRule(context: context, directives: directives)
    }
}
