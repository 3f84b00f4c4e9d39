import Contract
import Testing

/// dpkg's version syntax and order on literals; DebianVersionOracleTests holds the same code to
/// dpkg itself on thousands of random versions.
@Suite struct DebianVersionTests {
    @Test func theLastHyphenSplitsTheRevisionAndTheFirstColonTheEpoch() throws {
        let version = try DebianVersion("2:3:4.0-rc-1.1")
        #expect(version.epoch == 2)
        #expect(version.upstream == "3:4.0-rc")
        #expect(version.revision == "1.1")
        let native = try DebianVersion(" 7.5 ")
        #expect(native.epoch == 0 && native.upstream == "7.5" && native.revision == "")
        #expect(native.text == "7.5")
    }

    @Test func dpkgPrintsTheEpochWhenItIsNotZeroOrAColonFollows() throws {
        #expect(try DebianVersion("0:1.0-1").description == "1.0-1")
        #expect(try DebianVersion("+1:2").description == "1:2")
        #expect(try DebianVersion("007:5.1").description == "7:5.1")
        #expect(try DebianVersion("0:1:2-3").description == "0:1:2-3")
        #expect(try DebianVersion("0:1-2:3", allowingWarnings: true).description == "0:1-2:3")
    }

    @Test(arguments: [
        ("", "version string is empty"),
        ("  ", "version string is empty"),
        ("1 2", "version string has embedded spaces"),
        (":1", "epoch in version is empty"),
        ("a:1", "epoch in version is empty"),
        ("1a:1", "epoch in version is not number"),
        ("-1:1", "epoch in version is negative"),
        ("2147483648:1", "epoch in version is too big"),
        ("99999999999999999999999:1", "epoch in version is too big"),
        ("1:", "nothing after colon in version number"),
        ("1.0-", "revision number is empty"),
        ("1:-1", "version number is empty"),
        ("-1", "version number is empty"),
    ])
    func dpkgRefuses(_ text: String, _ reason: String) {
        let problem = DebianVersion.problem(in: text)
        #expect(problem?.reason == reason)
        #expect(problem?.severity == .error)
        #expect(throws: DebianVersion.SyntaxError.self) { try DebianVersion(text, allowingWarnings: true) }
    }

    @Test(arguments: [
        ("a1.0", "version number does not start with digit"),
        ("1.0_1", "invalid character in version number"),
        ("1.0-a=b", "invalid character in revision number"),
        ("1.0-a_b", "invalid character in revision number"),
        ("1.0é", "invalid character in version number"),
    ])
    func dpkgOnlyWarnsAbout(_ text: String, _ reason: String) throws {
        let problem = DebianVersion.problem(in: text)
        #expect(problem?.reason == reason)
        #expect(problem?.severity == .warning)
        #expect(throws: DebianVersion.SyntaxError.self) { try DebianVersion(text) }
        _ = try DebianVersion(text, allowingWarnings: true)
    }

    @Test func edgesDpkgAccepts() {
        for text in ["0", "-0:1", "+1:2", "2147483647:1", "1:2:3", "1.0-1-2", "1~", "1+a.b~c-1~+."] {
            #expect(DebianVersion.problem(in: text) == nil, "\(text)")
        }
    }

    /// Each version sorts strictly before the next (Debian policy 5.6.12 and dpkg's own tests).
    @Test func theOrderOfTildesLettersAndNumbers() throws {
        let ascending = [
            "~~", "~~a", "~", "0", "0a", "0.1", "1.0~rc1", "1.0~rc2", "1.0", "1.0-0.1", "1.0-1", "1.0-1ubuntu1",
            "1.0-a", "1.0-+", "1.0a", "1.0+b1", "1.0.1", "1.1", "1.9", "1.10", "1.010.1", "2:0.1", "10:0",
        ]
        let versions = try ascending.map { try DebianVersion($0, allowingWarnings: true) }
        for (left, right) in zip(versions, versions.dropFirst()) {
            #expect(left < right, "\(left.text) < \(right.text)")
            #expect(!(right < left))
            #expect(DebianVersion.compare(left, right) < 0)
        }
    }

    @Test func versionsDpkgOrdersEqualAreEqualAndHashAlike() throws {
        let groups = [["1.0", "0:1.0", "1.00", "1.0-0", "01.0-00"], ["a", "a0", "a00"], ["1:2.0", "01:2.00-0"]]
        for group in groups {
            let versions = try group.map { try DebianVersion($0, allowingWarnings: true) }
            #expect(Set(versions).count == 1, "\(group)")
            for version in versions { #expect(version == versions[0]) }
        }
        // Not equal: a leading zero run before letters, a trailing separator, a tilde.
        for (a, b) in [("0a", "a"), ("1.0", "1.0."), ("1.0", "1.0~"), ("1.0", "1.0-1")] {
            #expect(try DebianVersion(a, allowingWarnings: true) != DebianVersion(b, allowingWarnings: true), "\(a) \(b)")
        }
    }

    @Test func relations() throws {
        let constraint = try DebianVersionConstraint(">= 7:5.1")
        #expect(constraint.clauses == [.init(.laterOrEqual, try DebianVersion("7:5.1"))])
        #expect(constraint.isSatisfied(by: try DebianVersion("7:5.1")))
        #expect(constraint.isSatisfied(by: try DebianVersion("7:5.1-1")))
        #expect(!constraint.isSatisfied(by: try DebianVersion("7:5.1~rc1")))
        #expect(!constraint.isSatisfied(by: try DebianVersion("6.0")))

        let exact = try DebianVersionConstraint("= 2.3.1-1")
        #expect(exact.isSatisfied(by: try DebianVersion("0:2.3.1-1")))
        #expect(!exact.isSatisfied(by: try DebianVersion("2.3.1-1+b1")))
        #expect(try DebianVersionConstraint("2.3.1-1") == exact)

        let range = try DebianVersionConstraint(">=1.2,<< 2")
        #expect(range.description == ">= 1.2, << 2")
        #expect(range.isSatisfied(by: try DebianVersion("1.9.9")))
        #expect(range.isSatisfied(by: try DebianVersion("2~beta")))
        #expect(!range.isSatisfied(by: try DebianVersion("2.0~beta")), "2.0~beta sorts after 2")
        #expect(!range.isSatisfied(by: try DebianVersion("2")))
        #expect(try DebianVersionConstraint("<< 6").isSatisfied(by: DebianVersion("5.99")))
        #expect(try !DebianVersionConstraint(">> 6").isSatisfied(by: DebianVersion("0:6")))
        #expect(try DebianVersionConstraint(">> 6").isSatisfied(by: DebianVersion("6.0")), "6.0 sorts after 6")
        #expect(try DebianVersionConstraint("<= 6").isSatisfied(by: DebianVersion("6")))
    }

    @Test func theObsoleteRelationsAreRefusedWithWhatTheyMean() {
        #expect(DebianVersionConstraint.Relation.obsolete("<") == .earlierOrEqual)
        #expect(DebianVersionConstraint.Relation.obsolete(">") == .laterOrEqual)
        for (text, hint) in [
            ("< 2", "'<' is dpkg's obsolete spelling of '<=', not strictly earlier; write '<= 2' or '<< 2'"),
            ("> 2", "'>' is dpkg's obsolete spelling of '>=', not strictly later; write '>= 2' or '>> 2'"),
            ("== 2", "Debian writes equality as '=': write '= 2'"),
            ("!= 2", "Debian relations have no '!='; require '<< 2' or '>> 2'"),
            (">=", "'>=' has no version after '>='"),
            ("", "the version constraint is empty; write a relation and a version such as '>= 1.2'"),
            (">= 1,", "'>= 1,' has an empty part between commas"),
            (">= 1.0-", "version '1.0-' has bad syntax: revision number is empty"),
            (">= a1", "version 'a1' has bad syntax: version number does not start with digit (dpkg only warns about this and still uses the version)"),
            ("=> 1", "'=>' is not a Debian version relation; use <<, <=, =, >= or >>"),
        ] {
            do {
                let constraint = try DebianVersionConstraint(text)
                Issue.record("'\(text)' read as '\(constraint)'")
            } catch {
                #expect(error.message == hint)
            }
        }
    }
}
