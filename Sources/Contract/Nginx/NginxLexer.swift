/// Splits nginx configuration text into tokens the way crossplane's lexer does (and, for every
/// configuration nginx accepts, the way nginx does): whitespace separates words; `{`, `}` and
/// `;` are tokens of their own; `#` at the start of a word begins a comment; a backslash keeps
/// the next character with it; single or double quotes make one word, in which only an escaped
/// quote loses its backslash; `${name}` stays one word; the bodies of `*_by_lua_block`
/// directives are one opaque word.
///
/// Known difference from nginx, kept to agree with crossplane: after an unquoted `${name}` the
/// following whitespace stays part of the word.
struct NginxLexer {
    /// The `*_by_lua_block` directives whose `{ ... }` body is Lua, not configuration.
    static let luaBlocks: Set<String> = [
        "access_by_lua_block", "balancer_by_lua_block", "body_filter_by_lua_block", "content_by_lua_block",
        "header_filter_by_lua_block", "init_by_lua_block", "init_worker_by_lua_block", "log_by_lua_block",
        "rewrite_by_lua_block", "set_by_lua_block", "ssl_certificate_by_lua_block",
        "ssl_session_fetch_by_lua_block", "ssl_session_store_by_lua_block",
    ]

    struct SyntaxError: Error, Equatable {
        var message: String
        var line: Int
    }

    /// A character with the line it is counted on; a backslash and the character after it are one unit.
    private struct Unit {
        var text: String
        var line: Int
        var isSpace: Bool {
            let scalars = text.unicodeScalars
            return scalars.count == 1 && scalars.first!.properties.isWhitespace
        }
    }

    private var units: [Unit] = []
    private var position = 0

    init(text: String) {
        // Code points, as crossplane (Python) reads them: "\r\n" is two.
        var line = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        while index < scalars.count {
            var unit = String.UnicodeScalarView()
            unit.append(scalars[index])
            if scalars[index] == "\\", index + 1 < scalars.count {
                unit.append(scalars[index + 1])
                index += 1
            }
            index += 1
            if unit.last == "\n" { line += 1 }
            units.append(Unit(text: String(unit), line: line))
        }
    }

    private mutating func next() -> Unit? {
        guard position < units.count else { return nil }
        defer { position += 1 }
        return units[position]
    }

    /// Every token up to the first syntax error (an unterminated quote or Lua block), and that error.
    mutating func tokens() -> (tokens: [NginxToken], error: SyntaxError?) {
        var read: [NginxToken] = []
        switch scan(into: &read) {
        case .success(let tokens): return (tokens, nil)
        case .failure(let error): return (read, error)
        }
    }

    private mutating func scan(into tokens: inout [NginxToken]) -> Result<[NginxToken], SyntaxError> {
        var token = ""
        var tokenLine = 0
        var nextIsDirective = true

        func emitWord() -> Bool {
            tokens.append(NginxToken(text: token, line: tokenLine, quoted: false))
            let wasDirective = nextIsDirective
            token = ""
            return wasDirective
        }

        while var unit = next() {
            if unit.isSpace {
                if !token.isEmpty {
                    let directive = token
                    if emitWord() && Self.luaBlocks.contains(directive) {
                        switch lua(directive) {
                        case .success(let body): tokens += body
                        case .failure(let error): return .failure(error)
                        }
                        nextIsDirective = true
                    } else {
                        nextIsDirective = false
                    }
                }
                while unit.isSpace {
                    guard let following = next() else { return .success(tokens) }
                    unit = following
                }
            }
            if token.isEmpty && unit.text == "#" {
                var comment = ""
                let line = unit.line
                var current: Unit? = unit
                while let part = current, part.text.unicodeScalars.last != "\n" {
                    comment += part.text
                    current = next()
                }
                tokens.append(NginxToken(text: comment, line: line, quoted: false))
                continue
            }
            if token.isEmpty { tokenLine = unit.line }
            // `${name}`: the brace belongs to the word.
            if token.hasSuffix("$") && unit.text == "{" {
                nextIsDirective = false
                while !token.hasSuffix("}") && !unit.isSpace {
                    token += unit.text
                    guard let following = next() else { return .success(tokens) }
                    unit = following
                }
            }
            if unit.text == "\"" || unit.text == "'" {
                if !token.isEmpty {
                    token += unit.text
                    continue
                }
                let quote = unit.text
                let openedOn = unit.line
                var body = ""
                while true {
                    guard let part = next() else {
                        return .failure(SyntaxError(message: "unexpected end of file, expecting closing \(quote)", line: openedOn))
                    }
                    if part.text == quote { break }
                    body += part.text == "\\" + quote ? quote : part.text
                }
                tokens.append(NginxToken(text: body, line: tokenLine, quoted: true))
                if nextIsDirective && Self.luaBlocks.contains(body) {
                    switch lua(body) {
                    case .success(let lua): tokens += lua
                    case .failure(let error): return .failure(error)
                    }
                    nextIsDirective = true
                } else {
                    nextIsDirective = false
                }
                continue
            }
            if unit.text == "{" || unit.text == "}" || unit.text == ";" {
                if !token.isEmpty { _ = emitWord() }
                tokens.append(NginxToken(text: unit.text, line: unit.line, quoted: false))
                nextIsDirective = true
                continue
            }
            token += unit.text
        }
        if !token.isEmpty { _ = emitWord() }
        return .success(tokens)
    }

    /// The body of a `*_by_lua_block` as one quoted word followed by `;` (as crossplane's Lua
    /// extension reads it: braces in strings and `--` comments do not count).
    private mutating func lua(_ directive: String) -> Result<[NginxToken], SyntaxError> {
        var tokens: [NginxToken] = []
        var unit: Unit
        if directive == "set_by_lua_block" {
            var argument = ""
            while true {
                guard let part = next() else { return .failure(SyntaxError(message: "unexpected end of file in \(directive)", line: units.last?.line ?? 1)) }
                if part.isSpace {
                    if !argument.isEmpty {
                        tokens.append(NginxToken(text: argument, line: part.line, quoted: false))
                        break
                    }
                    continue
                }
                argument += part.text
            }
        }
        repeat {
            guard let part = next() else { return .failure(SyntaxError(message: "expected { to start Lua block", line: units.last?.line ?? 1)) }
            unit = part
        } while unit.isSpace
        guard unit.text == "{" else { return .failure(SyntaxError(message: "expected { to start Lua block", line: unit.line)) }
        var depth = 1
        var body = ""
        while let part = next() {
            var current = part
            if current.text == "-" {
                if let following = next() {
                    if following.text == "-" {
                        body += "-"
                        current = following
                        while current.text.unicodeScalars.last != "\n" {
                            body += current.text
                            guard let more = next() else { return .failure(SyntaxError(message: "unexpected end of file in Lua block", line: current.line)) }
                            current = more
                        }
                    } else {
                        position -= 1
                    }
                }
            } else if current.text == "{" {
                depth += 1
            } else if current.text == "}" {
                depth -= 1
            } else if current.text == "\"" || current.text == "'" {
                let quote = current.text
                body += quote
                guard var inner = next() else { break }
                while inner.text != quote {
                    body += inner.text
                    guard let more = next() else { return .failure(SyntaxError(message: "unexpected end of file in Lua string", line: inner.line)) }
                    inner = more
                }
                current = inner
            }
            if depth == 0 {
                tokens.append(NginxToken(text: body, line: current.line, quoted: true))
                tokens.append(NginxToken(text: ";", line: current.line, quoted: false))
                return .success(tokens)
            }
            body += current.text
        }
        return .failure(SyntaxError(message: "unexpected end of file in Lua block", line: units.last?.line ?? 1))
    }
}
