/// Text in Debian's control-file format (deb822) as dpkg reads its database
/// (lib/dpkg/parse.c, parse_stanza): stanzas separated by empty lines, each a list of
/// `Name: value` fields. A line starting with white space continues the value above; a line of
/// only white space inside a stanza is part of the value too (dpkg warns). Field names are
/// matched without regard to case. Spaces after the colon and white space at the end of a value
/// are dropped.
///
/// Reading is one pass, linear in the text, and never stops: what dpkg would refuse becomes a
/// problem with its line, and the stanzas around it are still read. Only the fields asked for
/// are kept, so a status file's descriptions and conffile lists cost no memory.
public struct DebianControlFile: Sendable {
    public struct Field: Sendable, Hashable {
        /// As written.
        public let name: String
        /// The name in lower case, as fields are matched.
        let key: String
        /// Continuation lines joined with "\n", as written after the first line's value.
        public let value: String
        /// The line of the field's name.
        public let line: Int
    }

    public struct Stanza: Sendable, Hashable {
        /// The kept fields, in order.
        public let fields: [Field]
        /// The stanza's first line.
        public let line: Int

        /// The first field named `name` (any case).
        public func field(_ name: String) -> Field? {
            let wanted = name.lowercased()
            return fields.first { $0.key == wanted }
        }
    }

    public let stanzas: [Stanza]
    /// Problems of the format; not capped (``DpkgStatus`` caps what it reports).
    public let problems: [PackageDataProblem]

    /// Reads `text`, keeping the fields named in `keeping` (lowercase), or every field when nil.
    public init(text: String, keeping: Set<String>? = nil) {
        var stanzas: [Stanza] = []
        var problems: [PackageDataProblem] = []
        var fields: [Field] = []
        var stanzaLine = 0
        var seen: Set<String> = []
        // The field being read: its name, lowercased name, line, value so far, and whether it is kept.
        var current: (name: String, key: String, line: Int, value: String, kept: Bool)?
        var blankContinuation = false

        func finishField() {
            guard let field = current else { return }
            current = nil
            guard field.kept else { return }
            var value = field.value
            while let last = value.utf8.last, Self.isSpace(last) { value.removeLast() }
            fields.append(Field(name: field.name, key: field.key, value: value, line: field.line))
        }
        func finishStanza() {
            finishField()
            if stanzaLine > 0 { stanzas.append(Stanza(fields: fields, line: stanzaLine)) }
            fields = []
            seen = []
            stanzaLine = 0
        }

        var lineNumber = 0
        var carriageReturnSeen = false
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            func string(_ start: Int, _ end: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
            }
            func lowercased(_ start: Int, _ end: Int) -> String {
                String(decoding: buffer[start..<end].map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
            }
            // Each line, the piece after a final newline (empty) included, as split would give them.
            var start = 0
            while start <= buffer.count {
                var end = start
                while end < buffer.count, buffer[end] != 0x0A { end += 1 }
                defer { start = end + 1 }
                lineNumber += 1
                if !carriageReturnSeen, end > start, buffer[end - 1] == 0x0D {
                    carriageReturnSeen = true
                    problems.append(PackageDataProblem(
                        line: lineNumber,
                        message: "line ends with a carriage return (CRLF line endings): dpkg reads the line between two stanzas as part of a value",
                        severity: .warning))
                }
                if start == end {
                    // An empty line ends the stanza (several in a row are one separator); the
                    // piece after a final newline is no line at all.
                    finishStanza()
                    continue
                }
                if Self.isSpace(buffer[start]) {
                    guard current != nil else {
                        if stanzaLine == 0 { stanzaLine = lineNumber }
                        problems.append(PackageDataProblem(line: lineNumber, message: "continuation line before any field"))
                        continue
                    }
                    var blank = true
                    for index in start..<end where !Self.isSpace(buffer[index]) {
                        blank = false
                        break
                    }
                    if blank, !blankContinuation {
                        // dpkg 1.21 warns and reads on; dpkg 1.22 refuses the file.
                        problems.append(PackageDataProblem(
                            line: lineNumber, message: "blank line in value of field '\(current!.name)'", severity: .warning))
                    }
                    blankContinuation = blank
                    if current!.kept { current!.value += "\n" + string(start, end) }
                    continue
                }
                finishField()
                blankContinuation = false
                if stanzaLine == 0 { stanzaLine = lineNumber }
                // The name runs to white space or a colon; spaces may stand before the colon.
                var nameEnd = start
                while nameEnd < end, !Self.isSpace(buffer[nameEnd]), buffer[nameEnd] != UInt8(ascii: ":") { nameEnd += 1 }
                let name = string(start, nameEnd)
                var position = nameEnd
                while position < end, Self.isSpace(buffer[position]) { position += 1 }
                guard position < end, buffer[position] == UInt8(ascii: ":") else {
                    problems.append(PackageDataProblem(line: lineNumber, message: "field name '\(name)' must be followed by colon"))
                    continue
                }
                if name.isEmpty {
                    problems.append(PackageDataProblem(line: lineNumber, message: "empty field name"))
                    continue
                }
                if buffer[start] == UInt8(ascii: "-") {
                    problems.append(PackageDataProblem(line: lineNumber, message: "field name '\(name)' cannot start with hyphen"))
                    continue
                }
                if nameEnd - start < 2 {
                    // Every field dpkg knows has a longer name.
                    problems.append(PackageDataProblem(line: lineNumber, message: "user-defined field name '\(name)' too short"))
                }
                position += 1
                while position < end, Self.isSpace(buffer[position]) { position += 1 }
                let key = lowercased(start, nameEnd)
                let kept = keeping?.contains(key) ?? true
                if seen.contains(key) {
                    problems.append(PackageDataProblem(line: lineNumber, message: "duplicate value for '\(name)' field"))
                    current = (name, key, lineNumber, "", false)
                    continue
                }
                seen.insert(key)
                current = (name, key, lineNumber, kept ? string(position, end) : "", kept)
            }
        }
        if bytes.last != UInt8(ascii: "\n"), current != nil {
            problems.append(PackageDataProblem(
                line: lineNumber, message: "end of file during value of field '\(current!.name)' (missing final newline)"))
        }
        finishStanza()
        self.stanzas = stanzas
        self.problems = problems
    }

    /// C's isspace: space, tab, newline, vertical tab, form feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}
