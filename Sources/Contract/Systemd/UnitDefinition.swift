/// A unit as the manager would load it: its names, its unit file and drop-ins in the order
/// systemd applies them, and the merged value of any setting. Made by ``UnitSearch/unit(_:)``.
public struct UnitDefinition: Sendable {
    /// The name asked for.
    public let requested: String
    /// The name systemd gives the unit: its unit file's name (with the instance put in for a
    /// template); nil when the requested name is not a unit name.
    public internal(set) var id: UnitName?
    /// The unit's other names (alias links), sorted.
    public internal(set) var aliases: [String] = []
    public internal(set) var loadState: UnitLoadState
    /// The unit file as systemd names it (the link's path for a linked unit file or a mask).
    public internal(set) var fragmentPath: String?
    /// The unit file's path with links resolved.
    public internal(set) var fragmentRealPath: String?
    /// The drop-ins in the order they apply, as systemd lists them ("DropIn Path"), masks and
    /// unreadable ones included.
    public internal(set) var dropInPaths: [String] = []
    /// The files that were read: the unit file, then each readable drop-in.
    public internal(set) var files: [UnitFile] = []
    /// Units named by links in `NAME.wants/` and `NAME.requires/` directories (these add to
    /// Wants= and Requires=).
    public internal(set) var wantsLinks: [String] = []
    public internal(set) var requiresLinks: [String] = []
    /// Values the setting parsers would ignore or reject, with where they stand.
    public internal(set) var problems: [UnitFileDiagnostic] = []
    /// Values for the specifiers that depend on the running system (see ``UnitSpecifiers``).
    public var systemValues: [Character: String] = [:]

    init(requested: String, loadState: UnitLoadState) {
        self.requested = requested
        self.loadState = loadState
    }

    /// Whether a unit file was found (masked units included).
    public var exists: Bool { fragmentPath != nil }
    public var isMasked: Bool { loadState == .masked }

    /// Every assignment of `key` in `section`, unit file first, then each drop-in, in file order.
    public func assignments(_ section: String, _ key: String) -> [UnitAssignment] {
        isMasked ? [] : files.flatMap { $0.assignments(section: section, key: key) }
    }

    /// The syntax diagnostics of every file read.
    public var diagnostics: [UnitFileDiagnostic] { files.flatMap(\.diagnostics) }

    /// The specifier resolver for this unit. systemd resolves specifiers while it parses, against
    /// the name the unit is being loaded under, which is the first name anything referred to it
    /// by (an alias too: `%n` in `foo.service` loaded through `bar.service` is `bar.service`).
    /// This resolves against the requested name.
    public var specifiers: UnitSpecifiers? {
        UnitName(requested).map { UnitSpecifiers(unit: $0, fragmentRealPath: fragmentRealPath, systemValues: systemValues) }
    }

    /// The merged value of `key` in `section`: for a last-wins setting at most one item, for a
    /// list every item after the last reset, for Exec*= one item per command.
    public func effective(_ section: String, _ key: String) -> [UnitValue] {
        evaluate(UnitSetting.named(key, in: section)).values
    }

    /// The commands of an `Exec*=` setting.
    public func commands(_ section: String, _ key: String) -> [UnitCommand] {
        effective(section, key).compactMap(\.command)
    }

    struct Evaluation {
        var values: [UnitValue] = []
        var problems: [UnitFileDiagnostic] = []
        var fatal: UnitFileDiagnostic?
    }

    func evaluate(_ setting: UnitSetting) -> Evaluation {
        var result = Evaluation()
        guard !isMasked, let specifiers else { return result }
        let keys: (String) -> Bool = { key in
            key == setting.key || (setting.resetGroup.map { key.hasPrefix($0) } ?? false)
        }
        let relevant = files.flatMap(\.assignments).filter { $0.section == setting.section && keys($0.key) }
        for assignment in relevant {
            if assignment.key != setting.key {
                if assignment.value.isEmpty { result.values.removeAll() }
                continue
            }
            if assignment.value.isEmpty {
                if setting.merge != .listWithoutReset { result.values.removeAll() }
                continue
            }
            func problem(_ message: String, fatal: Bool = false) {
                let diagnostic = UnitFileDiagnostic(
                    file: assignment.file, line: assignment.line, kind: fatal ? .badSetting : .invalidValue,
                    message: message)
                result.problems.append(diagnostic)
                if fatal && result.fatal == nil { result.fatal = diagnostic }
            }
            func resolved(_ text: String) -> UnitSpecifiers.Resolution? {
                guard let table = setting.specifiers else { return UnitSpecifiers.Resolution(text: text, unresolved: [], failure: nil) }
                let resolution = specifiers.resolve(text, table: table)
                if let failure = resolution.failure {
                    problem("Failed to resolve unit specifiers in '\(text)': \(failure)", fatal: ["User", "Group"].contains(setting.key))
                    return nil
                }
                return resolution
            }
            func item(_ resolution: UnitSpecifiers.Resolution) -> UnitValue? {
                var text = resolution.text
                if setting.isPathList {
                    var prefix = ""
                    var rest = Substring(text)
                    if rest.hasPrefix("-") { prefix += "-"; rest = rest.dropFirst() }
                    if setting.key != "EnvironmentFile", rest.hasPrefix("+") { prefix += "+"; rest = rest.dropFirst() }
                    guard rest.hasPrefix("/") else {
                        problem("\(setting.key)= path is not absolute, ignoring: \(resolution.text)")
                        return nil
                    }
                    text = prefix + UnitPath.simplify(String(rest))
                }
                return UnitValue(text: text, unresolvedSpecifiers: resolution.unresolved, assignment: assignment)
            }
            var added: [UnitValue] = []
            switch setting.items {
            case .whole:
                if let resolution = resolved(assignment.value), let value = item(resolution) {
                    added = [value]
                }
            case .words(let options):
                do {
                    let split = try UnitWords.splitKeepingInvalidEscapes(assignment.value, options: options)
                    if split.escapesKept { problem("Ignoring unknown escape sequences: \"\(assignment.value)\"") }
                    for word in split.words {
                        if let resolution = resolved(word), let value = item(resolution) { added.append(value) }
                    }
                } catch {
                    problem("Invalid syntax, ignoring: \(assignment.value)")
                }
            case .environment:
                var words: [String] = []
                do {
                    words = try UnitWords.split(assignment.value, options: [.unquote, .unescape])
                } catch {
                    problem("Invalid syntax, ignoring: \(assignment.value)")
                }
                for word in words {
                    guard let resolution = resolved(word) else { continue }
                    guard Self.isEnvironmentAssignment(resolution.text) else {
                        problem("Invalid environment assignment, ignoring: \(resolution.text)")
                        continue
                    }
                    let name = resolution.text.prefix { $0 != "=" }
                    let value = UnitValue(text: resolution.text, unresolvedSpecifiers: resolution.unresolved, assignment: assignment)
                    if let index = result.values.firstIndex(where: { $0.text.prefix { $0 != "=" } == name }) {
                        result.values[index] = value
                    } else if let index = added.firstIndex(where: { $0.text.prefix { $0 != "=" } == name }) {
                        added[index] = value
                    } else {
                        added.append(value)
                    }
                }
            case .commands:
                let parsed = UnitCommand.parse(assignment.value, specifiers: specifiers)
                added = parsed.commands.map {
                    UnitValue(text: $0.arguments.joined(separator: " "), unresolvedSpecifiers: $0.unresolvedSpecifiers, command: $0, assignment: assignment)
                }
                if let failure = parsed.failure { problem(failure.message, fatal: !failure.ignored) }
            }
            if setting.merge == .lastWins {
                if let last = added.last { result.values = [last] }
            } else {
                result.values += added
            }
        }
        return result
    }

    /// `env_assignment_is_valid()`: a name of letters, digits and `_` not starting with a digit,
    /// then `=`.
    static func isEnvironmentAssignment(_ text: String) -> Bool {
        guard let equals = text.firstIndex(of: "=") else { return false }
        let name = text[..<equals]
        guard let first = name.first, !first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// Applies the settings whose invalid values stop the unit (Exec*= without `-`, User=,
    /// Group=) to ``loadState`` and collects ``problems``.
    mutating func checkSettings() {
        guard loadState == .loaded, let type = id?.type else { return }
        var seen: Set<UnitSetting.Key> = []
        for assignment in files.flatMap(\.assignments) {
            let key = UnitSetting.Key(section: assignment.section, key: assignment.key)
            guard seen.insert(key).inserted else { continue }
            let setting = UnitSetting.named(assignment.key, in: assignment.section)
            guard setting.specifiers != nil || setting.items != .whole, type.sections.contains(assignment.section) else { continue }
            let evaluation = evaluate(setting)
            problems += evaluation.problems
            if let fatal = evaluation.fatal, loadState == .loaded { loadState = .badSetting(fatal.description) }
        }
        problems.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        if type == .service, loadState == .loaded, let refusal = serviceRefusal() {
            loadState = .badSetting(refusal)
        }
    }

    /// `service_verify()` (src/core/service.c): the combinations of settings the manager refuses
    /// to load a service with. Type= defaults to `dbus` with BusName=, `simple` with ExecStart=,
    /// else `oneshot`.
    func serviceRefusal() -> String? {
        let starts = commands("Service", "ExecStart"), stops = commands("Service", "ExecStop")
        let successAction = effective("Unit", "SuccessAction").last.map { $0.text != "none" } ?? false
        let busName = !effective("Service", "BusName").isEmpty
        let type = effective("Service", "Type").last?.text ?? (busName ? "dbus" : starts.isEmpty ? "oneshot" : "simple")
        let remain = effective("Service", "RemainAfterExit").last.map { ["1", "yes", "y", "true", "t", "on"].contains($0.text.lowercased()) } ?? false
        let restart = effective("Service", "Restart").last?.text ?? "no"
        if starts.isEmpty && stops.isEmpty && !successAction {
            return "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing."
        }
        if type != "oneshot" && starts.isEmpty {
            return "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing."
        }
        if !remain && starts.isEmpty && !successAction {
            return "Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing."
        }
        if type != "oneshot" && starts.count > 1 {
            return "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing."
        }
        if type == "oneshot" && ["always", "on-success"].contains(restart) {
            return "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing."
        }
        if type == "dbus" && !busName {
            return "Service is of type D-Bus but no D-Bus service name has been specified. Refusing."
        }
        return nil
    }
}
