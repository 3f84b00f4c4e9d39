/// Substring search on UTF-8 bytes.
///
/// The standard library's `contains(_:)` for strings (from _StringProcessing) builds a
/// Character table for every call, and Foundation's, which TOMLKit's import once made visible
/// here, bridges to NSString: either made redaction alone most of a `gate`'s time. A contract's
/// texts are compared as their bytes, so this is the search every module of the package uses
/// for `String.contains(String)`. As Foundation's did, an empty text is contained nowhere.
extension StringProtocol {
    @inlinable
    public func contains(_ other: String) -> Bool {
        guard !other.isEmpty else { return false }
        var other = other
        var text = String(self)
        return text.withUTF8 { haystack in
            other.withUTF8 { needle in UTF8Search.contains(haystack, needle) }
        }
    }
}

public enum UTF8Search {
    /// Whether `needle` (not empty) occurs in `haystack`: a scan for the first byte, then a
    /// comparison of the rest.
    @inlinable
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        let last = haystack.count - needle.count
        var index = 0
        while index <= last {
            if haystack[index] == first {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
