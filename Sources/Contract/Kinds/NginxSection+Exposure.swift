/// The exposure rule: no location that nginx would answer from files without `internal`,
/// `auth_basic`, `auth_request` or a `deny all` serves, through its `alias` or `root`, a path the
/// contract marks as protected (`[nginx] protected = ["${STORAGE_DIR}"]`): a public `/media/`
/// alias onto the data root hands out patient video to anyone who guesses a path.
extension Evaluation {
    /// A block that answers requests from files, and the tree it answers from.
    struct ServedTree {
        var place: String
        /// The location's path as written ("/media/"), or nil for a server without `location /`.
        var uri: String?
        var tree: String
        /// "alias" or "root", and where it is written.
        var source: String
        /// The paths of the prefix locations beside and inside it: a request that one of them
        /// matches with more characters goes there instead.
        var longerPrefixes: [String] = []
    }

    /// Directives after which a location answers from somewhere other than its files.
    static let handsOff: Set<String> = ["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass", "return"]

    func checkExposure(
        _ nginx: NginxSection, servers: [NginxBlockChain], configuration: NginxConfiguration, context: EntryContext
    ) -> [CheckResult] {
        var results: [CheckResult] = []
        let served = servers.flatMap { servedTrees(in: $0, configuration: configuration, isServer: true) }
        for template in nginx.protected {
            var recorder = Recorder(context: context, subject: template.source, skipReason: nil)
            guard case .success(let resolved) = environment.resolve(template) else {
                recorder.skip("exposure", key: "protected", "\(template.source) depends on a variable that is not set")
                results += recorder.results
                continue
            }
            let protected = normalise(resolved)
            recorder.subject = protected
            let exposing = served.filter { Self.overlaps($0.tree, protected) && !Self.shadowed($0, protected: protected) }
            let shown = exposing.map { tree -> String in
                let example = Self.exampleRequest(tree, protected: protected)
                return "\(tree.place) serves \(tree.tree) (\(tree.source))\(example.map { ": a request for \($0) is answered" } ?? "")"
            }
            recorder.verify(
                "exposure", key: "protected", exposing.isEmpty,
                pass: "no location serves \(protected) without internal, auth_basic, auth_request or deny all (\(served.count) blocks answer from files)",
                fail: "\(protected) is served without internal, authentication or an address restriction: " + shown.joined(separator: "; "),
                expected: "not served", actual: exposing.map(\.place).joined(separator: "; "),
                fix: ShellWords.decision(
                    "make " + exposing.map(\.place).joined(separator: " and ")
                        + " internal (served only through X-Accel-Redirect), put it behind auth_basic or allow/deny, or serve it from outside \(protected)"))
            results += recorder.results
        }
        return results
    }

    /// The locations of `chain` (nested ones too) that answer from files unguarded, with the
    /// tree each answers from; for a server without `location /`, the server's own root.
    func servedTrees(in chain: NginxBlockChain, configuration: NginxConfiguration, isServer: Bool) -> [ServedTree] {
        var found: [ServedTree] = []
        var hasRoot = false
        let locations = chain.innermost.directives.filter { $0.name == "location" }
        func prefixes(_ directives: [NginxDirective]) -> [String] {
            directives.filter { $0.name == "location" }.flatMap { location -> [String] in
                let arguments = location.arguments
                let own = arguments.count == 1 || arguments.first == "^~" ? [arguments.last ?? ""] : []
                return own + prefixes(configuration.expanded(location.block ?? []))
            }
        }
        let beside = prefixes(locations)
        for directive in locations {
            let arguments = directive.arguments
            let modifier = arguments.count == 2 ? arguments[0] : nil
            let path = arguments.last ?? "/"
            if modifier == nil || modifier == "^~", path == "/" { hasRoot = true }
            var inner = chain
            let place = "location \(arguments.joined(separator: " ")) at \(configuration.location(of: directive))"
            inner.levels.append(level(place, directive, configuration))
            found += servedTrees(in: inner, configuration: configuration, isServer: false)
            if var tree = servedTree(inner, place: place, uri: path, isRegex: modifier == "~" || modifier == "~*", configuration: configuration) {
                tree.longerPrefixes = (beside + prefixes(configuration.expanded(directive.block ?? []))).filter { $0.count > path.count }
                found.append(tree)
            }
        }
        if isServer, !hasRoot,
            var tree = servedTree(chain, place: chain.innermost.name + " (no location /)", uri: "/", isRegex: false, configuration: configuration)
        {
            // What no location matches is answered from the server's root.
            tree.place = chain.innermost.name + " (no location /)"
            tree.longerPrefixes = beside.filter { $0 != "/" }
            found.append(tree)
        }
        return found
    }

    private func servedTree(
        _ chain: NginxBlockChain, place: String, uri: String?, isRegex: Bool, configuration: NginxConfiguration
    ) -> ServedTree? {
        let own = chain.innermost.directives
        if own.contains(where: { $0.name == "internal" || Self.handsOff.contains($0.name) }) { return nil }
        func enabled(_ name: String) -> Bool {
            chain.effective(name).occurrences.contains { $0.arguments.first.map { $0 != "off" } ?? false }
        }
        if enabled("auth_basic") || enabled("auth_request") { return nil }
        if chain.effective("deny").occurrences.contains(where: { $0.arguments == ["all"] }) { return nil }
        if let alias = own.first(where: { $0.name == "alias" }), let target = alias.arguments.first {
            guard !target.contains("$"), target.hasPrefix("/") else { return nil }
            return ServedTree(place: place, uri: uri, tree: normalise(target), source: "alias at \(configuration.location(of: alias))")
        }
        let root = chain.effective("root")
        guard let directive = root.occurrences.first(where: { $0.name == "root" }), let base = directive.arguments.first,
            !base.contains("$"), base.hasPrefix("/")
        else { return nil }
        // A prefix location answers below root + its path; a regex location anywhere below root.
        let tree = isRegex || uri == nil ? normalise(base) : normalise(base + "/" + uri!)
        return ServedTree(place: place, uri: isRegex ? nil : uri, tree: tree, source: "root at \(configuration.location(of: directive))")
    }

    /// Every request that reaches `protected` through `tree` goes to a longer prefix location.
    static func shadowed(_ tree: ServedTree, protected: String) -> Bool {
        guard let uri = tree.uri, protected == tree.tree || protected.hasPrefix(tree.tree + "/") else { return false }
        let below = protected == tree.tree ? "" : String(protected.dropFirst(tree.tree.count + 1)) + "/"
        let request = (uri.hasSuffix("/") ? uri : uri + "/") + below
        return tree.longerPrefixes.contains { request.hasPrefix($0) }
    }

    /// One path inside the other, or the same.
    static func overlaps(_ a: String, _ b: String) -> Bool {
        a == b || a == "/" || b == "/" || a.hasPrefix(b + "/") || b.hasPrefix(a + "/")
    }

    /// A request that reaches the protected tree through `tree`, where one can be written.
    static func exampleRequest(_ tree: ServedTree, protected: String) -> String? {
        guard let uri = tree.uri else { return nil }
        let below = protected.hasPrefix(tree.tree + "/") ? String(protected.dropFirst(tree.tree.count + 1)) + "/" : ""
        return (uri.hasSuffix("/") ? uri : uri + "/") + below + "..."
    }
}
