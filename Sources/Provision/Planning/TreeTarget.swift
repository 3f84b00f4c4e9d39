import Contract

/// A `[[tree]]` provisioning brings in line: every entry below `path` (the top included) gets
/// the owner and group, and loses the mode bits beyond the maxima. Planned as counts, never
/// entry by entry.
public struct TreeTarget: Sendable {
    public var path: String
    public var owner: Account?
    public var group: Account?
    public var maxDirectoryMode: FileMode?
    public var maxFileMode: FileMode?
    public var line: Int

    public var limits: TreeLimits {
        TreeLimits(userID: owner?.id, groupID: group?.id, maxDirectoryMode: maxDirectoryMode, maxFileMode: maxFileMode,
                   setsApartHardLinks: true)
    }

    /// The changes (planned or made) and conflicts a tally of this tree stands for, one action
    /// per kind of change with its count and first examples; `names` words an id.
    func actions(_ tally: TreeTally, status: ProvisionAction.Status,
                 names: (UInt32, Bool) -> String) -> [ProvisionAction] {
        var actions: [ProvisionAction] = []
        let planned = status == .planned
        func examples(_ rule: TreeTally.Rule, _ describe: (TreeTally.Example) -> String) -> [String] {
            rule.examples.map { "\($0.path) (\(describe($0)))" }
        }
        func add(_ kind: ProvisionAction.Kind, _ rule: TreeTally.Rule, after: String?, status: ProvisionAction.Status,
                 _ message: String, _ describe: (TreeTally.Example) -> String) {
            guard rule.count > 0 else { return }
            actions.append(ProvisionAction(
                path: path, kind: kind, after: after, status: status, message: message, line: line, count: rule.count,
                examples: examples(rule, describe)))
        }
        let entries = { (count: Int) in count == 1 ? "1 entry" : "\(count) entries" }
        let mode = { (example: TreeTally.Example) in FileMode(rawValue: example.value).description }
        if let owner {
            add(.chown, tally.owner, after: owner.name, status: status,
                "\(planned ? "change" : "changed") the owner of \(entries(tally.owner.count))") { names($0.value, false) }
        }
        if let group {
            add(.chgrp, tally.group, after: group.name, status: status,
                "\(planned ? "change" : "changed") the group of \(entries(tally.group.count))") { names($0.value, true) }
        }
        if let limit = maxDirectoryMode {
            add(.chmod, tally.directoryMode, after: "at most \(limit)", status: status,
                "\(planned ? "clear" : "cleared") the bits beyond \(limit) on \(tally.directoryMode.count == 1 ? "1 directory" : "\(tally.directoryMode.count) directories")",
                mode)
        }
        if let limit = maxFileMode {
            add(.chmod, tally.fileMode, after: "at most \(limit)", status: status,
                "\(planned ? "clear" : "cleared") the bits beyond \(limit) on \(tally.fileMode.count == 1 ? "1 file" : "\(tally.fileMode.count) files")",
                mode)
        }
        add(.conflict, tally.hardLinked, after: nil, status: .conflict,
            "\(entries(tally.hardLinked.count)) with more than one hard link \(tally.hardLinked.count == 1 ? "differs" : "differ"); provisioning never changes a hard-linked file (left untouched)") {
            "\($0.value) links"
        }
        add(.conflict, tally.unreadable, after: nil, status: .conflict,
            "\(entries(tally.unreadable.count)) cannot be read (left untouched)") { $0.reason ?? "" }
        add(.conflict, tally.moved, after: nil, status: .conflict,
            "\(entries(tally.moved.count)) changed while provisioning ran (left untouched); provision again") { _ in "replaced" }
        add(.tree, tally.failed, after: nil, status: .failed,
            "changing \(entries(tally.failed.count)) failed") { $0.reason ?? "" }
        return actions
    }
}
