/// Writing text as TOML 1.0 basic strings, for contracts written by a program (`capture`).
public enum TOMLString {
    /// `text` as a TOML basic string with its quotes: `"`, `\` and every control character
    /// (U+0000-U+001F and U+007F, which TOML does not allow unescaped) are escaped, the common
    /// ones in their short form (`\n`, `\t`, ...), the rest as `\uXXXX`. Any other Unicode
    /// scalar stays as it is; a Swift string holds only valid scalars, so the result is UTF-8.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A TOML array of basic strings on one line.
    public static func array(_ items: [String]) -> String {
        "[" + items.map(quoted).joined(separator: ", ") + "]"
    }
}
