/// Lexical path operations on absolute paths, as systemd's path-util.c does them.
enum UnitPath {
    /// The components of `path`, without empty ones (`//` counts as `/`).
    static func components(_ path: String) -> [String] {
        // On bytes, as systemd splits: `/` is ASCII, and no other byte of UTF-8 equals it.
        path.utf8.split(separator: UInt8(ascii: "/")).map { String(Substring($0)) }
    }

    static func join(_ components: [String]) -> String { "/" + components.joined(separator: "/") }

    /// `/a//b/./c/` as `/a/b/c` (`path_simplify`: `..` is kept).
    static func simplify(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = components(path).filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// `path` relative to `directory` when relative, simplified; `..` resolved lexically.
    static func absolute(_ path: String, relativeTo directory: String) -> String {
        let full = path.hasPrefix("/") ? path : directory + "/" + path
        var result: [String] = []
        for component in components(full) {
            if component == "." { continue }
            if component == ".." { if !result.isEmpty { result.removeLast() }; continue }
            result.append(component)
        }
        return join(result)
    }

    static func directory(of path: String) -> String {
        let parts = components(path)
        return join(Array(parts.dropLast()))
    }

    static func lastComponent(_ path: String) -> String { components(path).last ?? "/" }

    /// Whether `path` is `directory` or lies beneath it, compared by components.
    static func isInside(_ path: String, _ directory: String) -> Bool {
        let inner = components(path), outer = components(directory)
        return inner.count >= outer.count && Array(inner.prefix(outer.count)) == outer
    }
}
