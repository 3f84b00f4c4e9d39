import Host
import Testing

/// systemd's own test vectors for the EnvironmentFile= reader, transcribed, with the values
/// systemd's tests assert, read by hostcontract's parser. Sources:
/// - systemd v252 (Debian 12's systemd-stable 252.39 source package): src/test/test-env-file.c
///   (load_env_file_1 ... _6, load_env_file_invalid_utf8, write_and_load_env_file),
///   src/test/test-fileio.c (parse_env_file, parse_multiline_env_file, load_env_file_pairs: the
///   same parse_env_file_internal), src/test/test-execute.c test_exec_environmentfile with
///   test/test-execute/exec-environmentfile.service;
/// - systemd main (after v257; test-env-file.c with env_file_3 rewritten for v254's comment rule).
/// load_env_file() returns every assignment; EnvironmentFile= then drops a name that is not a
/// shell variable name (exec_context_load_environment -> strv_env_clean), listed as `dropped`.
/// merge_env_file (test-fileio.c) expands ${VAR}, which EnvironmentFile= never does: not used.
@Suite struct SystemdEnvironmentVectorTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        let source: String
        let bytes: [UInt8]
        let dialects: [EnvironmentFile.Dialect]
        /// What systemd's test asserts load_env_file() returns, NAME=value, in any order; nil:
        /// systemd refuses the file (EINVAL).
        let loaded: [String]?
        /// Names in `loaded` EnvironmentFile= drops.
        var dropped: [String] = []
        var testDescription: String { source }

        init(_ source: String, _ text: String, _ dialects: [EnvironmentFile.Dialect], _ loaded: [String]?, dropped: [String] = []) {
            self.source = source
            self.bytes = Array(text.utf8)
            self.dialects = dialects
            self.loaded = loaded
            self.dropped = dropped
        }
    }

    static let every: [EnvironmentFile.Dialect] = [.before254, .since254, .unknown]

    static let envFile1 = "a=a\n" + "a=b\n" + "a=b\n" + "a=a\n" + "b=b\\\n" + "c\n" + "d= d\\\n" + "e  \\\n" + "f  \n" + "g=g\\ \n"
    static let envFile6 = "a=\\ \\n \\t \\x \\y \\' \n" + "b= \\$'                  \n" + "c= ' \\n\\t\\$\\`\\\\\n" + "'   \n"
        + "d= \" \\n\\t\\$\\`\\\\\n" + "\"   \n"

    static let vectors: [Vector] = [
        // src/test/test-env-file.c (v252: µ U+00B5; main: μ U+03BC)
        Vector("test-env-file.c load_env_file_1 (v252)", envFile1 + "h= ąęół\\ śćńźżµ \n" + "i=i\\", every,
               ["a=a", "b=bc", "d=de  f", "g=g ", "h=ąęół śćńźżµ", "i=i"]),
        Vector("test-env-file.c load_env_file_1 (main)", envFile1 + "h= ąęół\\ śćńźżμ \n" + "i=i\\", every,
               ["a=a", "b=bc", "d=de  f", "g=g ", "h=ąęół śćńźżμ", "i=i"]),
        Vector("test-env-file.c load_env_file_2", "a=a\\\n", every, ["a=a"]),
        Vector("test-env-file.c load_env_file_3 (v252)",
               "#SPAMD_ARGS=\"-d --socketpath=/var/lib/bulwark/spamd \\\n"
                   + "#--nouser-config                                     \\\n"
                   + "normal=line                                          \\\n"
                   + ";normal=ignored                                      \\\n"
                   + "normal_ignored                                       \\\n"
                   + "normal ignored                                       \\\n",
               [.before254], []),
        Vector("test-env-file.c load_env_file_3 (main, since v254)",
               "#SPAMD_ARGS=\"-d --socketpath=/var/lib/bulwark/spamd \\\n"
                   + "#--nouser-config                                     \\\n"
                   + "normal1=line\\\n"
                   + "111\n"
                   + ";normal=ignored                                      \\\n"
                   + "normal2=line222\n"
                   + "normal ignored                                       \\\n",
               [.since254, .unknown], ["normal1=line111", "normal2=line222"]),
        Vector("test-env-file.c load_env_file_4",
               "# Generated\n" + "\n" + "HWMON_MODULES=\"coretemp f71882fg\"\n" + "\n" + "# For compatibility reasons\n" + "\n"
                   + "MODULE_0=coretemp\n" + "MODULE_1=f71882fg",
               every, ["HWMON_MODULES=coretemp f71882fg", "MODULE_0=coretemp", "MODULE_1=f71882fg"]),
        Vector("test-env-file.c load_env_file_5", "a=\n" + "b=", every, ["a=", "b="]),
        Vector("test-env-file.c load_env_file_6", envFile6, every,
               ["a= n t x y '", "b=$'", "c= \\n\\t\\$\\`\\\\\n", "d= \\n\\t$`\\\n"]),
        Vector("test-env-file.c load_env_file_invalid_utf8 #1", "fo\u{FFFE}o=bar", every, nil),
        Vector("test-env-file.c load_env_file_invalid_utf8 #2", "foo=b\u{FFFF}ar", every, nil),
        Vector("test-env-file.c load_env_file_invalid_utf8 #3", "baz=hello world\u{FFFE}", every, nil),
        // write_and_load_env_file: the files systemd's write_env_file() makes (write_env_var:
        // a value with a control character, whitespace or one of " \ ` $ * ? [ ' ( ) < > | & ; !
        // is double-quoted, with \ " ` $ escaped), each read back as the value; main writes
        // header lines first.
        Vector("test-env-file.c write_and_load_env_file obbardc-laptop", "TEST=obbardc-laptop\n", every, ["TEST=obbardc-laptop"]),
        Vector("test-env-file.c write_and_load_env_file obbardc\\-laptop", "TEST=\"obbardc\\\\-laptop\"\n", every, ["TEST=obbardc\\-laptop"]),
        Vector("test-env-file.c write_and_load_env_file obbardc-lap\\top", "TEST=\"obbardc-lap\\\\top\"\n", every, ["TEST=obbardc-lap\\top"]),
        Vector("test-env-file.c write_and_load_env_file obbardc-lap\\\\top", "TEST=\"obbardc-lap\\\\\\\\top\"\n", every,
               ["TEST=obbardc-lap\\\\top"]),
        Vector("test-env-file.c write_and_load_env_file double\"quote", "TEST=\"double\\\"quote\"\n", every, ["TEST=double\"quote"]),
        Vector("test-env-file.c write_and_load_env_file single'quote", "TEST=\"single'quote\"\n", every, ["TEST=single'quote"]),
        Vector("test-env-file.c write_and_load_env_file dollar$dollar", "TEST=\"dollar\\$dollar\"\n", every, ["TEST=dollar$dollar"]),
        Vector("test-env-file.c write_and_load_env_file newline", "TEST=\"newline\nnewline\"\n", every, ["TEST=newline\nnewline"]),
        Vector("test-env-file.c write_and_load_env_file (main: header)", "# header 1\n\n# header 2\nTEST=\"dollar\\$dollar\"\n", every,
               ["TEST=dollar$dollar"]),
        // src/test/test-fileio.c
        Vector("test-fileio.c parse_env_file",
               "one=BAR   \n" + "# comment\n" + " # comment \n" + " ; comment \n" + "  two   =   bar    \n" + "invalid line\n"
                   + "invalid line #comment\n" + "three = \"333\n" + "xxxx\"\n" + "four = '44\\\"44'\n"
                   + "five = \"55\\\"55\" \"FIVE\" cinco   \n" + "six = seis sechs\\\n" + " sis\n" + "seven=\"sevenval\" #nocomment\n"
                   + "eight=eightval #nocomment\n" + "export nine=nineval\n" + "ten=ignored\n" + "ten=ignored\n" + "ten=\n"
                   + "eleven=\\value\n" + "twelve=\"\\value\"\n" + "thirteen='\\value'",
               every,
               ["one=BAR", "two=bar", "three=333\nxxxx", "four=44\\\"44", "five=55\"55FIVEcinco", "six=seis sechs sis",
                "seven=sevenval#nocomment", "eight=eightval #nocomment", "export nine=nineval", "ten=", "eleven=value",
                "twelve=\\value", "thirteen=\\value"],
               dropped: ["export nine"]),
        Vector("test-fileio.c parse_multiline_env_file",
               "one=BAR\\\n" + "\\ \\ \\ \\ VAR\\\n" + "\\\tGAR\n" + "#comment\n" + "two=\"bar\\\n" + "    var\\\n" + "\tgar\"\n"
                   + "#comment\n" + "tri=\"bar \\\n" + "    var \\\n" + "\tgar \"\n",
               every, ["one=BAR    VAR\tGAR", "two=bar    var\tgar", "tri=bar     var \tgar "]),
        Vector("test-fileio.c load_env_file_pairs",
               "NAME=\"Arch Linux\"\n" + "ID=arch\n" + "PRETTY_NAME=\"Arch Linux\"\n" + "ANSI_COLOR=\"0;36\"\n"
                   + "HOME_URL=\"https://www.archlinux.org/\"\n" + "SUPPORT_URL=\"https://bbs.archlinux.org/\"\n"
                   + "BUG_REPORT_URL=\"https://bugs.archlinux.org/\"\n",
               every,
               ["NAME=Arch Linux", "ID=arch", "PRETTY_NAME=Arch Linux", "ANSI_COLOR=0;36", "HOME_URL=https://www.archlinux.org/",
                "SUPPORT_URL=https://bbs.archlinux.org/", "BUG_REPORT_URL=https://bugs.archlinux.org/"]),
        // src/test/test-execute.c test_exec_environmentfile; exec-environmentfile.service tests
        // VAR1 = "word1 word2", VAR2 = word3, VAR3 = "\$word 5 6", VAR4 = "new\nline",
        // VAR5 = passwordwithbackslashes in the started service.
        Vector("test-execute.c exec-environmentfile.service",
               "VAR1='word1 word2'\n" + "VAR2=word3 \n" + "# comment1\n" + "\n" + "; comment2\n" + " ; # comment3\n"
                   + "line without an equal\n" + "VAR3='$word 5 6'\n" + "VAR4='new\nline'\n" + "VAR5=password\\with\\backslashes",
               every, ["VAR1=word1 word2", "VAR2=word3", "VAR3=$word 5 6", "VAR4=new\nline", "VAR5=passwordwithbackslashes"]),
    ]

    static let cases: [(Vector, EnvironmentFile.Dialect)] = vectors.flatMap { vector in vector.dialects.map { (vector, $0) } }

    @Test(arguments: cases)
    func systemdsOwnVector(_ vector: Vector, _ dialect: EnvironmentFile.Dialect) throws {
        let file = EnvironmentFile(parsing: vector.bytes, dialect: dialect)
        guard let loaded = vector.loaded else {
            #expect(file.refusal != nil, "systemd refuses this file (EINVAL)")
            #expect(file.values.isEmpty)
            return
        }
        #expect(file.refusal == nil)
        var expected: [String: String] = [:]
        for assignment in loaded {
            let equals = try #require(assignment.firstIndex(of: "="))
            let name = String(assignment[..<equals])
            if !vector.dropped.contains(name) { expected[name] = String(assignment[assignment.index(after: equals)...]) }
        }
        #expect(file.values == expected)
        // What EnvironmentFile= drops is named at its line, never silently.
        #expect(file.problems.count >= vector.dropped.count)
    }

    /// The count the suite stands on (every case of the files above, in each dialect it holds for).
    @Test func theVectorsAreAllHere() {
        #expect(Self.vectors.count == 24)
        #expect(Self.cases.count == 69)
    }
}
