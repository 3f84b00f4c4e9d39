import Contract
import Testing

/// PEP 440 reading, normalisation and order on literals (the examples of PEP 440 and of
/// packaging's documentation); PythonPackagingOracleTests holds them to packaging itself.
@Suite struct PythonVersionTests {
    @Test(arguments: [
        ("1.0", "1.0"), ("v1.0", "1.0"), ("V1.0", "1.0"), (" 1.0\n", "1.0"), ("\u{A0}1.0\u{3000}", "1.0"),
        ("01.002", "1.2"), ("1!2.0", "1!2.0"), ("0!1", "1"),
        ("1.0a", "1.0a0"), ("1.0alpha1", "1.0a1"), ("1.0-ALPHA.1", "1.0a1"), ("1.0b2", "1.0b2"), ("1.0beta_2", "1.0b2"),
        ("1.0c1", "1.0rc1"), ("1.0pre1", "1.0rc1"), ("1.0preview-1", "1.0rc1"), ("1.0RC1", "1.0rc1"), ("1.0a-", "1.0a0"),
        ("1.0-1", "1.0.post1"), ("1.0post", "1.0.post0"), ("1.0.rev2", "1.0.post2"), ("1.0-r3", "1.0.post3"), ("1.0_post_4", "1.0.post4"),
        ("1.0dev", "1.0.dev0"), ("1.0-dev.2", "1.0.dev2"), ("1.0a1.post2.dev3", "1.0a1.post2.dev3"),
        ("1.0+Ubuntu-1", "1.0+ubuntu.1"), ("2.3.1+cpu", "2.3.1+cpu"), ("1.0+a_b.C", "1.0+a.b.c"), ("1.0+007", "1.0+7"),
        ("1.99999999999999999999999", "1.99999999999999999999999"),
    ])
    func normalises(_ text: String, _ normalized: String) throws {
        let version = try PythonVersion(text)
        #expect(version.description == normalized)
        #expect(version.text == text)
    }

    @Test(arguments: [
        "", " ", "1.", ".1", "1..2", "1.0.*", "a1", "1.0+", "1.0+a..b", "1.0+a+b", "1!", "!1", "1.0-", "1.0--1", "1.0alphabet",
        "1.0 1", "1,0", "1.0poſt1", "1.0+ſ", "１.0", "1.0.post1.post2", "1.0.dev1a1", "vv1", "1.0-+1",
        String(repeating: "1", count: 4301), "1." + String(repeating: "0", count: 4301), "1+" + String(repeating: "9", count: 4301),
    ])
    func refuses(_ text: String) {
        #expect(throws: PythonVersion.SyntaxError.self) { try PythonVersion(text) }
    }

    @Test func aLongNumberUpToPythonsLimitIsRead() throws {
        let digits = String(repeating: "7", count: 4300)
        #expect(try PythonVersion("1." + digits).description == "1." + digits)
    }

    /// Each sorts strictly before the next (packaging's test suite, PEP 440's summary).
    @Test func theOrderOfPEP440() throws {
        let ascending = [
            "0.dev0", "0", "0.1", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456",
            "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7",
            "1.0+5", "1.0+6.1", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "1.99999999999999999999",
            "2!0.1",
        ]
        let versions = try ascending.map(PythonVersion.init)
        for (left, right) in zip(versions, versions.dropFirst()) {
            #expect(left < right, "\(left) < \(right)")
            #expect(!(right <= left))
        }
    }

    @Test func versionsPEP440OrdersEqualAreEqualAndHashAlike() throws {
        for group in [["1", "1.0", "1.0.0", "v1.0", "0!1.0"], ["1.0a", "1.0a0", "1.0alpha0"], ["1.0+ABC-1", "1.0+abc.1"]] {
            let versions = try group.map(PythonVersion.init)
            #expect(Set(versions).count == 1, "\(group)")
        }
        #expect(try PythonVersion("1.0+abc") != PythonVersion("1.0"))
        #expect(try PythonVersion("1.0+1") != PythonVersion("1.0+01.0"))
    }

    @Test func kinds() throws {
        #expect(try PythonVersion("1.0rc1").isPrerelease)
        #expect(try PythonVersion("1.0.dev1").isPrerelease)
        #expect(try PythonVersion("1.0.post1.dev1").isPrerelease)
        #expect(try !PythonVersion("1.0.post1").isPrerelease)
        #expect(try PythonVersion("2.3.1+cpu").localLabel == "cpu")
        #expect(try PythonVersion("1!2.3.1rc1+cpu").publicVersion == "1!2.3.1rc1")
    }

    @Test func packageNames() {
        #expect(PythonPackageName("torch") == PythonPackageName("Torch"))
        #expect(PythonPackageName("python_dateutil") == PythonPackageName("python-dateutil"))
        #expect(PythonPackageName("Oslo..Concurrency").normalized == "oslo-concurrency")
        #expect(PythonPackageName("a-_.b").normalized == "a-b")
        #expect(Set([PythonPackageName("Zope.Interface"), PythonPackageName("zope_interface")]).count == 1)
        #expect(PythonPackageName("torch").isValid && PythonPackageName("a.b-c_d").isValid && PythonPackageName("A1").isValid)
        #expect(!PythonPackageName("-torch").isValid && !PythonPackageName("torch.").isValid && !PythonPackageName("").isValid)
        #expect(!PythonPackageName("tör").isValid)
        #expect(PythonPackageName(distributionInfoDirectory: "python_dateutil-2.8.2.dist-info")?.normalized == "python-dateutil")
        #expect(PythonPackageName(distributionInfoDirectory: "Torch-2.3.1+cpu.dist-info") == PythonPackageName("torch"))
        #expect(PythonPackageName(distributionInfoDirectory: "torch-2.3.1.egg-info") == nil)
        #expect(PythonPackageName(distributionInfoDirectory: ".dist-info") == nil)
    }
}
