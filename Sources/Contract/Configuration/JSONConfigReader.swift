/// Reads JSON (RFC 8259) into a ``ConfigNode`` tree with the line of every value. Strict as the
/// RFC: no comments, no trailing commas, no NaN or Infinity; a byte order mark is ignored; a
/// key given twice keeps its last value (as Python's json module does); nesting deeper than
/// ``maximumDepth`` is refused rather than followed. Errors describe, never quote, the text.
public enum JSONConfigReader {
    public static let maximumDepth = 128

    public static func read(_ text: String) -> Result<ConfigNode, ConfigSyntaxError> {
        var scanner = Scanner(bytes: Array(text.utf8))
        do {
            if scanner.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.index = 3 }
            scanner.skipWhitespace()
            let node = try scanner.value(depth: 0)
            scanner.skipWhitespace()
            if scanner.index < scanner.bytes.count { throw scanner.error("unexpected text after the top-level value") }
            return .success(node)
        } catch let error as ConfigSyntaxError {
            return .failure(error)
        } catch {
            return .failure(ConfigSyntaxError(line: scanner.line, message: "\(error)"))
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func error(_ message: String) -> ConfigSyntaxError { ConfigSyntaxError(line: line, message: message) }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                if byte == 0x0A { line += 1 }
                index += 1
            }
        }

        mutating func value(depth: Int) throws -> ConfigNode {
            guard let byte = current else { throw error("unexpected end of the file: expected a value") }
            let start = line
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return ConfigNode(.string(try string()), line: start)
            case UInt8(ascii: "t"): try word("true"); return ConfigNode(.boolean(true), line: start)
            case UInt8(ascii: "f"): try word("false"); return ConfigNode(.boolean(false), line: start)
            case UInt8(ascii: "n"): try word("null"); return ConfigNode(.null, line: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("expected a value (an object, array, string, number, true, false or null)")
            }
        }

        mutating func word(_ literal: String) throws {
            let expected = Array(literal.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw error("expected a value (an object, array, string, number, true, false or null)")
            }
            index += expected.count
        }

        mutating func object(depth: Int) throws -> ConfigNode {
            guard depth <= JSONConfigReader.maximumDepth else {
                throw error("objects and arrays nest deeper than \(JSONConfigReader.maximumDepth) levels")
            }
            let start = line
            index += 1
            var members: [ConfigNode.Member] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return ConfigNode(.table([]), line: start)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else {
                    throw error(current == nil ? "unexpected end of the file inside an object" : "expected a quoted key in the object")
                }
                let key = try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
                index += 1
                skipWhitespace()
                let node = try value(depth: depth)
                members.removeAll { $0.key == key }
                members.append(ConfigNode.Member(key: key, node: node))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return ConfigNode(.table(members), line: start)
                case nil: throw error("unexpected end of the file inside an object")
                default: throw error("expected ',' or '}' after a member of the object")
                }
            }
        }

        mutating func array(depth: Int) throws -> ConfigNode {
            guard depth <= JSONConfigReader.maximumDepth else {
                throw error("objects and arrays nest deeper than \(JSONConfigReader.maximumDepth) levels")
            }
            let start = line
            index += 1
            var elements: [ConfigNode] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return ConfigNode(.array([]), line: start)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return ConfigNode(.array(elements), line: start)
                case nil: throw error("unexpected end of the file inside an array")
                default: throw error("expected ',' or ']' after an element of the array")
                }
            }
        }

        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }

        mutating func number() throws -> ConfigNode {
            let start = index
            var isInteger = true
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
                if isDigit(current) { throw error("a number must not have a leading zero") }
            } else if isDigit(current) {
                while isDigit(current) { index += 1 }
            } else {
                throw error("expected a digit in the number")
            }
            if current == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard isDigit(current) else { throw error("expected a digit after the decimal point") }
                while isDigit(current) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard isDigit(current) else { throw error("expected a digit in the exponent") }
                while isDigit(current) { index += 1 }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return ConfigNode(isInteger ? .integer(text) : .float(text), line: line)
        }

        mutating func hexQuad() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hexadecimal digits") }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw error("a \\u escape needs four hexadecimal digits")
                }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
        }

        /// A string starting at the opening quote; a lone surrogate becomes U+FFFD.
        mutating func string() throws -> String {
            index += 1
            var buffer: [UInt8] = []
            while true {
                guard let byte = current else { throw error("unexpected end of the file inside a string") }
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(decoding: buffer, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escaped = current else { throw error("unexpected end of the file inside a string") }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escaped)
                    case UInt8(ascii: "b"): buffer.append(0x08)
                    case UInt8(ascii: "f"): buffer.append(0x0C)
                    case UInt8(ascii: "n"): buffer.append(0x0A)
                    case UInt8(ascii: "r"): buffer.append(0x0D)
                    case UInt8(ascii: "t"): buffer.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hexQuad()
                        if (0xD800...0xDBFF).contains(code), bytes[index...].starts(with: [0x5C, 0x75]) {
                            let mark = index
                            index += 2
                            let low = try hexQuad()
                            if (0xDC00...0xDFFF).contains(low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = mark
                            }
                        }
                        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                        buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default:
                        throw error("invalid escape in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                    }
                case 0x00..<0x20:
                    throw error(byte == 0x0A ? "a string runs past the end of its line" : "a control character in a string must be escaped")
                default:
                    buffer.append(byte)
                    index += 1
                }
            }
        }
    }
}
