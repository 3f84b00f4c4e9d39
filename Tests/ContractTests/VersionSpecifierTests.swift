import Contract
import Testing

/// PEP 440 specifiers on literals, as packaging 26's SpecifierSet.contains answers them;
/// PythonPackagingOracleTests holds the same code to packaging on thousands of random cases.
@Suite struct VersionSpecifierTests {
    @Test(arguments: [
        // == with local versions and wildcards
        ("==2.3.1", "2.3.1", true), ("==2.3.1", "2.3.1+cpu", true), ("==2.3.1", "2.3.1.0", true), ("==2.3.1", "2.3.1.post1", false),
        ("==2.3.1+cpu", "2.3.1+cpu", true), ("==2.3.1+cpu", "2.3.1", false), ("==2.3.1+cpu", "2.3.1+cu121", false),
        ("==1.5.*", "1.5", true), ("==1.5.*", "1.5.9rc1", true), ("==1.5.*", "1.5.0.dev0", true), ("==1.5.*", "1.6.dev0", false),
        ("==1.5.*", "1.50", false), ("==1.0.*", "1", true), ("!=1.5.*", "1.5.2", false), ("!=1.5.*", "1.4.99", true),
        ("!=2.3.1", "2.3.1+cpu", false), ("!=2.3.1+cpu", "2.3.1", true),
        // ranges
        (">=1.26,<2", "1.26.4", true), (">=1.26,<2", "2.0.0", false), (">=1.26,<2", "2.0.0rc1", false), (">=1.26,<2", "1.26.0rc1", false),
        (">=1.26, <2", "1.99.post3", true), ("<2", "2.0.dev1", false), ("<2rc1", "2.0b1", true), ("<2rc1", "2.0rc1.dev1", true),
        ("<1.0.post1", "1.0", true), ("<1.0.post1", "1.0.post1.dev1", false), ("<=1.0", "1.0+local", true),
        (">1.0", "1.0.post1", false), (">1.0", "1.0+local", false), (">1.0", "1.0.1", true), (">1.0.post1", "1.0.post2", true),
        (">1.0.post1", "1.0.post1+l", false), (">1.0a1", "1.0a1.post1", false), (">1.0a1", "1.0a2.dev0", true),
        (">1.0.dev1", "1.0.dev1+x", false), (">1.0.dev1", "1.0.dev2", true), ("<0", "0.dev0", false),
        // ~=
        ("~=3.2", "3.2", true), ("~=3.2", "3.9.1", true), ("~=3.2", "4.0", false), ("~=3.2", "3.1", false), ("~=3.2", "4.0.dev0", false),
        ("~=1.4.5a4", "1.4.5", true), ("~=1.4.5a4", "1.4.5a3", false), ("~=1.4.5a4", "1.5.0", false), ("~=2.2.post3", "2.9", true),
        ("~=1.0", "1.9+local", true),
        // pre-releases: in range, a single installed version matches
        (">=1.0", "1.3a1", true), ("", "2.0rc1", true), ("", "not a version", true),
        // ===
        ("===2.3.1+cpu", "2.3.1+CPU", true), ("===2.3.1", "2.3.1.0", false), ("===foo", "FOO", true), ("===foo,>=1", "foo", false),
        (">=1", "garbage", false),
    ])
    func contains(_ specifier: String, _ version: String, _ expected: Bool) throws {
        #expect(try VersionSpecifier(specifier).contains(version) == expected)
    }

    @Test func clausesAsWritten() throws {
        let specifier = try VersionSpecifier(" >= 1.26 , <2,, != 1.5.* ")
        #expect(specifier.clauses.map(\.operator) == [.greaterOrEqual, .less, .notEqual])
        #expect(specifier.clauses.map(\.versionText) == ["1.26", "2", "1.5.*"])
        #expect(specifier.clauses[2].isWildcard)
        #expect(specifier.description == ">=1.26,<2,!=1.5.*")
        #expect(try VersionSpecifier(",").clauses.isEmpty)
    }

    @Test(arguments: [
        "1.0", "=1.0", "==", ">=1.0+local", "<1.0.*", "~=1", "~=1.0.*", "~=1.0+l", "==1.0.*.*", "==1.0a1.*", "=== a b", "===(x)",
        ">= 1.0 1", "==1.0;", "=>1.0", "==v", "<>1", ">=1,garbage", "== 1!", "!=1.0-",
    ])
    func refuses(_ text: String) {
        #expect(throws: VersionSpecifier.SyntaxError.self) { try VersionSpecifier(text) }
    }

    @Test func reasonsSayWhatToWrite() {
        func reason(_ text: String) -> String? {
            do { _ = try VersionSpecifier(text); return nil } catch { return error.reason }
        }
        #expect(reason("~=1") == "'~=' needs a version of at least two numbers, such as '~=3.2'")
        #expect(reason(">=1.0+cpu") == "only '==' and '!=' take a local version label ('+cpu')")
        #expect(reason("<=1.0.*") == "only '==' and '!=' take '.*', right after the release numbers")
        #expect(reason("1.0") == "a clause starts with one of ~= == != <= >= < > ===")
    }
}
