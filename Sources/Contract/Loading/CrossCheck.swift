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
        for reference in references.references {
            if !declared.contains(reference.variable) {
                let hint = closest(to: reference.variable, in: Array(declared)).map { "; did you mean '\($0)'?" } ?? ""
                let what = reference.isCondition
                    ? "tests \(reference.variable), which no [[variable]] declares"
                    : "'${\(reference.variable)}' is not declared by any [[variable]]"
                log.error(line: reference.line, entry: reference.entry, key: reference.key, what + hint)
            } else if secrets.contains(reference.variable) && !reference.isListing {
                let what = reference.isCondition
                    ? "cannot test secret variable \(reference.variable): its value would appear in skip messages"
                    : "cannot interpolate secret variable '${\(reference.variable)}': its value would appear in output"
                log.error(line: reference.line, entry: reference.entry, key: reference.key, what)
            }
        }

        var givers: [String: VariableEntry] = [:]
        for variable in contract.variables where variable.defaultValue != nil || !variable.aliases.isEmpty {
            if let first = givers[variable.name] {
                log.error(
                    line: variable.context.line, entry: "[[variable]] #\(variable.context.ordinal) (name = \"\(variable.name)\")",
                    "only one entry for \(variable.name) may give 'default' or 'aliases'; line \(first.context.line) already does")
            } else {
                givers[variable.name] = variable
            }
        }
        for (name, variable) in givers {
            if let cycle = defaultCycle(from: name, givers: givers) {
                log.error(
                    line: variable.context.line(of: "default"),
                    entry: "[[variable]] #\(variable.context.ordinal) (name = \"\(name)\")", key: "default",
                    "defaults refer to each other in a circle: \(cycle.joined(separator: " -> "))")
            }
        }

        var seen: [String: Int] = [:]
        for directory in contract.directories {
            let path = directory.path.source
            if let line = seen[path], directory.context.condition.isAlways {
                log.warning(
                    line: directory.context.line, entry: "[[directory]] #\(directory.context.ordinal) (path = \"\(path)\")",
                    "'\(path)' is also declared at line \(line)")
            }
            seen[path] = directory.context.line
        }
    }

    /// The names along a circle of defaults that starts at `start`, if there is one.
    private func defaultCycle(from start: String, givers: [String: VariableEntry]) -> [String]? {
        var path = [start]
        func visit(_ name: String) -> Bool {
            for next in givers[name]?.defaultValue?.variables ?? [] {
                if next == start { path.append(next); return true }
                if path.contains(next) { continue }
                path.append(next)
                if visit(next) { return true }
                path.removeLast()
            }
            return false
        }
        return visit(start) ? path : nil
    }
}
