import TOMLKit

/// `[[unit]]`: a systemd unit as systemd finds it (search path, drop-ins, masking) under the
/// root, whether it is enabled, the values of its merged settings, and how it agrees with the
/// rest of the contract: the environment file it loads, its user, the paths it may write, the
/// paths a `.path` unit watches, and the exit status a gated unit must not restart on.
public struct UnitEntry: Sendable, Hashable {
    public var context: EntryContext
    public var name: String
    public var exists: Bool
    public var enabled: Bool?
    /// Whether the running manager has it active (`systemctl is-active`).
    public var active: Bool?
    /// Whether it may be in the failed state (`failed = false`: it must not be).
    public var failed: Bool?
    public var properties: [Property]

    /// One setting of the merged unit and what its value must be.
    public struct Property: Sendable, Hashable {
        public enum Expectation: Sendable, Hashable {
            /// The merged value, items joined by one space, is exactly this.
            case equals(Template)
            /// Each of these is an item of the merged value (a list setting).
            case includes([Template])
        }

        /// As written: `User` or `Service.User`.
        public var written: String
        /// The section; nil: the first of the unit type's sections that sets the key, else the
        /// type's own section.
        public var section: String?
        public var key: String
        public var expectation: Expectation
    }
}

extension UnitEntry {
    static let keys = ["name", "exists", "enabled", "active", "failed", "properties"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> UnitEntry? {
        let context = r.context(kind: .unit, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        let unitName = name.flatMap(UnitName.init)
        if let name, unitName == nil {
            r.error("name", "'\(name)' is not a unit name (NAME.TYPE, e.g. 'app.service')")
        }
        let exists = r.bool("exists") ?? true
        let enabled = r.bool("enabled")
        if !exists, enabled == true { r.error("enabled", "a unit that must not exist cannot be enabled") }
        let active = r.bool("active"), failed = r.bool("failed")
        if !exists, active == true { r.error("active", "a unit that must not exist cannot be active") }
        if active == true, failed == true { r.error("failed", "a unit cannot be active and failed at once") }
        let properties = readProperties(r, type: unitName?.type)
        if !exists, !properties.isEmpty { r.error("properties", "a unit that must not exist has no properties to check") }
        r.finish(allowed: keys + ContractLoader.entryKeys)
        guard let name, unitName != nil else { return nil }
        return UnitEntry(context: context, name: name, exists: exists, enabled: enabled, active: active, failed: failed, properties: properties)
    }

    /// `properties = { User = "app", "Service.ReadWritePaths" = ["/a", "/b"] }`.
    static func readProperties(_ r: TableReader, type: UnitType?) -> [Property] {
        guard let raw = r.raw("properties") else { return [] }
        guard let table = raw.table else {
            r.error("properties", "expected a table of settings, e.g. properties = { User = \"app\" }")
            return []
        }
        var properties: [Property] = []
        for (written, value) in table {
            let parts = written.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, let key = parts.last, isSettingName(key), parts.count == 1 || isSettingName(parts[0]) else {
                r.error("properties", "'\(written)' is not a setting: write KEY or SECTION.KEY, e.g. 'User' or 'Service.User'")
                continue
            }
            let section = parts.count == 2 ? parts[0] : nil
            if let section, let type, !type.sections.contains(section) {
                r.error("properties", "a .\(type.rawValue) unit has no [\(section)] section (it has \(type.sections.map { "[\($0)]" }.joined(separator: ", ")))")
                continue
            }
            let expectation: Property.Expectation
            if let text = value.string {
                guard let template = r.template("properties", text: text) else { continue }
                expectation = .equals(template)
            } else if let number = value.int {
                expectation = .equals(Template(literal: String(number)))
            } else if let flag = value.bool {
                expectation = .equals(Template(literal: flag ? "yes" : "no"))
            } else if let array = value.array {
                var items: [Template] = []
                for element in array {
                    let text = element.string ?? element.int.map(String.init)
                    guard let text else {
                        r.error("properties", "'\(written)': every item of the list must be a string")
                        continue
                    }
                    if let template = r.template("properties", text: text) { items.append(template) }
                }
                if array.isEmpty { r.error("properties", "'\(written)': list at least one item (to require an empty setting, write \"\")") }
                expectation = .includes(items)
            } else {
                r.error("properties", "'\(written)': expected a string, a number, a boolean or a list of strings")
                continue
            }
            properties.append(Property(written: written, section: section, key: key, expectation: expectation))
        }
        return properties.sorted { $0.written < $1.written }
    }

    static func isSettingName(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

extension Evaluation {
    func evaluate(_ entry: UnitEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        let unit = unitDirectories.unit(entry.name)
        let found = unit.exists && !unit.isMasked
        let place = unit.fragmentPath.map { " (\(host.operatorPath($0))" + (unit.dropInPaths.isEmpty ? "" : " and \(unit.dropInPaths.count) drop-ins") + ")" } ?? ""

        if !entry.exists {
            recorder.verify(
                "exists", key: "exists", !found,
                pass: unit.isMasked ? "\(entry.name) is masked" : "\(entry.name) does not exist",
                fail: "\(entry.name) exists\(place), and the contract says it must not",
                expected: "absent or masked", actual: "loaded",
                fix: systemctl("mask", entry.name))
            return recorder.results
        }
        guard found else {
            if unit.isMasked {
                recorder.fail("exists", key: "name", "\(entry.name) is masked\(place): systemd will not start it",
                              expected: "present", actual: "masked", fix: systemctl("unmask", entry.name))
            } else {
                recorder.fail("exists", key: "name", "\(entry.name) is not in systemd's unit search path under \(host.operatorPath("/"))",
                              expected: "present", actual: "not found",
                              fix: ShellWords.decision("install the unit file \(entry.name) in \(host.operatorPath("/etc/systemd/system"))"))
            }
            let dependent = ["load"] + (entry.enabled == nil ? [] : ["enabled"]) + (entry.active == nil ? [] : ["active"])
                + (entry.failed == nil ? [] : ["failed"]) + entry.properties.map(\.written)
            for check in dependent { recorder.skip(check, key: check == "load" ? "name" : check, "\(entry.name) is not there") }
            return recorder.results
        }
        recorder.pass("exists", key: "name", "\(entry.name) found\(place)", expected: "present", actual: "loaded")

        let problems = unit.problems + unit.diagnostics.filter { !unit.problems.contains($0) }
        // Where, not what: a message may quote a value (an Environment= assignment), which may be secret.
        let shown = problems.prefix(5).map { "\(host.operatorPath($0.file)):\($0.line) (\($0.kind.rawValue))" }.joined(separator: ", ")
        switch unit.loadState {
        case .loaded:
            recorder.pass("load", key: "name", "systemd loads \(entry.name)" + (problems.isEmpty ? "" : "; it ignores: \(shown)"),
                          expected: "loaded", actual: "loaded")
        case .badSetting, .error:
            let reason = problems.first { $0.isFatal }.map { "\(host.operatorPath($0.file)):\($0.line) (\($0.kind.rawValue))" }
                ?? unit.serviceRefusal() ?? "see systemd-analyze verify"
            recorder.fail("load", key: "name", "systemd would not load \(entry.name) (\(unit.loadState.name)): \(reason)",
                          expected: "loaded", actual: unit.loadState.name,
                          fix: ShellWords.decision("correct \(problems.first.map { "\(host.operatorPath($0.file)) at line \($0.line)" } ?? "the unit file")"))
        case .masked, .notFound:
            break
        }

        if let wanted = entry.enabled {
            switch unitDirectories.enablement.state(of: entry.name) {
            case .success(let state):
                recorder.verify(
                    "enabled", key: "enabled", state.countsAsEnabled == wanted,
                    pass: "\(entry.name) is \(state.rawValue)", fail: "\(entry.name) is \(state.rawValue)",
                    expected: wanted ? "enabled" : "disabled", actual: state.rawValue,
                    fix: state == .bad ? ShellWords.decision("correct the [Install] section of \(entry.name)")
                        : systemctl(wanted ? "enable" : "disable", entry.name))
            case .failure(let failure):
                recorder.fail("enabled", key: "enabled", "whether \(entry.name) is enabled cannot be decided: \(failure)",
                              expected: wanted ? "enabled" : "disabled", actual: "unknown")
            }
        }

        checkLiveState(&recorder, entry)
        for property in entry.properties { check(&recorder, property, of: unit, name: entry.name) }
        crossCheck(&recorder, unit, name: entry.name)
        return recorder.results
    }

    /// `active` and `failed`: the unit's state in the running manager, asked over D-Bus.
    func checkLiveState(_ recorder: inout Recorder, _ entry: UnitEntry) {
        guard entry.active != nil || entry.failed != nil else { return }
        let checks = (entry.active == nil ? [] : ["active"]) + (entry.failed == nil ? [] : ["failed"])
        let state: UnitLiveState
        switch host.liveState(of: entry.name) {
        case .success(let found): state = found
        case .failure(let reason) where reason.isInaccessible:
            for check in checks { recorder.cannotEvaluate(check, key: check, reason.description) }
            return
        case .failure(let reason):
            for check in checks { recorder.skip(check, key: check, reason.description) }
            return
        }
        let shown = "\(state.active) (\(state.sub))"
        if let wanted = entry.active {
            let isActive = ["active", "reloading", "refreshing"].contains(state.active)
            recorder.verify(
                "active", key: "active", isActive == wanted,
                pass: "\(entry.name) is \(shown)", fail: "\(entry.name) is \(shown)",
                expected: wanted ? "active" : "inactive", actual: state.active,
                fix: state.active == "failed" ? ShellWords.decision("find why \(entry.name) failed (its journal), correct it, then start it")
                    : systemctl(wanted ? "start" : "stop", entry.name))
        }
        if let wanted = entry.failed {
            recorder.verify(
                "failed", key: "failed", (state.active == "failed") == wanted,
                pass: "\(entry.name) is \(shown)", fail: "\(entry.name) is \(shown)",
                expected: wanted ? "failed" : "not failed", actual: state.active,
                fix: ShellWords.decision("find why \(entry.name) failed (its journal), correct it, then restart it"))
        }
    }

    /// `systemctl VERB NAME`, acting on the image under --root (systemctl edits the links offline there).
    func systemctl(_ verb: String, _ name: String) -> String {
        var words = ["systemctl"]
        if let root = host.rootDirectory { words.append("--root=" + root) }
        return (words + [verb, name]).map(ShellWords.quote).joined(separator: " ")
    }

    /// The section a property names, or the first of the unit type's sections that sets its key.
    func section(of property: UnitEntry.Property, in unit: UnitDefinition) -> String {
        if let section = property.section { return section }
        let sections = unit.id?.type.sections ?? ["Unit"]
        return sections.first { !unit.assignments($0, property.key).isEmpty } ?? sections[1]
    }

    func check(_ recorder: inout Recorder, _ property: UnitEntry.Property, of unit: UnitDefinition, name: String) {
        let section = section(of: property, in: unit)
        let setting = UnitSetting.named(property.key, in: section)
        let values = unit.effective(section, property.key)
        let texts = values.map(\.text)
        // An Environment= value appears only for a variable the contract declares and may show.
        let assigns = if case .environment = setting.items { true } else { false }
        func shown(_ text: String) -> String {
            guard assigns, let equals = text.firstIndex(of: "=") else { return text }
            let name = String(text[..<equals])
            return environment.isPrintable(name) ? text : name + "=(not shown)"
        }
        let actual = texts.isEmpty ? "(not set)" : texts.map(shown).joined(separator: " ")
        func normal(_ text: String) -> String {
            guard setting.isPathList else { return text }
            var prefix = "", rest = Substring(text)
            if rest.hasPrefix("-") { prefix += "-"; rest = rest.dropFirst() }
            if setting.key != "EnvironmentFile", rest.hasPrefix("+") { prefix += "+"; rest = rest.dropFirst() }
            return rest.hasPrefix("/") ? prefix + UnitPath.simplify(String(rest)) : text
        }
        let templates: [Template] = switch property.expectation {
        case .equals(let template): [template]
        case .includes(let templates): templates
        }
        var wanted: [String] = []
        for template in templates {
            switch environment.resolve(template) {
            case .success(let text): wanted.append(text)
            case .failure(let missing):
                recorder.skip(property.written, key: "properties", "\(property.written) depends on ${\(missing.variable)}, \(missing.reason)")
                return
            }
        }
        let origin = values.last.map { " (\(host.operatorPath($0.assignment.file)):\($0.assignment.line))" } ?? ""
        switch property.expectation {
        case .equals:
            let expected = normal(wanted[0])
            // A path listed twice is read twice, to the same effect: compare the distinct items.
            var items = texts.map(normal)
            if setting.isPathList { items = items.enumerated().filter { !items[..<$0.offset].contains($0.element) }.map(\.element) }
            let holds = expected.isEmpty ? texts.isEmpty : items.joined(separator: " ") == expected
            let expectedShown = shown(expected)
            recorder.verify(
                property.written, key: "properties", holds,
                pass: "[\(section)] \(property.key)=\(actual)\(origin)",
                fail: "[\(section)] \(property.key)=\(actual)\(origin), the contract requires \(expected.isEmpty ? "it unset" : expectedShown)",
                expected: expectedShown, actual: actual,
                fix: expectedShown != expected ? ShellWords.decision("set \(property.key)= in [\(section)] of a drop-in of \(name)")
                    : dropIn(name, section: section, lines: (setting.merge == .lastWins ? [] : ["\(property.key)="]) + ["\(property.key)=\(expected)"]))
        case .includes:
            let have = Set(texts.map(normal))
            let missing = wanted.map(normal).filter { !have.contains($0) }
            let withheld = wanted.contains { shown($0) != $0 }
            recorder.verify(
                property.written, key: "properties", missing.isEmpty,
                pass: "[\(section)] \(property.key) has \(wanted.map(normal).map(shown).joined(separator: ", "))",
                fail: "[\(section)] \(property.key)=\(actual)\(origin) lacks \(missing.map(shown).joined(separator: ", "))",
                expected: wanted.map(normal).map(shown).joined(separator: " "), actual: actual,
                fix: withheld ? ShellWords.decision("add the missing \(property.key)= items to [\(section)] of a drop-in of \(name)")
                    : dropIn(name, section: section, lines: missing.map { "\(property.key)=\($0)" }))
        }
    }

    /// A fix that adds a drop-in to the unit, applied after every other (`zz-hostcontract.conf`
    /// in /etc, the directory systemd reads drop-ins from first and an operator owns); appending,
    /// so nothing there is lost. A value systemd would read differently from how it is written
    /// (quotes, backslashes, specifiers, leading or trailing space) is described instead.
    func dropIn(_ name: String, section: String, lines: [String]) -> String {
        let directory = host.operatorPath("/etc/systemd/system/\(name).d")
        let safe = lines.allSatisfy { line in
            !line.contains { "\"'\\%\n\r$`".contains($0) } && line.first != " " && line.last != " "
        }
        guard safe else {
            return ShellWords.decision("add [\(section)] with \(lines.joined(separator: "; ")) to a drop-in in \(directory)")
        }
        var commands = [
            ShellWords.command("mkdir", "-p", directory),
            "printf '%s\\n' " + (["[\(section)]"] + lines).map(ShellWords.quote).joined(separator: " ")
                + " >> " + ShellWords.quote(directory + "/zz-hostcontract.conf"),
        ]
        if host.rootDirectory == nil { commands.append("systemctl daemon-reload") }
        return ShellWords.sequence(commands)
    }
}
