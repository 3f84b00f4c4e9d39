/// A Debian package version, `[epoch:]upstream[-revision]`, read as dpkg reads it
/// (lib/dpkg/parsehelp.c, parseversion) and ordered as dpkg orders it (lib/dpkg/version.c,
/// verrevcmp; see `DebianVersion+Ordering.swift`).
///
/// Reading: blanks around the text are ignored, a blank inside is an error. Up to the first
/// colon is the epoch, a decimal number (strtol's optional sign included; not negative, at most
/// 2147483647). The last hyphen splits the upstream version from the revision, so the upstream
/// part may hold hyphens and colons; the revision may not be empty. dpkg refuses those
/// problems outright, but only warns (and still reads and orders the version) when the upstream
/// part does not start with a digit or a character is outside the allowed ones (letters,
/// digits and `.+~-:` upstream, `.+~` in the revision). A contract refuses both kinds; the
/// status file is read as dpkg reads it, accepting what dpkg only warns about.
///
/// Two versions are equal when dpkg orders them equal: `1.0` = `0:1.0` = `1.00` = `1.0-0`.
public struct DebianVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// 0 when the version has none.
    public let epoch: Int
    public let upstream: String
    /// Empty when the version has none (native packages).
    public let revision: String
    /// The text as written, blanks around it removed.
    public let text: String

    /// Why a text is not a version dpkg accepts, in dpkg's words.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public let text: String
        /// dpkg's reason, such as "revision number is empty".
        public let reason: String
        /// `error` when dpkg refuses the version, `warning` when dpkg only warns and still uses it.
        public let severity: Severity

        /// "version '1.0-' has bad syntax: revision number is empty", as dpkg says it.
        public var description: String {
            "version '\(text)' has bad syntax: \(reason)"
                + (severity == .warning ? " (dpkg only warns about this and still uses the version)" : "")
        }
    }

    /// Reads `text`, refusing what dpkg refuses and, unless `allowingWarnings`, what it warns about.
    public init(_ text: String, allowingWarnings: Bool = false) throws(SyntaxError) {
        let (version, warning) = try Self.read(text)
        if let warning, !allowingWarnings { throw warning }
        self = version
    }

    /// What is wrong with `text` as dpkg sees it: its error, or else its warning, or nil.
    public static func problem(in text: String) -> SyntaxError? {
        do { return try read(text).warning } catch { return error }
    }

    /// As dpkg prints a version (`dpkg-query -f '${Version}'`): the epoch when it is not 0 or a
    /// colon follows (so the text reads back the same), the revision when there is one.
    public var description: String {
        let epochNeeded = epoch != 0 || upstream.contains(":") || revision.contains(":")
        return (epochNeeded ? "\(epoch):" : "") + upstream + (revision.isEmpty ? "" : "-\(revision)")
    }

    private init(epoch: Int, upstream: String, revision: String, text: String) {
        self.epoch = epoch
        self.upstream = upstream
        self.revision = revision
        self.text = text
    }

    /// parseversion, step by step: the version and the first warning, or the error.
    private static func read(_ original: String) throws(SyntaxError) -> (version: DebianVersion, warning: SyntaxError?) {
        let bytes = Array(original.utf8)
        func error(_ reason: String) -> SyntaxError { SyntaxError(text: original, reason: reason, severity: .error) }
        func warning(_ reason: String) -> SyntaxError { SyntaxError(text: original, reason: reason, severity: .warning) }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }

        // dpkg reads a C string: a NUL would end it there. Nothing dpkg wrote holds one.
        if bytes.contains(0) { throw error("version string contains a NUL character") }
        var start = 0
        while start < bytes.count, isBlank(bytes[start]) { start += 1 }
        if start == bytes.count { throw error("version string is empty") }
        var end = start
        while end < bytes.count, !isBlank(bytes[end]) { end += 1 }
        if bytes[end...].contains(where: { !isBlank($0) }) { throw error("version string has embedded spaces") }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)

        var epoch = 0
        var versionStart = start
        if let colon = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")) {
            // strtol(string, &end, 10): white space, a sign, digits.
            var position = start
            while position < colon, [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(bytes[position]) { position += 1 }
            var negative = false
            if position < colon, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                negative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            let digitsStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            if position == digitsStart { throw error("epoch in version is empty") }
            if position != colon { throw error("epoch in version is not number") }
            let value = Numeral(String(decoding: bytes[digitsStart..<position], as: UTF8.self))!
            if negative, !value.isZero { throw error("epoch in version is negative") }
            guard value <= Numeral(Int(Int32.max)), let number = Int(value.description) else {
                throw error("epoch in version is too big")
            }
            if colon + 1 == bytes.count { throw error("nothing after colon in version number") }
            epoch = number
            versionStart = colon + 1
        }
        var upstream = bytes[versionStart..<end]
        var revision = bytes[end..<end]
        if let hyphen = upstream.lastIndex(of: UInt8(ascii: "-")) {
            revision = bytes[(hyphen + 1)..<end]
            upstream = bytes[versionStart..<hyphen]
            if revision.isEmpty { throw error("revision number is empty") }
        }
        guard let first = upstream.first else { throw error("version number is empty") }

        var problem: SyntaxError?
        if !isDigit(first) {
            problem = warning("version number does not start with digit")
        } else if upstream.contains(where: { !isDigit($0) && !isLetter($0) && !".-+~:".utf8.contains($0) }) {
            problem = warning("invalid character in version number")
        } else if revision.contains(where: { !isDigit($0) && !isLetter($0) && !".+~".utf8.contains($0) }) {
            problem = warning("invalid character in revision number")
        }
        let version = DebianVersion(
            epoch: epoch, upstream: String(decoding: upstream, as: UTF8.self),
            revision: String(decoding: revision, as: UTF8.self), text: text)
        return (version, problem)
    }
}
