/// The text of a fix: either a command an operator can paste, quoted so a path with a space
/// pastes correctly, or, where the operator must decide, words that start with
/// ``decisionMarker`` and hold no command.
enum ShellWords {
    /// How every fix that needs an operator's decision begins; such a fix names no command.
    static let decisionMarker = "(decide) "

    static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_/.:,+=@%-".contains($0)) }
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
