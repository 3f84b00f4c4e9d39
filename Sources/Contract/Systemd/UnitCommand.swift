/// One command of an `Exec*=` setting, as `config_parse_exec()` reads it (src/core/load-fragment.c,
/// v252).
///
/// The first word carries prefixes, in any order, each at most once: `-` failure is ignored, `@`
/// the second word is argv[0], `:` no environment variable expansion, `+` full privileges, `!`
/// no user switch, `!!` ambient capabilities (`+` excludes `!`/`!!`). Words are split with quotes
/// removed and C escapes decoded; a lone `;` separates commands, `\;` is a literal `;` argument.
/// Specifiers are resolved in the path and every argument. A command that is not valid (no
/// path, a path ending in `/`, a relative path that is not a plain file name, special characters)
/// is an error: with `-` the setting is ignored, without it the unit fails (`bad-setting`).
public struct UnitCommand: Hashable, Sendable {
    /// The prefixes of the first word.
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `-`: a failure of the command is ignored (for EnvironmentFile= the same sign means a
        /// missing file is ignored).
        public static let ignoreFailure = Flags(rawValue: 1 << 0)
        /// `@`: the second word is passed as argv[0].
        public static let separateArgv0 = Flags(rawValue: 1 << 1)
        /// `:`: `$VAR` is not expanded.
        public static let noEnvironmentExpansion = Flags(rawValue: 1 << 2)
        /// `+`: runs with full privileges, without sandboxing.
        public static let fullyPrivileged = Flags(rawValue: 1 << 3)
        /// `!`: sandboxed, but User= and Group= are not applied.
        public static let noSetUID = Flags(rawValue: 1 << 4)
        /// `!!`: User= applied through ambient capabilities when the kernel has them.
        public static let ambientMagic = Flags(rawValue: 1 << 5)
    }

    /// Why a command is rejected.
    public struct Failure: Error, Hashable, Sendable {
        public let message: String
        /// Whether the command had `-`, so systemd ignores the setting instead of failing the unit.
        public let ignored: Bool
    }

    /// The executable, specifiers resolved and simplified (`/bin//true` is `/bin/true`).
    public let path: String
    /// The arguments, argv[0] first.
    public let arguments: [String]
    public let flags: Flags
    /// Specifiers left unresolved in the path or an argument (see ``UnitSpecifiers``).
    public let unresolvedSpecifiers: [Character]

    public init(path: String, arguments: [String], flags: Flags, unresolvedSpecifiers: [Character] = []) {
        self.path = path
        self.arguments = arguments
        self.flags = flags
        self.unresolvedSpecifiers = unresolvedSpecifiers
    }

    /// The commands of one non-empty assignment (an empty value resets the list instead, see
    /// ``UnitDefinition``), and why systemd stopped reading it if it did: the commands before the
    /// failure are kept, as systemd keeps them.
    public static func parse(_ value: String, specifiers: UnitSpecifiers) -> (commands: [UnitCommand], failure: Failure?) {
        var words = UnitWords(value, options: [.unquote, .unescape])
        var commands: [UnitCommand] = []
        var semicolon: Bool
        repeat {
            semicolon = false
            let firstWord: String
            do {
                guard let word = try Self.nextWord(&words) else { return (commands, nil) }
                firstWord = word
            } catch {
                return (commands, Failure(message: "unbalanced quoting, ignoring: '\(value)'", ignored: true))
            }
            if firstWord == ";" {
                semicolon = true
                continue
            }
            var flags = Flags()
            var rest = Substring(firstWord)
            while let first = rest.first {
                if first == "-" && !flags.contains(.ignoreFailure) {
                    flags.insert(.ignoreFailure)
                } else if first == "@" && !flags.contains(.separateArgv0) {
                    flags.insert(.separateArgv0)
                } else if first == ":" && !flags.contains(.noEnvironmentExpansion) {
                    flags.insert(.noEnvironmentExpansion)
                } else if first == "+" && flags.isDisjoint(with: [.fullyPrivileged, .noSetUID, .ambientMagic]) {
                    flags.insert(.fullyPrivileged)
                } else if first == "!" && flags.isDisjoint(with: [.fullyPrivileged, .noSetUID, .ambientMagic]) {
                    flags.insert(.noSetUID)
                } else if first == "!" && flags.isDisjoint(with: [.fullyPrivileged, .ambientMagic]) {
                    flags.remove(.noSetUID)
                    flags.insert(.ambientMagic)
                } else {
                    break
                }
                rest = rest.dropFirst()
            }
            let ignored = flags.contains(.ignoreFailure)
            func fail(_ message: String) -> (commands: [UnitCommand], failure: Failure?) {
                (commands, Failure(message: message, ignored: ignored))
            }
            var unresolved: [Character] = []
            let resolvedPath = specifiers.resolve(String(rest))
            if let failure = resolvedPath.failure { return fail("failed to resolve unit specifiers in '\(rest)': \(failure)") }
            unresolved += resolvedPath.unresolved
            let path = resolvedPath.text
            if path.isEmpty { return fail("empty path in command line: '\(value)'") }
            if !UnitFile.isSafe(path.utf8) { return fail("executable name contains special characters: \(path)") }
            if path.hasSuffix("/") { return fail("executable path specifies a directory: \(path)") }
            if !(path.hasPrefix("/") ? Self.isValidPath(path) : Self.isValidFileName(path)) {
                return fail("neither a valid executable name nor an absolute path: \(path)")
            }
            var arguments: [String] = flags.contains(.separateArgv0) ? [] : [path]
            while true {
                let remainder = words.remainder
                let afterSeparators = remainder.drop(while: UnitWords.isSeparator)
                if afterSeparators.isEmpty { break }
                if remainder.first == UInt8(ascii: ";"),
                    remainder.count == 1 || UnitWords.isSeparator(remainder[remainder.startIndex + 1])
                {
                    _ = try? words.nextBytes()
                    semicolon = true
                    break
                }
                if remainder.first == UInt8(ascii: "\\"), remainder.count >= 2,
                    remainder[remainder.startIndex + 1] == UInt8(ascii: ";"),
                    remainder.count == 2 || UnitWords.isSeparator(remainder[remainder.startIndex + 2])
                {
                    _ = try? UnitWords.skip(&words, count: 2)
                    arguments.append(";")
                    continue
                }
                let word: String
                do {
                    guard let next = try Self.nextWord(&words) else { break }
                    word = next
                } catch {
                    return fail("unbalanced quoting in '\(value)'")
                }
                let resolved = specifiers.resolve(word)
                if let failure = resolved.failure { return fail("failed to resolve unit specifiers in \(word): \(failure)") }
                unresolved += resolved.unresolved.filter { !unresolved.contains($0) }
                arguments.append(resolved.text)
            }
            if arguments.isEmpty { return fail("empty executable name or zeroeth argument: \(value)") }
            commands.append(UnitCommand(path: UnitPath.simplify(path), arguments: arguments, flags: flags, unresolvedSpecifiers: unresolved))
        } while semicolon
        return (commands, nil)
    }

    /// `extract_first_word_and_warn()`: an invalid escape is kept verbatim.
    private static func nextWord(_ words: inout UnitWords) throws(UnitWords.Failure) -> String? {
        let saved = words
        do {
            return try words.next()
        } catch .invalidEscape {
            words = saved
            return try words.nextRelaxed()
        }
    }

    static func isValidFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && name.utf8.count <= 255
    }

    static func isValidPath(_ path: String) -> Bool {
        !path.isEmpty && path.utf8.count < 4096 && UnitPath.components(path).allSatisfy { $0.utf8.count <= 255 }
    }
}
