/// How old a path may be (`max_age = "26h"`): a whole number of seconds, minutes, hours or days.
public struct AgeLimit: Sendable, Hashable, CustomStringConvertible {
    public let seconds: Int64
    /// As the contract writes it ("26h").
    public let description: String

    static let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]

    /// Nil unless `text` is digits then one of s, m, h, d, and more than nothing (at most 100 years).
    public init?(_ text: String) {
        guard let unit = text.last.flatMap({ Self.units[$0] }), text.count >= 2,
            text.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Int64(text.dropLast()), amount > 0, amount <= 36_500 * 86400 / unit
        else { return nil }
        seconds = amount * unit
        description = text
    }

    /// An age as people read it, in its largest unit and the next: "1d 6h", "26m 5s", "45s".
    public static func describe(_ seconds: Int64) -> String {
        let sizes: [(String, Int64)] = [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
        let seconds = max(0, seconds)
        let index = sizes.firstIndex { seconds >= $0.1 } ?? sizes.count - 1
        let text = "\(seconds / sizes[index].1)\(sizes[index].0)"
        let next = index + 1 < sizes.count ? seconds % sizes[index].1 / sizes[index + 1].1 : 0
        return next > 0 ? text + " \(next)\(sizes[index + 1].0)" : text
    }
}
