extension VersionSpecifier {
    /// One comparison of a specifier: an operator and a version (`>=1.26`, `==1.5.*`).
    public struct Clause: Sendable, Hashable, CustomStringConvertible {
        public enum Operator: String, Sendable, Hashable, CaseIterable {
            case compatible = "~="
            case equal = "=="
            case notEqual = "!="
            case lessOrEqual = "<="
            case greaterOrEqual = ">="
            case less = "<"
            case greater = ">"
            case arbitrary = "==="
        }

        public let `operator`: Operator
        /// The version as written after the operator (white space removed), `.*` included.
        public let versionText: String
        /// The version, without `.*`; nil for `===`, whose text need not be a version.
        public let version: PythonVersion?
        /// `==V.*` or `!=V.*`.
        public let isWildcard: Bool

        /// "`>=1.26`".
        public var description: String { self.operator.rawValue + versionText }

        /// Reads one clause as packaging's Specifier regular expression does: `===` and any
        /// text without white space, `;` or `)`; `==` and `!=` a version with a local label or
        /// `.*` after the release; `~=` a version of at least two release numbers; `<=`, `>=`,
        /// `<`, `>` a version without a local label.
        init(_ text: String) throws(SyntaxError) {
            func refuse(_ reason: String) -> SyntaxError { SyntaxError(text: text, reason: reason) }
            let symbols: [Operator] = [.arbitrary, .compatible, .equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater]
            guard let found = symbols.first(where: { text.hasPrefix($0.rawValue) }) else {
                throw refuse("a clause starts with one of ~= == != <= >= < > ===")
            }
            let body = PythonVersion.strippingPythonSpace(text.dropFirst(found.rawValue.count))
            self.operator = found
            versionText = String(body)
            guard !body.isEmpty else { throw refuse("'\(found.rawValue)' needs a version") }
            if found == .arbitrary {
                if let bad = body.unicodeScalars.first(where: { PythonVersion.isPythonSpace($0) || $0 == ";" || $0 == ")" }) {
                    throw refuse("'===' takes a text without white space, ';' or ')', not '\(bad)'")
                }
                version = nil
                isWildcard = false
                return
            }
            guard body.unicodeScalars.allSatisfy(\.isASCII) else {
                throw refuse("only ASCII letters, digits and '.!+-_*' may appear")
            }
            var reader = PythonVersion.Reader(body)
            guard reader.readRelease(minimumParts: found == .compatible ? 2 : 1) != nil else {
                throw refuse(found == .compatible
                    ? "'~=' needs a version of at least two numbers, such as '~=3.2'"
                    : "'\(found.rawValue)' needs a version that starts with a number")
            }
            var wildcard = false
            if found == .equal || found == .notEqual, reader.skip(".*") {
                wildcard = true
            } else {
                _ = reader.readSuffixes(allowingLocal: found == .equal || found == .notEqual)
            }
            guard reader.atEnd else {
                let rest = reader.rest
                if rest.hasPrefix("+") { throw refuse("only '==' and '!=' take a local version label ('\(rest)')") }
                if rest.hasPrefix(".*") || rest.hasSuffix(".*") {
                    throw refuse("only '==' and '!=' take '.*', right after the release numbers")
                }
                throw refuse("unexpected '\(rest)'")
            }
            isWildcard = wildcard
            do {
                version = try PythonVersion(String(wildcard ? body.dropLast(2) : body))
            } catch {
                throw refuse(error.reason)
            }
        }

        /// Whether `text` is this `===` clause's version, ignoring case.
        func matches(text: String) -> Bool { text.lowercased() == versionText.lowercased() }

        /// Whether `installed` satisfies the clause, by the intervals packaging builds for it
        /// (packaging/_ranges.py: standard_ranges, wildcard_ranges).
        public func matches(_ installed: PythonVersion) -> Bool {
            guard let required = version else { return matches(text: installed.text) }
            switch self.operator {
            case .arbitrary:
                return matches(text: installed.text)
            case .greaterOrEqual:
                return installed >= required
            case .lessOrEqual:
                return PythonVersion.comparePublic(installed, required) <= 0
            case .less:
                // <V is <V.dev0 when V is a final or post-release: V's pre-releases are not less.
                let bound = required.isPrerelease ? required
                    : PythonVersion(epoch: required.epoch, release: required.release, pre: required.pre, post: required.post, dev: .zero)
                return installed < bound
            case .greater:
                if let dev = required.dev {
                    return installed >= PythonVersion(
                        epoch: required.epoch, release: required.release, pre: required.pre, post: required.post, dev: dev.successor)
                }
                if let post = required.post {
                    return installed >= PythonVersion(
                        epoch: required.epoch, release: required.release, pre: required.pre, post: post.successor, dev: .zero)
                }
                return PythonVersion.compareThroughPreRelease(installed, required) > 0
            case .compatible:
                return installed >= required && installed < Self.nextPrefix(of: required, dropping: 1)
            case .equal, .notEqual:
                let equal: Bool
                if isWildcard {
                    let start = PythonVersion(epoch: required.epoch, release: required.release, dev: .zero)
                    equal = installed >= start && installed < Self.nextPrefix(of: required, dropping: 0)
                } else if versionText.contains("+") {
                    equal = installed == required
                } else {
                    equal = PythonVersion.comparePublic(installed, required) == 0
                }
                return equal == (self.operator == .equal)
            }
        }

        /// The first version after every one whose release starts with `version`'s release
        /// minus its last `dropping` numbers: (1.4.5, 1) -> 1.5.dev0; (1.2, 0) -> 1.3.dev0.
        private static func nextPrefix(of version: PythonVersion, dropping: Int) -> PythonVersion {
            var release = Array(version.release.dropLast(dropping))
            release[release.count - 1] = release[release.count - 1].successor
            return PythonVersion(epoch: version.epoch, release: release, dev: .zero)
        }
    }
}
