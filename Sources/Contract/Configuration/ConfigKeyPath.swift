/// Where a value stands in a configuration file: one element per level, each a key of a table
/// or, in an array, a 0-based index written in decimal. Written dotted (`"sources.aria.host"`)
/// or as an array of elements (`["sources", "aria.main", "host"]`) for keys holding a dot. An
/// element may reference variables (`"${SITE}.default_source"`); a variable's value is one
/// element, whatever it holds.
public struct ConfigKeyPath: Sendable, Hashable, CustomStringConvertible {
    public var elements: [Template]

    public init(elements: [Template]) {
        self.elements = elements
    }

    /// Splits at each `.` outside `${...}`; every element must be non-empty.
    public static func parse(dotted text: String) -> Result<ConfigKeyPath, Template.SyntaxError> {
        var pieces: [String] = []
        var piece = ""
        var inside = false
        var previous: Character? = nil
        for character in text {
            if character == "{" && previous == "$" { inside = true }
            if character == "}" { inside = false }
            if character == "." && !inside {
                pieces.append(piece)
                piece = ""
            } else {
                piece.append(character)
            }
            previous = character
        }
        pieces.append(piece)
        if pieces.contains(where: \.isEmpty) {
            return .failure(Template.SyntaxError(
                message: "'\(text)' has an empty element; to address a key that holds a dot, write the key path as an array such as [\"a.b\", \"c\"]"))
        }
        return parse(elements: pieces)
    }

    public static func parse(elements texts: [String]) -> Result<ConfigKeyPath, Template.SyntaxError> {
        var elements: [Template] = []
        for text in texts {
            switch Template.parse(text) {
            case .failure(let problem): return .failure(problem)
            case .success(let template): elements.append(template)
            }
        }
        return .success(ConfigKeyPath(elements: elements))
    }

    public var description: String { Self.display(elements.map(\.source)) }

    /// Dotted, with an element that holds a dot, a space or a quote (or is empty) in quotes.
    public static func display(_ elements: [String]) -> String {
        if elements.isEmpty { return "(top level)" }
        return elements.map { element in
            let plain = !element.isEmpty && element.allSatisfy { $0.isLetter || $0.isNumber || "_-${}".contains($0) }
            return plain ? element : "\"" + element.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }.joined(separator: ".")
    }

    /// What looking a path up found.
    public enum Lookup: Sendable, Equatable {
        case found(ConfigNode)
        /// The element at `depth` is not there.
        case missing(depth: Int)
        /// The value at `depth` (0: the file's top) is a single value or an array that cannot
        /// hold the next element.
        case notContainer(depth: Int, ConfigNode)
    }

    /// Looks `path` up below `root`; keys at the levels in `foldedLevels` compare lowercased
    /// (an INI file's key names).
    public static func find(_ path: [String], in root: ConfigNode, foldedLevels: Set<Int> = []) -> Lookup {
        var node = root
        for (depth, element) in path.enumerated() {
            switch node.value {
            case .table:
                let key = foldedLevels.contains(depth) ? element.lowercased() : element
                guard let next = node.member(key) else { return .missing(depth: depth) }
                node = next
            case .array(let elements):
                guard !element.isEmpty, element.allSatisfy(\.isASCII), element.allSatisfy(\.isNumber),
                    let index = Int(element), index < elements.count
                else {
                    return element.allSatisfy { $0.isASCII && $0.isNumber } && !element.isEmpty
                        ? .missing(depth: depth) : .notContainer(depth: depth, node)
                }
                node = elements[index]
            default:
                return .notContainer(depth: depth, node)
            }
        }
        return .found(node)
    }
}
