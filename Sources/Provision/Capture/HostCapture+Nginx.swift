import Contract
import Host

extension HostCapture {
    /// `[nginx]` from the configuration at `config` (a path inside the root), read as `check`
    /// reads it (``NginxConfiguration``): every location of every server block of the http
    /// blocks, nested ones too, with the directives of
    /// ``CapturedContract/Nginx/capturedDirectives`` it carries itself. A regex location and a
    /// path found more than once are left out with a note; a PEM file an include names is not
    /// parsed, and nothing of any file but directive names and paths is kept.
    static func nginx(_ config: String, host: LiveHost, notes: inout [String]) throws(UsageError) -> CapturedContract.Nginx {
        let configuration = NginxConfiguration.load(main: config, read: host.text(of:), glob: host.glob) { _, text in
            text.drop(while: \.isWhitespace).hasPrefix("-----BEGIN") ? "a PEM file" : nil
        }
        if let first = configuration.files.first, first.directives.isEmpty, let problem = first.problems.first, problem.line == nil {
            throw UsageError(description: "nginx configuration \(TOMLString.quoted(config)) \(problem.message)")
        }
        if let refusal = configuration.refusal { throw UsageError(description: "nginx configuration \(TOMLString.quoted(config)): \(refusal)") }
        for problem in configuration.problems {
            notes.append("nginx: \(problem.location): \(problem.message)")
        }
        let servers = configuration.main.filter { $0.name == "http" }.flatMap { http in
            configuration.expanded(http.block ?? []).filter { $0.name == "server" }
        }
        var result = CapturedContract.Nginx(config: config)
        if servers.isEmpty { notes.append("nginx: \(TOMLString.quoted(config)) has no server block in an http block; no location captured") }
        // The server name, where every server block names the same single plain one.
        let names = Set(servers.map { server in
            configuration.expanded(server.block ?? []).filter { $0.name == "server_name" }.flatMap(\.arguments)
        }.map { $0.joined(separator: " ") })
        if names.count == 1, let name = names.first, !name.isEmpty, !name.contains(" "), name != "_" {
            result.serverName = name
        }
        var found: [(NginxDirective, [NginxDirective])] = []
        func walk(_ block: [NginxDirective]) {
            for directive in configuration.expanded(block) where directive.name == "location" {
                let inner = configuration.expanded(directive.block ?? []).filter { !$0.isComment }
                found.append((directive, inner))
                walk(directive.block ?? [])
            }
        }
        for server in servers { walk(server.block ?? []) }
        var reported: Set<String> = []
        for (location, block) in found {
            let written = location.joinedArguments
            let arguments = location.arguments
            let modifier = arguments.count == 2 ? arguments[0] : nil
            guard let path = arguments.last, arguments.count == 1 || arguments.count == 2 else {
                notes.append("nginx: location \(written) at \(configuration.location(of: location)): not understood; skipped")
                continue
            }
            if let modifier, modifier != "=", modifier != "^~" {
                notes.append("nginx: location \(written) at \(configuration.location(of: location)): a regex location; skipped")
                continue
            }
            if arguments.count == 1, path.hasPrefix("@") {
                notes.append("nginx: location \(written) at \(configuration.location(of: location)): a named location; skipped")
                continue
            }
            // The same location to check: a plain prefix location and a ^~ one, and a prefix path
            // with and without its trailing slash, are told apart by path and exactness only.
            let same = found.filter { other in
                guard let otherPath = other.0.arguments.last else { return false }
                let exact = other.0.arguments.count == 2 && other.0.arguments[0] == "="
                return exact == (modifier == "=")
                    && (otherPath == path || (!exact && (otherPath + "/" == path || otherPath == path + "/")))
            }
            if same.count > 1 {
                if reported.insert(path).inserted {
                    notes.append("nginx: location \(written) appears \(same.count) times (\(same.map { configuration.location(of: $0.0) }.joined(separator: ", "))); skipped")
                }
                continue
            }
            var entry = CapturedContract.Nginx.Location(path: path, modifier: modifier)
            entry.comments = ["location \(written) at \(configuration.location(of: location))"]
            for name in CapturedContract.Nginx.capturedDirectives {
                let occurrences = block.filter { $0.name == name }
                guard occurrences.count == 1, let directive = occurrences.first else { continue }
                if name == "internal" {
                    entry.directives.append((name, nil))
                    continue
                }
                let value = directive.joinedArguments
                if value.isEmpty { continue }
                if name == "proxy_pass", value.contains("@") {
                    notes.append("nginx: location \(written): its proxy_pass names a user part (it may carry a password); not captured")
                    continue
                }
                entry.directives.append((name, value))
            }
            result.locations.append(entry)
        }
        return result
    }
}
