import Contract

/// SARIF 2.1.0 for code-scanning views: one rule per entry kind and check (`directory.mode`,
/// `access.read`, `nginx.internal`) with a help text, a result for each failure and warning,
/// located at the contract line that required it, with the host subject as logical location.
/// Each result carries its check's id as fingerprint, so a code-scanning view follows one check
/// from run to run; `automationDetails.id` names the contract and the host (and the root, for an
/// image), so the runs of each host form their own series. A waived check is a result with an
/// accepted in-source suppression (3.35) whose justification is the waiver's reason.
///
/// A check that could not be evaluated is a result of `kind: "open"`, which SARIF 2.1.0
/// (3.27.9) defines as "the tool concluded that there was insufficient information to decide
/// whether a problem exists"; its `level` is then `none`, as 3.27.10 requires of any kind but
/// `fail`. It is neither a finding nor a pass, so that a consumer counting `fail` results sees
/// no drift where there may be none. So that a consumer that ignores `kind` still learns the run
/// was incomplete, each one is also a tool execution notification of the invocation (3.20.21,
/// the place for "the tool could not read this"), at level `error` (or `warning` for a check
/// of severity warning).
enum SARIFReport {
    static func render(_ report: Report) -> String {
        var ruleIDs: [String] = []
        for result in report.results {
            let id = ruleID(result)
            if !ruleIDs.contains(id) { ruleIDs.append(id) }
        }
        let rules = ruleIDs.map { id -> JSONValue in
            let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
            return .object([
                ("id", .string(id)),
                ("name", .string(ruleName(id))),
                ("shortDescription", .object([("text", .string("\(parts[0]) \(parts.count > 1 ? parts[1] : "")"))])),
                ("help", .object([("text", .string(help(kind: parts[0], check: parts.count > 1 ? parts[1] : "")))])),
                ("defaultConfiguration", .object([("level", .string("error"))])),
            ])
        }
        let results = report.results.filter { $0.status == .fail || $0.status == .error || $0.status == .waived }.map { result -> JSONValue in
            let location: [(String, JSONValue)] = [
                ("physicalLocation", .object([
                    ("artifactLocation", .object([("uri", .string(result.file ?? report.contractFile))])),
                    ("region", .object([("startLine", .number(max(1, result.line ?? 1)))])),
                ])),
                ("logicalLocations", .array([.object([
                    ("name", .string(result.subject)), ("kind", .string("resource")),
                    ("fullyQualifiedName", .string("\(result.kind.rawValue):\(result.subject)")),
                ])])),
            ]
            var properties: [(String, JSONValue)] = [("subject", .string(result.subject))]
            if let expected = result.expected { properties.append(("expected", .string(expected))) }
            if let actual = result.actual { properties.append(("actual", .string(actual))) }
            if let fix = result.fix { properties.append(("fix", .string(fix))) }
            var fields: [(String, JSONValue)] = [
                ("ruleId", .string(ruleID(result))),
                ("ruleIndex", .number(ruleIDs.firstIndex(of: ruleID(result)) ?? 0)),
                ("fingerprints", .object([("hostcontract/v1", .string(result.id))])),
            ]
            if result.status == .waived, let waiver = result.waiver {
                fields.append(("suppressions", .array([.object([
                    ("kind", .string("inSource")), ("status", .string("accepted")),
                    ("justification", .string("waived until \(waiver.until): \(waiver.reason)")),
                ])])))
            }
            if result.status == .error {
                fields += [("kind", .string("open")), ("level", .string("none"))]
            } else {
                fields.append(("level", .string(level(result))))
            }
            return .object(fields + [
                ("message", .object([("text", .string(message(result)))])),
                ("locations", .array([.object(location)])),
                ("properties", .object(properties)),
            ])
        }
        let notifications = report.results.filter { $0.status == .error }.map { result -> JSONValue in
            .object([
                ("level", .string(level(result))),
                ("message", .object([("text", .string("could not be evaluated: " + message(result)))])),
                ("associatedRule", .object([
                    ("id", .string(ruleID(result))), ("index", .number(ruleIDs.firstIndex(of: ruleID(result)) ?? 0)),
                ])),
            ])
        }
        let run = JSONValue.object([
            ("tool", .object([("driver", .object([
                ("name", .string("hostcontract")), ("version", .string(BuildInfo.version)),
                ("informationUri", .string("https://github.com/hostcontract/hostcontract")),
                ("rules", .array(rules)),
            ]))])),
            ("automationDetails", .object([("id", .string(automationID(contract: report.contract, host: report.host, root: report.root)))])),
            ("invocations", .array([.object([
                ("executionSuccessful", .bool(true)), ("toolExecutionNotifications", .array(notifications)),
            ])])),
            ("results", .array(results)),
            ("properties", .object([
                ("contract", .string(report.contract)), ("root", .string(report.root)), ("passed", .bool(report.passed)),
            ])),
        ])
        return JSONValue.object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ]).rendered(indent: "") + "\n"
    }

    /// The log of a check that could not run: an unsuccessful invocation (3.20.14) with the reason
    /// as an error notification, and no results.
    static func renderNotRun(contract: String, contractFile: String, host: String?, root: String, reason: String) -> String {
        let run = JSONValue.object([
            ("tool", .object([("driver", .object([
                ("name", .string("hostcontract")), ("version", .string(BuildInfo.version)),
                ("informationUri", .string("https://github.com/hostcontract/hostcontract")), ("rules", .array([])),
            ]))])),
            ("automationDetails", .object([("id", .string(automationID(contract: contract, host: host, root: root)))])),
            ("invocations", .array([.object([
                ("executionSuccessful", .bool(false)),
                ("toolExecutionNotifications", .array([.object([
                    ("level", .string("error")), ("message", .object([("text", .string("not checked: " + reason))])),
                    ("locations", .array([.object([("physicalLocation", .object([
                        ("artifactLocation", .object([("uri", .string(contractFile))])),
                    ]))])])),
                ])])),
            ])])),
            ("results", .array([])),
            ("properties", .object([("contract", .string(contract)), ("passed", .bool(false))])),
        ])
        return JSONValue.object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ]).rendered(indent: "") + "\n"
    }

    static func level(_ result: CheckResult) -> String { result.severity == .error ? "error" : "warning" }

    static func message(_ result: CheckResult) -> String {
        "\(result.subject): \(result.message)" + (result.fix.map { " (fix: \($0))" } ?? "")
    }

    static func ruleID(_ result: CheckResult) -> String { "\(result.kind.rawValue).\(result.check)" }

    /// "directory.min_bytes" -> "DirectoryMinBytes".
    /// `hostcontract/CONTRACT/HOST/`, or `hostcontract/CONTRACT/HOST:ROOT/` for an image root:
    /// the category of the run (3.17.4: everything before the last `/`), one per host.
    static func automationID(contract: String, host: String?, root: String) -> String {
        var category = "hostcontract/\(contract)/\(host ?? "unknown-host")"
        if root != "/" { category += ":" + root }
        return category + "/"
    }

    static func ruleName(_ id: String) -> String {
        var name = ""
        var upper = true
        for character in id {
            if character == "." || character == "_" {
                upper = true
            } else {
                name += upper ? character.uppercased() : String(character)
                upper = false
            }
        }
        return name
    }

    static let checkHelp: [String: String] = [
        "exists": "The path must exist with the declared type (a directory, a regular file).",
        "owner": "The path must be owned by the declared user.",
        "group": "The path must belong to the declared group.",
        "mode": "The permission bits must be exactly the declared mode.",
        "acl": "The declared POSIX ACL entries must be present, not limited by the mask.",
        "other": "A key must never be readable by other.",
        "min_bytes": "A key must hold at least the declared number of bytes.",
        "format": "The file must parse in the declared format.",
        "read": "The principal's read access, as the kernel decides it.",
        "write": "The principal's write access, as the kernel decides it.",
        "execute": "The principal's execute or search access, as the kernel decides it.",
        "via": "The access must be granted through the declared class of the ACL.",
        "required": "The variable must be set.",
        "alias": "Where an older name of the variable is set, it must equal the canonical variable.",
        "equals": "The variable must have the declared value.",
        "one_of": "The variable must have one of the declared values.",
        "forbid": "The variable (or a line of the file) must not have the forbidden value (or match the pattern).",
        "location": "The nginx configuration must have the declared location.",
        "alias_traversal": "A location and its alias must both end with '/' or neither.",
        "worker_access": "The nginx worker user must be able to read what the location serves.",
        "syntax": "The configuration file must parse.",
        "load": "systemd must be able to load the unit (no setting it refuses).",
        "enabled": "The unit must be enabled (or disabled), as systemctl is-enabled decides from the [Install] links.",
        "environment_file": "A service's EnvironmentFile= must be the contract's environment file.",
        "user": "The account a service runs as (User=) must exist.",
        "read_write_paths": "Under ProtectSystem=, every path the contract lets the service's user write must be writable to the unit.",
        "watched_path": "What a .path unit watches must lie inside a directory the contract declares.",
        "restart_prevent_exit_status": "A service started through hostcontract gate must not restart on its exit status 78.",
        "encrypted": "The path must be stored on an active dm-crypt mapping.",
        "validity": "Every certificate must be valid now.",
        "min_days_left": "No certificate may expire sooner than the declared number of days.",
    ]

    static func help(kind: String, check: String) -> String {
        (checkHelp[check] ?? "The \(check) rule of [[\(kind)]] entries, as the contract line declares it.")
            + " The finding's message says what was found and how to fix it."
    }
}
