/// A regular expression of a contract (`pattern`, `forbid`, `require`), matched in time linear
/// in the text: compiled to a small program and run as a Thompson automaton (every possible
/// position of the pattern advanced together, one input character at a time), so no pattern
/// can backtrack catastrophically. Swift's `Regex` backtracks and has no bound on its work:
/// `(a+)+$` on a line of thirty `a`s and a `b` never returned.
///
/// The syntax is the common one: literals and escaped punctuation, `.`, classes (`[a-z_]`,
/// `[^,]`, `\d \D \w \W \s \S`, also inside classes), `\t \n \r`, groups `( )`, `(?: )`,
/// `(?<name> )`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` (lazy `?` forms too: they
/// match the same lines), anchors `^ $ \A \z \b \B`, and the flags `(?s)` (`.` matches a
/// newline) and `(?i)` (case-insensitive) at the start. What only a backtracking engine can do
/// is refused with the reason: backreferences, lookaround, atomic groups, possessive
/// quantifiers. Matching is by Unicode code point.
public struct RegularExpression: Sendable {
    /// The largest program a pattern may compile to: a counted repetition is written out, so
    /// `(a{1000}){1000}` is refused rather than built.
    public static let maximumSize = 10_000
    /// How deep groups may nest in a pattern.
    public static let maximumNesting = 100

    public let source: String
    private let program: [Instruction]

    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(_ source: String) throws(SyntaxError) {
        var parser = Parser(scalars: Array(source.unicodeScalars))
        let node = try parser.parseWhole()
        var compiler = Compiler(caseInsensitive: parser.caseInsensitive, dotMatchesNewline: parser.dotMatchesNewline)
        try compiler.emit(node)
        compiler.program.append(.match)
        self.source = source
        self.program = compiler.program
    }

    /// Whether the whole text matches.
    public func wholeMatch(_ text: Substring) -> Bool { run(Array(text.unicodeScalars), anywhere: false) }
    public func wholeMatch(_ text: String) -> Bool { wholeMatch(text[...]) }

    /// Whether some part of the text matches.
    public func matches(in text: Substring) -> Bool { run(Array(text.unicodeScalars), anywhere: true) }
    public func matches(in text: String) -> Bool { matches(in: text[...]) }

    // MARK: - Program

    enum Assertion: Sendable {
        case start, end, wordBoundary, notWordBoundary
    }

    enum Instruction: Sendable {
        case scalar(ScalarSet)
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    /// A set of code points: listed ranges and predefined classes, possibly negated.
    struct ScalarSet: Sendable {
        enum Predefined: Sendable { case digit, word, space, any, anyButNewline }
        var ranges: [ClosedRange<UInt32>] = []
        var classes: [(Predefined, Bool)] = []
        var negated = false
        var caseInsensitive = false

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            if caseInsensitive {
                let variants = [scalar] + scalar.properties.lowercaseMapping.unicodeScalars
                    + scalar.properties.uppercaseMapping.unicodeScalars
                return variants.contains { containsExactly($0) } != negated
            }
            return containsExactly(scalar) != negated
        }

        private func containsExactly(_ scalar: Unicode.Scalar) -> Bool {
            if ranges.contains(where: { $0.contains(scalar.value) }) { return true }
            return classes.contains { predefined, inverted in
                let member: Bool = switch predefined {
                case .digit: scalar.properties.numericType == .decimal
                case .word: RegularExpression.isWord(scalar)
                case .space: scalar.properties.isWhitespace
                case .any: true
                case .anyButNewline: scalar != "\n"
                }
                return member != inverted
            }
        }
    }

    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    /// Advances every thread one character at a time; each instruction is visited at most once
    /// per position, so the work is at most the text's length times the program's.
    private func run(_ text: [Unicode.Scalar], anywhere: Bool) -> Bool {
        var current: [Int] = []
        var next: [Int] = []
        var mark = [Int](repeating: -1, count: program.count)
        var stack: [Int] = []

        func add(_ start: Int, at position: Int, to list: inout [Int]) -> Bool {
            stack.append(start)
            while let pc = stack.popLast() {
                guard mark[pc] != position else { continue }
                mark[pc] = position
                switch program[pc] {
                case .jump(let target): stack.append(target)
                case .split(let first, let second):
                    stack.append(second)
                    stack.append(first)
                case .assert(let assertion):
                    if holds(assertion, at: position, in: text) { stack.append(pc + 1) }
                case .match:
                    if anywhere || position == text.count { stack.removeAll(); return true }
                case .scalar: list.append(pc)
                }
            }
            return false
        }

        // Marks are per position; position p's closure uses mark value p.
        if add(0, at: 0, to: &current) { return true }
        for position in 0..<text.count {
            let scalar = text[position]
            next.removeAll(keepingCapacity: true)
            for pc in current {
                guard case .scalar(let set) = program[pc], set.contains(scalar) else { continue }
                if add(pc + 1, at: position + 1, to: &next) { return true }
            }
            if anywhere, add(0, at: position + 1, to: &next) { return true }
            swap(&current, &next)
            if current.isEmpty && !anywhere { return false }
        }
        return false
    }

    private func holds(_ assertion: Assertion, at position: Int, in text: [Unicode.Scalar]) -> Bool {
        switch assertion {
        case .start: return position == 0
        case .end: return position == text.count
        case .wordBoundary, .notWordBoundary:
            let before = position > 0 && Self.isWord(text[position - 1])
            let after = position < text.count && Self.isWord(text[position])
            return (before != after) == (assertion == .wordBoundary)
        }
    }

    // MARK: - Parsing

    indirect enum Node {
        case set(ScalarSet)
        case assert(Assertion)
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int?)
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0
        var depth = 0
        var caseInsensitive = false
        var dotMatchesNewline = false

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        func fail(_ message: String) -> SyntaxError { SyntaxError(description: message) }

        var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        func peek(_ text: String) -> Bool {
            let wanted = Array(text.unicodeScalars)
            return position + wanted.count <= scalars.count && Array(scalars[position..<position + wanted.count]) == wanted
        }

        mutating func parseWhole() throws(SyntaxError) -> Node {
            // Leading flags: (?s), (?i), (?is), ...
            while peek("(?"), position + 2 < scalars.count, "si".unicodeScalars.contains(scalars[position + 2]) {
                var index = position + 2
                var flags: [Unicode.Scalar] = []
                while index < scalars.count, "si".unicodeScalars.contains(scalars[index]) {
                    flags.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count, scalars[index] == ")" else { break }
                if flags.contains("s") { dotMatchesNewline = true }
                if flags.contains("i") { caseInsensitive = true }
                position = index + 1
            }
            let node = try parseAlternation()
            if let scalar = peek {
                throw fail(scalar == ")" ? "unbalanced ')'" : "unexpected '\(scalar)'")
            }
            return node
        }

        mutating func parseAlternation() throws(SyntaxError) -> Node {
            var branches = [try parseSequence()]
            while peek == "|" {
                position += 1
                branches.append(try parseSequence())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func parseSequence() throws(SyntaxError) -> Node {
            var items: [Node] = []
            while let scalar = peek, scalar != "|", scalar != ")" {
                var atom = try parseAtom()
                // One quantifier per atom: a second one ('a**') has nothing to repeat.
                if let quantifier = try parseQuantifier() {
                    if case .assert = atom { throw fail("a quantifier cannot follow an anchor") }
                    atom = .repeated(atom, min: quantifier.min, max: quantifier.max)
                }
                items.append(atom)
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        mutating func parseQuantifier() throws(SyntaxError) -> (min: Int, max: Int?)? {
            guard let scalar = peek else { return nil }
            var result: (min: Int, max: Int?)
            switch scalar {
            case "*": result = (0, nil); position += 1
            case "+": result = (1, nil); position += 1
            case "?": result = (0, 1); position += 1
            case "{":
                guard let counted = countedRepetition() else { return nil }
                result = counted
            default: return nil
            }
            if peek == "?" { position += 1 }  // lazy: the same lines match
            else if peek == "+" { throw fail("possessive quantifiers are not supported") }
            return result
        }

        /// `{n}`, `{n,}`, `{n,m}`, `{,m}`; anything else after `{` is a literal brace.
        mutating func countedRepetition() -> (min: Int, max: Int?)? {
            var index = position + 1
            func number() -> Int? {
                var digits = ""
                while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                    digits.unicodeScalars.append(scalars[index])
                    index += 1
                }
                return digits.isEmpty ? nil : Int(digits.prefix(6))
            }
            let written = number()
            let low = written ?? 0
            var high: Int? = low
            if index < scalars.count, scalars[index] == "," {
                index += 1
                high = number()
                // '{,n}' is '{0,n}', as in Swift's Regex; '{,}' is no repetition at all.
                if written == nil && high == nil { return nil }
            } else if written == nil {
                return nil
            }
            guard index < scalars.count, scalars[index] == "}" else { return nil }
            if let high, high < low { return nil }
            position = index + 1
            return (low, high)
        }

        mutating func parseAtom() throws(SyntaxError) -> Node {
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case "(":
                depth += 1
                defer { depth -= 1 }
                guard depth <= RegularExpression.maximumNesting else {
                    throw fail("groups nest deeper than \(RegularExpression.maximumNesting) levels")
                }
                if peek("?:") {
                    position += 2
                } else if peek("?<"), position + 2 < scalars.count, scalars[position + 2] != "=", scalars[position + 2] != "!" {
                    guard let close = scalars[position...].firstIndex(of: ">") else { throw fail("unterminated group name") }
                    position = close + 1
                } else if peek("?=") || peek("?!") || peek("?<=") || peek("?<!") {
                    throw fail("lookaround is not supported")
                } else if peek("?>") {
                    throw fail("atomic groups are not supported")
                } else if peek == "?" {
                    throw fail("group options are supported only at the start, as '(?s)' or '(?i)'")
                }
                let inner = try parseAlternation()
                guard peek == ")" else { throw fail("'(' is never closed") }
                position += 1
                return inner
            case ")": throw fail("unbalanced ')'")
            case "*", "+", "?": throw fail("'\(scalar)' has nothing to repeat")
            case "{":
                position -= 1
                if countedRepetition() != nil { throw fail("'{' has nothing to repeat") }
                position += 1
                return .set(ScalarSet(ranges: [scalar.value...scalar.value]))
            case ".": return .set(ScalarSet(classes: [(.anyButNewline, false)]))
            case "^": return .assert(.start)
            case "$": return .assert(.end)
            case "[": return .set(try parseClass())
            case "\\": return try parseEscape(inClass: false)
            default: return .set(ScalarSet(ranges: [scalar.value...scalar.value]))
            }
        }

        mutating func parseEscape(inClass: Bool) throws(SyntaxError) -> Node {
            guard let scalar = peek else { throw fail("a pattern cannot end with '\\'") }
            position += 1
            func literal(_ value: Unicode.Scalar) -> Node { .set(ScalarSet(ranges: [value.value...value.value])) }
            switch scalar {
            case "d": return .set(ScalarSet(classes: [(.digit, false)]))
            case "D": return .set(ScalarSet(classes: [(.digit, true)]))
            case "w": return .set(ScalarSet(classes: [(.word, false)]))
            case "W": return .set(ScalarSet(classes: [(.word, true)]))
            case "s": return .set(ScalarSet(classes: [(.space, false)]))
            case "S": return .set(ScalarSet(classes: [(.space, true)]))
            case "t": return literal("\t")
            case "n": return literal("\n")
            case "r": return literal("\r")
            case "f": return literal("\u{0C}")
            case "v": return literal("\u{0B}")
            case "A" where !inClass: return .assert(.start)
            case "z" where !inClass: return .assert(.end)
            case "b" where !inClass: return .assert(.wordBoundary)
            case "B" where !inClass: return .assert(.notWordBoundary)
            case "1"..."9", "k", "g":
                throw fail("backreferences are not supported")
            default:
                if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                    throw fail("'\\\(scalar)' is not a supported escape")
                }
                return literal(scalar)
            }
        }

        mutating func parseClass() throws(SyntaxError) -> ScalarSet {
            var set = ScalarSet()
            if peek == "^" {
                set.negated = true
                position += 1
            }
            var first = true
            while true {
                guard let scalar = peek else { throw fail("'[' is never closed") }
                if scalar == "]" && !first { position += 1; break }
                first = false
                if peek("[:") || peek("[=") || peek("[.") { throw fail("POSIX classes such as '[:alpha:]' are not supported") }
                if scalar == "[" { throw fail("nested classes are not supported; escape '[' as '\\['") }
                if peek("&&") || peek("--") || peek("~~") { throw fail("class set operations are not supported") }
                position += 1
                var low: UInt32
                if scalar == "\\" {
                    switch try parseEscape(inClass: true) {
                    case .set(let inner) where inner.ranges.count == 1 && inner.classes.isEmpty:
                        low = inner.ranges[0].lowerBound
                    case .set(let inner):
                        set.classes += inner.classes
                        continue
                    default: throw fail("unsupported escape in a class")
                    }
                } else {
                    low = scalar.value
                }
                if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                    position += 1
                    var high = scalars[position].value
                    position += 1
                    if high == 0x5C {  // backslash
                        guard case .set(let inner) = try parseEscape(inClass: true), inner.ranges.count == 1, inner.classes.isEmpty
                        else { throw fail("a class range must end with a character") }
                        high = inner.ranges[0].lowerBound
                    }
                    guard low <= high else { throw fail("class range is out of order") }
                    set.ranges.append(low...high)
                } else {
                    set.ranges.append(low...low)
                }
            }
            return set
        }
    }

    // MARK: - Compiling

    struct Compiler {
        let caseInsensitive: Bool
        let dotMatchesNewline: Bool
        var program: [Instruction] = []

        mutating func append(_ instruction: Instruction) throws(SyntaxError) -> Int {
            guard program.count < RegularExpression.maximumSize else {
                throw SyntaxError(description: "is too large: more than \(RegularExpression.maximumSize) steps with repetitions written out")
            }
            program.append(instruction)
            return program.count - 1
        }

        mutating func emit(_ node: Node) throws(SyntaxError) {
            switch node {
            case .set(var set):
                set.caseInsensitive = caseInsensitive
                if dotMatchesNewline, set.classes.count == 1, set.classes[0].0 == .anyButNewline { set.classes = [(.any, false)] }
                _ = try append(.scalar(set))
            case .assert(let assertion): _ = try append(.assert(assertion))
            case .sequence(let items): for item in items { try emit(item) }
            case .alternation(let branches):
                var jumps: [Int] = []
                for (index, branch) in branches.enumerated() {
                    if index < branches.count - 1 {
                        let split = try append(.split(0, 0))
                        try emit(branch)
                        jumps.append(try append(.jump(0)))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try emit(branch)
                    }
                }
                for jump in jumps { program[jump] = .jump(program.count) }
            case .repeated(let inner, let min, let max):
                for _ in 0..<min { try emit(inner) }
                if let max {
                    // Each optional copy may be skipped to the end.
                    var splits: [Int] = []
                    for _ in min..<max {
                        splits.append(try append(.split(0, 0)))
                        try emit(inner)
                    }
                    for split in splits { program[split] = .split(split + 1, program.count) }
                } else {
                    let split = try append(.split(0, 0))
                    try emit(inner)
                    _ = try append(.jump(split))
                    program[split] = .split(split + 1, program.count)
                }
            }
        }
    }
}
