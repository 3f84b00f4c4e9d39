/// Text with position markers (`1️⃣`, `2️⃣`, ...) that tests place where a diagnostic must point,
/// as swift-format's test support does. The markers are removed from `text`.
public struct MarkedText {
    public let text: String
    /// The 1-based line of each marker.
    public let lines: [String: Int]

    public static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

    public init(_ marked: String) {
        var lines: [String: Int] = [:]
        var output: [String] = []
        for (index, line) in marked.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var clean = String(line)
            for marker in Self.markers where clean.contains(marker) {
                lines[marker] = index + 1
                clean = clean.replacing(marker, with: "")
            }
            output.append(clean)
        }
        self.text = output.joined(separator: "\n")
        self.lines = lines
    }

    public subscript(_ marker: String) -> Int { lines[marker] ?? -1 }
}
