import ArgumentParser
import Contract
import Provision

/// How `provision` reports its plan or its changes.
enum ProvisionFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json

    func render(_ outcome: ProvisionOutcome) -> String {
        switch self {
        case .text: Self.text(outcome)
        case .json: Self.json(outcome)
        }
    }

    static func text(_ outcome: ProvisionOutcome) -> String {
        var text = ""
        text.reserveCapacity(outcome.actions.count * 64)
        for action in outcome.actions {
            if action.count != nil {
                text += tree(action)
                continue
            }
            switch action.status {
            case .conflict:
                text += "CONFLICT \(action.path): \(action.message)\n"
            case .failed:
                text += "FAILED   \(action.path): \(action.message)\n"
            case .planned, .done:
                // Appended piece by piece: one line per directory made, 10,000 for a large tree.
                text += action.kind.rawValue.padding(8)
                text += " "
                text += action.path
                text += "  "
                if let before = action.before { text += before + (action.after == nil ? "" : " -> ") }
                if let after = action.after { text += after }
                text += "\n"
            }
        }
        // What the host could not judge (an [[encrypted]] path under --root that is not a mount
        // point): provisioning went ahead, and says so before its verdict.
        for note in outcome.notes {
            text += "note: \(note)\n"
        }
        let verb = outcome.dryRun ? "would make" : "made"
        if outcome.changes == 0 && outcome.converged {
            let trees = outcome.treeEntries > 0 ? " and \(outcome.treeEntries) tree entries" : ""
            text += "provision: nothing to change; \(outcome.paths) declared paths\(trees) in line\n"
        } else {
            text += "provision: \(verb) \(outcome.changes) \(outcome.changes == 1 ? "change" : "changes")"
            if outcome.conflicts > 0 { text += ", \(outcome.conflicts) \(outcome.conflicts == 1 ? "conflict" : "conflicts") left untouched" }
            if outcome.failures > 0 { text += ", \(outcome.failures) failed" }
            text += "\n"
        }
        return text
    }

    /// A `[[tree]]`'s change of many entries: one line with the count, then the first examples
    /// (their values before), never the entries one by one.
    static func tree(_ action: ProvisionAction) -> String {
        let head = switch action.status {
        case .conflict: "CONFLICT"
        case .failed: "FAILED  "
        case .planned, .done: action.kind.rawValue.padding(8)
        }
        var text = "\(head) \(action.path): \(action.message)" + (action.after.map { " -> \($0)" } ?? "") + "\n"
        for example in action.examples { text += "           \(example)\n" }
        if let count = action.count, count > action.examples.count { text += "           and \(count - action.examples.count) more\n" }
        return text
    }

    static func json(_ outcome: ProvisionOutcome) -> String {
        let actions = outcome.actions.map { action -> JSONValue in
            var fields: [(String, JSONValue)] = [
                ("path", .string(action.path)), ("action", .string(action.kind.rawValue)),
                ("status", .string(action.status.rawValue)), ("message", .string(action.message)),
            ]
            if let before = action.before { fields.append(("before", .string(before))) }
            if let after = action.after { fields.append(("after", .string(after))) }
            if let line = action.line { fields.append(("line", .number(line))) }
            if let count = action.count {
                fields.append(("entries", .number(count)))
                fields.append(("examples", .array(action.examples.map { .string($0) })))
            }
            return .object(fields)
        }
        let document = JSONValue.object([
            ("contract", .string(outcome.contract)), ("root", .string(outcome.root)),
            ("dry_run", .bool(outcome.dryRun)), ("converged", .bool(outcome.converged)),
            ("changes", .number(outcome.changes)), ("conflicts", .number(outcome.conflicts)),
            ("failures", .number(outcome.failures)), ("tree_entries", .number(outcome.treeEntries)),
            ("actions", .array(actions)),
            ("notes", .array(outcome.notes.map { .string($0) })),
        ])
        return document.rendered(indent: "") + "\n"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
