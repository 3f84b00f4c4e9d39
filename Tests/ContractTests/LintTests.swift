import Contract
import Provision
import TestSupport
import Testing

/// Every class of contract error is reported, with the line it is on.
@Suite struct LintTests {
    static let header = """
        contract = "t"
        schema = 1

        """

    /// Loads `marked` (prefixed with the header) and returns its diagnostics and marker lines.
    func lint(_ body: String, header: String = LintTests.header) -> (diagnostics: [Diagnostic], text: MarkedText) {
        ContractText.diagnostics(body, header: header)
    }

    /// Expects exactly one error, on the 1️⃣ line, whose printed form contains every fragment.
    func expectError(_ body: String, _ fragments: String..., header: String = LintTests.header, sourceLocation: SourceLocation = #_sourceLocation) {
        ContractText.expectError(body, fragments, header: header, sourceLocation: sourceLocation)
    }

    @Test func validContractHasNoDiagnostics() {
        let (diagnostics, _) = lint("""
            [[directory]]
            path = "/srv/app"
            mode = "0750"
            """)
        #expect(diagnostics.isEmpty)
    }

    @Test func syntaxErrorHasLineAndColumn() {
        let (diagnostics, text) = lint("""
            [[directory]]
            1️⃣path = = "/x"
            """)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.line == text["1️⃣"])
        #expect(diagnostics.first?.column != nil)
        #expect(diagnostics.first?.description.hasPrefix("c.toml:\(text["1️⃣"]):") == true)
    }

    @Test func integerModeIsRejectedWithTheFix() {
        expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣mode = 750
            """, "[[directory]] #1 (path = \"/srv/app\") mode:", "quoted octal string")
    }

    @Test func leadingZeroModeIsASyntaxErrorWithTheFix() {
        let (diagnostics, text) = lint("""
            [[directory]]
            path = "/srv/app"
            1️⃣mode = 0750
            """)
        #expect(diagnostics.first?.line == text["1️⃣"])
        #expect(diagnostics.first?.message.contains("quoted octal string") == true)
    }

    @Test func malformedModeString() {
        expectError("""
            [[file]]
            path = "/etc/x"
            1️⃣mode = "0980"
            """, "'0980' is not an octal mode")
    }

    @Test func unknownKeySuggestsTheClosest() {
        expectError("""
            [[directory]]
            path = "/srv/app"
            1️⃣ownr = "app"
            """, "unknown key 'ownr'", "did you mean 'owner'?")
    }

    @Test func unknownEntryKindSuggestsTheClosest() {
        expectError("""
            1️⃣[[directroy]]
            path = "/srv/app"
            """, "unknown entry kind '[[directroy]]'", "did you mean '[[directory]]'?")
    }

    @Test func unknownTopLevelKey() {
        expectError("""
            1️⃣descripton = "x"
            """, "unknown key 'descripton'", "did you mean 'description'?")
    }

    @Test func wrongType() {
        expectError("""
            [[file]]
            path = "/etc/x"
            1️⃣required = "yes"
            """, "required: expected true or false, found a string")
    }

    @Test func missingRequiredKeyPointsAtTheEntry() {
        expectError("""
            [[directory]]
            path = "/srv"

            1️⃣[[directory]]
            owner = "app"
            """, "[[directory]] #2", "missing required key 'path'")
    }

    @Test func missingContractName() {
        expectError("1️⃣schema = 1\n", "missing required key 'contract'", header: "")
    }

    @Test func unsupportedSchema() {
        expectError("contract = \"t\"\n1️⃣schema = 2\n", "schema 2 is not supported", header: "")
    }

    @Test func undeclaredVariable() {
        let (diagnostics, text) = lint("""
            [[variable]]
            name = "DATA_ROOT"

            [[directory]]
            1️⃣path = "${DATA_RUT}/import"
            """)
        #expect(diagnostics.count == 1 && diagnostics[0].severity == .warning && diagnostics[0].line == text["1️⃣"], "\(diagnostics)")
        #expect(diagnostics.first?.description.contains("'${DATA_RUT}' is not declared") == true, "\(diagnostics)")
        #expect(diagnostics.first?.description.contains("did you mean 'DATA_ROOT'?") == true, "\(diagnostics)")
    }

    @Test func unterminatedInterpolation() {
        expectError("""
            [[directory]]
            1️⃣path = "${DATA/import"
            """, "'${' is never closed")
    }

    @Test func relativePath() {
        expectError("""
            [[file]]
            1️⃣path = "etc/x"
            """, "must be an absolute path")
    }

    @Test func badACLEntry() {
        expectError("""
            [[directory]]
            path = "/srv"
            1️⃣acl = ["group:nginx:rwz"]
            """, "'rwz' is not a permission set")
    }

    @Test func badACLTag() {
        expectError("""
            [[directory]]
            path = "/srv"
            1️⃣acl = ["team:nginx:r-x"]
            """, "'team' is not an ACL tag")
    }

    @Test func aclShortFormsAreAccepted() {
        let (diagnostics, _) = lint("""
            [[directory]]
            path = "/srv"
            acl = ["u:alice:rwx", "g:nginx:r-x", "mask::rwx", "other::---", "default:group:nginx:rx", "d:u::rw"]
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    /// PCRE2's own message and the offset where it stopped.
    @Test func badRegularExpression() {
        expectError("""
            [[file]]
            path = "/etc/x"
            1️⃣forbid = ['^set (-x']
            """, "error: [[file]] #1 (path = \"/etc/x\") forbid: '^set (-x' is not a valid regular expression: missing closing parenthesis at offset 8")
        expectError("""
            [[variable]]
            name = "PORT"
            1️⃣pattern = '\\d+)'
            """, "pattern: '\\d+)' is not a valid regular expression: unmatched closing parenthesis at offset 3")
    }

    /// What PCRE2 has beyond the old engine: backreferences, lookaround, atomic groups,
    /// possessive quantifiers.
    @Test func backreferencesAndLookaroundAreAccepted() {
        let (diagnostics, _) = lint("""
            [[file]]
            path = "/etc/x"
            forbid = ['(\\w+)=\\1', '^(?!#)\\s*set\\b', '(?>a+)b', 'a*+b', '(?<=x)y']
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func regularExpressionInAMultilineArrayKeepsItsKeyLine() {
        expectError("""
            [[file]]
            path = "/etc/x"
            1️⃣require = [
              '^A=',
              '^B=(',
            ]
            """, "'^B=(' is not a valid regular expression")
    }

    @Test func whenMustBeATable() {
        expectError("""
            [[directory]]
            path = "/srv"
            1️⃣when = "ROLE"
            """, "when: expected a table")
    }

    @Test func whenWithABoolean() {
        expectError("""
            [[variable]]
            name = "MTLS"

            [[directory]]
            path = "/srv"
            1️⃣when = { MTLS = true }
            """, "must be a quoted string")
    }

    /// The spec reads `${NAME}` from the environment under contract, declared or not: a warning
    /// with the likely intent, and (nothing saying it is not secret) its value is never shown.
    @Test func whenOnAnUndeclaredVariable() {
        let (diagnostics, text) = lint("""
            [[variable]]
            name = "ROLES"

            [[directory]]
            path = "/srv"
            1️⃣when = { ROLE = "hub" }

            [[directory]]
            2️⃣path = "${DATA_DIRECTORY}/x"
            """)
        #expect(diagnostics.allSatisfy { $0.severity == .warning }, "\(diagnostics)")
        #expect(diagnostics.count == 2, "\(diagnostics)")
        let when = diagnostics.first { $0.line == text["1️⃣"] }?.description ?? ""
        #expect(when.contains("tests ROLE, which no [[variable]] declares") && when.contains("did you mean 'ROLES'?"), "\(when)")
        let path = diagnostics.first { $0.line == text["2️⃣"] }?.description ?? ""
        #expect(path.contains("'${DATA_DIRECTORY}' is not declared by any [[variable]]") && path.contains("declare it"), "\(path)")
    }

    /// `${VAR}` is not interpolated in a regular expression, where `$` ends the line: a
    /// pattern that can never match is an error; an escaped `\$\{` is the text itself.
    @Test func interpolationInARegularExpression() {
        expectError("""
            [[variable]]
            name = "DATA_DIR"

            [[file]]
            path = "/etc/x"
            1️⃣require = ['^ROOT=${DATA_DIR}$']
            """, "uses ${DATA_DIR}, which a regular expression does not interpolate", "write '\\$\\{DATA_DIR\\}'")
        expectError("""
            [[variable]]
            name = "A"
            1️⃣pattern = "x${A}"
            """, "uses ${A}")
        let (diagnostics, _) = lint("""
            [[file]]
            path = "/etc/x"
            forbid = ['\\${HOME}', 'a$', '\\\\${X}y']
            """)
        #expect(diagnostics.filter { $0.severity == .error }.map(\.description).count == 1, "\(diagnostics)")
    }

    @Test func unknownSeverity() {
        expectError("""
            [[directory]]
            path = "/srv"
            1️⃣severity = "fatal"
            """, "'fatal' is not one of 'error', 'warning'")
    }

    @Test func secretCannotBeInterpolated() {
        expectError("""
            [[variable]]
            name = "TOKEN"
            secret = true

            [[directory]]
            1️⃣path = "/srv/${TOKEN}"
            """, "cannot interpolate secret variable")
    }

    @Test func secretCannotBeTestedInWhen() {
        expectError("""
            [[variable]]
            name = "TOKEN"
            secret = true

            [[directory]]
            path = "/srv"
            1️⃣when = { TOKEN = "x" }
            """, "cannot test secret variable TOKEN")
    }

    @Test func onlyOneEntryGivesADefault() {
        expectError("""
            [[variable]]
            name = "A"
            default = "x"

            1️⃣[[variable]]
            name = "A"
            default = "y"
            """, "only one entry for A may give 'default' or 'aliases'")
    }

    @Test func circularDefaults() {
        let (diagnostics, _) = lint("""
            [[variable]]
            name = "A"
            default = "${B}/a"

            [[variable]]
            name = "B"
            default = "${A}/b"
            """)
        #expect(diagnostics.contains { $0.message.contains("defaults refer to each other in a circle") })
    }

    @Test func keyIDInNamesADeclaredVariable() {
        expectError("""
            [[variable]]
            name = "PRIMARY_KEY_ID"
            1️⃣key_id_in = "ENCRYPTION_KEY"
            """, "key_id_in", "is not declared")
    }

    @Test func keyIDInMayNameASecret() {
        let (diagnostics, _) = lint("""
            [[variable]]
            name = "KEYS"
            secret = true

            [[variable]]
            name = "PRIMARY"
            key_id_in = "KEYS"
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func nginxDirectiveValues() {
        expectError("""
            [nginx]
            config = "/etc/nginx/nginx.conf"

            [[nginx.location]]
            path = "/protected_media/"
            1️⃣directives = { internal = true, alias = 3 }
            """, "[[nginx.location]] #1", "alias must be true, a string, a non-empty array of strings or a table")
    }

    /// A directive's table form: `{ present = true }` or `{ matches = ... }`, the patterns
    /// compiled when the contract is loaded.
    @Test(arguments: [
        ("limit_req = { matches = \"^zone=(\" }", "'^zone=(' is not a valid regular expression: missing closing parenthesis"),
        ("limit_req = { matches = [] }", "limit_req: matches must be a regular expression or a non-empty array of them, found an array"),
        ("limit_req = { match = \"^zone=\" }", "limit_req: unknown key 'match'; did you mean 'matches'?"),
        ("limit_req = { present = false }", "limit_req: present = false cannot be checked"),
        ("limit_req = { present = \"yes\" }", "limit_req: present must be true, found a string"),
        ("limit_req = {}", "limit_req: write { present = true } or { matches = \"REGEX\" }"),
        ("limit_req = { matches = \"${ZONE}\" }", "uses ${ZONE}, which a regular expression does not interpolate"),
    ])
    func nginxDirectiveTables(_ directives: String, _ message: String) {
        expectError("""
            [nginx]
            config = "/etc/nginx/nginx.conf"

            [[nginx.location]]
            path = "/upload/"
            1️⃣directives = { \(directives) }
            """, "c.toml:8: error: [[nginx.location]] #1 (path = \"/upload/\") directives:", message)
    }

    @Test func nginxLocationNeedsAPath() {
        expectError("""
            [nginx]
            config = "/etc/nginx/nginx.conf"

            1️⃣[[nginx.location]]
            directives = { internal = true }
            """, "missing required key 'path'")
    }

    @Test func nginxUnknownKey() {
        expectError("""
            [nginx]
            config = "/etc/nginx/nginx.conf"
            1️⃣server_nme = "x"
            """, "unknown key 'server_nme'", "did you mean 'server_name'?")
    }

    @Test func subdirectoryCannotClimbOut() {
        expectError("""
            [[directory]]
            path = "/srv"
            1️⃣subdirs = ["a", "../etc"]
            """, "'../etc' must be a relative path")
    }

    @Test func keyModeReadableByOther() {
        expectError("""
            [[key]]
            path = "/etc/k"
            1️⃣mode = "0644"
            """, "a key must not be readable by other")
    }

    @Test func accessRights() {
        expectError("""
            [[access]]
            principal = "nginx"
            path = "/srv"
            1️⃣allow = "rq"
            """, "'rq' is not a set of the letters r, w and x")
    }

    @Test func encryptedType() {
        expectError("""
            [[encrypted]]
            path = "/srv"
            1️⃣type = "luks3"
            """, "'luks3' is not one of", "did you mean 'luks1'?")
    }

    /// `[[connect]]` takes its peer from `address` or from a configuration file (`config`,
    /// `host_key`, `port_key` or `port`), never both and never half of one.
    @Test func connectPeerFromAConfigurationFile() {
        let (clean, _) = lint("""
            [[connect]]
            config = "/etc/app/peers.json"
            host_key = ["sources", "aria.main", "host"]
            port_key = "sources.aria.port"
            timeout = "3s"

            [[connect]]
            config = "/etc/app/peers"
            format = "ini"
            host_key = "mosaiq.db_server"
            port = 1433
            """)
        #expect(clean.isEmpty, "\(clean)")
        expectError("""
            [[connect]]
            address = "db:5432"
            1️⃣config = "/etc/app/peers.toml"
            """, "[[connect]] #1 config", "either as address", "not both")
        expectError("""
            1️⃣[[connect]]
            config = "/etc/app/peers.toml"
            port = 5432
            """, "missing required key 'host_key'")
        expectError("""
            1️⃣[[connect]]
            config = "/etc/app/peers.toml"
            host_key = "db.host"
            """, "missing required key 'port_key'", "port = NUMBER")
        expectError("""
            [[connect]]
            config = "/etc/app/peers.toml"
            host_key = "db.host"
            port_key = "db.port"
            1️⃣port = 5432
            """, "port_key", "not both")
        expectError("""
            [[connect]]
            config = "/etc/app/peers.toml"
            host_key = "db.host"
            1️⃣port = 65536
            """, "65536 is not a port")
        expectError("""
            [[connect]]
            address = "db:5432"
            1️⃣port_key = "db.port"
            """, "'port_key' reads the peer from a configuration file")
        expectError("""
            1️⃣[[connect]]
            timeout = "3s"
            """, "missing required key 'address'", "'config' with 'host_key'")
        expectError("""
            [[connect]]
            1️⃣config = "/etc/app/peers"
            host_key = "db.host"
            port = 5432
            """, "cannot tell the format of '/etc/app/peers'")
        expectError("""
            [[connect]]
            config = "/etc/app/peers.ini"
            1️⃣host_key = "site.db.host"
            port = 5432
            """, "host_key: an INI file has two levels")
    }

    @Test func everyErrorIsReportedInOnePass() {
        let (diagnostics, text) = lint("""
            [[directory]]
            path = "/srv"
            1️⃣mode = 750

            [[file]]
            path = "/etc/x"
            2️⃣owner = 7
            """)
        #expect(diagnostics.map(\.line) == [text["1️⃣"], text["2️⃣"]])
    }

    @Test func everyVocabularyKeyIsAccepted() {
        let (diagnostics, _) = lint("""
            description = "all keys"

            [environment]
            file = "/etc/app.env"

            [[variable]]
            name = "ROOT"
            required = true
            path = true
            aliases = ["OLD_ROOT"]
            exists = true

            [[variable]]
            name = "STORE"
            default = "${ROOT}/store"
            inside = "${ROOT}"
            equals = "${ROOT}/store"
            one_of = ["a", "b"]
            forbid = ["c"]
            pattern = '[a-z/]+'
            min_length = 3
            secret = false
            severity = "warning"
            message = "why"
            when = { ROOT = ["/a", "/b"] }

            [[directory]]
            path = "${ROOT}"
            owner = "app"
            group = "app"
            mode = "2770"
            create = false
            acl = ["group:nginx:r-x"]
            subdirs = ["a", "b/c"]

            [[file]]
            path = "/etc/app.env"
            owner = "root"
            group = "app"
            mode = "0640"
            required = false
            forbid = ['^\\s*set\\s+-x']
            require = ['^ROOT=']

            [[key]]
            path = "/etc/k"
            owner = "root"
            group = "app"
            mode = "0640"
            min_bytes = 32
            format = "pem-private-key"
            min_bits = 2048

            [[tree]]
            path = "${STORE}"
            owner = "app"
            group = "app"
            max_dir_mode = "0750"
            max_file_mode = "0640"

            [[user]]
            name = "app"
            system = true
            groups = ["secrets"]

            [[group]]
            name = "app"
            members = ["nginx"]

            [[access]]
            principal = "nginx"
            path = "${STORE}"
            allow = "rx"
            deny = "w"
            via = "group"

            [nginx]
            config = "/etc/nginx/nginx.conf"
            server_name = "app.example.org"
            worker_access = true

            [[nginx.location]]
            path = "/protected_media/"
            directives = { internal = true, alias = "${STORE}/" }

            [[nginx.location]]
            path = "/"
            directives = { proxy_pass = "http://127.0.0.1:8000", proxy_set_header = ["X-Client-Cert-Verified $ssl_client_verify"] }

            [[nginx.server]]
            directives = { ssl_verify_client = "on" }
            when = { ROOT = "/a" }

            [[encrypted]]
            path = "${ROOT}"
            type = "luks2"

            [[certificate]]
            path = "/etc/nginx/ca.pem"
            ca = true
            min_days_left = 30
            key = "/etc/nginx/server.key"
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }
}

/// Headers toml++ would meet with an assertion are syntax errors of ours, with line and column.
@Suite struct MalformedHeaderTests {
    @Test(arguments: ["[[\n", "[\n", "a = 1\n[[ # x\n", "[[\t\n[[v]]\n", "[[é]]\n"])
    func reported(_ text: String) {
        let outcome = ContractLoader.load(text: text, file: "h.toml", patterns: .pcre2)
        #expect(outcome.contract == nil)
        #expect(outcome.errors.first?.message.contains("expected a table name") == true)
        #expect(outcome.errors.first?.column != nil)
    }

    @Test func arraysOfArraysAreNotHeaders() {
        let outcome = ContractLoader.load(text: "contract = \"x\"\nschema = 1\ndescription = \"\"\"\n[[\n\"\"\"\n", file: "h.toml", patterns: .pcre2)
        #expect(outcome.errors.isEmpty, "\(outcome.diagnostics)")
    }
}

@Suite struct ArrayGuardTests {
    @Test(arguments: ["a = [}\n", "a = [\n}\n]\n", "a = [1,\n # c\n }\n", "a = { b = [ } ] }\n", "a = [ 1, [ } ] ]\n", "a = [[}]]\n"])
    func closingBraceInAnArray(_ text: String) {
        let outcome = ContractLoader.load(text: text, file: "a.toml", patterns: .pcre2)
        #expect(outcome.errors.first?.message == "expected a value or ']' in the array, found '}'")
    }

    @Test func validArraysPass() {
        let text = "contract = \"x\"\nschema = 1\ndescription = \"\"\"a } [ \"\"\"\n[[directory]]\npath = \"/x\"\nsubdirs = [\n  \"a\", # }\n  \"b}\",\n]\n"
        #expect(ContractLoader.load(text: text, file: "a.toml", patterns: .pcre2).diagnostics.isEmpty)
    }
}

/// A contract written on Windows (CRLF): diagnostics name the same lines as for LF.
@Suite struct CRLFContractTests {
    @Test func diagnosticsNameTheSameLines() {
        let text = "contract = \"t\"\nschema = 1\n\n[[directory]]\npath = \"/srv\"\nmode = 750\n"
        for variant in [text, text.replacingOccurrences(of: "\n", with: "\r\n")] {
            let outcome = ContractLoader.load(text: variant, file: "c.toml", patterns: .pcre2)
            #expect(outcome.errors.map(\.line) == [6], "\(outcome.diagnostics)")
        }
        let unknown = "contract = \"t\"\r\nschema = 1\r\n\r\n[[directory]]\r\npath = \"/srv\"\r\nmodes = \"0750\"\r\n"
        let outcome = ContractLoader.load(text: unknown, file: "c.toml", patterns: .pcre2)
        #expect(outcome.errors.map(\.line) == [6], "\(outcome.diagnostics)")
    }
}
