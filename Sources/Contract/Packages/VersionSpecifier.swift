/// A PEP 440 version specifier: version clauses separated by commas, all of which must hold
/// (`==2.3.1`, `>=1.26,<2`, `~=3.2`, `!=1.5.*`, `===2.3.1+local`), read and matched as
/// `packaging.specifiers.SpecifierSet(text).contains(version)` does (packaging 26, with the
/// default `prereleases=None`). An empty specifier (or only commas) allows every version.
///
/// What a clause allows (see ``Clause``):
/// - `==V` V and every local version of it (`==2.3.1` holds for `2.3.1+cpu`); `==V+local`
///   exactly that; `==V.*` every version whose release starts with V's, pre-, post- and
///   development releases included (`==1.2.*` is `>=1.2.dev0, <1.3.dev0`). `!=` the opposite.
/// - `<=V`, `>=V` by PEP 440 order, V's local versions counting as V.
/// - `<V` excludes V's pre-releases unless V is one (`<2` does not hold for `2.0rc1`);
///   `>V` excludes V's post-releases unless V is one (`>1.0` does not hold for `1.0.post1`),
///   and V's local versions.
/// - `~=V` is `>=V` and `==` V's release without its last number `.*` (`~=3.2` is
///   `>=3.2, ==3.*`; `~=1.4.5a4` is `>=1.4.5a4, ==1.4.*`).
/// - `===V` compares the installed version's text, as written, to V, ignoring case.
///
/// Pre-releases: an installed pre-release holds whenever its version lies in the range.
/// PEP 440 excludes pre-releases "unless no other version satisfies the specifier"; a single
/// installed version has no other candidate, so packaging 26's `contains` (and so this) accepts
/// it (`>=1.0` holds for `1.3a1`). Versions before packaging 26 rejected it.
public struct VersionSpecifier: Sendable, Hashable, CustomStringConvertible {
    public let clauses: [Clause]

    /// Why a text is not a version specifier.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "'\(text)' is not a PEP 440 version specifier: \(reason)" }
    }

    public init(_ text: String) throws(SyntaxError) {
        var clauses: [Clause] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let clause = PythonVersion.strippingPythonSpace(part)
            if clause.isEmpty { continue }
            do {
                clauses.append(try Clause(String(clause)))
            } catch {
                throw SyntaxError(text: text, reason: error.reason)
            }
        }
        self.clauses = clauses
    }

    /// Whether the version written as `text` (a METADATA `Version:` as it stands) satisfies
    /// every clause. A text that is no PEP 440 version satisfies only `===` clauses that name
    /// it, or an empty specifier.
    public func contains(_ text: String) -> Bool {
        let version = try? PythonVersion(text)
        return clauses.allSatisfy { clause in
            if clause.operator == .arbitrary { return clause.matches(text: text) }
            return version.map(clause.matches) ?? false
        }
    }

    /// Whether `version` satisfies every clause (`===` compares the text it was read from).
    public func contains(_ version: PythonVersion) -> Bool {
        clauses.allSatisfy { $0.operator == .arbitrary ? $0.matches(text: version.text) : $0.matches(version) }
    }

    /// The clauses in order, without white space, separated by commas: `>=1.26,<2`.
    public var description: String { clauses.map(\.description).joined(separator: ",") }
}
