/// A non-negative whole number of any length, kept as its decimal digits without leading zeros
/// ("0" for zero), as Python's int holds a version's numbers: `1.99999999999999999999` is a
/// valid PEP 440 version, and no fixed-width integer would order it right.
struct Numeral: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The digits, no leading zero except in "0".
    private(set) var digits: String

    static let zero = Numeral(digits: "0")

    private init(digits: String) { self.digits = digits }

    /// Reads ASCII digits; nil when `text` is empty or holds anything else.
    init?<Text: StringProtocol>(_ text: Text) {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let significant = text.drop { $0 == "0" }
        digits = significant.isEmpty ? "0" : String(significant)
    }

    init(_ value: Int) { digits = String(value) }

    var isZero: Bool { digits == "0" }

    var description: String { digits }

    /// The next number: 9 -> 10, 199 -> 200.
    var successor: Numeral {
        var bytes = Array(digits.utf8)
        var index = bytes.count - 1
        while index >= 0 {
            if bytes[index] == UInt8(ascii: "9") {
                bytes[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                bytes[index] += 1
                return Numeral(digits: String(decoding: bytes, as: UTF8.self))
            }
        }
        return Numeral(digits: "1" + String(decoding: bytes, as: UTF8.self))
    }

    /// Without leading zeros a longer number is larger; of equal lengths the digits decide.
    static func < (left: Numeral, right: Numeral) -> Bool {
        let a = left.digits.utf8, b = right.digits.utf8
        if a.count != b.count { return a.count < b.count }
        return a.lexicographicallyPrecedes(b)
    }
}
