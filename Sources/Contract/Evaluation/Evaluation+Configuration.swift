/// Reading structured configuration files (TOML, JSON, INI) for the kinds that look into them:
/// `[[config]]` checks a value, `[[connect]]` takes a peer's host and port. The file is read
/// through the host (bounded, inside the root) and parsed by the readers of this module.
extension Evaluation {
    /// Why a configuration file gave no tree: the host could not give its text, or the text is
    /// not the format.
    enum ConfigurationProblem: Error {
        case unreadable(ObservationError)
        case invalid(ConfigSyntaxError)
    }

    /// The file at `path` parsed as `format`. `quoteParserWords`: false where the file may hold
    /// a secret (toml++'s own words may quote the text).
    func configuration(at path: String, format: ConfigEntry.Format, quoteParserWords: Bool) -> Result<ConfigNode, ConfigurationProblem> {
        switch host.text(of: path) {
        case .failure(let error): return .failure(.unreadable(error))
        case .success(let text):
            let parsed = switch format {
            case .json: JSONConfigReader.read(text)
            case .ini: INIConfigReader.read(text)
            case .toml: TOMLConfigReader.read(text, quoteParserWords: quoteParserWords)
            }
            return parsed.mapError { .invalid($0) }
        }
    }

    /// Records as `check` why the configuration file at `path` gave no tree, `wanted` being
    /// what it was to hold: not evaluated where the file could not be read for a reason that
    /// says nothing about the contract (permission denied, an I/O error), failed otherwise.
    /// Returns whether the check was evaluated, and why the checks that follow are not.
    func record(
        _ problem: ConfigurationProblem, path: String, format: ConfigEntry.Format, wanted: String, as check: String,
        key: String, in recorder: inout Recorder
    ) -> (evaluated: Bool, reason: String) {
        let file = host.operatorPath(path)
        let formatName = format.rawValue.uppercased()
        switch problem {
        case .unreadable(let error) where error.isInaccessible:
            let reason = "\(wanted) cannot be evaluated: \(path) cannot be read (\(error))"
            recorder.cannotEvaluate(check, key: key, reason)
            return (false, reason)
        case .unreadable(let error) where error.isNotFound:
            recorder.fail(
                check, key: key, "\(path) does not exist, so \(wanted) is not set", expected: "a \(formatName) file",
                actual: "missing", fix: ShellWords.decision("create \(file) and set \(wanted) in it"))
            return (true, "\(path) does not exist")
        case .unreadable(let error):
            recorder.fail(
                check, key: key, "\(path) cannot be read: \(error)", expected: "a \(formatName) file", actual: "\(error)",
                fix: ShellWords.decision("make \(file) a regular \(formatName) file"))
            return (true, "\(path) cannot be read")
        case .invalid(let problem):
            recorder.fail(
                check, key: key, "\(path):\(problem.line): \(problem.message)", expected: "valid \(formatName)",
                actual: "line \(problem.line)", fix: ShellWords.decision("edit \(file) at line \(problem.line)"))
            return (true, "\(path) is not valid \(formatName)")
        }
    }

    /// The key path with its variables resolved, or why it cannot be: a variable unset, or one
    /// whose value may not be shown (a key path is printed in every result).
    func resolve(_ path: ConfigKeyPath) -> Result<[String], ConfigKeyResolutionFailure> {
        var elements: [String] = []
        for element in path.elements {
            if let hidden = element.variables.first(where: { !environment.isPrintable($0) }) {
                return .failure(ConfigKeyResolutionFailure(reason: "depends on ${\(hidden)}, whose value is not shown"))
            }
            switch environment.resolve(element) {
            case .failure(let missing): return .failure(ConfigKeyResolutionFailure(reason: "depends on ${\(missing.variable)}, \(missing.reason)"))
            case .success(let text): elements.append(text)
            }
        }
        return .success(elements)
    }

    struct ConfigKeyResolutionFailure: Error {
        var reason: String
    }

    /// Why a key path is not there: the element missing, or the value that cannot hold it.
    func whyMissing(_ key: [String], in root: ConfigNode, folded: Set<Int>) -> String {
        switch ConfigKeyPath.find(key, in: root, foldedLevels: folded) {
        case .missing(let depth) where depth > 0:
            let parent = Array(key.prefix(depth))
            return " (\(ConfigKeyPath.display(parent)) has no \(ConfigKeyPath.display([key[depth]])))"
        case .notContainer(let depth, let node) where depth > 0:
            return " (\(at(node))\(ConfigKeyPath.display(Array(key.prefix(depth)))) is \(article(node.typeName)))"
        default:
            return ""
        }
    }

    func at(_ node: ConfigNode) -> String { node.line.map { "line \($0): " } ?? "" }

    func article(_ type: String) -> String {
        ["integer", "array"].contains(type) ? "an \(type)" : type == "null" ? "null" : "a \(type)"
    }

    /// A value as a message shows it: at most 200 characters.
    func clipped(_ value: String) -> String {
        value.count > 200 ? String(value.prefix(200)) + "…" : value
    }
}
