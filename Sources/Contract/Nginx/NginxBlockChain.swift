/// A block of the configuration with the blocks around it, outermost first (http, server, the
/// locations around a nested location, the block itself), and what nginx applies in it: its
/// own directives, and for a directive nginx inherits (``NginxCatalog/inherited``) those of
/// the nearest block around it that sets it.
struct NginxBlockChain: Sendable {
    /// One block: how findings name it ("server at /etc/nginx/site.conf:3") and its own
    /// directives, includes expanded, comments dropped.
    struct Level: Sendable {
        var name: String
        var directives: [NginxDirective]

        init(name: String, directives: [NginxDirective]) {
            self.name = name
            self.directives = directives
        }
    }

    /// What applies of one directive in the innermost block.
    struct Effective: Sendable {
        /// Its occurrences in effect (none when it is not set).
        var occurrences: [NginxDirective]
        /// The level they come from; nil when none apply.
        var source: Int?
        /// Occurrences in blocks further out that do not apply, and the level each is in.
        var unused: [(level: Int, directives: [NginxDirective])]
    }

    var levels: [Level]

    init(levels: [Level]) { self.levels = levels }

    /// The innermost block.
    var innermost: Level { levels[levels.count - 1] }

    /// The occurrences of `name` nginx applies in the innermost block: the nearest block (from
    /// the innermost out) that has `name`, or a directive sharing its setting, gives them all
    /// (a block with one add_header of its own takes none from above); a directive nginx does
    /// not inherit applies only where it is written.
    func effective(_ name: String) -> Effective {
        let setting = NginxCatalog.setting(of: name)
        let reach = NginxCatalog.inherited.contains(name) ? levels.indices.reversed() : [levels.count - 1]
        let source = reach.first { index in levels[index].directives.contains { setting.contains($0.name) } }
        let occurrences = source.map { index in levels[index].directives.filter { $0.name == name } } ?? []
        let unused = levels.indices.filter { $0 != source }.compactMap { index -> (Int, [NginxDirective])? in
            let own = levels[index].directives.filter { $0.name == name }
            return own.isEmpty ? nil : (index, own)
        }
        return Effective(occurrences: occurrences, source: occurrences.isEmpty ? nil : source, unused: unused)
    }

    /// Why occurrences of `name` further out do not apply in the innermost block ("" when none).
    func unusedNote(_ name: String, _ effective: Effective, location: (NginxDirective) -> String) -> String {
        let setting = NginxCatalog.setting(of: name)
        let notes = effective.unused.map { level, directives -> String in
            let at = directives.map(location).joined(separator: ", ")
            guard NginxCatalog.inherited.contains(name) else {
                return "the \(name) of the \(levels[level].name) (\(at)) is not inherited: nginx applies \(name) only in the block it is written in"
            }
            let closer = levels.indices.reversed().first { index in
                index > level && levels[index].directives.contains { setting.contains($0.name) }
            }
            guard let closer else { return "" }
            let own = levels[closer].directives.first { setting.contains($0.name) }!
            return "the \(name) of the \(levels[level].name) (\(at)) is not inherited: the \(levels[closer].name) has its own \(own.name) (\(location(own))), and a block with its own takes none from above"
        }.filter { !$0.isEmpty }
        return notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"
    }
}
