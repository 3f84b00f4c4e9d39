/// One token of an nginx configuration: a word (quoted or not), `{`, `}`, `;`, or a comment.
struct NginxToken: Equatable {
    var text: String
    var line: Int
    /// Written in quotes (or a Lua block body): never a brace or a semicolon.
    var quoted: Bool

    var isComment: Bool { !quoted && text.hasPrefix("#") }
    func isSpecial(_ character: String) -> Bool { !quoted && text == character }
}
