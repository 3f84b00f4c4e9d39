/// Quoting for the fix commands we print, so a path with a space pastes correctly.
enum ShellWords {
    static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_/.:,+=@%-".contains($0)) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }

    static func command(_ words: String...) -> String {
        words.map(quote).joined(separator: " ")
    }
}
