extension EntryKind {
    /// The kind a misspelt name most likely meant (`directroy` -> `directory`), if one is close enough.
    public static func suggestion(for name: String) -> EntryKind? {
        closest(to: name, in: allCases.map(\.rawValue)).flatMap(EntryKind.init(rawValue:))
    }
}
