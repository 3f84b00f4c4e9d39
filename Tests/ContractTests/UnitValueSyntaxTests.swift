import Contract
import Testing

/// Words, commands, specifiers and unit names, with vectors transcribed from systemd's own tests
/// (v252): src/test/test-extract-word.c, src/test/test-load-fragment.c (`config_parse_exec`) and
/// src/test/test-unit-name.c.
@Suite struct UnitValueSyntaxTests {
    // MARK: test-extract-word.c

    @Test func extractFirstWordVectors() throws {
        #expect(try UnitWords.split("foobar waldo", options: []) == ["foobar", "waldo"])
        #expect(try UnitWords.split("\"foobar\" 'waldo'", options: []) == ["\"foobar\"", "'waldo'"])
        #expect(try UnitWords.split("\"foobar\" 'waldo'", options: [.unquote]) == ["foobar", "waldo"])
        #expect(try UnitWords.split("\"", options: []) == ["\""])
        #expect(throws: UnitWords.Failure.unbalancedQuotes) { try UnitWords.split("\"", options: [.unquote]) }
        #expect(throws: UnitWords.Failure.unbalancedQuotes) { try UnitWords.split("'fooo", options: [.unquote]) }
        #expect(try UnitWords.split("'fooo", options: []) == ["'fooo"])
        #expect(try UnitWords.split("KEY=val \"KEY2=val with space\" \"KEY3=val with \\\"quotation\\\"\"", options: [.unquote])
            == ["KEY=val", "KEY2=val with space", "KEY3=val with \"quotation\""])
        #expect(try UnitWords.split("KEY=val \"KEY2=val space\"", options: [.retainEscape]) == ["KEY=val", "\"KEY2=val", "space\""])
        #expect(try UnitWords.split("yay'foo'bar", options: []) == ["yay'foo'bar"])
        #expect(try UnitWords.split("yay'foo'bar", options: [.unquote]) == ["yayfoobar"])
        #expect(try UnitWords.split("   foobar   ", options: []) == ["foobar"])
        #expect(try UnitWords.split(" foo\\ bar ", options: []) == ["foo bar"])
        #expect(try UnitWords.split("\\x41\\101\\u00e9", options: [.unescape]) == ["AAé"])
        #expect(throws: UnitWords.Failure.invalidEscape) { try UnitWords.split("fooo\\", options: []) }
        #expect(throws: UnitWords.Failure.invalidEscape) { try UnitWords.split("a\\Xb", options: [.unescape]) }
        #expect(try UnitWords.split("a\\Xb fooo\\", options: [.unescape, .relaxEscapes]) == ["a\\Xb", "fooo\\"])
        #expect(try UnitWords.split("\"\"", options: [.unquote]) == [""])
    }

    // MARK: test-load-fragment.c, config_parse_exec

    let specifiers = UnitSpecifiers(unit: UnitName("test.service")!)

    func commands(_ value: String) -> [UnitCommand] { UnitCommand.parse(value, specifiers: specifiers).commands }
    func failure(_ value: String) -> UnitCommand.Failure? { UnitCommand.parse(value, specifiers: specifiers).failure }

    @Test func configParseExecVectors() {
        #expect(commands("/RValue r1") == [UnitCommand(path: "/RValue", arguments: ["/RValue", "r1"], flags: [])])
        #expect(commands("/RValue///slashes r1///") == [UnitCommand(path: "/RValue/slashes", arguments: ["/RValue///slashes", "r1///"], flags: [])])
        #expect(failure("/RValue/ argv0 r1")?.ignored == false)
        #expect(commands("@/RValue///slashes2 ///argv0 r1") == [UnitCommand(path: "/RValue/slashes2", arguments: ["///argv0", "r1"], flags: [.separateArgv0])])
        #expect(failure("@/RValue")?.ignored == false)
        #expect(commands("-@/RValue///slashes3 argv0a r1").first?.arguments == ["argv0a", "r1"])
        #expect(commands("@-/RValue///slashes4 argv0b r1").first?.flags == [.ignoreFailure, .separateArgv0])
        #expect(failure("--/RValue argv0 r1")?.ignored == true)
        #expect(failure("-@-/RValue argv0 r1")?.ignored == true)
        #expect(commands("-@/RValue argv0 r1 ; /goo/goo boo").map(\.arguments) == [["argv0", "r1"], ["/goo/goo", "boo"]])
        #expect(commands("-@/RValue argv0 r1 ; ; /goo/goo boo").map(\.arguments) == [["argv0", "r1"], ["/goo/goo", "boo"]])
        #expect(commands("-@/RValue argv0 r1 ; ").map(\.arguments) == [["argv0", "r1"]])
        #expect(commands("-@/RValue argv0 r1 ;").map(\.arguments) == [["argv0", "r1"]])
        #expect(commands("-@/RValue argv0 r1 ';'").map(\.arguments) == [["argv0", "r1", ";"]])
        #expect(commands("/bin/find \\;").map(\.arguments) == [["/bin/find", ";"]])
        #expect(commands("/sbin/find \\; /x").map(\.arguments) == [["/sbin/find", ";", "/x"]])
        #expect(commands("/sbin/find \\;x").map(\.arguments) == [["/sbin/find", "\\;x"]])
        #expect(commands("/bin/find \\073").map(\.arguments) == [["/bin/find", ";"]])
        #expect(commands("/bin/find \";\"").map(\.arguments) == [["/bin/find", ";"]])
        #expect(commands("\"/PATH WITH SPACES/daemon\" -1 -2").map(\.arguments) == [["/PATH WITH SPACES/daemon", "-1", "-2"]])
        #expect(commands("\"/PATH WITH SPACES/daemon -1 -2\"").map(\.path) == ["/PATH WITH SPACES/daemon -1 -2"])
        #expect(commands("\"/PATH WITH SPACES/daemon\" \"-1\" '-2'").map(\.arguments) == [["/PATH WITH SPACES/daemon", "-1", "-2"]])
        #expect(commands("\"/PATH\\sWITH\\sSPACES/daemon\" '-1 -2'").map(\.arguments) == [["/PATH WITH SPACES/daemon", "-1 -2"]])
        #expect(commands("\"/PATH\\x20WITH\\x20SPACES/daemon\" \"-1 -2\"").map(\.arguments) == [["/PATH WITH SPACES/daemon", "-1 -2"]])
        for escape in "abfnrtv\\'\"x" {
            #expect(failure("/path\\\(escape)")?.ignored == false, "escape \(escape)")
        }
        #expect(commands("/path\\s").map(\.path) == ["/path "])
        #expect(commands("/bin/grep '\\w+\\K'").map(\.arguments) == [["/bin/grep", "\\w+\\K"]])
        #expect(failure("/path\\")?.ignored == false)
        #expect(failure("/path 'foo")?.ignored == false)
        #expect(failure("/path 'foo\\")?.ignored == false)
        #expect(failure("- /path")?.ignored == true)
        #expect(failure("-")?.ignored == true)
        let long = String(repeating: "x", count: (1 << 20) - 100 - 11)
        #expect(commands("/bin/echo " + long).map(\.arguments) == [["/bin/echo", long]])
    }

    @Test func execPrefixes() {
        #expect(commands("+/bin/a").first?.flags == [.fullyPrivileged])
        #expect(commands("!/bin/a").first?.flags == [.noSetUID])
        #expect(commands("!!/bin/a").first?.flags == [.ambientMagic])
        #expect(commands(":-/bin/a").first?.flags == [.noEnvironmentExpansion, .ignoreFailure])
        #expect(failure("+!/bin/a") != nil)
        #expect(commands("true x").first?.path == "true")
    }

    // MARK: test-unit-name.c

    @Test func unitNameVectors() {
        for valid in ["foo.service", "foo@bar.service", "foo@.service", "a:b-c_d.e\\x2d.socket", "foo@bar@baz.timer"] {
            #expect(UnitName(valid) != nil, "\(valid)")
        }
        for invalid in ["", ".service", "foo.waldo", "@bar.service", "foo bar.service", "foo/bar.service", String(repeating: "x", count: 248) + ".service"] {
            #expect(UnitName(invalid) == nil, "\(invalid)")
        }
        #expect(UnitName("foo@bar.service")?.form == .instance)
        #expect(UnitName("foo@.service")?.form == .template)
        #expect(UnitName("foo@bar.service")?.template?.text == "foo@.service")
        #expect(UnitName("foo@.service")?.replacingInstance(with: "waldo")?.text == "foo@waldo.service")
        #expect(UnitName("foo@xyz.service")?.replacingInstance(with: "waldo")?.text == "foo@waldo.service")
        #expect(UnitName("foo.service")?.replacingInstance(with: "waldo") == nil)
        #expect(UnitName("foo@.service")?.replacingInstance(with: "") == nil)
        #expect(UnitName("foobar@.service")?.prefix == "foobar")
        #expect(UnitName("foobar@bar.service")?.instance == "bar")
        #expect(UnitName.unescapePath("home") == "/home")
        #expect(UnitName.unescapePath("home-lennart") == "/home/lennart")
        #expect(UnitName.unescapePath("-") == "/")
        #expect(UnitName.unescapePath("-home") == nil)
        #expect(UnitName.unescapePath("home-") == nil)
        #expect(UnitName.unescape("foo\\x2dbar-baz") == "foo-bar/baz")
    }

    /// test-unit-name.c `unit_printf`: the expectations that depend on the unit only.
    @Test func unitPrintfVectors() {
        let plain = UnitSpecifiers(unit: UnitName("blah.service")!)
        #expect(plain.resolve("%n").text == "blah.service")
        #expect(plain.resolve("%N").text == "blah")
        #expect(plain.resolve("%p").text == "blah")
        #expect(plain.resolve("%P").text == "blah")
        #expect(plain.resolve("%i").text == "")
        #expect(plain.resolve("%I").text == "")
        #expect(plain.resolve("%j").text == "blah")
        #expect(plain.resolve("%J").text == "blah")
        #expect(plain.resolve("%f").text == "/blah")
        #expect(plain.resolve("%%").text == "%")
        #expect(plain.resolve("%%s").text == "%s")
        #expect(plain.resolve("%").text == "%")
        #expect(plain.resolve("%!").text == "%!")
        #expect(plain.resolve("%Z").failure != nil)
        let instance = UnitSpecifiers(unit: UnitName("blah-blah\\x2d@foo-foo.service")!)
        #expect(instance.resolve("%n").text == "blah-blah\\x2d@foo-foo.service")
        #expect(instance.resolve("%N").text == "blah-blah\\x2d@foo-foo")
        #expect(instance.resolve("%p").text == "blah-blah\\x2d")
        #expect(instance.resolve("%P").text == "blah/blah-")
        #expect(instance.resolve("%i").text == "foo-foo")
        #expect(instance.resolve("%I").text == "foo/foo")
        #expect(instance.resolve("%j").text == "blah\\x2d")
        #expect(instance.resolve("%J").text == "blah-")
        #expect(instance.resolve("%f").text == "/foo/foo")
        #expect(instance.resolve("%u %U %g %G %E %S %t").text == "root 0 root 0 /etc /var/lib /run")
        #expect(instance.resolve("%H-%m").unresolved == ["H", "m"])
        #expect(instance.resolve("%H-%m").text == "%H-%m")
        #expect(UnitSpecifiers(unit: UnitName("a.service")!, systemValues: ["H": "box"]).resolve("%H").text == "box")
        #expect(instance.resolve("%I", table: .name).failure != nil)
    }
}
