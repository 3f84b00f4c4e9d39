/// A file in the syntax of systemd's EnvironmentFile= (systemd.exec(5)), read byte by byte the
/// way systemd reads it: `parse_env_file_internal` and `load_env_file_push` in
/// src/basic/env-file.c, `utf8_is_valid` in src/basic/utf8.c, and the names and values
/// `exec_context_load_environment` (src/core/execute.c) keeps, checked against systemd v252
/// (Debian 12's 252.39) and against main after v257. In short: lines end at LF or CR, `#` and
/// `;` begin a comment only where a name could begin, whitespace around the name and an
/// unquoted value is dropped, single quotes are literal, double quotes unescape `"` `\` `` ` ``
/// `$` (any other escaped character keeps its backslash), an unquoted backslash escapes the
/// next character, and a backslash before a line end continues the value. A file with a NUL
/// byte, or with a name or a value that is not valid UTF-8 (systemd counts the non-characters
/// U+FDD0...U+FDEF and U+xFFFE, U+xFFFF as invalid too), is refused whole: systemd takes no value
/// from it and the unit does not start.
///
/// The one difference between the versions is a comment ending in a backslash: before 254 it
/// takes the next line into the comment, since 254 it does not (``Dialect``).
///
/// Lines systemd silently ignores are reported as ``Problem``s so the operator sees them;
/// neither a problem nor a refusal ever carries a value or a byte (the file holds secrets).
public struct EnvironmentFile: Sendable, Equatable {
    /// Which systemd reads the file.
    public enum Dialect: Sendable, Equatable {
        /// systemd before 254 (Debian 12 has 252): a backslash at the end of a comment line
        /// takes the next line into the comment.
        case before254
        /// systemd 254 and later: a comment ends at its line end, backslash or not.
        case since254
        /// Not known: the file is read both ways; the values are those of 254 and later, and an
        /// assignment the two read differently is not clean. A comment ending in a backslash
        /// before a line that sets something is flagged.
        case unknown

        /// The dialect of `version`; ``unknown`` for nil.
        public init(systemd version: SystemdVersion?) {
            guard let version else {
                self = .unknown
                return
            }
            self = version.major < 254 ? .before254 : .since254
        }
    }

    public struct Assignment: Sendable, Equatable {
        public var name: String
        public var value: String
        /// The line the assignment starts on (1-based, lines ending at LF as `grep -n` counts them).
        public var line: Int
        /// The line the assignment ends on: past ``line`` when a trailing backslash or an open
        /// quote took in the lines after it.
        public var endLine: Int
        /// Whether the value provably is what the line says: the assignment sits on one
        /// physical line, and no problem (an unterminated quote, an ignored line) was reported
        /// on its lines. A value that is not clean may hold another line, a secret, so it is
        /// described by name and line numbers, never shown.
        public var isClean: Bool
        /// An unquoted trailing backslash joined the next line into the value: the typo that
        /// takes in the assignment below (a quoted value over several lines is meant so).
        public var isContinued: Bool

        public init(
            name: String, value: String, line: Int, endLine: Int? = nil, isClean: Bool = true, isContinued: Bool = false
        ) {
            self.name = name
            self.value = value
            self.line = line
            self.endLine = endLine ?? line
            self.isClean = isClean
            self.isContinued = isContinued
        }
    }

    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var message: String
        /// An unterminated quote: systemd takes everything after it as one value.
        public var swallowsRest: Bool = false
    }

    /// Why systemd refuses the whole file (it then takes no value from it), at the line of the
    /// first byte it refuses. The message names the line, never the bytes.
    public struct Refusal: Sendable, Equatable {
        public var line: Int
        public var message: String

        init(line: Int, because reason: String) {
            self.line = line
            message = "systemd refuses this file: \(reason) at line \(line) (it takes no value from the file, and a unit whose EnvironmentFile= names it without '-' does not start)"
        }
    }

    /// Empty when the file is refused.
    public var assignments: [Assignment] = []
    /// The first ``problemLimit`` problems, and every unterminated quote.
    public var problems: [Problem] = []
    /// How many problems past the first ``problemLimit`` were counted but not kept, so a file
    /// of broken lines costs memory for 20 problems, not one per line.
    public var omittedProblems = 0
    /// The line of the first problem not kept.
    public var firstOmittedLine: Int? = nil
    public static let problemLimit = 20
    /// Set when systemd refuses the file.
    public var refusal: Refusal? = nil

    /// The value of each name, the last assignment winning, as systemd applies them.
    public var values: [String: String] {
        var values: [String: String] = [:]
        for assignment in assignments { values[assignment.name] = assignment.value }
        return values
    }

    /// The assignment that sets each name, the last one winning, as systemd applies them.
    public var effectiveAssignments: [String: Assignment] {
        var effective: [String: Assignment] = [:]
        for assignment in assignments { effective[assignment.name] = assignment }
        return effective
    }

    /// Reads `text` (its UTF-8 bytes) as systemd of `dialect` does.
    public init(parsing text: String, dialect: Dialect) {
        self.init(parsing: Array(text.utf8), dialect: dialect)
    }

    /// Reads the bytes of a file as systemd of `dialect` does.
    public init(parsing bytes: [UInt8], dialect: Dialect) {
        switch dialect {
        case .before254:
            self.init(reading: bytes, commentContinues: true)
            for line in backslashComments {
                report(Problem(
                    line: line,
                    message: "this comment ends in a backslash: the systemd installed here (before 254) takes the next line into the comment, so what that line sets is ignored"))
            }
        case .since254:
            self.init(reading: bytes, commentContinues: false)
        case .unknown:
            self.init(reading: bytes, commentContinues: false)
            reconcile(with: EnvironmentFile(reading: bytes, commentContinues: true))
        }
    }

    /// Comment lines ending in a backslash before a line that is neither blank nor a comment:
    /// systemd before 254 takes that line into the comment.
    private var backslashComments: [Int] = []

    private enum State {
        case preKey, key, preValue, value, valueEscape
        case singleQuote, doubleQuote, doubleQuoteEscape
        case comment, commentEscape

        /// Inside quotes a line end is part of the value.
        var isQuoted: Bool { self == .singleQuote || self == .doubleQuote || self == .doubleQuoteEscape }
        /// Between the `=` and the end of the value.
        var isInValue: Bool { isQuoted || self == .value || self == .valueEscape }
    }

    /// One reading, parse_env_file_internal's state machine byte by byte; `commentContinues`
    /// is the COMMENT_ESCAPE state before v254 (any byte after the backslash, a line end too,
    /// stays in the comment).
    private init(reading bytes: [UInt8], commentContinues: Bool) {
        // read_full_file() without a size refuses a file with a NUL byte (EBADMSG).
        if let nul = bytes.firstIndex(of: 0) {
            refusal = Refusal(line: Self.line(at: nul, in: bytes), because: "a NUL byte")
            return
        }
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var state = State.preKey
        var line = 1
        var startLine = 1
        var quoteLine = 1
        var key: [UInt8] = []
        var keyTrailingWhitespace: Int? = nil
        var value: [UInt8] = []
        var valueTrailingWhitespace: Int? = nil
        // Where the value's bytes move to the next line: (index of the first byte on it, line).
        var valueLineStarts: [(index: Int, line: Int)] = []
        var continued = false

        func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == lf || c == cr }
        func isNewline(_ c: UInt8) -> Bool { c == lf || c == cr }

        func lineOfValueByte(_ index: Int) -> Int {
            valueLineStarts.last { $0.index <= index }?.line ?? startLine
        }

        /// load_env_file_push: the key and value must be valid UTF-8, or the file is refused;
        /// then exec_context_load_environment drops a name that is not a shell variable name.
        func push() -> Bool {
            if let cut = keyTrailingWhitespace { key.removeSubrange(cut...) }
            if let cut = valueTrailingWhitespace { value.removeSubrange(cut...) }
            defer {
                key = []
                value = []
                valueLineStarts = []
                continued = false
                keyTrailingWhitespace = nil
                valueTrailingWhitespace = nil
            }
            let bad = Self.firstInvalidUTF8(key).map { _ in startLine } ?? Self.firstInvalidUTF8(value).map(lineOfValueByte)
            if let bad {
                refusal = Refusal(line: bad, because: "invalid UTF-8")
                return false
            }
            let name = String(decoding: key, as: UTF8.self)
            if Self.isValidName(name) {
                // The line counter has not yet passed the newline that ends the value.
                assignments.append(Assignment(
                    name: name, value: String(decoding: value, as: UTF8.self), line: startLine, endLine: line,
                    isContinued: continued))
            } else {
                report(Problem(line: startLine, message: Self.invalidNameMessage(name)))
            }
            return true
        }

        var index = 0
        reading: while index < bytes.count {
            let c = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            // A CR alone ends a line for systemd (outside quotes), but not for an editor or grep.
            if c == cr && next != lf, state != .preKey, !state.isQuoted {
                report(Problem(line: line, message: "a carriage return without a line feed ends the line here for systemd, not for an editor or grep"))
            }
            switch state {
            case .preKey:
                if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") {
                    state = .comment
                } else if !isWhitespace(c) {
                    state = .key
                    startLine = line
                    key = [c]
                    keyTrailingWhitespace = nil
                }
            case .key:
                if isNewline(c) {
                    report(Problem(line: startLine, message: "line has no '=' and is ignored"))
                    state = .preKey
                    key = []
                } else if c == UInt8(ascii: "=") {
                    state = .preValue
                    valueTrailingWhitespace = nil
                } else {
                    if !isWhitespace(c) {
                        keyTrailingWhitespace = nil
                    } else if keyTrailingWhitespace == nil {
                        keyTrailingWhitespace = key.count
                    }
                    key.append(c)
                }
            case .preValue:
                if isNewline(c) {
                    state = .preKey
                    guard push() else { break reading }
                } else if c == UInt8(ascii: "'") {
                    state = .singleQuote
                    quoteLine = line
                } else if c == UInt8(ascii: "\"") {
                    state = .doubleQuote
                    quoteLine = line
                } else if c == UInt8(ascii: "\\") {
                    state = .valueEscape
                } else if !isWhitespace(c) {
                    state = .value
                    value.append(c)
                }
            case .value:
                if isNewline(c) {
                    state = .preKey
                    guard push() else { break reading }
                } else if c == UInt8(ascii: "\\") {
                    state = .valueEscape
                    valueTrailingWhitespace = nil
                } else {
                    if !isWhitespace(c) {
                        valueTrailingWhitespace = nil
                    } else if valueTrailingWhitespace == nil {
                        valueTrailingWhitespace = value.count
                    }
                    value.append(c)
                }
            case .valueEscape:
                state = .value
                if !isNewline(c) {
                    value.append(c)
                } else if !(c == cr && next == lf) {
                    // (A backslash before CR LF eats the CR; the LF then ends the value: nothing joined.)
                    continued = true
                }
            case .singleQuote:
                if c == UInt8(ascii: "'") { state = .preValue } else { value.append(c) }
            case .doubleQuote:
                if c == UInt8(ascii: "\"") {
                    state = .preValue
                } else if c == UInt8(ascii: "\\") {
                    state = .doubleQuoteEscape
                } else {
                    value.append(c)
                }
            case .doubleQuoteEscape:
                state = .doubleQuote
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c == UInt8(ascii: "`") || c == UInt8(ascii: "$") {
                    value.append(c)
                } else if c != lf {
                    value.append(UInt8(ascii: "\\"))
                    value.append(c)
                }
            case .comment:
                if c == UInt8(ascii: "\\") {
                    state = .commentEscape
                } else if isNewline(c) {
                    state = .preKey
                }
            case .commentEscape:
                if isNewline(c) && !(c == cr && next == lf) && Self.setsSomething(bytes, from: index + 1) {
                    backslashComments.append(line)
                }
                state = isNewline(c) && !commentContinues ? .preKey : .comment
            }
            if c == lf {
                line += 1
                if state.isInValue {
                    valueLineStarts.append((value.count, line))
                }
            }
            index += 1
        }
        // At the end of the file (only a value ended in VALUE has its trailing whitespace
        // dropped, and only there is valueTrailingWhitespace ever set).
        if refusal == nil {
            switch state {
            case .singleQuote, .doubleQuote, .doubleQuoteEscape:
                report(Problem(
                    line: quoteLine,
                    message: "quote opened here is never closed; systemd takes the rest of the file as the value",
                    swallowsRest: true))
                _ = push()
            case .preValue, .value, .valueEscape:
                _ = push()
            case .key:
                report(Problem(line: startLine, message: "line has no '=' and is ignored"))
            case .preKey, .comment, .commentEscape:
                break
            }
        }
        // systemd takes nothing from a file it refuses; what was read before is dropped.
        if let refusal {
            self = EnvironmentFile(refusal: refusal)
            return
        }
        markUnclean()
    }

    /// Whether the line starting at `start` sets something (is neither blank nor a comment).
    private static func setsSomething(_ bytes: [UInt8], from start: Int) -> Bool {
        var index = start
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard index < bytes.count else { return false }
        return !"#;\n\r".utf8.contains(bytes[index])
    }

    /// The 1-based line (LF-terminated) of the byte at `offset`.
    private static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// For a systemd of unknown version: this is the reading of 254 and later; `older` is the
    /// one before 254. An assignment `older` does not read the same way is not clean, and each
    /// comment that makes the difference is flagged. A refusal by either is a refusal.
    private mutating func reconcile(with older: EnvironmentFile) {
        if refusal == nil, var refused = older.refusal {
            refused.message += "; so reads systemd before 254, which takes a line after a comment ending in a backslash into the comment"
            self = EnvironmentFile(refusal: refused)
            return
        }
        guard refusal == nil else { return }
        struct Reading: Hashable { var name: String, value: String, line: Int, endLine: Int }
        let olderReadings = Set(older.assignments.map { Reading(name: $0.name, value: $0.value, line: $0.line, endLine: $0.endLine) })
        for index in assignments.indices {
            let assignment = assignments[index]
            let reading = Reading(name: assignment.name, value: assignment.value, line: assignment.line, endLine: assignment.endLine)
            if !olderReadings.contains(reading) { assignments[index].isClean = false }
        }
        for line in Set(backslashComments).sorted() {
            report(Problem(
                line: line,
                message: "this comment ends in a backslash: systemd before 254 (Debian 12 has 252) takes the next line into the comment, 254 and later reads it; which systemd reads this file is not known, so a value set there is not shown"))
        }
        problems.sort { $0.line < $1.line }
    }

    private init(refusal: Refusal) {
        self.refusal = refusal
    }

    /// Marks an assignment not clean when it spans lines, an unterminated quote comes before its
    /// end, or a problem (kept or only counted) was reported on one of its lines.
    private mutating func markUnclean() {
        let swallowed = problems.filter(\.swallowsRest).map(\.line).min()
        for index in assignments.indices {
            let assignment = assignments[index]
            let lines = assignment.line...assignment.endLine
            let touched = lines.count > 1
                || swallowed.map { $0 <= assignment.endLine } == true
                || lines.contains { problemLines.contains($0) }
            assignments[index].isClean = !touched
        }
    }

    /// Every line a problem was reported on, kept or only counted.
    private var problemLines: Set<Int> = []

    private mutating func report(_ problem: Problem) {
        problemLines.insert(problem.line)
        if problems.count < Self.problemLimit || problem.swallowsRest {
            problems.append(problem)
        } else {
            omittedProblems += 1
            if firstOmittedLine == nil { firstOmittedLine = problem.line }
        }
    }

    /// The offset of the first byte systemd's utf8_is_valid() refuses, nil when it accepts
    /// them all: a sequence must be well formed (continuation bytes 10xxxxxx, no overlong
    /// form, nothing past U+10FFFF, no surrogate) and not a non-character (src/basic/utf8.c,
    /// unichar_is_valid: U+FDD0...U+FDEF, and U+xFFFE and U+xFFFF in every plane).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead & 0xE0 == 0xC0 ? 2 : lead & 0xF0 == 0xE0 ? 3
                : lead & 0xF8 == 0xF0 ? 4 : lead & 0xFC == 0xF8 ? 5 : lead & 0xFE == 0xFC ? 6 : 0
            if length == 1 {
                index += 1
                continue
            }
            guard length > 0, index + length <= bytes.count else { return index }
            let leadBits: [UInt8] = [0, 0, 0x1F, 0x0F, 0x07, 0x03, 0x01]
            var scalar = UInt32(lead & leadBits[length])
            for offset in 1..<length {
                let byte = bytes[index + offset]
                guard byte & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(byte & 0x3F)
            }
            let encodedLength = scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x1_0000 ? 3
                : scalar < 0x20_0000 ? 4 : scalar < 0x400_0000 ? 5 : 6
            let isCharacter = scalar < 0x11_0000 && scalar & 0xFFFF_F800 != 0xD800
                && !(0xFDD0...0xFDEF).contains(scalar) && scalar & 0xFFFE != 0xFFFE
            guard encodedLength == length, isCharacter else { return index }
            index += length
        }
        return nil
    }

    /// A name systemd passes to the service: a shell variable name (env_name_is_valid).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Never quotes the line: a mistyped assignment may hold a secret.
    private static func invalidNameMessage(_ name: String) -> String {
        if name.hasPrefix("export ") || name.hasPrefix("export\t") {
            return "'export' is shell syntax; systemd ignores this assignment (write NAME=value)"
        }
        if name.isEmpty { return "assignment without a name is ignored" }
        return "the text before '=' is not a valid variable name; systemd ignores this assignment"
    }
}
