/// Decides what `systemctl --root=DIR is-enabled UNIT` prints, offline, as systemd 252's
/// `unit_file_lookup_state()` does (src/shared/install.c):
///
/// 1. Find the unit: the first directory of the search path holding the name (then the template's
///    name for an instance). A link is followed: to `/dev/null` or an empty file it masks; inside
///    the search path it is an alias, followed by name; outside it, a linked unit file. A link
///    between incompatible names, or to a unit of the same name inside the path, is an error.
/// 2. `masked` (`masked-runtime` under /run). A unit reached under another name is an `alias`;
///    one in a generator directory `generated`; in /run/systemd/transient `transient`.
/// 3. `[Install]` of the unit file and its `NAME.d/*.conf` and template drop-ins gives Alias=,
///    WantedBy=, RequiredBy=, Also=, DefaultInstance=.
/// 4. Links in the `*.wants/` and `*.requires/` directories, and alias links, of every directory of
///    the path: in /etc/systemd/system `enabled`, in /run `enabled-runtime`, an instance linked
///    elsewhere `static`; a same-name link in /etc `linked` (/run: `linked-runtime`); links under
///    names that [Install] does not give `indirect`.
/// 5. Otherwise `disabled` if [Install] has Alias=, WantedBy= or RequiredBy=, `indirect` if it has
///    only Also=, else `static`.
///
/// Errors are what systemctl reports as "Failed to get unit file state": an invalid name, no unit
/// file, a bad alias link, a directory where a unit file should be, a drop-in that cannot be read,
/// a syntax error that stops the parser, an invalid name in Also=.
public final class UnitEnablement {
    public let searchPath: UnitSearchPath
    let fileSystem: UnitFileSystem

    /// Why the state cannot be told; systemctl exits with an error.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Whether this answers as `systemctl --root=DIR` (true) or as plain `systemctl` on the live
    /// system. They differ in one place: under --root, systemd 252 looks for the target of a unit
    /// link inside the root twice over (`null_or_empty_path_with_root()` prefixes the root to a
    /// path that has it already), so only a link to `/dev/null` itself masks, not a link to an
    /// empty file.
    public let underRoot: Bool

    public convenience init(listing: any UnitDirectoryListing, searchPath: UnitSearchPath = .debian12, underRoot: Bool = true) {
        self.init(fileSystem: UnitFileSystem(listing), searchPath: searchPath, underRoot: underRoot)
    }

    /// Over a file system another search already reads (``UnitDirectories``).
    init(fileSystem: UnitFileSystem, searchPath: UnitSearchPath, underRoot: Bool) {
        self.searchPath = searchPath
        self.underRoot = underRoot
        self.fileSystem = fileSystem
    }

    enum Mode { case unknown, regular, linked, alias, masked }

    /// What install.c knows of one unit name.
    final class Info {
        let name: String
        var path: String?
        var mode = Mode.unknown
        var target: String?
        var aliases: [String] = []
        var wantedBy: [String] = []
        var requiredBy: [String] = []
        var also: [String] = []
        var defaultInstance: String?

        init(name: String, path: String? = nil) {
            self.name = name
            self.path = path
        }
    }

    enum Problem: Error {
        case notFound
        case failed(String)
    }

    /// The state of `name`.
    public func state(of name: String) -> Result<UnitFileState, Failure> {
        guard let unitName = UnitName(name) else { return .failure(Failure(message: "invalid unit name '\(name)'")) }
        // Debian's systemctl first asks whether a native unit exists, for its SysV compatibility
        // (`enable_sysv_units()` → `unit_file_exists()`): without generator directories, without
        // reading files, and stopping at links in /etc/systemd/system and /run/systemd/system.
        // An error there other than "not found" or such a link fails is-enabled.
        if unitName.type == .service {
            infos = [:]
            directories = searchPath.directories.filter { !searchPath.isGenerator($0) }
            loading = false
            defer {
                directories = searchPath.directories
                loading = true
            }
            do {
                _ = try traverse(Info(name: unitName.text))
            } catch {
                if case .failed(let message) = error, message != Self.configLink {
                    return .failure(Failure(message: "\(name): \(message)"))
                }
            }
        }
        let info: Info
        infos = [:]
        do {
            info = try traverse(Info(name: unitName.text))
        } catch {
            switch error {
            case .notFound: return .failure(Failure(message: "\(name): no such unit file"))
            case .failed(let message): return .failure(Failure(message: "\(name): \(message)"))
            }
        }
        let path = info.path ?? ""
        if info.mode == .masked {
            return .success(searchPath.isRuntime(path) || searchPath.isRuntime(UnitPath.directory(of: path)) ? .maskedRuntime : .masked)
        }
        if name != UnitPath.lastComponent(path) && UnitName(info.name)?.form != .instance { return .success(.alias) }
        let parent = UnitPath.directory(of: path)
        if searchPath.isGenerator(parent) { return .success(.generated) }
        if parent == searchPath.transient { return .success(.transient) }
        if let state = symlinkState(info, matchName: true) { return .success(state) }
        if symlinkState(info, matchName: false) != nil { return .success(.indirect) }
        if !info.aliases.isEmpty || !info.wantedBy.isEmpty || !info.requiredBy.isEmpty { return .success(.disabled) }
        return .success(info.also.isEmpty ? .static : .indirect)
    }

    // MARK: - Finding the unit file

    private var infos: [String: Info] = [:]
    /// The search path of the pass under way (the SysV check leaves the generator directories out).
    private lazy var directories = searchPath.directories
    /// Whether unit files are read (`SEARCH_LOAD`); the SysV check only looks at them, and then
    /// does not follow links that sit in /etc/systemd/system or /run/systemd/system.
    private var loading = true
    static let configLink = "link in a configuration directory"


    private func info(named name: String) -> Info {
        if let existing = infos[name] { return existing }
        let info = Info(name: name)
        infos[name] = info
        return info
    }

    /// `install_info_traverse()`.
    func traverse(_ start: Info) throws(Problem) -> Info {
        infos[start.name] = start
        try search(start)
        var current = start
        var hops = 0
        while current.mode == .alias || current.mode == .linked {
            hops += 1
            if hops > 64 { throw .failed("too many levels of symbolic links") }
            if !loading, let path = current.path,
                [searchPath.persistentConfig, searchPath.runtimeConfig].contains(UnitPath.directory(of: path))
            {
                throw .failed(Self.configLink)
            }
            guard let target = current.target else { throw .failed("invalid link") }
            let targetName = UnitPath.lastComponent(target)
            if current.mode == .linked || targetName == current.name {
                try follow(current)
                continue
            }
            var next = targetName
            if let name = UnitName(current.name), name.form == .instance, let instance = name.instance,
                let targetUnit = UnitName(targetName), targetUnit.form == .template
            {
                guard let instantiated = targetUnit.replacingInstance(with: instance) else { throw .failed("invalid instance") }
                if instantiated.text == current.name {
                    try follow(current)
                    continue
                }
                next = instantiated.text
            }
            guard UnitName(next) != nil else { throw .failed("invalid unit name '\(next)'") }
            current = info(named: next)
            do {
                try search(current)
            } catch .notFound {
                throw .failed("link target \(next) not found")
            }
        }
        return current
    }

    /// `install_info_follow()`.
    private func follow(_ info: Info) throws(Problem) {
        info.path = info.target
        info.mode = .unknown
        try loadOrReadLink(info, path: info.target!, dropIn: false)
    }

    /// `unit_file_search()`.
    func search(_ info: Info) throws(Problem) {
        if info.mode != .unknown { return }
        if let path = info.path {
            try loadOrReadLink(info, path: path, dropIn: false)
            return
        }
        let name = UnitName(info.name)!
        var candidates = [info.name]
        if name.form == .instance, let template = name.template { candidates.append(template.text) }
        var found = false
        search: for candidate in candidates {
            for directory in directories {
                let path = directory + "/" + candidate
                do {
                    try loadOrReadLink(info, path: path, dropIn: false)
                    info.path = path
                    found = true
                    break search
                } catch .notFound {
                    continue
                }
            }
        }
        guard found else { throw .notFound }
        if info.mode == .masked || !loading { return }
        var dropInDirectories: [String] = []
        for candidate in candidates {
            for directory in directories {
                if let resolved = fileSystem.resolve(candidate + ".d", in: directory), resolved.node == .directory,
                    !dropInDirectories.contains(resolved.path)
                {
                    dropInDirectories.append(resolved.path)
                }
            }
        }
        let search = UnitSearch(fileSystem: fileSystem, searchPath: searchPath)
        for file in search.files(in: dropInDirectories, suffix: ".conf") {
            try loadOrReadLink(info, path: file, dropIn: true)
        }
    }

    /// `unit_file_load_or_readlink()`.
    private func loadOrReadLink(_ info: Info, path: String, dropIn: Bool) throws(Problem) {
        let name = UnitName(info.name)!
        if !dropIn && name.form != .plain && !name.type.mayTemplate {
            throw .failed("unit type \(name.type.rawValue) cannot be templated")
        }
        let directory = UnitPath.directory(of: path)
        if dropIn {
            guard let resolved = fileSystem.resolve(path), resolved.node != .missing else { throw .failed("cannot open \(path)") }
            if resolved.path == "/dev/null" || resolved.node == .other { return }
            guard resolved.node == .file, let bytes = fileSystem.contents(of: resolved.path) else { throw .failed("\(path) is not a regular file") }
            if bytes.isEmpty { return }
            try parse(info, path: path, bytes: bytes)
            return
        }
        guard let entry = fileSystem.resolve(directory).flatMap({ fileSystem.entry(UnitPath.lastComponent(path), in: $0.path) }) else {
            throw .notFound
        }
        switch entry.kind {
        case .symbolicLink(let target):
            try readLink(info, directory: directory, name: entry.name, target: target)
        case .directory:
            throw .failed("\(path) is a directory")
        case .other:
            info.mode = .masked
        case .regularFile:
            guard let resolvedDirectory = fileSystem.resolve(directory),
                let bytes = fileSystem.contents(of: resolvedDirectory.path + "/" + entry.name)
            else { throw .failed("cannot read \(path)") }
            if bytes.isEmpty {
                info.mode = .masked
                return
            }
            if loading { try parse(info, path: path, bytes: bytes) }
            info.mode = .regular
        }
    }

    /// `unit_file_resolve_symlink()` for installation, then the mask check.
    private func readLink(_ info: Info, directory: String, name: String, target: String) throws(Problem) {
        let absolute = target.hasPrefix("/") ? target : directory + "/" + target
        guard let simplified = fileSystem.resolve(absolute, followLast: false)?.path else { throw .failed("too many levels of symbolic links") }
        let inside = directories.contains { UnitPath.isInside(simplified, $0) }
        if inside {
            let targetName = UnitPath.lastComponent(simplified)
            if name == targetName { throw .failed("unit self-alias: \(name) → \(targetName)") }
            guard UnitSearch.isValidAlias(from: name, to: targetName) else {
                throw .failed("\(directory)/\(name): invalid alias to \(simplified)")
            }
        }
        info.target = simplified
        let masked: Bool
        if simplified == "/dev/null" {
            masked = true
        } else if underRoot {
            masked = false
        } else if let resolved = fileSystem.resolve(simplified), resolved.node != .missing {
            masked = resolved.path == "/dev/null" || resolved.node == .other
                || (resolved.node == .file && fileSystem.contents(of: resolved.path)?.isEmpty == true)
        } else {
            masked = false
        }
        info.mode = masked ? .masked : inside ? .alias : .linked
    }

    /// `unit_file_load()`'s parse of `[Install]`.
    private func parse(_ info: Info, path: String, bytes: [UInt8]) throws(Problem) {
        let sections = ["Install"] + UnitType.allCases.map { $0.sections[1] } + ["Unit"]
        let file = UnitFile(path: path, contents: bytes, knownSections: sections)
        if let failure = file.failure { throw .failed(failure.description) }
        let unit = UnitName(info.name)!
        for assignment in file.assignments where assignment.section == "Install" {
            let value = assignment.value
            switch assignment.key {
            case "Alias" where unit.type.mayAlias, "WantedBy", "RequiredBy":
                var words: [String] = []
                if value.isEmpty {
                    words = []
                } else {
                    var splitter = UnitWords(value, options: [.unquote, .retainEscape])
                    while let word = try? splitter.next() { words.append(word) }
                }
                switch assignment.key {
                case "Alias": info.aliases = value.isEmpty ? [] : info.aliases + words
                case "WantedBy": info.wantedBy = value.isEmpty ? [] : info.wantedBy + words
                default: info.requiredBy = value.isEmpty ? [] : info.requiredBy + words
                }
            case "Also":
                var splitter = UnitWords(value, options: [])
                while true {
                    let word: String?
                    do { word = try splitter.next() } catch { throw .failed("\(assignment.file):\(assignment.line): invalid Also=") }
                    guard let word else { break }
                    let printed = UnitSpecifiers(unit: unit).resolve(word, table: .name)
                    guard printed.failure == nil, printed.unresolved.isEmpty, UnitName(printed.text) != nil else {
                        throw .failed("\(assignment.file):\(assignment.line): invalid unit name in Also=\(word)")
                    }
                    info.also.append(printed.text)
                }
            case "DefaultInstance":
                if unit.form == .instance { continue }
                guard unit.form == .template else { continue }
                let printed = UnitSpecifiers(unit: unit).resolve(value, table: .name)
                guard printed.failure == nil else { throw .failed("\(assignment.file):\(assignment.line): invalid DefaultInstance=") }
                if printed.text.isEmpty {
                    info.defaultInstance = nil
                } else {
                    guard UnitName.isValidInstance(printed.text) else {
                        throw .failed("\(assignment.file):\(assignment.line): invalid DefaultInstance= value '\(printed.text)'")
                    }
                    info.defaultInstance = printed.text
                }
            default:
                continue
            }
        }
    }

    // MARK: - Links that enable

    /// `find_symlinks_in_scope()`.
    func symlinkState(_ info: Info, matchName: Bool) -> UnitFileState? {
        var sameNameConfig = false, sameNameRuntime = false, enabledInRuntime = false, enabledAtAll = false
        var ignoreSameName = false
        for directory in searchPath.directories {
            var sameName = false
            if findLinks(info, matchName: matchName, ignoreSameName: ignoreSameName, configPath: directory, sameName: &sameName) {
                if directory == searchPath.persistentConfig { return .enabled }
                if searchPath.isRuntime(directory) { enabledInRuntime = true } else { enabledAtAll = true }
            } else if sameName {
                if directory == searchPath.persistentConfig {
                    sameNameConfig = true
                } else if searchPath.isRuntime(directory) {
                    sameNameRuntime = true
                }
            }
            if !ignoreSameName, let path = info.path, UnitPath.isInside(path, directory) { ignoreSameName = true }
        }
        if enabledInRuntime { return .enabledRuntime }
        if enabledAtAll, UnitName(info.name)?.form == .instance { return .static }
        if sameNameConfig { return .linked }
        if sameNameRuntime { return .linkedRuntime }
        return nil
    }

    /// `find_symlinks()`: the `.wants`/`.requires` directories of `configPath`, then its own links.
    private func findLinks(_ info: Info, matchName: Bool, ignoreSameName: Bool, configPath: String, sameName: inout Bool) -> Bool {
        guard let resolved = fileSystem.resolve(configPath), resolved.node == .directory else { return false }
        let entries = fileSystem.entries(in: resolved.path).filter { !UnitSearch.isHiddenOrBackup($0.name) }
        for entry in entries where entry.kind == .directory {
            guard let dot = entry.name.lastIndex(of: "."), [".wants", ".requires"].contains(String(entry.name[dot...])) else { continue }
            let directory = configPath + "/" + entry.name
            let inner = fileSystem.entries(in: resolved.path + "/" + entry.name).filter { !UnitSearch.isHiddenOrBackup($0.name) }
            if linksMatch(inner, in: directory, info, ignoreDestination: true, matchName: matchName, ignoreSameName: ignoreSameName,
                configPath: configPath, sameName: &sameName)
            {
                return true
            }
        }
        return linksMatch(entries, in: configPath, info, ignoreDestination: false, matchName: matchName, ignoreSameName: ignoreSameName,
            configPath: configPath, sameName: &sameName)
    }

    /// `find_symlinks_in_directory()`.
    private func linksMatch(
        _ entries: [UnitFileEntry], in directory: String, _ info: Info, ignoreDestination: Bool, matchName: Bool, ignoreSameName: Bool,
        configPath: String, sameName: inout Bool
    ) -> Bool {
        for entry in entries {
            guard case .symbolicLink(let target) = entry.kind else { continue }
            var foundPath = false, foundDestination = false
            if !ignoreDestination {
                let absolute = target.hasPrefix("/") ? target : directory + "/" + target
                foundDestination = Self.baseName(absolute) == info.name
            }
            if ignoreDestination || !ignoreSameName { foundPath = entry.name == info.name }
            if !foundPath && ignoreDestination, let template = UnitName(entry.name)?.template {
                foundDestination = template.text == info.name
            }
            var same = false
            if foundPath && foundDestination {
                same = UnitPath.simplify(directory + "/" + entry.name) == UnitPath.simplify(configPath + "/" + info.name)
            }
            if same {
                sameName = true
            } else if foundPath || foundDestination {
                if !matchName || isKnownName(info, entry.name) { return true }
            }
        }
        return false
    }

    /// `basename()` as glibc has it: the text after the last `/` (empty for a trailing slash).
    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `is_symlink_with_known_name()`.
    private func isKnownName(_ info: Info, _ name: String) -> Bool {
        if name == info.name || info.aliases.contains(name) { return true }
        if let instance = info.defaultInstance, let unit = UnitName(info.name), unit.form == .template,
            unit.replacingInstance(with: instance)?.text == name
        {
            return true
        }
        return false
    }
}
