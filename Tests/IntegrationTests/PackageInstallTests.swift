import Foundation
import TestSupport
import Testing

/// The Debian package installed with apt into a Debian 12 root that has no Swift toolchain
/// (scripts/debian-root.sh), and used there as an operator would: the binary starts, the man
/// pages and completions are in place, `check` holds on the sample lx-annotate root and fails on
/// a planted fault, `gate` execs its command, and everything but `[[encrypted]]` works without
/// libcryptsetup.
@Suite(.enabled(if: DebianRoot.available && hostcontractPackage != nil,
                "needs root, HOSTCONTRACT_DEB and HOSTCONTRACT_DEBIAN_ROOT (scripts/test.sh sets both)"),
       .serialized)
struct PackageInstallTests {
    static let contract = "/usr/share/hostcontract/contracts/lx-annotate.toml"

    /// A writable copy of the Debian root with the package installed by apt.
    func installed() throws -> DebianRoot {
        let root = try DebianRoot.overlay("install")
        let package = try #require(hostcontractPackage)
        let name = URL(fileURLWithPath: package).lastPathComponent
        try FileManager.default.copyItem(atPath: package, toPath: root.at("/tmp/" + name))
        let apt = try root.run(inChroot: ["apt-get", "install", "-y", "-q", "--no-install-recommends", "/tmp/" + name])
        #expect(apt.status == 0, "\(apt.all.suffix(3000))")
        return root
    }

    /// The sample lx-annotate host (users, tree, keys, environment file, nginx) copied to /srv/sample.
    func placeSample(in root: DebianRoot, role: String = "standalone") throws -> SampleRoot {
        let sample = try SampleRoot(role: role)
        let copy = try run("/bin/cp", ["-a", sample.path, root.at("/srv/sample")])
        #expect(copy.status == 0, "\(copy.all)")
        return sample
    }

    @Test func theRootHasNoSwiftAndThePackageBringsNone() throws {
        let root = try installed()
        defer { root.close() }
        let swift = try root.shell("find / -xdev \\( -name 'libswiftCore.so*' -o -name 'libFoundation*.so*' -o -name 'swift*' -path '*/bin/*' \\) -print")
        #expect(swift.status == 0 && swift.standardOutput.isEmpty, "\(swift.all)")
        // The loader lists what the binary needs: nothing of Swift, and not libcryptsetup.
        let needs = try root.run(inChroot: ["/lib64/ld-linux-x86-64.so.2", "--list", "/usr/bin/hostcontract"])
        #expect(needs.status == 0, "\(needs.all)")
        #expect(!needs.standardOutput.contains("swift") && !needs.standardOutput.contains("not found"), "\(needs.standardOutput)")
        #expect(!needs.standardOutput.contains("libcryptsetup"), "\(needs.standardOutput)")
        let version = try String(contentsOf: packageDirectory.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let printed = try root.run(inChroot: ["hostcontract", "--version"])
        #expect(printed.status == 0, "\(printed.all)")
        #expect(printed.standardOutput.hasPrefix(version + " (commit "), "\(printed.standardOutput)")
    }

    @Test func manPagesCompletionsUnitsAndContractsAreInstalled() throws {
        let root = try installed()
        defer { root.close() }
        for page in ["man1/hostcontract.1.gz", "man1/hostcontract-check.1.gz", "man1/hostcontract-lint.1.gz",
                     "man1/hostcontract-provision.1.gz", "man1/hostcontract-tmpfiles.1.gz", "man1/hostcontract-gate.1.gz",
                     "man1/hostcontract-capture.1.gz", "man5/hostcontract.toml.5.gz"] {
            #expect(FileManager.default.fileExists(atPath: root.at("/usr/share/man/" + page)), "\(page)")
        }
        for file in ["/usr/share/zsh/vendor-completions/_hostcontract", "/usr/share/fish/vendor_completions.d/hostcontract.fish",
                     "/usr/share/hostcontract/systemd/hostcontract-audit@.service",
                     "/usr/share/hostcontract/systemd/hostcontract-audit@.timer",
                     "/usr/share/hostcontract/install-tmpfiles.sh", Self.contract] {
            #expect(FileManager.default.fileExists(atPath: root.at(file)), "\(file)")
        }
        // Bash completes a directory after --root and a contract file as the first argument,
        // asked the way bash asks when Tab is pressed.
        try FileManager.default.createDirectory(atPath: root.at("/srv/image-one/etc"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: root.at("/srv/app.toml"), contents: Data()))
        #expect(FileManager.default.createFile(atPath: root.at("/srv/notes.txt"), contents: Data()))
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let script = """
                . /usr/share/bash-completion/completions/hostcontract
                cd /srv
                COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                _hostcontract hostcontract "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let outcome = try root.run(inChroot: ["/bin/bash", "-c", script])
            #expect(outcome.status == 0, "\(outcome.all)")
            return outcome.standardOutput.split(separator: "\n").map(String.init)
        }
        let directories = try complete(["hostcontract", "check", "app.toml", "--root", "/srv/im"])
        #expect(directories.contains("/srv/image-one"), "\(directories)")
        let contracts = try complete(["hostcontract", "check", ""])
        #expect(contracts.contains("app.toml") && !contracts.contains("notes.txt"), "\(contracts)")
    }

    @Test func checkAndGateWorkOnAServerWithoutSwift() throws {
        let root = try installed()
        defer { root.close() }
        let sample = try placeSample(in: root)
        let holds = try root.run(inChroot: ["hostcontract", "check", Self.contract, "--root", "/srv/sample"])
        #expect(holds.status == 0, "\(holds.all.suffix(3000))")
        #expect(holds.standardOutput.contains("contract lx-annotate holds"), "\(holds.standardOutput.suffix(500))")

        // A planted fault: the import directory the watcher writes to loses its group write bit.
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: root.at("/srv/sample/var/lib/lx-annotate/data/import"))
        let violated = try root.run(inChroot: ["hostcontract", "check", Self.contract, "--root", "/srv/sample"])
        #expect(violated.status == 1, "\(violated.all.suffix(3000))")
        #expect(violated.standardOutput.contains("fix: chmod 0770 /srv/sample/var/lib/lx-annotate/data/import"), "\(violated.standardOutput)")
        try FileManager.default.setAttributes([.posixPermissions: 0o770], ofItemAtPath: root.at("/srv/sample/var/lib/lx-annotate/data/import"))

        // gate becomes its command (same PID) with the environment systemd would give it.
        var environment = DebianRoot.chrootEnvironment
        for line in sample.environmentFile.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        let gate = try root.run(inChroot: [
            "/bin/sh", "-c", "echo $$ > /tmp/gate-pid; exec hostcontract gate \(Self.contract) --root /srv/sample -- /bin/sh -c 'echo $$ > /tmp/command-pid; exit 7'",
        ], environment: environment)
        #expect(gate.status == 7, "\(gate.all.suffix(3000))")
        let pids = try ["/tmp/gate-pid", "/tmp/command-pid"].map { try String(contentsOfFile: root.at($0), encoding: .utf8) }
        #expect(pids[0] == pids[1])
        // A violation keeps the command from starting: exit 78.
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: root.at("/srv/sample/var/lib/lx-annotate/data/import"))
        let refused = try root.run(inChroot: [
            "hostcontract", "gate", Self.contract, "--root", "/srv/sample", "--", "/bin/sh", "-c", "touch /tmp/started",
        ], environment: environment)
        #expect(refused.status == 78, "\(refused.all.suffix(3000))")
        #expect(!FileManager.default.fileExists(atPath: root.at("/tmp/started")))
    }

    @Test func withoutLibcryptsetupEveryOtherCheckRuns() throws {
        let root = try installed()
        defer { root.close() }
        _ = try placeSample(in: root)
        let removed = try root.shell("rm -f /usr/lib/x86_64-linux-gnu/libcryptsetup.so.12* /lib/x86_64-linux-gnu/libcryptsetup.so.12*; ldconfig")
        #expect(removed.status == 0, "\(removed.all)")
        let gone = try root.shell("ldconfig -p | grep -c libcryptsetup || true")
        #expect(gone.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(gone.all)")
        let holds = try root.run(inChroot: ["hostcontract", "check", Self.contract, "--root", "/srv/sample", "--format", "json"])
        #expect(holds.status == 0, "\(holds.all.suffix(3000))")
        let report = try JSONReportView(holds.standardOutput)
        #expect(report.passed)
        // The encrypted root is still reported (skipped under --root, with its reason).
        #expect(!report.results(subject: "/var/lib/lx-annotate/data", check: "encrypted").isEmpty)
    }
}
