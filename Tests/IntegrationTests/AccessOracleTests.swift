import Foundation
import TestSupport
import Testing

/// The kernel is the oracle: on random trees (random owners, groups, modes, ACLs with named
/// users, named groups and masks, relative symbolic links, several levels deep) and random
/// principals (users and groups of the fixture root's own etc/passwd and etc/group), the verdict
/// of `check` for r, w and x on every path equals access(2) in a child that has dropped to the
/// principal with setpriv. Replay a failure with HOSTCONTRACT_ORACLE_SEED.
@Suite(.enabled(
    if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setfacl")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"),
    "needs root, setfacl and python3"))
struct AccessOracleTests {
    struct Person {
        var name: String
        var uid: Int
        var gid: Int
        var groups: [Int]
    }

    @Test func theEvaluatorAgreesWithTheKernel() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["HOSTCONTRACT_ORACLE_SEED"] ?? "")
            ?? UInt64.random(in: 1...UInt64(UInt32.max))
        var random = SeededGenerator(seed: seed)
        let root = TemporaryDirectory("oracle")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)

        // Principals: six users with a primary group each and a random set of shared groups, and root.
        let shared = (0..<5).map { 43000 + $0 }
        var people: [Person] = (0..<6).map { index in
            let groups = shared.filter { _ in Bool.random(using: &random) }
            return Person(name: "u\(index)", uid: 41000 + index, gid: 42000 + index, groups: groups)
        }
        people.append(Person(name: "root", uid: 0, gid: 0, groups: []))
        var passwd = "", group = ""
        for person in people { passwd += "\(person.name):x:\(person.uid):\(person.gid)::/:/bin/false\n" }
        for person in people where person.uid != 0 { group += "p\(person.name):x:\(person.gid):\n" }
        group += "root:x:0:\n"
        for id in shared {
            let members = people.filter { $0.groups.contains(id) }.map(\.name).joined(separator: ",")
            group += "g\(id):x:\(id):\(members)\n"
        }
        root.write("etc/passwd", passwd)
        root.write("etc/group", group)

        // A random tree under /t.
        let uids = [0] + people.map(\.uid) + [41999]
        let gids = [0] + people.map(\.gid) + shared
        var directories = ["/t"]
        var paths = ["/t"]
        var links: [(String, String)] = []
        try FileManager.default.createDirectory(atPath: root.path + "/t", withIntermediateDirectories: false)
        var index = 0
        while paths.count < 170 {
            let parent = directories.randomElement(using: &random)!
            let depth = parent.split(separator: "/").count
            let path = "\(parent)/n\(index)"
            index += 1
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4 where depth < 5:
                try FileManager.default.createDirectory(atPath: root.path + path, withIntermediateDirectories: false)
                directories.append(path)
                paths.append(path)
            case 8, 9:
                links.append((path, ""))
            default:
                FileManager.default.createFile(atPath: root.path + path, contents: Data("x".utf8))
                paths.append(path)
            }
        }
        // Relative links to other nodes (or to nothing), made once every target exists.
        for (path, _) in links {
            let from = path.split(separator: "/").dropLast().count
            let target = (paths + ["/t/missing"]).randomElement(using: &random)!
            let relative = String(repeating: "../", count: from) + target.dropFirst()
            try FileManager.default.createSymbolicLink(atPath: root.path + path, withDestinationPath: relative)
        }
        for path in paths {
            let full = root.path + path
            let mode = Int.random(in: 0...0o777, using: &random)
            let owner = uids.randomElement(using: &random)!, owningGroup = gids.randomElement(using: &random)!
            try FileManager.default.setAttributes(
                [.ownerAccountID: owner, .groupOwnerAccountID: owningGroup, .posixPermissions: mode], ofItemAtPath: full)
            if Bool.random(using: &random) {
                var entries: [String] = []
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let rights = ["---", "r--", "-w-", "--x", "rw-", "r-x", "-wx", "rwx"].randomElement(using: &random)!
                    entries.append(Bool.random(using: &random)
                        ? "u:\(uids.filter { $0 != 0 }.randomElement(using: &random)!):\(rights)"
                        : "g:\(gids.randomElement(using: &random)!):\(rights)")
                }
                if Bool.random(using: &random) {
                    entries.append("m::" + ["---", "r--", "r-x", "rw-", "rwx", "--x"].randomElement(using: &random)!)
                }
                let outcome = try run("/usr/bin/setfacl", ["-m", entries.joined(separator: ","), full])
                #expect(outcome.status == 0, "setfacl \(entries): \(outcome.all)")
            }
        }
        let subjects = paths + links.map(\.0) + ["/t/missing", "/"]

        // The contract: every principal, every path, all three rights.
        var contract = "contract = \"oracle\"\nschema = 1\n"
        for person in people {
            for path in subjects {
                contract += "\n[[access]]\nprincipal = \"\(person.name)\"\npath = \"\(path)\"\nallow = \"rwx\"\n"
            }
        }
        let contractFile = root.write("oracle.toml", contract)
        let check = try run(hostcontractExecutable, ["check", contractFile, "--root", root.path, "--format", "json"])
        #expect(check.status == 0 || check.status == 1, "\(check.standardError)")
        let report = try JSONReportView(check.standardOutput)
        var ours: [String: (Bool, String)] = [:]
        var order = 0
        for person in people {
            for path in subjects {
                for right in ["read", "write", "execute"] {
                    let result = report.results[order]
                    #expect(result["subject"] as? String == path && result["check"] as? String == right)
                    ours["\(person.name) \(path) \(right)"] = (result["status"] as? String == "pass", result["message"] as? String ?? "")
                    order += 1
                }
            }
        }

        // The kernel's answer, from a child running as each principal.
        let probe = """
            import os, sys
            for line in sys.stdin.read().split("\\n"):
                if line:
                    print(int(os.access(line, os.R_OK)), int(os.access(line, os.W_OK)), int(os.access(line, os.X_OK)))
            """
        var cases = 0
        var disagreements: [String] = []
        for person in people {
            let groups = person.groups.isEmpty ? ["--clear-groups"] : ["--groups=\(person.groups.map(String.init).joined(separator: ","))"]
            let arguments = ["--reuid=\(person.uid)", "--regid=\(person.gid)"] + groups + ["/usr/bin/python3", "-c", probe]
            let input = subjects.map { root.path + $0 }.joined(separator: "\n") + "\n"
            let kernel = try runWithInput("/usr/bin/setpriv", arguments, input: input)
            #expect(kernel.status == 0, "\(kernel.standardError)")
            let answers = kernel.standardOutput.split(separator: "\n")
            #expect(answers.count == subjects.count)
            for (path, answer) in zip(subjects, answers) {
                for (right, bit) in zip(["read", "write", "execute"], answer.split(separator: " ")) {
                    cases += 1
                    let (granted, message) = ours["\(person.name) \(path) \(right)"] ?? (false, "missing")
                    if granted != (bit == "1") {
                        disagreements.append("\(person.name) \(right) \(path): kernel \(bit == "1" ? "grants" : "denies"), hostcontract says \(message)")
                    }
                }
            }
        }
        // For replay: what the kernel saw at the first disagreeing paths and their directories.
        var evidence: [String] = []
        for line in disagreements.prefix(3) {
            guard let path = line.split(separator: " ").dropFirst(2).first.map(String.init)?.replacing(":", with: "") else { continue }
            var prefix = ""
            for component in path.split(separator: "/") {
                prefix += "/" + component
                let stat = try run("/usr/bin/stat", ["-c", "%n %A %u:%g", root.path + prefix])
                let acl = try run("/usr/bin/getfacl", ["-n", "-p", "-c", root.path + prefix])
                evidence.append(stat.standardOutput.replacing(root.path, with: "") + acl.standardOutput.split(separator: "\n").joined(separator: " "))
            }
        }
        #expect(cases >= 2000)
        #expect(disagreements.isEmpty, "seed \(seed): \(disagreements.count) of \(cases) disagree:\n\(disagreements.prefix(10).joined(separator: "\n"))\nprincipals: \(people.map { "\($0.name)=\($0.uid):\($0.gid)+\($0.groups)" })\n\(evidence.joined(separator: "\n"))")
    }
}
