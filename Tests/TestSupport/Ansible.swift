import Foundation

/// Whether ansible-playbook (ansible-core) is on PATH.
public let ansibleAvailable: Bool = (try? run("/usr/bin/env", ["ansible-playbook", "--version"]).status) == 0

/// The repository's playbook `name` (deploy/ansible/NAME).
public func playbook(_ name: String) -> String { packageDirectory.path + "/deploy/ansible/" + name }

/// Runs ansible-playbook with `arguments` in `work`, which holds Ansible's state (home, local
/// temporary files, SSH control sockets: connections persist for a few seconds between tasks),
/// with plain YAML output and pipelining.
public func ansiblePlaybook(_ arguments: [String], in work: TemporaryDirectory) throws -> ProcessOutcome {
    let environment = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": work.path, "LC_ALL": "C.UTF-8",
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCAL_TEMP": work.path + "/.ansible-tmp", "ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml",
        "ANSIBLE_PIPELINING": "1", "ANSIBLE_SSH_ARGS": "-o ControlMaster=auto -o ControlPersist=10s",
        "ANSIBLE_SSH_CONTROL_PATH_DIR": work.path + "/.ansible-cp",
    ]
    return try run("/usr/bin/env", ["ansible-playbook"] + arguments, environment: environment, directory: work.path)
}

/// The PLAY RECAP line of `host` in ansible-playbook's output, as counters ("ok", "failed",
/// "unreachable", ...).
public func recap(_ output: String, host: String) -> [String: Int] {
    guard let recap = output.range(of: "PLAY RECAP") else { return [:] }
    for line in output[recap.upperBound...].split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.first.map(String.init) == host, fields.count > 1, fields[1] == ":" else { continue }
        var counters: [String: Int] = [:]
        for field in fields.dropFirst(2) {
            let pair = field.split(separator: "=")
            if pair.count == 2, let value = Int(pair[1]) { counters[String(pair[0])] = value }
        }
        return counters
    }
    return [:]
}

/// A JUnit file as junitparser reads it: per suite the test cases it holds and their failures,
/// errors and skips, and the counts each element declares.
public struct JUnitView: Decodable {
    public struct Problem: Decodable {
        public let type: String?
        public let message: String?
    }

    public struct Suite: Decodable {
        public let name: String
        public let hostname: String?
        public let tests: Int
        public let failures: [Problem]
        public let errors: [Problem]
        public let skipped: Int
        /// tests, failures, errors, skipped as the suite element declares them.
        public let declared: [Int?]
    }

    /// tests, failures, errors, skipped as the root element declares them.
    public let declared: [Int?]
    public let suites: [Suite]

    /// Reads `path` with junitparser (python3 from PATH).
    public init(contentsOf path: String) throws {
        let script = """
            import json, sys
            from junitparser import JUnitXml, Error, Failure, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            def problems(cases, kind):
                return [{"type": r.type, "message": r.message} for c in cases for r in c.result if isinstance(r, kind)]
            suites = []
            for suite in xml:
                cases = list(suite)
                suites.append({"name": suite.name, "hostname": suite.hostname, "tests": len(cases),
                               "failures": problems(cases, Failure), "errors": problems(cases, Error),
                               "skipped": len(problems(cases, Skipped)),
                               "declared": [suite.tests, suite.failures, suite.errors, suite.skipped]})
            print(json.dumps({"declared": [xml.tests, xml.failures, xml.errors, xml.skipped], "suites": suites}))
            """
        let outcome = try run("/usr/bin/env", ["python3", "-c", script, path])
        guard outcome.status == 0 else { throw FixtureError(message: "junitparser: \(outcome.all)") }
        self = try JSONDecoder().decode(JUnitView.self, from: Data(outcome.standardOutput.utf8))
    }
}

/// ansible-playbook's output with the YAML callback's wrapped lines joined (a line break and the
/// indentation after it become one space), so that a message can be matched whole.
public func unwrapped(_ output: String) -> String {
    output.replacing(/\n[ \t]+/, with: " ")
}

/// The verdict of each host in an audit.yml run's hostcontract-fleet.json (in `reports`), and
/// its message.
public func fleetVerdicts(_ reports: String) throws -> [String: (verdict: String, message: String)] {
    let data = try Data(contentsOf: URL(fileURLWithPath: reports + "/hostcontract-fleet.json"))
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
          let hosts = object["hosts"] as? [[String: Any]] else { throw FixtureError(message: "hostcontract-fleet.json: no hosts") }
    var verdicts: [String: (verdict: String, message: String)] = [:]
    for host in hosts {
        verdicts[host["host"] as? String ?? ""] = (host["verdict"] as? String ?? "", host["message"] as? String ?? "")
    }
    return verdicts
}
