import TOMLKit

/// `[nginx]`: the nginx configuration and what its server blocks and locations must carry.
public struct NginxSection: Sendable, Hashable {
    public var line: Int
    public var config: Template
    public var serverName: String?
    public var workerAccess: Bool
    public var locations: [NginxLocation]
    public var servers: [NginxServerRule]
    /// Paths no location may serve unguarded (``Evaluation/checkExposure``).
    public var protected: [Template] = []
    /// The line of the `protected` key.
    public var protectedLine: Int? = nil
    /// The included file the section is in; nil for the contract's own.
    public var file: String? = nil
}

extension NginxSection {
    static let keys = ["config", "server_name", "worker_access", "protected", "location", "server"]

    /// Reads `[nginx]` with its arrays `[[nginx.location]]` and `[[nginx.server]]`, which take the
    /// source map, the log and the references as the loader's own arrays of tables do.
    static func read(
        _ raw: any TOMLValueConvertible, map: SourceMap, log: DiagnosticLog, references: ReferenceLog,
        patterns: any PatternEngine
    ) -> NginxSection? {
        guard let table = raw.table else {
            log.error(line: map.table("")?.keys["nginx"] ?? 1, "'nginx' must be a table: write [nginx]")
            return nil
        }
        let r = TableReader(
            table: table, section: map.table("nginx"), fallbackLine: 1, label: "[nginx]", log: log, references: references)
        let config = r.path("config", required: true)
        let serverName = r.nonEmptyString("server_name")
        let workerAccess = r.bool("worker_access") ?? false
        let protected = (r.strings("protected") ?? []).compactMap { r.template("protected", text: $0) }
        for path in protected {
            if let first = path.segments.first, case .literal(let text) = first, !text.hasPrefix("/") {
                r.error("protected", "'\(path.source)' must be an absolute path (start with '/' or a ${VARIABLE})")
            }
        }
        let locations = ContractLoader.entries("location", in: table, prefix: "nginx", map: map, log: log, references: references) {
            NginxLocation.read($0, ordinal: $1, patterns: patterns)
        }
        let servers = ContractLoader.entries("server", in: table, prefix: "nginx", map: map, log: log, references: references) {
            NginxServerRule.read($0, ordinal: $1, patterns: patterns)
        }
        r.finish(allowed: keys)
        guard let config else { return nil }
        return NginxSection(
            line: r.line, config: config, serverName: serverName, workerAccess: workerAccess,
            locations: locations, servers: servers, protected: protected,
            protectedLine: r.table.contains(key: "protected") ? r.line(of: "protected") : nil,
            file: log.isIncluded ? log.file : nil)
    }
}

/// `[nginx]`: the configuration nginx reads, its server blocks and locations, the directives
/// they must carry, alias traversal, and the worker's access to what it serves.
extension Evaluation {
    func evaluate(_ nginx: NginxSection) -> [CheckResult] {
        // Under `check --tags`, the section's own checks come with a location or server selected.
        if tags != nil, !nginx.locations.contains(where: { self.selected($0.context) }),
           !nginx.servers.contains(where: { self.selected($0.context) }) {
            return []
        }
        let section = EntryContext(kind: .nginx, line: nginx.line, keyLines: [:], file: nginx.file)
        var recorder = Recorder(context: section, subject: nginx.config.source, skipReason: nil)
        guard case .success(let main) = environment.resolve(nginx.config) else {
            recorder.skip("config", "config depends on a variable that is not set")
            return recorder.results
        }
        recorder.subject = main
        let keys = contract.keys.compactMap { key in
            (try? environment.resolve(key.path).get()).map { (normalise($0), key.context.line) }
        }
        let configuration = NginxConfiguration.load(main: main, read: host.text(of:), glob: host.glob) { path, text in
            if let key = keys.first(where: { $0.0 == normalise(path) }) { return "the key of [[key]] at line \(key.1)" }
            if text.drop(while: \.isWhitespace).hasPrefix("-----BEGIN") { return "a PEM file" }
            return nil
        }
        if let first = configuration.files.first, first.directives.isEmpty, let problem = first.problems.first,
            problem.line == nil, problem.isInaccessible
        {
            recorder.cannotEvaluate("config", "nginx configuration \(main) \(problem.message)", expected: "readable")
            return recorder.results
        }
        if let first = configuration.files.first, first.directives.isEmpty, let problem = first.problems.first,
            problem.line == nil
        {
            recorder.fail("config", "nginx configuration \(main) \(problem.message)", expected: "readable", actual: "unreadable",
                          fix: ShellWords.decision("point [nginx] config at the main nginx.conf"))
            return recorder.results
        }
        recorder.pass("config", "read \(configuration.files.count) nginx configuration files from \(main)")
        let unread = configuration.problems.filter(\.isInaccessible)
        for problem in unread {
            recorder.cannotEvaluate("syntax", "\(problem.location): \(problem.message)", actual: problem.location)
        }
        for problem in configuration.problems where !problem.isInaccessible {
            recorder.fail("syntax", "\(problem.location): \(problem.message)", actual: problem.location,
                          fix: ShellWords.decision("fix \(host.operatorPath(problem.file))\(problem.line.map { " at line \($0)" } ?? "")"))
        }
        // Nested or expanded past the limits: the problems say where; nothing more is walked.
        if configuration.refusal != nil { return recorder.results }
        var results = recorder.results

        let servers = configuration.main.filter { $0.name == "http" }.flatMap { http in
            configuration.expanded(http.block ?? []).filter { $0.name == "server" }.map { server in
                NginxBlockChain(levels: [
                    level("http block at \(configuration.location(of: http))", http, configuration),
                    level("server at \(configuration.location(of: server))", server, configuration),
                ])
            }
        }
        let selected = servers.filter { server in
            guard let name = nginx.serverName else { return true }
            return server.innermost.directives.contains { $0.name == "server_name" && Self.serves($0.arguments, name) }
        }
        let scope = nginx.serverName.map { "server \($0)" } ?? "any server"
        if selected.isEmpty {
            var none = Recorder(context: section, subject: nginx.serverName ?? main, skipReason: nil)
            none.fail("server", "no server block in \(main) serves \(nginx.serverName ?? "requests") (\(servers.count) server blocks read)",
                      expected: nginx.serverName ?? "a server block", actual: "none")
            results += none.results
        }
        for location in nginx.locations where self.selected(location.context) {
            results += evaluate(location, in: selected, scope: scope, configuration: configuration, workerAccess: nginx.workerAccess)
        }
        for rule in nginx.servers where self.selected(rule.context) {
            var recorder = Recorder(context: rule.context, subject: nginx.serverName ?? "server", skipReason: skipReason(rule.context))
            for server in selected {
                for directive in rule.directives {
                    check(&recorder, directive, in: server, configuration: configuration)
                }
            }
            if selected.isEmpty {
                for directive in rule.directives { recorder.skip(directive.name, key: "directives", "no server block selected") }
            }
            results += recorder.results
        }
        let exposure = EntryContext(
            kind: .nginx, line: nginx.line, keyLines: ["protected": nginx.protectedLine ?? nginx.line], file: nginx.file)
        results += checkExposure(nginx, servers: selected, configuration: configuration, context: exposure)
        guard let first = unread.first else { return results }
        // What is missing may be in the file that could not be read: a failure is not proven.
        let proven = recorder.results.count
        return Array(results[..<proven]) + results[proven...].map { result in
            guard result.status == .fail else { return result }
            var result = result
            result.status = .error
            result.message += " (not proven: \(first.location) \(first.message))"
            result.fix = nil
            return result
        }
    }

    /// Whether a `server_name` list serves `name` (exact, `*.suffix`, `prefix.*` or `.domain`).
    static func serves(_ names: [String], _ name: String) -> Bool {
        names.contains { pattern in
            if pattern == name { return true }
            if pattern.hasPrefix("*.") { return name.hasSuffix(String(pattern.dropFirst())) }
            if pattern.hasPrefix(".") { return name == String(pattern.dropFirst()) || name.hasSuffix(pattern) }
            if pattern.hasSuffix(".*") { return name.hasPrefix(String(pattern.dropLast())) }
            return false
        }
    }

    /// One block's level of a chain: its own directives, includes expanded, comments dropped.
    func level(_ name: String, _ block: NginxDirective, _ configuration: NginxConfiguration) -> NginxBlockChain.Level {
        NginxBlockChain.Level(name: name, directives: configuration.expanded(block.block ?? []).filter { !$0.isComment })
    }

    /// The location blocks (nested ones too) whose modifier and path are the declared ones, each
    /// with the blocks around it; a declared location without modifier matches a prefix
    /// location (none or `^~`).
    func locations(_ declared: NginxLocation, in chain: NginxBlockChain, configuration: NginxConfiguration) -> [(NginxDirective, NginxBlockChain)] {
        var found: [(NginxDirective, NginxBlockChain)] = []
        for directive in chain.innermost.directives where directive.name == "location" {
            let arguments = directive.arguments
            let (modifier, path): (String?, String?) = arguments.count == 2 ? (arguments[0], arguments[1])
                : arguments.count == 1 ? (nil, arguments[0]) : (nil, nil)
            let written = arguments.joined(separator: " ")
            var inner = chain
            inner.levels.append(level("location \(written) at \(configuration.location(of: directive))", directive, configuration))
            // A prefix location that dropped the declared trailing slash is still the one meant:
            // found, so that the alias traversal it opens is reported on it.
            let prefix = declared.modifier == nil || declared.modifier == .preferredPrefix
            let samePath = path == declared.path || (prefix && declared.path.hasSuffix("/") && path.map { $0 + "/" } == declared.path)
            let matches = samePath
                && (declared.modifier.map { $0.rawValue == modifier } ?? (modifier == nil || modifier == "^~"))
            if matches { found.append((directive, inner)) }
            found += locations(declared, in: inner, configuration: configuration)
        }
        return found
    }

    func evaluate(
        _ declared: NginxLocation, in servers: [NginxBlockChain], scope: String, configuration: NginxConfiguration,
        workerAccess: Bool
    ) -> [CheckResult] {
        var recorder = Recorder(context: declared.context, subject: declared.path, skipReason: skipReason(declared.context))
        let written = (declared.modifier.map { $0.rawValue + " " } ?? "") + declared.path
        let found = recorder.skipReason == nil ? servers.flatMap { locations(declared, in: $0, configuration: configuration) } : []
        guard !found.isEmpty else {
            let block = (["location"] + [declared.modifier?.rawValue, declared.path].compactMap { $0 }.map(NginxDirective.written))
                .joined(separator: " ") + " { }"
            let fix = servers.first.map { "add `\(block)` to the \($0.innermost.name)" }
            recorder.fail("location", key: "path", "no location \(written) in \(scope)\(servers.first.map { " (\($0.innermost.name))" } ?? "")",
                          expected: "location \(written)", actual: "absent", fix: fix)
            for directive in declared.directives { recorder.skip(directive.name, key: "directives", "location \(written) is missing") }
            return recorder.results
        }
        for (location, chain) in found {
            let place = "location \(written) at \(configuration.location(of: location))"
            recorder.pass("location", key: "path", "\(place)", expected: "location \(written)", actual: configuration.location(of: location))
            var named = chain
            named.levels[named.levels.count - 1].name = place
            for directive in declared.directives {
                check(&recorder, directive, in: named, configuration: configuration)
            }
            let block = chain.innermost.directives
            checkAliasTraversal(&recorder, declared, location: location, block: block, place: place, configuration: configuration)
            if workerAccess {
                checkWorkerAccess(&recorder, block: block, place: place, configuration: configuration)
            }
        }
        return recorder.results
    }

    /// One directive rule, on what nginx applies in the innermost block of `chain` (its own
    /// directives, or those it inherits): `true` present (with any arguments), a string equal
    /// to the arguments joined by one space (alias and root compare as paths, trailing slash
    /// significant), a list each element of which is among the occurrences, patterns each found
    /// in the joined arguments of some occurrence. A fix names a
    /// directive only as nginx would accept it; where the arguments are not known it says in
    /// words what to add.
    func check(_ recorder: inout Recorder, _ rule: NginxDirectiveRule, in chain: NginxBlockChain, configuration: NginxConfiguration) {
        let place = chain.innermost.name
        let effective = chain.effective(rule.name)
        let occurrences = effective.occurrences
        let innermost = chain.levels.count - 1
        let inherited = effective.source.map { $0 != innermost } ?? false
        let origin = inherited ? " (inherited from the \(chain.levels[effective.source!].name))" : ""
        let note = chain.unusedNote(rule.name, effective, location: configuration.location(of:))
        let shown = occurrences.map { "\($0.joinedArguments) (\(configuration.location(of: $0)))" }.joined(separator: "; ")
        /// The fix that makes the block carry `wanted`: a directive nginx takes more than once is
        /// added, another is changed where the block has its own (a second would be a duplicate);
        /// a directive whose arguments cannot be written is described in words.
        func fix(_ wanted: String) -> String {
            let text = NginxDirective.written(rule.name, joined: wanted)
            if !NginxCatalog.repeatable.contains(rule.name), !inherited, let own = occurrences.first {
                let at = configuration.location(of: own)
                return text.map { "set `\($0)` at \(at)" } ?? "change the \(rule.name) at \(at) so that its arguments read '\(wanted)'"
            }
            return text.map { "add `\($0)` to the \(place)" } ?? "add a \(rule.name) directive whose arguments read '\(wanted)' to the \(place)"
        }
        switch rule.expectation {
        case .present:
            recorder.verify(
                rule.name, key: "directives", !occurrences.isEmpty,
                pass: "\(place) has \(rule.name)\(origin)", fail: "\(place) lacks \(rule.name)\(note)",
                expected: rule.name, actual: occurrences.isEmpty ? "absent" : shown,
                fix: ShellWords.decision(NginxCatalog.withoutArguments.contains(rule.name) ? "add `\(rule.name);` to the \(place)"
                    : "add a \(rule.name) directive, with the arguments it needs, to the \(place)"))
        case .equals(let template):
            guard case .success(let wanted) = environment.resolve(template) else {
                recorder.skip(rule.name, key: "directives", "\(rule.name) depends on a variable that is not set")
                return
            }
            let isPath = rule.name == "alias" || rule.name == "root"
            let match = occurrences.contains { occurrence in
                isPath ? Self.samePath(occurrence.joinedArguments, wanted) : occurrence.joinedArguments == wanted
            }
            recorder.verify(
                rule.name, key: "directives", match,
                pass: "\(place) has \(rule.name) \(wanted)\(origin)",
                fail: occurrences.isEmpty ? "\(place) lacks \(rule.name) \(wanted)\(note)"
                    : "\(place) has \(rule.name) \(shown)\(origin), contract requires \(wanted)",
                expected: wanted, actual: occurrences.isEmpty ? "absent" : occurrences.map(\.joinedArguments).joined(separator: "; "),
                fix: ShellWords.decision(fix(wanted)))
        case .includes(let templates):
            var missing: [String] = []
            for template in templates {
                guard case .success(let wanted) = environment.resolve(template) else { continue }
                if !occurrences.contains(where: { $0.joinedArguments == wanted }) { missing.append(wanted) }
            }
            let wanted = templates.compactMap { try? environment.resolve($0).get() }
            var fixes = missing.map(fix).joined(separator: "; ")
            if inherited, NginxCatalog.repeatable.contains(rule.name) {
                // Adding one here ends the inheritance of all of them.
                fixes += ", and repeat there the \(rule.name) it now inherits from the \(chain.levels[effective.source!].name) (a block with its own \(rule.name) takes none from above)"
            }
            recorder.verify(
                rule.name, key: "directives", missing.isEmpty,
                pass: "\(place) has \(rule.name) " + wanted.joined(separator: "; ") + origin,
                fail: "\(place) lacks \(rule.name) " + missing.joined(separator: "; ") + note,
                expected: wanted.joined(separator: "; "), actual: occurrences.isEmpty ? "absent" : shown,
                fix: ShellWords.decision(fixes))
        case .matches(let patterns):
            checkArguments(&recorder, rule.name, patterns, occurrences, place: place, origin: origin, note: note, shown: shown) { source in
                if !NginxCatalog.repeatable.contains(rule.name), !inherited, let own = occurrences.first {
                    return "change the \(rule.name) at \(configuration.location(of: own)) so that its arguments match '\(source)'"
                }
                return "add a \(rule.name) directive whose arguments match '\(source)' to the \(place)"
            }
        }
    }

    /// `{ matches = ... }`: each pattern is found in the arguments (joined by one space) of some
    /// occurrence in effect. Where the engine gives up on one, the check fails and says to
    /// simplify the pattern, as for a file's lines; the arguments themselves are shown, as for
    /// every other directive rule.
    func checkArguments(
        _ recorder: inout Recorder, _ name: String, _ patterns: [Pattern], _ occurrences: [NginxDirective], place: String,
        origin: String, note: String, shown: String, fix: (String) -> String
    ) {
        var missing: [Pattern] = []
        var undecided: (Pattern, String)? = nil
        for pattern in patterns {
            var found = false
            for occurrence in occurrences where !found {
                switch pattern.compiled.search(Substring(occurrence.joinedArguments)) {
                case .match: found = true
                case .noMatch: continue
                case .gaveUp(let limit): undecided = undecided ?? (pattern, limit)
                }
            }
            if !found { missing.append(pattern) }
        }
        let expected = "\(name) matching " + patterns.map { "'\($0)'" }.joined(separator: ", ")
        let actual = occurrences.isEmpty ? "absent" : occurrences.map(\.joinedArguments).joined(separator: "; ")
        if let (pattern, limit) = undecided, missing.contains(pattern) {
            recorder.fail(
                name, key: "directives", "\(place): \(name): " + pattern.tooMuchWork(limit: limit), expected: expected, actual: actual,
                fix: ShellWords.decision("simplify the pattern '\(pattern)' in the contract"))
            return
        }
        let unmatched = missing.map { "'\($0)'" }.joined(separator: ", ")
        recorder.verify(
            name, key: "directives", missing.isEmpty,
            pass: "\(place) has \(name) \(shown)\(origin), matching " + patterns.map { "'\($0)'" }.joined(separator: ", "),
            fail: occurrences.isEmpty ? "\(place) lacks \(name)\(note)"
                : "\(place) has \(name) \(shown)\(origin), none matching \(unmatched)",
            expected: expected, actual: actual,
            fix: ShellWords.decision(missing.map { fix($0.source) }.joined(separator: ", and ")))
    }

    /// Paths equal once normalised, with the trailing slash significant.
    static func samePath(_ a: String, _ b: String) -> Bool {
        normalise(a) == normalise(b) && a.hasSuffix("/") == b.hasSuffix("/")
    }

    /// The classic alias bug: a prefix location without a trailing slash whose alias has one
    /// lets `/static../` climb to the alias's parent; the reverse glues names together.
    func checkAliasTraversal(
        _ recorder: inout Recorder, _ declared: NginxLocation, location: NginxDirective, block: [NginxDirective],
        place: String, configuration: NginxConfiguration
    ) {
        guard declared.modifier != .regex, declared.modifier != .caseInsensitiveRegex,
            let alias = block.first(where: { $0.name == "alias" }), let target = alias.arguments.first,
            let written = location.arguments.last
        else { return }
        let pathSlash = written.hasSuffix("/"), aliasSlash = target.hasSuffix("/")
        let at = configuration.location(of: alias)
        recorder.verify(
            "alias_traversal", key: "path", pathSlash == aliasSlash,
            pass: "\(place) and its alias \(target) both \(pathSlash ? "end" : "do not end") with '/'",
            fail: pathSlash
                ? "\(place) ends with '/' but its alias \(target) (\(at)) does not: \(written)file maps to \(target)file"
                : "location \(written) at \(configuration.location(of: location)) has no trailing '/' but its alias \(target) (\(at)) has one: a request for \(written)../ reaches the parent of \(target) (alias traversal)",
            expected: "both or neither end with '/'", actual: "location \(written), alias \(target)",
            fix: ShellWords.decision("end both the location path and the alias with '/' (\(at))"))
    }

    /// The worker user (nginx's `user` directive, or the compiled-in nobody) can search and read
    /// every alias and root of the location.
    func checkWorkerAccess(_ recorder: inout Recorder, block: [NginxDirective], place: String, configuration: NginxConfiguration) {
        let userDirective = configuration.main.first { $0.name == "user" }
        let workerName = userDirective?.arguments.first ?? "nobody"
        for directive in block where directive.name == "alias" || directive.name == "root" {
            guard let path = directive.arguments.first, !path.contains("$") else { continue }
            guard let account = host.user(named: workerName) else {
                recorder.fail("worker_access", key: "path", "the nginx worker user \(workerName) does not exist in \(host.accountOrigin)",
                              expected: workerName, actual: "no such user", fix: accountCommand("useradd", "--system", workerName))
                continue
            }
            let principal = Principal(name: account.name, userID: account.id, groupIDs: host.groupIDs(of: account))
            let trace = accessTraces.trace(normalise(path), on: host)
            let rights: [AccessRights] = trace.target?.facts.kind == .directory ? [.read, .execute] : [.read]
            var denied: (AccessRights, Verdict)? = nil
            for right in rights {
                let verdict = self.verdict(right, principal, trace)
                if !verdict.granted { denied = (right, verdict); break }
            }
            let source = userDirective.map { "user directive at \(configuration.location(of: $0))" } ?? "nginx's compiled-in default"
            recorder.verify(
                "worker_access", key: "path", denied == nil,
                pass: "\(workerName) (the nginx worker, \(source)) can read \(path)",
                fail: "\(workerName) (the nginx worker, \(source)) cannot \(denied.map { Self.verb($0.0, trace.target) } ?? "read") \(path) (\(directive.name) at \(configuration.location(of: directive))): \(denied?.1.explanation ?? "")",
                expected: "readable by \(workerName)", actual: denied == nil ? "readable" : "denied",
                fix: denied?.1.grantFix)
        }
    }
}
