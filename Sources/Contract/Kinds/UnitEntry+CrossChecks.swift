/// What `[[unit]]` checks without being asked, against the rest of the contract: a service loads
/// the contract's environment file, runs as a user that exists, may write what the contract lets
/// its user write, does not restart on the gate's refusal; a `.path` unit watches a declared
/// directory.
extension Evaluation {
    func crossCheck(_ recorder: inout Recorder, _ unit: UnitDefinition, name: String) {
        guard unit.loadState == .loaded, let type = unit.id?.type else { return }
        if type == .service {
            checkEnvironmentFile(&recorder, unit, name: name)
            checkUser(&recorder, unit, name: name)
            checkWritablePaths(&recorder, unit, name: name)
            checkGateRestart(&recorder, unit, name: name)
        }
        if type == .path { checkWatchedPaths(&recorder, unit, name: name) }
    }

    /// A service that loads an EnvironmentFile= loads the contract's environment file.
    func checkEnvironmentFile(_ recorder: inout Recorder, _ unit: UnitDefinition, name: String) {
        guard let template = contract.environment?.file, case .success(let declared) = environment.resolve(template) else { return }
        let files = unit.effective("Service", "EnvironmentFile").map(\.optionalPath)
        guard !files.isEmpty else { return }
        let target = normalise(declared)
        let loaded = files.first { normalise($0.path) == target }
        let listed = files.map { ($0.ignoreIfMissing ? "-" : "") + $0.path }.joined(separator: ", ")
        recorder.verify(
            "environment_file", key: "name", loaded != nil,
            pass: "\(name) loads the contract's environment file \(target)"
                + (loaded?.ignoreIfMissing == true ? " (with '-': the service starts without it when it is missing)" : ""),
            fail: "\(name) loads \(listed), not the contract's environment file \(target): the environment checked here is not the one the service runs with",
            expected: target, actual: listed,
            fix: dropIn(name, section: "Service", lines: ["EnvironmentFile=\(target)"]))
    }

    /// The service's User= exists in the root's account database.
    func checkUser(_ recorder: inout Recorder, _ unit: UnitDefinition, name: String) {
        guard let user = unit.effective("Service", "User").last?.text, !user.isEmpty else { return }
        let dynamic = unit.effective("Service", "DynamicUser").last.map { ["1", "yes", "y", "true", "t", "on"].contains($0.text.lowercased()) } ?? false
        if dynamic { return }
        let known = UInt32(user).flatMap { host.user(id: $0) } ?? host.user(named: user)
        recorder.verify(
            "user", key: "name", known != nil,
            pass: "\(name) runs as \(user), who exists in \(host.accountOrigin)",
            fail: "\(name) runs as \(user), who does not exist in \(host.accountOrigin): systemd will refuse to start it",
            expected: "user \(user)", actual: "no such user",
            fix: UInt32(user) == nil && TableReader.isPrincipalName(user) ? userCreation(user)
                : ShellWords.decision("create the user \(user) the unit names"))
    }

    /// Where the file system is read-only to the service (ProtectSystem=), every path the
    /// contract lets the service's user write is made writable by a setting of the unit.
    func checkWritablePaths(_ recorder: inout Recorder, _ unit: UnitDefinition, name: String) {
        let protection = unit.effective("Service", "ProtectSystem").last?.text.lowercased() ?? "no"
        let readOnly: [String] = switch protection {
        case "strict": ["/"]
        case "full": ["/usr", "/boot", "/efi", "/etc"]
        case "yes", "true", "on", "1", "y", "t": ["/usr", "/boot", "/efi"]
        default: []
        }
        guard !readOnly.isEmpty, let user = unit.effective("Service", "User").last?.text else { return }
        var writable = unit.effective("Service", "ReadWritePaths").map { normalise($0.optionalPath.path) }
        for (key, base) in [("StateDirectory", "/var/lib"), ("CacheDirectory", "/var/cache"), ("LogsDirectory", "/var/log"),
                            ("RuntimeDirectory", "/run"), ("ConfigurationDirectory", "/etc")] {
            for value in unit.effective("Service", key) {
                let relative = value.text.split(separator: ":").first.map(String.init) ?? value.text
                writable.append(normalise(base + "/" + relative))
            }
        }
        let exempt = ["/dev", "/proc", "/sys"] + (unit.effective("Service", "PrivateTmp").last.map { ["1", "yes", "true", "on"].contains($0.text.lowercased()) } == true ? ["/tmp", "/var/tmp"] : [])
        var uncovered: [String] = []
        for access in contract.accesses where access.principal == user && access.allow.contains(.write) && skipReason(access.context) == nil {
            guard case .success(let path) = environment.resolve(access.path) else { continue }
            let target = normalise(path)
            guard readOnly.contains(where: { isInside(target, $0) }), !exempt.contains(where: { isInside(target, $0) }) else { continue }
            if !writable.contains(where: { isInside(target, $0) }), !uncovered.contains(target) { uncovered.append(target) }
        }
        guard contract.accesses.contains(where: { $0.principal == user && $0.allow.contains(.write) }) else { return }
        // One ReadWritePaths= covers what lies below it: name only the outermost.
        uncovered = uncovered.filter { path in !uncovered.contains { $0 != path && isInside(path, $0) } }
        recorder.verify(
            "read_write_paths", key: "name", uncovered.isEmpty,
            pass: "under ProtectSystem=\(protection), every path the contract lets \(user) write is writable to \(name)",
            fail: "under ProtectSystem=\(protection), \(name) cannot write \(uncovered.joined(separator: ", ")), which the contract's [[access]] entries let \(user) write: no ReadWritePaths= or StateDirectory= covers it",
            expected: uncovered.joined(separator: " "), actual: writable.isEmpty ? "(none)" : writable.joined(separator: " "),
            fix: dropIn(name, section: "Service", lines: uncovered.map { "ReadWritePaths=\($0)" }))
    }

    /// A service started through `hostcontract gate` does not restart on the gate's refusal (78).
    func checkGateRestart(_ recorder: inout Recorder, _ unit: UnitDefinition, name: String) {
        let commands = unit.commands("Service", "ExecStartPre") + unit.commands("Service", "ExecStart")
        let gated = commands.contains { command in
            let words = [command.path] + command.arguments
            return words.contains { $0.split(separator: "/").last == "hostcontract" } && words.contains("gate")
        }
        guard gated else { return }
        let statuses = unit.effective("Service", "RestartPreventExitStatus").map(\.text)
        recorder.verify(
            "restart_prevent_exit_status", key: "name", statuses.contains("78") || statuses.contains("EX_CONFIG"),
            pass: "\(name) runs hostcontract gate and does not restart on its exit status 78",
            fail: "\(name) runs hostcontract gate but RestartPreventExitStatus= lacks 78: a host that breaks the contract restarts the service in a loop",
            expected: "78", actual: statuses.isEmpty ? "(not set)" : statuses.joined(separator: " "),
            fix: dropIn(name, section: "Service", lines: ["RestartPreventExitStatus=78"]))
    }

    /// What a `.path` unit watches lies inside a directory the contract declares, so it exists
    /// from boot (a path unit on a directory nobody creates waits forever).
    func checkWatchedPaths(_ recorder: inout Recorder, _ unit: UnitDefinition, name: String) {
        var watched: [String] = []
        for key in ["PathExists", "PathExistsGlob", "PathChanged", "PathModified", "DirectoryNotEmpty"] {
            watched += unit.effective("Path", key).map(\.text)
        }
        guard !watched.isEmpty else { return }
        let declared = contract.directories.compactMap { entry -> String? in
            guard !entry.absent, skipReason(entry.context) == nil, case .success(let path) = environment.resolve(entry.path) else { return nil }
            return normalise(path)
        }
        var outside: [String] = []
        for path in watched {
            // The directory part of a glob: up to the last '/' before its first wildcard.
            let wildcard = path.firstIndex { "*?[".contains($0) }
            let fixed = wildcard.map { String(path[..<$0]) } ?? path
            let directory = wildcard == nil ? fixed : String(fixed[..<(fixed.lastIndex(of: "/") ?? fixed.startIndex)])
            if !declared.contains(where: { isInside(normalise(directory.isEmpty ? "/" : directory), $0) }) { outside.append(path) }
        }
        recorder.verify(
            "watched_path", key: "name", outside.isEmpty,
            pass: "\(name) watches \(watched.joined(separator: ", ")), inside directories the contract declares",
            fail: "\(name) watches \(outside.joined(separator: ", ")), inside no [[directory]] of the contract: nothing provisions what it waits for",
            expected: "inside a declared directory", actual: outside.joined(separator: ", "),
            fix: ShellWords.decision("declare the watched directory as a [[directory]] in the contract, or point \(name) at one"))
    }
}
