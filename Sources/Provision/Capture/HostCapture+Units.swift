import Contract
import Host

extension HostCapture {
    /// One `[[unit]]` per name, as `check` finds the unit under the root (``UnitSearch``,
    /// ``UnitEnablement``): a masked unit `exists = false`; otherwise `enabled` where
    /// `systemctl is-enabled` says enabled or disabled, and the settings of
    /// ``CapturedContract/Unit/capturedSettings`` its merged files set, each in the first of the
    /// type's sections that sets it (where `check` looks for a key without a section). A unit
    /// that is not there is bad usage.
    static func units(_ names: [String], host: LiveHost, underRoot: Bool, notes: inout [String]) throws(UsageError) -> [CapturedContract.Unit] {
        let search = UnitSearch(listing: host)
        let enablement = UnitEnablement(listing: host, underRoot: underRoot)
        var units: [CapturedContract.Unit] = []
        for name in names where !units.contains(where: { $0.name == name }) {
            guard let id = UnitName(name) else {
                throw UsageError(description: "\(TOMLString.quoted(name)) is not a unit name (NAME.TYPE, e.g. 'app.service')")
            }
            let unit = search.unit(name)
            if unit.isMasked {
                units.append(CapturedContract.Unit(name: name, exists: false, comments: ["masked: systemd will not start it"]))
                continue
            }
            guard unit.exists else {
                throw UsageError(description: "the unit \(TOMLString.quoted(name)) is not in systemd's unit search path under \(host.root.path)")
            }
            var captured = CapturedContract.Unit(name: name)
            if unit.loadState != .loaded {
                notes.append("unit \(name): systemd would not load it (\(unit.loadState.name)); check reports that")
            }
            if let fragment = unit.fragmentPath {
                captured.comments.append("from \(fragment)" + (unit.dropInPaths.isEmpty ? "" : " and \(unit.dropInPaths.count) drop-ins"))
            }
            switch enablement.state(of: name) {
            case .success(let state) where state == .enabled || state == .disabled || state == .enabledRuntime:
                captured.enabled = state.countsAsEnabled
            case .success(let state):
                captured.comments.append("systemctl is-enabled: \(state.rawValue), so no enabled rule")
            case .failure(let failure):
                notes.append("unit \(name): whether it is enabled cannot be decided (\(failure)); no enabled rule")
            }
            let sections = id.type.sections
            for key in CapturedContract.Unit.capturedSettings {
                guard let section = sections.first(where: { !unit.assignments($0, key).isEmpty }) else { continue }
                let values = unit.effective(section, key)
                if values.isEmpty || values.contains(where: { !$0.unresolvedSpecifiers.isEmpty || $0.text.isEmpty }) {
                    notes.append("unit \(name): [\(section)] \(key) is reset or holds a specifier; not captured")
                    continue
                }
                captured.properties.append((key, values.map(\.text)))
            }
            units.append(captured)
        }
        return units
    }

    /// A note for each path a captured `.path` unit watches that lies in none of `directories`:
    /// `check` wants it inside a declared `[[directory]]` (so that something provisions it).
    static func unwatchedNotes(_ units: [CapturedContract.Unit], directories: [String]) -> [String] {
        var notes: [String] = []
        for unit in units where unit.name.hasSuffix(".path") {
            for (key, values) in unit.properties where ["PathExists", "PathExistsGlob", "PathChanged", "PathModified", "DirectoryNotEmpty"].contains(key) {
                for path in values {
                    // The directory part of a glob: up to the last '/' before its first wildcard.
                    let wildcard = path.firstIndex { "*?[".contains($0) }
                    let fixed = wildcard.map { String(path[..<$0]) } ?? path
                    let directory = normalised(wildcard == nil ? fixed : String(fixed[..<(fixed.lastIndex(of: "/") ?? fixed.startIndex)]))
                    let covered = directories.contains { $0 == "/" || directory == $0 || directory.hasPrefix($0 + "/") }
                    if !covered {
                        notes.append("unit \(unit.name) watches \(path): give \(directory) (or a directory above it) as a PATH too, or check reports that no [[directory]] holds it")
                    }
                }
            }
        }
        return notes
    }
}
