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

    static func firstProblem(in text: String) -> Problem? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var line = 1
        var lineStart = 0
        var stack: [Unicode.Scalar] = []
        var expectingValue = false
        var onlyWhitespaceSoFar = true

        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
        func starts(_ literal: String) -> Bool {
            for (k, scalar) in literal.unicodeScalars.enumerated() where at(k) != scalar { return false }
            return true
        }
        func column() -> Int { index - lineStart + 1 }
        func isNameStart(_ c: Unicode.Scalar?) -> Bool {
            guard let c else { return false }
            return c == "\"" || c == "'" || c == "]" || c == "_" || c == "-"
                || (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)))
        }
        func newline() {
            line += 1
            lineStart = index + 1
            onlyWhitespaceSoFar = true
        }
        /// Skips a string starting at `index`, counting the lines it spans.
        func skipString() {
            let quote = scalars[index]
            let triple = at(1) == quote && at(2) == quote
            index += triple ? 3 : 1
            while index < scalars.count {
                let c = scalars[index]
                if c == "\\" && quote == "\"" { index += 2; continue }
                if c == "\n" {
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

        while index < scalars.count {
            let c = scalars[index]
            switch c {
            case "\n":
                newline()
                index += 1
                continue
            case " ", "\t", "\r":
                index += 1
                continue
            case "#":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            default:
                break
            }
            let wasLineStart = onlyWhitespaceSoFar
            onlyWhitespaceSoFar = false
            if stack.isEmpty && wasLineStart && c == "[" {
                let opening = at(1) == "[" ? 2 : 1
                var look = opening
                while at(look) == " " || at(look) == "\t" { look += 1 }
                if !isNameStart(at(look)) {
                    return Problem(
                        line: line, column: column() + look,
                        message: "expected a table name after '\(opening == 2 ? "[[" : "[")' (write [name] or [[name]])")
                }
                while index < scalars.count, scalars[index] != "\n" {
                    if scalars[index] == "\"" || scalars[index] == "'" { skipString(); continue }
                    if scalars[index] == "#" { break }
                    index += 1
                }
                continue
            }
            if expectingValue && c == "}" {
                return Problem(line: line, column: column(), message: "expected a value or ']' in the array, found '}'")
            }
            expectingValue = false
            switch c {
            case "\"", "'":
                skipString()
                continue
            case "[":
                stack.append("[")
                expectingValue = true
            case "{":
                stack.append("{")
            case "]", "}":
                if let top = stack.last, (top == "[" && c == "]") || (top == "{" && c == "}") { stack.removeLast() }
            case ",":
                expectingValue = stack.last == "["
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
