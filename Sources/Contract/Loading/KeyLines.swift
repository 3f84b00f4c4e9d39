/// The first line of each key of one section of a contract (``SourceMap/Section/keys``,
/// ``EntryContext/keyLines``). A section has a handful of keys: they are searched, not hashed,
/// and the sections of one ``SourceMap`` share one list, so a section costs no table of its own.
public struct KeyLines: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    struct Entry: Sendable, Hashable {
        var name: String
        var line: Int
    }

    /// Each key once, with its first line.
    private let entries: ArraySlice<Entry>

    public init() { entries = [] }

    /// A key given twice keeps its first line.
    public init(dictionaryLiteral elements: (String, Int)...) {
        var list: [Entry] = []
        for (name, line) in elements where !list.contains(where: { $0.name == name }) {
            list.append(Entry(name: name, line: line))
        }
        entries = list[...]
    }

    /// `entries`, which name each key once.
    init(_ entries: ArraySlice<Entry>) { self.entries = entries }

    public subscript(key: String) -> Int? {
        // Most keys differ in length, which a native string knows without a comparison.
        let length = key.utf8.count
        for entry in entries where entry.name.utf8.count == length && entry.name == key { return entry.line }
        return nil
    }

    public var count: Int { entries.count }

    /// The same keys at the same lines, in any order.
    public static func == (lhs: KeyLines, rhs: KeyLines) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.name] == $0.line }
    }

    public func hash(into hasher: inout Hasher) {
        // Independent of order, as ==.
        hasher.combine(entries.reduce(0) { $0 ^ $1.hashValue })
    }
}
