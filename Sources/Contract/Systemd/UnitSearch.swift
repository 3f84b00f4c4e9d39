/// Finds a unit the way systemd 252's manager loads it, without a running manager: the unit
/// file, its names and its drop-ins (src/basic/unit-file.c `unit_file_build_name_map()` and
/// `unit_file_find_fragment()`, src/shared/dropin.c, src/core/load-fragment.c `unit_load_fragment()`).
///
/// - The first directory of the search path that holds the name wins. A regular file is the unit
///   file. A symbolic link whose target lies inside the search path is an alias: the unit is the
///   one its target's *name* resolves to (up to 8 hops; an instance name falls back to its
///   template). A link leading outside the search path is a linked unit file, read through the
///   link. An alias link between incompatible names (another type, template to plain, ...) is
///   ignored.
/// - A unit file that is empty, or a link to `/dev/null` (or any character device), masks the unit.
/// - `name@instance.type` with no file of its own uses `name@.type`.
/// - Drop-ins are the `*.conf` files of `NAME.d/` for the unit's name and each alias, then for the
///   template (`foo@.service.d`), then the prefixes (`foo-bar-baz.service` also reads
///   `foo-bar-.service.d` and `foo-.service.d`), then the type (`service.d`), looked up in every
///   directory of the path in that order; a file name found first hides the same name found later
///   (so `/etc/.../foo.service.d/x.conf` replaces `/usr/lib/.../foo.service.d/x.conf`, and a link
///   to `/dev/null` removes it). They apply sorted by file name, whatever their directory.
///   Hidden files and backups (`.x.conf`, `x.conf~`, `.dpkg-old`, ...) are skipped.
public final class UnitSearch {
    public let searchPath: UnitSearchPath
    let fileSystem: UnitFileSystem
    private var nameMap: [String: String]?
    private var expandedPath: [String] = []

    /// A search over `listing` with `searchPath` (Debian 12's by default).
    public init(listing: any UnitDirectoryListing, searchPath: UnitSearchPath = .debian12) {
        self.searchPath = searchPath
        fileSystem = UnitFileSystem(listing)
    }

    init(fileSystem: UnitFileSystem, searchPath: UnitSearchPath) {
        self.searchPath = searchPath
        self.fileSystem = fileSystem
    }

    /// The unit `name` as the manager would load it, with its drop-ins read and parsed.
    public func unit(_ name: String) -> UnitDefinition {
        guard let unitName = UnitName(name) else {
            return UnitDefinition(requested: name, loadState: .error("invalid unit name '\(name)'"))
        }
        let (fragment, names) = findFragment(unitName)
        var id = unitName
        if let fragment, let fragmentName = UnitName(UnitPath.lastComponent(fragment)) {
            if fragmentName.form == .template, let instance = unitName.instance, unitName.form == .instance,
                let instantiated = fragmentName.replacingInstance(with: instance)
            {
                id = instantiated
            } else if fragmentName.form != .template || unitName.form == .template {
                id = fragmentName
            }
        }
        let aliases = names.subtracting([id.text]).sorted()
        var definition = UnitDefinition(requested: name, loadState: .notFound)
        definition.id = id
        definition.aliases = aliases
        let confDirectories = dropInDirectories(for: [id.text] + aliases, type: id.type, suffix: ".d")
        definition.dropInPaths = files(in: confDirectories, suffix: ".conf")
        for suffix in [".wants", ".requires"] {
            let directories = dropInDirectories(for: [id.text] + aliases, type: id.type, suffix: suffix)
            let links = files(in: directories, suffix: nil).compactMap { path -> String? in
                let name = UnitPath.lastComponent(path)
                guard UnitName(name) != nil, case .symbolicLink = fileSystem.entry(name, in: UnitPath.directory(of: path))?.kind
                else { return nil }
                if let target = fileSystem.resolve(path), isMask(target) { return nil }
                return name
            }
            if suffix == ".wants" { definition.wantsLinks = links } else { definition.requiresLinks = links }
        }
        if let fragment {
            guard let resolved = fileSystem.resolve(fragment),
                resolved.path == "/dev/null" || (resolved.node != .missing && resolved.node != .directory)
            else {
                // systemd gives up before it records the file: the unit is not found.
                definition.problems.append(UnitFileDiagnostic(file: fragment, line: 0, kind: .invalidValue, message: "Failed to open \(fragment)"))
                definition.dropInPaths = []
                return definition
            }
            definition.fragmentPath = fragment
            definition.fragmentRealPath = resolved.path
            if isMask(resolved) {
                definition.loadState = .masked
            } else if let bytes = fileSystem.contents(of: resolved.path) {
                let file = UnitFile(path: fragment, contents: bytes, knownSections: id.type.sections)
                definition.files.append(file)
                if let failure = file.failure {
                    // systemd stops here: no drop-in is read, and none is listed.
                    definition.loadState = .error(failure.description)
                    definition.dropInPaths = []
                    return definition
                }
                definition.loadState = .loaded
            } else {
                definition.loadState = .error("failed to open \(fragment)")
                return definition
            }
        }
        if fragment == nil && id.type.needsUnitFile {
            definition.dropInPaths = []
            return definition
        }
        if fragment == nil { definition.loadState = .loaded }
        for path in definition.dropInPaths {
            guard let resolved = fileSystem.resolve(path), resolved.node == .file || resolved.node == .other,
                !isMask(resolved), let bytes = fileSystem.contents(of: resolved.path)
            else { continue }
            definition.files.append(UnitFile(path: path, contents: bytes, knownSections: id.type.sections))
        }
        definition.checkSettings()
        return definition
    }

    /// `null_or_empty()`: `/dev/null`, any device node, an empty regular file.
    func isMask(_ resolved: (path: String, node: UnitFileSystem.Node)) -> Bool {
        if resolved.path == "/dev/null" || resolved.node == .other { return true }
        return resolved.node == .file && fileSystem.contents(of: resolved.path)?.isEmpty == true
    }

    // MARK: - The name map

    /// Every unit name found in the search path and what it resolves to: an absolute path (a unit
    /// file, or a link leading outside the path) or another unit name (an alias).
    func names() -> [String: String] {
        if let nameMap { return nameMap }
        var expanded: [String] = []
        for directory in searchPath.directories {
            expanded.append(directory)
            if let resolved = fileSystem.resolve(directory), resolved.node == .directory, !expanded.contains(resolved.path) {
                expanded.append(resolved.path)
            }
        }
        expandedPath = expanded
        var map: [String: String] = [:]
        for directory in searchPath.directories {
            guard let resolved = fileSystem.resolve(directory), resolved.node == .directory else { continue }
            for entry in fileSystem.entries(in: resolved.path) {
                guard UnitName(entry.name) != nil, map[entry.name] == nil else { continue }
                switch entry.kind {
                case .regularFile:
                    map[entry.name] = directory + "/" + entry.name
                case .symbolicLink(let target):
                    if let destination = resolveLink(directory: directory, name: entry.name, target: target, within: expanded) {
                        map[entry.name] = destination
                    }
                default:
                    continue
                }
            }
        }
        nameMap = map
        return map
    }

    /// `unit_file_resolve_symlink()` for loading: the target's name for an alias, the link's own
    /// path for a linked unit file, nil for an alias systemd rejects.
    private func resolveLink(directory: String, name: String, target: String, within searchDirectories: [String]) -> String? {
        let absolute = target.hasPrefix("/") ? target : directory + "/" + target
        guard let simplified = fileSystem.resolve(absolute, followLast: false)?.path else { return nil }
        let inside = searchDirectories.contains { UnitPath.isInside(simplified, $0) }
        guard inside else { return directory + "/" + name }
        let targetName = UnitPath.lastComponent(simplified)
        guard Self.isValidAlias(from: name, to: targetName) else { return nil }
        return targetName
    }

    /// `unit_validate_alias_symlink_or_warn()`.
    static func isValidAlias(from source: String, to destination: String) -> Bool {
        guard let from = UnitName(source), from.type.mayAlias else { return false }
        if from.form != .plain && !from.type.mayTemplate { return false }
        guard source != destination, let to = UnitName(destination) else { return false }
        guard to.form == from.form || (from.form == .instance && to.form == .template) else { return false }
        if to.form == .instance && from.instance != to.instance { return false }
        return to.type == from.type
    }

    /// `unit_ids_map_get()`: the unit file a name resolves to.
    func fragment(of name: String) -> String? {
        let map = names()
        var id: String?
        for _ in 0..<8 {
            var next = map[id ?? name]
            if next == nil {
                guard let id, let template = UnitName(id)?.template else { return nil }
                next = map[template.text]
                if next == nil { return nil }
            }
            guard let found = next else { return nil }
            if found.hasPrefix("/") { return found }
            id = found
        }
        return nil
    }

    /// Every name in the map by the name of the unit file it ends at (a template's by the
    /// instance's name for an instance), in name order; whether that file is there and not masked
    /// is left to ``aliases(of:)``, which asks only for the units evaluated.
    private lazy var namesByFragment: [String: [(name: String, fragment: String)]] = {
        var result: [String: [(name: String, fragment: String)]] = [:]
        for source in names().keys.sorted() {
            guard let path = fragment(of: source) else { continue }
            var destination = UnitPath.lastComponent(path)
            if let name = UnitName(destination), name.form == .template, let sourceName = UnitName(source),
                sourceName.form == .instance, let instance = sourceName.instance
            {
                guard let instantiated = name.replacingInstance(with: instance) else { continue }
                destination = instantiated.text
            }
            result[destination, default: []].append((source, path))
        }
        return result
    }()

    private var aliasesByFragment: [String: [String]] = [:]

    /// The names of the unit file named `fragmentName`: every name in the map that ends at it,
    /// where that file is there and not masked.
    func aliases(of fragmentName: String) -> [String] {
        if let known = aliasesByFragment[fragmentName] { return known }
        let found = (namesByFragment[fragmentName] ?? []).filter { entry in
            guard let resolved = fileSystem.resolve(entry.fragment), resolved.node != .missing else { return false }
            return !isMask(resolved)
        }.map(\.name)
        aliasesByFragment[fragmentName] = found
        return found
    }

    /// `unit_file_find_fragment()`: the unit file and every name of the unit.
    func findFragment(_ name: UnitName) -> (String?, Set<String>) {
        var names: Set<String> = []
        func addNames(_ key: String, fragmentName: String?) {
            if name.form != .template { names.insert(key) }
            for alias in aliases(of: key) {
                if name.form == .instance, let aliasName = UnitName(alias), aliasName.form == .template, let instance = name.instance {
                    guard let instantiated = aliasName.replacingInstance(with: instance) else { continue }
                    if let other = fragment(of: instantiated.text), let fragmentName, UnitPath.lastComponent(other) != fragmentName { continue }
                    names.insert(instantiated.text)
                } else {
                    names.insert(alias)
                }
            }
        }
        addNames(name.text, fragmentName: nil)
        var found = fragment(of: name.text)
        if found == nil, name.form == .instance, let template = name.template {
            found = fragment(of: template.text)
        }
        if let found {
            let base = UnitPath.lastComponent(found)
            if base != name.text { addNames(base, fragmentName: base) }
        }
        if name.form == .instance, let instance = name.instance {
            names = Set(names.map { UnitName($0).flatMap { $0.form == .template ? $0.replacingInstance(with: instance)?.text : nil } ?? $0 })
        }
        return (found, names)
    }

    // MARK: - Drop-ins

    /// `unit_file_find_dropin_paths()`: the existing drop-in directories, resolved, in order.
    func dropInDirectories(for names: [String], type: UnitType, suffix: String) -> [String] {
        var directories: [String] = []
        func add(_ name: String, _ directory: String) {
            if let resolved = fileSystem.resolve(name + suffix, in: directory), resolved.node == .directory, !directories.contains(resolved.path) {
                directories.append(resolved.path)
            }
        }
        for name in names {
            let candidates = Self.dropInNames(name)
            for directory in searchPath.directories {
                for candidate in candidates { add(candidate, directory) }
            }
        }
        for directory in searchPath.directories { add(type.rawValue, directory) }
        return directories
    }

    /// The names whose drop-in directories apply to `name`, in the order `unit_file_find_dirs()`
    /// visits them in each directory: the name, its template, then each shorter dash prefix
    /// (`foo-bar-baz.service`: `foo-bar-.service`, `foo-.service`), each with its own template.
    static func dropInNames(_ name: String) -> [String] {
        var names = [name]
        guard let unitName = UnitName(name) else { return names }
        if unitName.form == .instance, let template = unitName.template {
            names += dropInNames(template.text)
        }
        var prefix = Array(unitName.prefix.utf8)
        var chopped = false
        while true {
            guard let dash = prefix.lastIndex(of: UInt8(ascii: "-")), dash > 0 else { return names }
            if dash + 1 < prefix.count || chopped {
                prefix = Array(prefix[...dash])
                break
            }
            prefix.removeLast()
            chopped = true
        }
        let prefixText = String(decoding: prefix, as: UTF8.self)
        guard UnitName.isValidPrefix(prefixText),
            let built = UnitName.build(prefix: prefixText, instance: unitName.form == .instance ? unitName.instance : nil, type: unitName.type)
        else { return names }
        return names + dropInNames(built.text)
    }

    /// `conf_files_list_strv()` without type checks: the files with `suffix` in `directories`,
    /// the first of each name kept, sorted by name.
    func files(in directories: [String], suffix: String?) -> [String] {
        var byName: [String: String] = [:]
        for directory in directories {
            for entry in fileSystem.entries(in: directory) {
                guard !Self.isHiddenOrBackup(entry.name) else { continue }
                if let suffix, !entry.name.hasSuffix(suffix) { continue }
                if byName[entry.name] == nil { byName[entry.name] = directory + "/" + entry.name }
            }
        }
        return byName.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { byName[$0]! }
    }

    /// `hidden_or_backup_file()`.
    static func isHiddenOrBackup(_ name: String) -> Bool {
        if name.hasPrefix(".") || ["lost+found", "aquota.user", "aquota.group"].contains(name) || name.hasSuffix("~") { return true }
        guard let dot = name.lastIndex(of: ".") else { return false }
        let suffix = name[name.index(after: dot)...]
        return ["rpmnew", "rpmsave", "rpmorig", "dpkg-old", "dpkg-new", "dpkg-tmp", "dpkg-dist", "dpkg-bak", "dpkg-backup",
                "dpkg-remove", "ucf-new", "ucf-old", "ucf-dist", "swp", "bak", "old", "new"].contains(String(suffix))
    }
}
