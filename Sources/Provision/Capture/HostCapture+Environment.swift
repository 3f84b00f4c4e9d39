import Contract
import Host

extension HostCapture.Reading {
    /// One `[[variable]]` per name the environment file at `path` (inside the root) assigns, read
    /// as the root's systemd reads it, in the order of first assignment. A value decides only the
    /// rule: a secret-looking one gives `secret = true` (and a fixed `min_length` floor), never
    /// itself or its length; an absolute path gives `path = true`; any other is shown only as a
    /// comment.
    mutating func variables(_ path: String) -> [CapturedContract.Variable] {
        let shown = TOMLString.quoted(path)
        let bytes: [UInt8]
        switch root.contents(of: path) {
        case .success(let read): bytes = read
        case .failure(let error):
            notes.append("\(shown): the environment file cannot be read: \(error); no variable captured")
            return []
        }
        if Inspector.isKeyLike(bytes) {
            notes.append("\(shown): the environment file is a PEM file (it begins with -----BEGIN); no variable captured")
            return []
        }
        let file = EnvironmentFile(parsing: bytes, dialect: Inspector.dialect(of: root))
        if let refusal = file.refusal {
            notes.append("\(path):\(refusal.line): systemd refuses this environment file; no variable captured")
            return []
        }
        if !file.problems.isEmpty {
            let lines = file.problems.map { String($0.line) }.joined(separator: ", ")
            notes.append("\(shown): systemd's reading of the environment file has problems at line \(lines); hostcontract check shows them")
        }
        var order: [String] = []
        for assignment in file.assignments where !order.contains(assignment.name) { order.append(assignment.name) }
        let effective = file.effectiveAssignments
        var variables: [CapturedContract.Variable] = []
        for name in order {
            guard let assignment = effective[name] else { continue }
            guard VariableName.isValid(name) else {
                notes.append("\(shown):\(assignment.line): \(TOMLString.quoted(name)) is not a name a contract can declare; skipped")
                continue
            }
            variables.append(variable(name, assignment: assignment))
        }
        return variables
    }

    func variable(_ name: String, assignment: EnvironmentFile.Assignment) -> CapturedContract.Variable {
        let value = assignment.value
        let floor = CapturedContract.secretMinimumLength(count: value.count)
        if let likeness = SecretLikeness.ofVariable(name: name, value: value), likeness != .entropy {
            return CapturedContract.Variable(name: name, rule: .secret(likeness, minLength: floor))
        }
        // A random value may begin with '/'; a path has more than one component.
        let random = SecretLikeness.looksRandom(value)
        if value.hasPrefix("/"), !(random && value.split(separator: "/").count < 3) {
            return CapturedContract.Variable(name: name, rule: .path(exists: root.exists(value)))
        }
        if random {
            return CapturedContract.Variable(name: name, rule: .secret(.entropy, minLength: floor))
        }
        guard assignment.isClean else {
            return CapturedContract.Variable(
                name: name, rule: .present(nonEmpty: !value.isEmpty),
                comments: ["systemd versions read its line differently"])
        }
        return CapturedContract.Variable(name: name, rule: .present(nonEmpty: !value.isEmpty))
    }
}
