/// Finds the malformed TOML that toml++ (the parser under TOMLKit) meets with an assertion
/// instead of an error: a table header with no name after its brackets (`[[` alone), and `}`
/// where an array expects a value (`a = [ }`). Under NDEBUG those assertions become assumptions
/// the compiler may rely on, so such text must never reach it. Everything else is left to toml++.
enum SyntaxGuard {
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// Reads the UTF-8 bytes: every character it looks for is ASCII, and no byte of a longer
    /// character is ASCII. Columns count Unicode bytes, as before, and are counted only for
    /// the problem found.
    static func firstProblem(in text: String) -> Problem? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            return scanner.firstProblem()
        }
    }

    /// The scan's position in the contract's bytes. A struct with methods, where functions
    /// nested in ``SyntaxGuard/firstProblem(in:)`` would box every variable they share.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var line = 1
        var lineStart = 0
        var onlyWhitespaceSoFar = true

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func column() -> Int { String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<index]), as: UTF8.self).unicodeScalars.count + 1 }
        static func isNameStart(_ c: UInt8?) -> Bool {
            guard let c else { return false }
            return c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "]") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
                || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
        }
        mutating func newline() {
            line += 1
            lineStart = index + 1
            onlyWhitespaceSoFar = true
        }
        /// Skips a string starting at `index`, counting the lines it spans.
        mutating func skipString() {
            let quote = bytes[index]
            let triple = at(1) == quote && at(2) == quote
            index += triple ? 3 : 1
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { index += 2; continue }
                if c == UInt8(ascii: "\n") {
                    if !triple { return }
                    newline()
                } else if c == quote && (!triple || (at(1) == quote && at(2) == quote)) {
                    index += triple ? 3 : 1
                    // A closing run of up to two extra quotes belongs to the string.
                    while triple, at(0) == quote { index += 1 }
                    return
                }
                index += 1
            }
        }

        mutating func firstProblem() -> Problem? {
            var stack: [UInt8] = []
            var expectingValue = false
            while index < bytes.count {
                let c = bytes[index]
                switch c {
                case UInt8(ascii: "\n"):
                    newline()
                    index += 1
                    continue
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    index += 1
                    continue
                case UInt8(ascii: "#"):
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                    continue
                default:
                    break
                }
                let wasLineStart = onlyWhitespaceSoFar
                onlyWhitespaceSoFar = false
                if stack.isEmpty && wasLineStart && c == UInt8(ascii: "[") {
                    let opening = at(1) == UInt8(ascii: "[") ? 2 : 1
                    var look = opening
                    while at(look) == UInt8(ascii: " ") || at(look) == UInt8(ascii: "\t") { look += 1 }
                    if !Self.isNameStart(at(look)) {
                        return Problem(
                            line: line, column: column() + look,
                            message: "expected a table name after '\(opening == 2 ? "[[" : "[")' (write [name] or [[name]])")
                    }
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
                        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") { skipString(); continue }
                        if bytes[index] == UInt8(ascii: "#") { break }
                        index += 1
                    }
                    continue
                }
                if expectingValue && c == UInt8(ascii: "}") {
                    return Problem(line: line, column: column(), message: "expected a value or ']' in the array, found '}'")
                }
                expectingValue = false
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    skipString()
                    continue
                case UInt8(ascii: "["):
                    stack.append(UInt8(ascii: "["))
                    expectingValue = true
                case UInt8(ascii: "{"):
                    stack.append(UInt8(ascii: "{"))
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if let top = stack.last, (top == UInt8(ascii: "[") && c == UInt8(ascii: "]")) || (top == UInt8(ascii: "{") && c == UInt8(ascii: "}")) { stack.removeLast() }
                case UInt8(ascii: ","):
                    expectingValue = stack.last == UInt8(ascii: "[")
                default:
                    break
                }
                index += 1
            }
            return nil
        }
    }
}
