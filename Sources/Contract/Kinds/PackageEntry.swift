/// `[[package]]`: an installed package, read from the root's package database without starting
/// anything: a Debian package from `var/lib/dpkg/status`, or a Python distribution of a virtual
/// environment from its `*.dist-info/METADATA`.
public struct PackageEntry: Sendable, Hashable {
    public enum Manager: String, Sendable, Hashable, CaseIterable {
        case dpkg, pip
    }

    public var context: EntryContext
    public var name: String
    public var manager: Manager
    /// For `pip`: the virtual environment's directory.
    public var environment: Template?
    public var installed: Bool
    /// The version rule as written (`>= 7:5.1`, `==2.3.1`), read by the manager's own ordering.
    public var version: String?
    /// For `dpkg`: whether the selection must be `hold`.
    public var held: Bool?
}

extension PackageEntry {
    static let keys = ["name", "manager", "environment", "installed", "version", "held"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> PackageEntry? {
        let context = r.context(kind: .package, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        let entry = PackageEntry(
            context: context, name: name ?? "", manager: r.choice("manager", as: Manager.self) ?? .dpkg,
            environment: r.path("environment", required: false), installed: r.bool("installed") ?? true,
            version: r.nonEmptyString("version"), held: r.bool("held"))
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return name == nil ? nil : entry
    }
}

extension Evaluation {
    func evaluate(_ entry: PackageEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        recorder.skip("installed", key: "name", "not checked yet")
        return recorder.results
    }
}
