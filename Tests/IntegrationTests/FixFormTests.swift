import Foundation
import TestSupport
import Testing

/// Every fix any shipped contract prints is one of two things: a command an operator can paste
/// (its first word one of the commands hostcontract writes), or a decision marked `(decide) `
/// that names no command. Each contract is checked on its example root thrown into disorder
/// (every mode 0777, files emptied of their settings, nginx's configuration broken) and on an
/// empty root, so nearly every check fails and prints its fix.
@Suite(.enabled(if: runningAsRoot, "example roots carry service ownership"))
struct FixFormTests {
    static let commands: Set<String> = ["chown", "chmod", "chgrp", "setfacl", "install", "mkdir", "find", "useradd", "usermod", "groupadd", "gpasswd",
                                           "systemctl", "chroot", "apt-get", "apt-mark", "dpkg"]
    static let commandWords = ["chmod ", "chown ", "chgrp ", "setfacl ", "usermod ", "useradd ", "groupadd ", "gpasswd ", "find /",
                               "install -", "&&", "$(",
                               "apt-get ", "apt-mark ", "pip ", "chroot "]

    /// The example root of `contract`, built by its make-root.sh, then broken by `disorder`.
    static func root(_ example: String, disorder: String) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("fix-form")
        let script = packageDirectory.appendingPathComponent("examples/\(example)/make-root.sh").path
        let made = try run("/bin/bash", [script, directory.path])
        guard made.status == 0 else { throw FixtureError(message: made.all) }
        let broken = try run("/bin/sh", ["-c", disorder], environment: ["R": directory.path, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        guard broken.status == 0 else { throw FixtureError(message: broken.all) }
        return directory
    }

    static let disorder = """
        set -e
        find "$R" -path "$R/etc/passwd" -prune -o -path "$R/etc/group" -prune -o ! -type l -exec chmod 0777 {} +
        for f in $(find "$R" -name '*.env*' -type f) $(find "$R" -name '*.conf' -path '*nginx*' -type f); do
            printf 'set -x\\nUNRELATED=1\\nserver { location /x { alias /srv/; }\\n' > "$f"
        done
        """

    func fixes(_ contract: String, root: String) throws -> [(String, String)] {
        let outcome = try run(hostcontractExecutable, ["check", contract, "--root", root, "--format", "json"])
        #expect([0, 1, 3].contains(outcome.status), "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        return report.results.compactMap { result in
            (result["fix"] as? String).map { ("\(result["kind"] ?? "") \(result["subject"] ?? "") \(result["check"] ?? "")", $0) }
        }
    }

    /// Each contract on its example root, and how many fixes that must at least print.
    @Test(arguments: [("lx-annotate", "lx-annotate", 20), ("edm-annotator", "edm-annotator", 10),
                      ("dicom-backup", "dicom-backup", 10), ("mmt-backend", "mmt-backend", 4)])
    func everyFixIsACommandOrADecision(_ example: String, _ contract: String, _ minimum: Int) throws {
        let file = packageDirectory.appendingPathComponent("contracts/\(contract).toml").path
        let broken = try Self.root(example, disorder: Self.disorder)
        let empty = TemporaryDirectory("fix-form-empty")
        var all = try fixes(file, root: broken.path) + fixes(file, root: empty.path)
        all.sort { $0.0 < $1.0 }
        #expect(all.count >= minimum, "too few findings to say anything: \(all.map(\.1))")
        var decisions = 0
        for (key, fix) in all {
            if fix.hasPrefix("(decide) ") {
                decisions += 1
                for word in Self.commandWords where fix.contains(word) {
                    Issue.record("\(key): a decision names a command ('\(word)'): \(fix)")
                }
            } else {
                let first = fix.split(separator: " ").first.map(String.init) ?? ""
                #expect(Self.commands.contains(first), "\(key): neither a command nor a decision: \(fix)")
            }
        }
        #expect(decisions > 0, "\(decisions) decisions of \(all.count) fixes")
    }
}
