/// A file name as bytes from the kernel, which need be neither UTF-8 nor printable.
public enum FileName {
    /// The name as text that is safe on a terminal and in every report format: a name that is
    /// valid UTF-8 without control characters, non-characters or backslashes stays as it is;
    /// otherwise each byte that is not part of a printable character is written `\xHH`, and a
    /// backslash `\\`, so the form is unambiguous (as `ls -b` and systemd's cescape do).
    public static func printable(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self),
            !text.unicodeScalars.contains(where: { needsEscape($0) || $0 == "\\" })
        {
            return text
        }
        var result = ""
        var index = 0
        while index < bytes.count {
            let length = sequenceLength(bytes, at: index)
            if length > 0, let text = String(validating: bytes[index..<index + length], as: UTF8.self),
                let scalar = text.unicodeScalars.first, !needsEscape(scalar)
            {
                result += scalar == "\\" ? "\\\\" : text
                index += length
            } else {
                result += "\\x" + String(bytes[index], radix: 16, uppercase: false).leftPadded(to: 2)
                index += 1
            }
        }
        return result
    }

    /// Control characters (C0, DEL, C1) and Unicode non-characters (U+FDD0-U+FDEF, U+xFFFE,
    /// U+xFFFF), which XML 1.0 and terminals cannot take as they are.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE
    }

    /// The length of the UTF-8 sequence its first byte announces (0: not a first byte).
    static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length = first < 0x80 ? 1 : first >> 5 == 0b110 ? 2 : first >> 4 == 0b1110 ? 3 : first >> 3 == 0b11110 ? 4 : 0
        return index + length <= bytes.count ? length : 0
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
