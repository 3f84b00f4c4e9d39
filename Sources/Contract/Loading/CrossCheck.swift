/// The checks that need the whole contract: every `${VAR}` and `when` names a declared
/// variable, no secret is interpolated or tested, at most one entry per variable gives
/// `default` or `aliases`, defaults do not refer to each other in a circle.
struct CrossCheck {
    let contract: Contract
    let references: ReferenceLog
    let log: DiagnosticLog

    func run() {
        let declared = contract.declaredVariables
        let secrets = contract.secretVariables
        let derived = contract.secretDerivedVariables
        for reference in references.references {
            if !declared.contains(reference.variable) {
                // The environment may hold it (the spec reads `${NAME}` from there), but nothing
                // says it is not secret: its value is never shown, so what uses it is skipped.
                let hint = closest(to: reference.variable, in: Array(declared)).map { "; did you mean '\($0)'?" }
                    ?? "; declare it with a [[variable]] entry"
                let what = reference.isPresence
                    ? "tests whether \(reference.variable) is set, but no [[variable]] declares it"
                    : reference.isCondition
                    ? "tests \(reference.variable), which no [[variable]] declares: its value is not known not to be secret, so the test decides nothing"
                    : "'${\(reference.variable)}' is not declared by any [[variable]]: its value is not known not to be secret and is never shown, so what uses it is skipped"
                if reference.isListing {
                    // A key naming a variable (key_id_in) names one the contract knows, or nothing.
                    log.error(in: reference.file, line: reference.line, entry: reference.entry, key: reference.key,
                              "'\(reference.variable)' is not declared by any [[variable]]" + hint)
                } else {
                    log.warning(in: reference.file, line: reference.line, entry: reference.entry, key: reference.key, what + hint)
                }
            } else if secrets.contains(reference.variable) && !reference.isListing && !reference.isPresence {
                let what = reference.isCondition
                    ? "cannot test secret variable \(reference.variable): its value would appear in skip messages"
                    : "cannot interpolate secret variable '${\(reference.variable)}': its value would appear in output"
                log.error(in: reference.file, line: reference.line, entry: reference.entry, key: reference.key, what)
            } else if let how = derived[reference.variable], !reference.isListing, !reference.isPresence {
                // An alias of a secret, or a default that takes one, holds the secret's value.
                let what = reference.isCondition
                    ? "cannot test \(reference.variable), which \(how): its value would appear in skip messages"
                    : "cannot interpolate '${\(reference.variable)}', which \(how): its value would appear in output"
                log.error(in: reference.file, line: reference.line, entry: reference.entry, key: reference.key, what)
            }
        }

        var givers: [String: VariableEntry] = [:]
        for variable in contract.variables where variable.defaultValue != nil || !variable.aliases.isEmpty {
            if let first = givers[variable.name] {
                log.error(
                    in: variable.context.file, line: variable.context.line,
                    entry: "[[variable]] #\(variable.context.ordinal) (name = \"\(variable.name)\")",
                    "only one entry for \(variable.name) may give 'default' or 'aliases'; \(first.context.place) already does")
            } else {
                givers[variable.name] = variable
            }
        }
        for (name, variable) in givers.sorted(by: { $0.key < $1.key }) {
            let entry = "[[variable]] #\(variable.context.ordinal) (name = \"\(name)\")"
            if let cycle = defaultCycle(from: name, givers: givers) {
                log.error(
                    in: variable.context.file, line: variable.context.line(of: "default"), entry: entry, key: "default",
                    "defaults refer to each other in a circle: \(cycle.joined(separator: " -> "))")
            }
        }
        let sizes = expansionSizes(givers)
        for (name, variable) in givers.sorted(by: { $0.key < $1.key })
        where (sizes[name] ?? 0) > Template.maximumExpansion {
            log.error(
                in: variable.context.file, line: variable.context.line(of: "default"),
                entry: "[[variable]] #\(variable.context.ordinal) (name = \"\(name)\")", key: "default",
                "the default of \(name) expands to more than \(Template.maximumExpansion) bytes (defaults that repeat other defaults multiply)")
        }

        // The last directory seen at each path, by its index: no entry is copied.
        var seen: [String: Int] = [:]
        seen.reserveCapacity(contract.directories.count)
        for index in contract.directories.indices {
            let path = contract.directories[index].path.source
            if let other = seen.updateValue(index, forKey: path), contract.directories[index].context.condition.isAlways {
                let context = contract.directories[index].context
                log.warning(
                    in: context.file, line: context.line,
                    entry: "[[directory]] #\(context.ordinal) (path = \"\(path)\")",
                    "'\(path)' is also declared at \(contract.directories[other].context.place)")
            }
        }
        checkAbsentPaths()
    }

    /// A path that must not exist (`absent = true`) while another entry wants something at or
    /// below it: the contract contradicts itself, and provisioning would make what check
    /// forbids. Judged on the paths as written, for entries that always apply.
    private func checkAbsentPaths() {
        let absentPaths = contract.absentPaths.filter { $0.context.condition.isAlways }
        guard !absentPaths.isEmpty else { return }
        var wanted: [(path: String, context: EntryContext)] = []
        for entry in contract.directories where !entry.absent {
            wanted += ([entry.path.source] + entry.subdirs.map { entry.path.source + "/" + $0 }).map { ($0, entry.context) }
        }
        wanted += contract.files.filter { !$0.absent }.map { ($0.path.source, $0.context) }
        wanted += contract.keys.map { ($0.path.source, $0.context) } + contract.trees.map { ($0.path.source, $0.context) }
        // Each wanted path looks up itself and its ancestors among the absent paths: linear in
        // the entries (times the depth), where comparing every pair would be quadratic.
        var absentIndices: [String: [Int]] = [:]
        for (index, absent) in absentPaths.enumerated() { absentIndices[normalise(absent.path.source), default: []].append(index) }
        var conflicts = Array(repeating: [Int](), count: absentPaths.count)
        for (index, (path, other)) in wanted.enumerated() where other.condition.isAlways {
            for absent in Self.selfAndAncestors(normalise(path)) {
                for absentIndex in absentIndices[absent] ?? [] { conflicts[absentIndex].append(index) }
            }
        }
        for ((template, context), found) in zip(absentPaths, conflicts) {
            let absent = normalise(template.source)
            for (path, other) in found.map({ wanted[$0] }) {
                log.error(
                    in: context.file, line: context.line(of: "absent"), entry: "\(context.kind.header) #\(context.ordinal) (path = \"\(template.source)\")",
                    key: "absent",
                    "'\(template.source)' must not exist, but \(other.kind.header) #\(other.ordinal) at \(other.place) declares '\(path)'\(normalise(path) == absent ? "" : " below it")")
            }
        }
    }

    /// The paths `path` is inside of (``isInside(_:_:)``), for a normalised `path`: itself, each
    /// prefix that ends before a '/', and "/" when it is absolute.
    static func selfAndAncestors(_ path: String) -> [String] {
        var result = [path]
        let bytes = Array(path.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") && index > 0 {
            result.append(String(decoding: bytes[..<index], as: UTF8.self))
        }
        if path.hasPrefix("/") && path != "/" { result.append("/") }
        return result
    }

    /// The names along a shortest circle of defaults that starts at `start`, if there is one: a
    /// breadth-first search that visits each name once, so it is linear in the contract.
    private func defaultCycle(from start: String, givers: [String: VariableEntry]) -> [String]? {
        var parent: [String: String] = [:]
        var queue = [start]
        var position = 0
        while position < queue.count {
            let name = queue[position]
            position += 1
            for next in givers[name]?.defaultValue?.variables ?? [] {
                if next == start {
                    var path = [start]
                    var step: String? = name
                    while let current = step, current != start {
                        path.insert(current, at: 1)
                        step = parent[current]
                    }
                    return path + [start]
                }
                if parent[next] == nil, next != start {
                    parent[next] = name
                    queue.append(next)
                }
            }
        }
        return nil
    }

    /// The size each default expands to, in bytes, counting a variable without a default as
    /// one byte and saturating just above ``Template/maximumExpansion``: each default is
    /// computed once (no recursion, so no depth), and circles count as nothing here.
    private func expansionSizes(_ givers: [String: VariableEntry]) -> [String: Int] {
        let cap = Template.maximumExpansion + 1
        var sizes: [String: Int] = [:]
        var onStack = Set<String>()
        for start in givers.keys.sorted() where sizes[start] == nil {
            var stack: [(name: String, expanded: Bool)] = [(start, false)]
            while let (name, expanded) = stack.popLast() {
                guard let template = givers[name]?.defaultValue else { sizes[name] = 1; continue }
                if expanded {
                    var size = 0
                    for segment in template.segments {
                        switch segment {
                        case .literal(let text): size += text.utf8.count
                        case .variable(let other): size += givers[other]?.defaultValue == nil ? 1 : sizes[other] ?? 0
                        }
                        size = min(size, cap)
                    }
                    sizes[name] = size
                    onStack.remove(name)
                } else if sizes[name] == nil, !onStack.contains(name) {
                    onStack.insert(name)
                    stack.append((name, true))
                    for other in template.variables where sizes[other] == nil && !onStack.contains(other) {
                        stack.append((other, false))
                    }
                }
            }
        }
        return sizes
    }
}
