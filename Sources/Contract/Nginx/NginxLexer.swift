/// Splits nginx configuration text into tokens the way nginx does (`ngx_conf_read_token` in
/// src/core/ngx_conf_file.c, followed byte for byte), and reports the syntax errors nginx
/// reports, with its message and line:
///
/// - words are separated by space, tab, CR and LF only; `;` and `{` end a word, `}` ends one
///   only where a word would start (`alias /b}` is the word `/b}`);
/// - a word that starts with `"` or `'` runs to the matching quote, which must be followed by
///   whitespace, `;`, `{` or `)`;
/// - a backslash keeps the next character in the word; then, quoted or not, `\"`, `\'` and
///   `\\` lose their backslash and `\n`, `\t`, `\r` become LF, tab and CR (nginx's argument),
///   other pairs stay as written;
/// - `#` where a word would start begins a comment; `${` keeps its brace in the word;
/// - `}` or `;` or `{` with no directive before it, a directive not ended by `;` before `}` or
///   the end of the file, a block not closed, and a word longer than nginx's 4096-byte buffer
///   are errors.
///
/// Unlike nginx, which stops at the first error, the lexer carries on (a directive cut short
/// by `}` ends there; a word glued to a closing quote starts a new word), so the rest of the
/// file is still read. The bodies of `*_by_lua_block` directives are one opaque word, as
/// crossplane's Lua extension reads them.
struct NginxLexer {
    /// The `*_by_lua_block` directives whose `{ ... }` body is Lua, not configuration.
    static let luaBlocks: Set<String> = [
        "access_by_lua_block", "balancer_by_lua_block", "body_filter_by_lua_block", "content_by_lua_block",
        "header_filter_by_lua_block", "init_by_lua_block", "init_worker_by_lua_block", "log_by_lua_block",
        "rewrite_by_lua_block", "set_by_lua_block", "ssl_certificate_by_lua_block",
        "ssl_session_fetch_by_lua_block", "ssl_session_store_by_lua_block",
    ]

    /// nginx reads a file through a buffer of this many bytes (NGX_CONF_BUFFER); a word (or a
    /// comment) that does not fit is "too long parameter".
    static let bufferSize = 4096

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var output: [NginxToken] = []
    private var log: NginxProblemLog

    // ngx_conf_read_token's state, reset at every `;`, `{` and `}` as a new call of it would be.
    private var words = 0
    private var start = 0
    private var startLine = 1
    private var lastSpace = true
    private var needSpace = false
    private var escaped = false
    private var variable = false
    private var quote: UInt8? = nil
    private var comment: (start: Int, line: Int)? = nil
    private var depth = 0
    /// Whether "too long parameter" was reported for the word starting at `start`.
    private var tooLongReported = false

    init(path: String, text: String) {
        log = NginxProblemLog(path: path)
        var bytes = Array(text.utf8)
        // A byte-order mark (crossplane drops it; nginx would take it into the first word).
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
    }

    /// Every token, and the syntax errors.
    mutating func tokens() -> (tokens: [NginxToken], problems: NginxProblemLog) {
        scan()
        return (output, log)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

    private mutating func report(_ message: String, line: Int? = nil) {
        log.report(line: line ?? self.line, message)
    }

    /// A character as nginx's `%c` prints it.
    private static func shown(_ byte: UInt8) -> String {
        byte < 0x80 ? String(UnicodeScalar(byte)) : String(decoding: [byte], as: UTF8.self)
    }

    /// What a new call of ngx_conf_read_token starts with.
    private mutating func resetStatement() {
        words = 0
        lastSpace = true
        needSpace = false
        escaped = false
        variable = false
        quote = nil
        setStart(position)
    }

    private mutating func setStart(_ index: Int) {
        if index != start { tooLongReported = false }
        start = index
        startLine = line
    }

    private mutating func emit(_ text: String, line: Int, quoted: Bool = false) {
        output.append(NginxToken(text: text, line: line, quoted: quoted))
    }

    private mutating func scan() {
        while true {
            guard position < bytes.count else { return endOfFile() }
            if position - start >= Self.bufferSize, !tooLongReported { tooLong() }
            let byte = bytes[position]
            position += 1
            if byte == 0x0A {
                line += 1
                if let open = comment {
                    emit(String(decoding: bytes[open.start..<(position - 1)], as: UTF8.self), line: open.line)
                    comment = nil
                }
            }
            if comment != nil { continue }
            if escaped {
                escaped = false
                continue
            }
            var glued = false
            if needSpace {
                if Self.isSpace(byte) {
                    lastSpace = true
                    needSpace = false
                    continue
                }
                if byte == UInt8(ascii: ";") {
                    statementEnd()
                    continue
                }
                if byte == UInt8(ascii: "{") {
                    blockStart()
                    continue
                }
                if byte != UInt8(ascii: ")") {
                    // nginx stops here; carry on as if a space came first.
                    report("unexpected \"\(Self.shown(byte))\"")
                    glued = true
                }
                lastSpace = true
                needSpace = false
            }
            if lastSpace {
                setStart(position - 1)
                if Self.isSpace(byte) { continue }
                switch byte {
                case UInt8(ascii: ";"), UInt8(ascii: "{"):
                    if words == 0 { report("unexpected \"\(Self.shown(byte))\"") }
                    if byte == UInt8(ascii: "{") { blockStart() } else { statementEnd() }
                    continue
                case UInt8(ascii: "}"):
                    blockEnd(alreadyReported: glued)
                    continue
                case UInt8(ascii: "#"):
                    comment = (position - 1, line)
                    continue
                case UInt8(ascii: "\\"):
                    escaped = true
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    start += 1
                    quote = byte
                case UInt8(ascii: "$"):
                    variable = true
                default:
                    break
                }
                lastSpace = false
                continue
            }
            if byte == UInt8(ascii: "{") && variable { continue }
            variable = false
            if byte == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            if byte == UInt8(ascii: "$") {
                variable = true
                continue
            }
            let found: Bool
            if let open = quote {
                found = byte == open
                if found { needSpace = true }
            } else {
                found = Self.isSpace(byte) || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "{")
                if found { lastSpace = true }
            }
            guard found else { continue }
            let word = Self.argument(bytes[start..<(position - 1)])
            let quoted = quote != nil
            quote = nil
            emit(word, line: startLine, quoted: quoted)
            words += 1
            if words == 1, Self.luaBlocks.contains(word), byte != UInt8(ascii: ";") {
                lua(word, opened: byte == UInt8(ascii: "{"))
                continue
            }
            if byte == UInt8(ascii: ";") { statementEnd() }
            if byte == UInt8(ascii: "{") { blockStart() }
        }
    }

    private mutating func statementEnd() {
        emit(";", line: line)
        resetStatement()
    }

    private mutating func blockStart() {
        emit("{", line: line)
        depth += 1
        resetStatement()
    }

    /// `}` where a word would start: the end of a block, an error after a directive's words
    /// (its `;` is missing) and at the top of a file.
    private mutating func blockEnd(alreadyReported: Bool) {
        if words != 0 || depth == 0 {
            if !alreadyReported { report("unexpected \"}\"") }
        }
        if depth > 0 { depth -= 1 }
        emit("}", line: line)
        resetStatement()
    }

    private mutating func endOfFile() {
        if let open = comment {
            emit(String(decoding: bytes[open.start...], as: UTF8.self), line: open.line)
            comment = nil
        }
        if words > 0 || !lastSpace {
            var message = "unexpected end of file, expecting \";\" or \"}\""
            if let open = quote {
                message += " (the \(open == UInt8(ascii: "\"") ? "double" : "single") quote opened on line \(startLine) is not closed)"
                quote = nil
            } else if !lastSpace, !needSpace {
                emit(Self.argument(bytes[start...]), line: startLine)
            }
            report(message)
        } else if depth > 0 {
            report("unexpected end of file, expecting \"}\"")
        }
    }

    /// nginx's "too long parameter": the word (or comment) at `start` fills the whole buffer.
    private mutating func tooLong() {
        tooLongReported = true
        if let open = quote {
            report("too long parameter, probably missing terminating \"\(Self.shown(open))\" character", line: startLine)
        } else {
            let head = String(decoding: bytes[start..<(start + 10)], as: UTF8.self)
            report("too long parameter \"\(head)...\" started", line: startLine)
        }
    }

    /// A word as nginx copies it into its argument: `\"`, `\'` and `\\` lose the backslash,
    /// `\t`, `\r` and `\n` become tab, CR and LF, and other backslashes stay.
    static func argument(_ raw: ArraySlice<UInt8>) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            if raw[index] == UInt8(ascii: "\\"), index + 1 < raw.endIndex {
                switch raw[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"):
                    index += 1
                case UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "n"):
                    let escapes: [UInt8: UInt8] = [UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "n"): 0x0A]
                    result.append(escapes[raw[index + 1]]!)
                    index += 2
                    continue
                default:
                    break
                }
            }
            result.append(raw[index])
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    // MARK: - Lua blocks

    /// The next character, with the one after it when it is a backslash (crossplane reads Lua
    /// that way, so `\"` never ends a string).
    private mutating func nextUnit() -> ArraySlice<UInt8>? {
        guard position < bytes.count else { return nil }
        let first = position
        position += bytes[position] == UInt8(ascii: "\\") && position + 1 < bytes.count ? 2 : 1
        for byte in bytes[first..<position] where byte == 0x0A { line += 1 }
        return bytes[first..<position]
    }

    /// The body of a `*_by_lua_block` as one quoted word followed by `;` (as crossplane's Lua
    /// extension reads it: braces in strings and `--` comments do not count). `opened`: its
    /// `{` has been read already.
    private mutating func lua(_ directive: String, opened: Bool) {
        defer { resetStatement() }
        if !opened {
            if directive == "set_by_lua_block" {
                var argument: [UInt8] = []
                while true {
                    guard let unit = nextUnit() else { return report("unexpected end of file in \(directive)") }
                    if unit.count == 1, Self.isSpace(unit.first!) {
                        if argument.isEmpty { continue }
                        emit(String(decoding: argument, as: UTF8.self), line: line)
                        break
                    }
                    argument += unit
                }
            }
            var unit: ArraySlice<UInt8>
            repeat {
                guard let next = nextUnit() else { return report("expected { to start Lua block") }
                unit = next
            } while unit.count == 1 && Self.isSpace(unit.first!)
            guard unit == [UInt8(ascii: "{")] else { return report("expected { to start Lua block") }
        }
        var level = 1
        var body: [UInt8] = []
        while var unit = nextUnit() {
            if unit == [UInt8(ascii: "-")], position < bytes.count, bytes[position] == UInt8(ascii: "-") {
                // A `--` comment runs to the end of the line; braces in it do not count.
                body += unit
                while unit.last != 0x0A {
                    guard let more = nextUnit() else { return report("unexpected end of file in Lua block") }
                    if more.last != 0x0A { body += more }
                    unit = more
                }
            } else if unit == [UInt8(ascii: "{")] {
                level += 1
            } else if unit == [UInt8(ascii: "}")] {
                level -= 1
            } else if unit == [UInt8(ascii: "\"")] || unit == [UInt8(ascii: "'")] {
                body += unit
                let quote = unit
                repeat {
                    guard let more = nextUnit() else { return report("unexpected end of file in Lua string") }
                    unit = more
                    if unit != quote { body += unit }
                } while unit != quote
            }
            if level == 0 {
                emit(String(decoding: body, as: UTF8.self), line: line, quoted: true)
                emit(";", line: line)
                return
            }
            body += unit
        }
        report("unexpected end of file in Lua block")
    }
}
