/// dpkg's order of versions (lib/dpkg/version.c): the epoch numerically, then the upstream
/// part, then the revision, each compared by verrevcmp. verrevcmp walks both strings in
/// alternating runs: a run of non-digits compared character by character, where `~` sorts
/// before everything (even the end of the string, so `1.0~rc1` < `1.0`), letters before
/// every other character, and the end of the string before any letter; then a run of digits
/// compared as a number (leading zeros mean nothing, an absent run is 0).
extension DebianVersion {
    public static func < (left: DebianVersion, right: DebianVersion) -> Bool {
        compare(left, right) < 0
    }

    public static func == (left: DebianVersion, right: DebianVersion) -> Bool {
        compare(left, right) == 0
    }

    /// Hashes the form in which every version dpkg orders equal is the same.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        hasher.combine(Self.orderKey(upstream))
        hasher.combine(Self.orderKey(revision))
    }

    /// Negative, zero or positive as dpkg_version_compare returns it.
    public static func compare(_ left: DebianVersion, _ right: DebianVersion) -> Int {
        if left.epoch != right.epoch { return left.epoch < right.epoch ? -1 : 1 }
        let upstream = compareParts(Array(left.upstream.utf8), Array(right.upstream.utf8))
        if upstream != 0 { return upstream }
        return compareParts(Array(left.revision.utf8), Array(right.revision.utf8))
    }

    /// verrevcmp, with the end of a string read as the C string's NUL.
    static func compareParts(_ a: [UInt8], _ b: [UInt8]) -> Int {
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        var i = 0, j = 0
        func at(_ bytes: [UInt8], _ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }
        while i < a.count || j < b.count {
            var firstDifference = 0
            while (i < a.count && !isDigit(a[i])) || (j < b.count && !isDigit(b[j])) {
                let left = order(at(a, i)), right = order(at(b, j))
                if left != right { return left - right }
                i += 1
                j += 1
            }
            while at(a, i) == UInt8(ascii: "0") { i += 1 }
            while at(b, j) == UInt8(ascii: "0") { j += 1 }
            while isDigit(at(a, i)) && isDigit(at(b, j)) {
                if firstDifference == 0 { firstDifference = Int(a[i]) - Int(b[j]) }
                i += 1
                j += 1
            }
            if isDigit(at(a, i)) { return 1 }
            if isDigit(at(b, j)) { return -1 }
            if firstDifference != 0 { return firstDifference }
        }
        return 0
    }

    /// A character's weight in a non-digit run. dpkg reads it as a signed char, so a byte above
    /// 127 (only in versions dpkg warns about) weighs what that negative number plus 256 is.
    private static func order(_ byte: UInt8) -> Int {
        switch byte {
        case 0x30...0x39, 0: 0
        case 0x41...0x5A, 0x61...0x7A: Int(byte)
        case UInt8(ascii: "~"): -1
        case 0x80...: Int(Int8(bitPattern: byte)) + 256
        default: Int(byte) + 256
        }
    }

    /// The runs of a part as verrevcmp sees them: non-digit runs as they are, digit runs without
    /// leading zeros, and a last digit run of value 0 left out, as verrevcmp reads it as the end
    /// (`1.0` = `1.0-0`, `a` = `a0`, but `0a` differs from `a`).
    private static func orderKey(_ part: String) -> [UInt8] {
        var runs: [(digits: Bool, bytes: [UInt8])] = []
        for byte in part.utf8 {
            let digit = (0x30...0x39).contains(byte)
            if runs.last?.digits != digit { runs.append((digit, [])) }
            if digit, runs[runs.count - 1].bytes.isEmpty, byte == UInt8(ascii: "0") { continue }
            runs[runs.count - 1].bytes.append(byte)
        }
        if let last = runs.last, last.digits, last.bytes.isEmpty { runs.removeLast() }
        // 0xFD, 0xFE and 0xFF never occur in UTF-8: they mark each run's kind and end.
        return runs.flatMap { [$0.digits ? 0xFE : 0xFD] + $0.bytes + [0xFF] }
    }
}
