/// The caller's ``UnitDirectoryListing`` with each listing read once, and symbolic links resolved
/// from those listings the way systemd's `chase_symlinks()` resolves them under `--root`: inside
/// the root, `..` at `/` staying at `/`, at most 32 links.
final class UnitFileSystem {
    let listing: any UnitDirectoryListing
    private var directories: [String: [String: UnitFileEntry]] = [:]
    private var ordered: [String: [UnitFileEntry]] = [:]
    private var files: [String: [UInt8]?] = [:]

    init(_ listing: any UnitDirectoryListing) { self.listing = listing }

    /// What a resolved path leads to.
    enum Node: Equatable { case missing, file, directory, link, other }

    /// The entries of a resolved directory, in the caller's order.
    func entries(in directory: String) -> [UnitFileEntry] {
        if let cached = ordered[directory] { return cached }
        let entries = listing.entries(in: directory)
        ordered[directory] = entries
        directories[directory] = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return entries
    }

    func entry(_ name: String, in directory: String) -> UnitFileEntry? {
        _ = entries(in: directory)
        return directories[directory]?[name]
    }

    func contents(of path: String) -> [UInt8]? {
        if let cached = files[path] { return cached }
        let bytes = listing.contents(of: path)
        files[path] = bytes
        return bytes
    }

    private var resolvedDirectories: [String: String?] = [:]

    /// `directory/name` resolved, or nil without a look when `directory` has no entry `name`
    /// (the common case for drop-in directories, asked for in every directory of the path).
    func resolve(_ name: String, in directory: String) -> (path: String, node: Node)? {
        let base: String?
        if let cached = resolvedDirectories[directory] {
            base = cached
        } else {
            base = resolve(directory).flatMap { $0.node == .directory ? $0.path : nil }
            resolvedDirectories[directory] = base
        }
        guard let base, entry(name, in: base) != nil else { return nil }
        return resolve(directory + "/" + name)
    }

    /// `path` with its symbolic links resolved (the last one too unless `followLast` is false),
    /// and what it leads to; nil for a loop. A missing component ends the walk: the rest is
    /// appended as written (`CHASE_NONEXISTENT`).
    func resolve(_ path: String, followLast: Bool = true) -> (path: String, node: Node)? {
        // The search asks for the same paths over and over (every unit's drop-in directories,
        // each alias), and the listings under an answer never change: each is worked out once.
        if let known = resolvedPaths[followLast ? 1 : 0][path] { return known }
        let answer = walk(path, followLast: followLast)
        resolvedPaths[followLast ? 1 : 0][path] = .some(answer)
        return answer
    }

    /// What ``resolve(_:followLast:)`` answered for each path, not following and following the last link.
    private var resolvedPaths: [[String: (path: String, node: Node)?]] = [[:], [:]]

    private func walk(_ path: String, followLast: Bool) -> (path: String, node: Node)? {
        var pending = UnitPath.components(path)
        var resolved: [String] = []
        var links = 0
        var node = Node.directory
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                node = .directory
                continue
            }
            let directory = UnitPath.join(resolved)
            guard node == .directory, let entry = entry(component, in: directory) else {
                return (UnitPath.join(resolved + [component] + pending.filter { $0 != "." }), .missing)
            }
            switch entry.kind {
            case .symbolicLink(let target) where followLast || !pending.isEmpty:
                links += 1
                if links > 32 { return nil }
                if target.hasPrefix("/") { resolved = [] }
                pending = UnitPath.components(target) + pending
                node = .directory
                continue
            case .symbolicLink:
                node = .link
            case .regularFile: node = .file
            case .directory: node = .directory
            case .other: node = .other
            }
            resolved.append(component)
        }
        return (UnitPath.join(resolved), node)
    }
}
