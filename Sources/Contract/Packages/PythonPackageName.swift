/// A Python distribution's name, compared as pip compares names: by its PEP 503 normalised
/// form (lower case, every run of `-`, `_` and `.` one `-`), so `Torch` is `torch` and
/// `python_dateutil` is `python-dateutil` (packaging.utils.canonicalize_name).
public struct PythonPackageName: Sendable, Hashable, CustomStringConvertible {
    /// As written.
    public let text: String
    /// `python-dateutil`.
    public let normalized: String

    public init(_ text: String) {
        self.text = text
        var normalized = String.UnicodeScalarView()
        var lastWasSeparator = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar == "-" || scalar == "_" || scalar == "." {
                if !lastWasSeparator { normalized.append("-") }
                lastWasSeparator = true
            } else {
                normalized.append(scalar)
                lastWasSeparator = false
            }
        }
        self.normalized = String(normalized)
    }

    /// The name part of a `.dist-info` directory (`python_dateutil-2.8.2.dist-info`), up to
    /// the first `-`, as importlib.metadata finds a distribution by its directory; nil for any
    /// other name. The directory's METADATA, not its name, is what a check should trust.
    public init?(distributionInfoDirectory directory: String) {
        let suffix = ".dist-info"
        guard directory.lowercased().hasSuffix(suffix), directory.count > suffix.count else { return nil }
        let stem = directory.dropLast(suffix.count)
        self.init(String(stem.prefix { $0 != "-" }))
    }

    /// Whether the name is one the core metadata specification allows: ASCII letters and
    /// digits, with `.`, `_` and `-` inside but not at either end.
    public var isValid: Bool {
        let bytes = Array(text.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    public var description: String { text }

    public static func == (left: PythonPackageName, right: PythonPackageName) -> Bool { left.normalized == right.normalized }
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }
}
