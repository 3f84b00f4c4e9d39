/// `[[unit]]`: a systemd unit as systemd finds it (search path, drop-ins, masking) under the
/// root, whether it is enabled, the values of its merged settings, and how it agrees with the
/// rest of the contract.
public struct UnitEntry: Sendable, Hashable {
    public var context: EntryContext
    public var name: String
    public var exists: Bool
    public var enabled: Bool?
}

extension UnitEntry {
    static let keys = ["name", "exists", "enabled", "properties"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> UnitEntry? {
        let context = r.context(kind: .unit, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        let entry = UnitEntry(context: context, name: name ?? "", exists: r.bool("exists") ?? true, enabled: r.bool("enabled"))
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return name == nil ? nil : entry
    }
}

extension Evaluation {
    func evaluate(_ entry: UnitEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        recorder.skip("exists", key: "name", "not checked yet")
        return recorder.results
    }
}
