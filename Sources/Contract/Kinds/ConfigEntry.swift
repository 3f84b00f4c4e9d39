/// `[[config]]`: one value inside a structured configuration file (TOML, JSON, INI), addressed
/// by its key path, with the value rules of `[[variable]]`.
public struct ConfigEntry: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case toml, json, ini
    }

    public var context: EntryContext
    public var path: Template
    /// The file's format; nil: from the file name's extension.
    public var format: Format?
    /// The key path, one element per level (`["sources", "aria", "host"]`).
    public var key: [String]
}

extension ConfigEntry {
    static let keys = ["path", "format", "key"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> ConfigEntry? {
        let context = r.context(kind: .config, ordinal: ordinal)
        let path = r.path()
        let key = r.nonEmptyString("key", required: true)
        let entry = ConfigEntry(
            context: context, path: path ?? Template(literal: "/"), format: r.choice("format", as: Format.self),
            key: key.map { $0.split(separator: ".").map(String.init) } ?? [])
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return path == nil || key == nil ? nil : entry
    }
}

extension Evaluation {
    func evaluate(_ entry: ConfigEntry) -> [CheckResult] {
        var (_, recorder) = start(entry.context, path: entry.path)
        recorder.skip("value", key: "key", "not checked yet")
        return recorder.results
    }
}
