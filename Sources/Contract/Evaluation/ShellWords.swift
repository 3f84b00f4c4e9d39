/// The text of a fix: either a command an operator can paste, quoted so a path with a space
/// pastes correctly, or, where the operator must decide, words that start with
/// ``decisionMarker`` and hold no command.
enum ShellWords {
    /// How every fix that needs an operator's decision begins; such a fix names no command.
    static let decisionMarker = "(decide) "

    static func quote(_ word: String) -> String {
        // On the UTF-8 bytes: an ASCII letter or number is an ASCII letter or digit, and any
        // other byte (CR LF, which is one ASCII Character, too) needs quotes, without walking
        // grapheme clusters and Unicode's tables for every word of every fix.
        let safe = word.utf8.allSatisfy { VariableName.isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "_/.:,+=@%-".utf8.contains($0) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }

    static func command(_ words: String...) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// Commands run in order, each only if the one before succeeded, then `names` (what the
    /// numeric ids in them stand for) as a trailing comment the shell ignores.
    static func sequence(_ commands: [String], names: [String] = []) -> String {
        let names = names.map { String($0.filter { !$0.isNewline && $0 != "\0" }) }.filter { !$0.isEmpty }
        return commands.joined(separator: " && ") + (names.isEmpty ? "" : "  # " + names.joined(separator: ", "))
    }

    /// A fix the operator must decide on, in words.
    static func decision(_ text: String) -> String { decisionMarker + text }
}
