import Contract

/// An in-memory filesystem for the unit search tests: files, directories and symbolic links by
/// absolute path. Parent directories are made on the way.
final class MemoryUnitTree: UnitDirectoryListing {
    enum Node {
        case file([UInt8])
        case directory
        case link(String)
        case device
    }

    private(set) var nodes: [String: Node] = ["/": .directory]

    func file(_ path: String, _ text: String) { add(path, .file(Array(text.utf8))) }
    func link(_ path: String, _ target: String) { add(path, .link(target)) }
    func directory(_ path: String) { add(path, .directory) }
    func device(_ path: String) { add(path, .device) }

    private func add(_ path: String, _ node: Node) {
        var parent = ""
        for component in path.split(separator: "/").dropLast() {
            parent += "/" + component
            if nodes[parent] == nil { nodes[parent] = .directory }
        }
        nodes[path] = node
    }

    func entries(in directory: String) -> [UnitFileEntry] {
        guard case .directory? = nodes[directory] else { return [] }
        let prefix = directory == "/" ? "/" : directory + "/"
        return nodes.compactMap { path, node in
            guard path.hasPrefix(prefix), path != directory else { return nil }
            let name = String(path.dropFirst(prefix.count))
            guard !name.isEmpty, !name.contains("/") else { return nil }
            switch node {
            case .file: return UnitFileEntry(name: name, kind: .regularFile)
            case .directory: return UnitFileEntry(name: name, kind: .directory)
            case .link(let target): return UnitFileEntry(name: name, kind: .symbolicLink(target: target))
            case .device: return UnitFileEntry(name: name, kind: .other)
            }
        }.sorted { $0.name < $1.name }
    }

    func contents(of path: String) -> [UInt8]? {
        switch nodes[path] {
        case .file(let bytes)?: return bytes
        case .device?: return []
        default: return nil
        }
    }
}
