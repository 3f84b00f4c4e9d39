import Foundation
import Glibc
import TestSupport
import Testing

/// As root, `provision` and `gate` refuse a contract another user can edit (issue 11, item 4),
/// `check` warns, and `--allow-untrusted-contract` lets fixtures through. The host under
/// contract is an image root, so nothing outside the temporary directories changes.
@Suite(.enabled(if: runningAsRoot, "the rule applies to root; chown to nobody needs root"))
struct ContractTrustTests {
    let work = TemporaryDirectory("trust")
    let image = TemporaryDirectory("trust-image")
    let nobody: UInt32 = 65534
    static let contract = """
        contract = "trust"
        schema = 1

        [[directory]]
        path = "/srv/app"
        owner = "root"
        group = "root"
        mode = "0750"
        create = true
        """

    init() {
        image.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
        image.write("etc/group", "root:x:0:\n")
    }

    /// `contract.toml` in `work/name` (root-owned, 0755 until the test changes it).
    func place(_ name: String) -> String {
        let path = work.write(name + "/contract.toml", Self.contract)
        chmod(path, 0o644)
        return path
    }

    var made: Bool { FileManager.default.fileExists(atPath: image.path + "/srv/app") }
    var marker: String { work.path + "/started" }

    func provision(_ contract: String, _ extra: String...) throws -> ProcessOutcome {
        try run(hostcontractExecutable, ["provision", contract, "--root", image.path] + extra)
    }

    func gate(_ contract: String, _ extra: String...) throws -> ProcessOutcome {
        try run(hostcontractExecutable, ["gate", contract, "--root", image.path] + extra + ["--", "/usr/bin/touch", marker])
    }

    /// Provision exits 2 naming the reason and changes nothing; gate exits 78 without starting its command.
    func expectRefused(_ contract: String, reason: String, fix: String?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let provisioned = try provision(contract)
        #expect(provisioned.status == 2, "\(provisioned.all)", sourceLocation: sourceLocation)
        let remedy = fix.map { "fix: \($0); or pass --allow-untrusted-contract" }
            ?? "fix: keep it where only root can write, or pass --allow-untrusted-contract"
        let line = "hostcontract: refusing contract \(contract): \(reason); whoever can edit it can make provision change any path (\(remedy))\n"
        #expect(provisioned.standardError == line, sourceLocation: sourceLocation)
        #expect(provisioned.standardOutput.isEmpty, sourceLocation: sourceLocation)
        #expect(!made, "provision changed the root", sourceLocation: sourceLocation)

        let gated = try gate(contract)
        #expect(gated.status == 78, "\(gated.all)", sourceLocation: sourceLocation)
        #expect(gated.standardError.contains("hostcontract: refusing contract \(contract): \(reason); whoever can edit it can decide what the gate lets start"),
                "\(gated.all)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: marker), "gate started its command", sourceLocation: sourceLocation)
    }

    @Test func aRootOwnedContractInATemporaryDirectoryIsTaken() throws {
        let contract = place("root")
        let provisioned = try provision(contract)
        #expect(provisioned.status == 0, "\(provisioned.all)")
        #expect(provisioned.standardError.isEmpty, "\(provisioned.all)")
        #expect(made)
        let gated = try gate(contract)
        #expect(gated.status == 0, "\(gated.all)")
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func aDirectoryOwnedByNobodyIsRefused() throws {
        let contract = place("theirs")
        chown(work.path + "/theirs", nobody, nobody)
        try expectRefused(contract, reason: "\(work.path)/theirs is owned by 'nobody' (uid 65534)", fix: "chown root:root \(work.path)/theirs")
    }

    /// `include = ["base.toml"]` beside `contract.toml` in `work/name`, the entry in base.toml.
    func placeWithInclude(_ name: String) -> (contract: String, included: String) {
        let contract = work.write(name + "/contract.toml", "contract = \"trust\"\nschema = 1\ninclude = [\"base.toml\"]\n")
        let included = work.write(name + "/base.toml", Self.contract.replacingOccurrences(of: "contract = \"trust\"\n", with: ""))
        chmod(contract, 0o644)
        chmod(included, 0o644)
        return (contract, included)
    }

    @Test func anIncludedFileOwnedByNobodyIsRefused() throws {
        let (contract, included) = placeWithInclude("included")
        chown(included, nobody, nobody)
        try expectRefused(
            contract, reason: "its included file \(included): \(included) is owned by 'nobody' (uid 65534)", fix: "chown root:root \(included)")
        let checked = try run(hostcontractExecutable, ["check", contract, "--root", image.path])
        #expect(checked.standardError.hasPrefix("hostcontract: warning: contract \(contract) is not trusted: its included file \(included)"),
                "\(checked.all)")
    }

    @Test func aTrustedIncludeIsTakenAndItsEntriesNameIt() throws {
        let (contract, included) = placeWithInclude("trusted-include")
        let checked = try run(hostcontractExecutable, ["check", contract, "--root", image.path, "--format", "json"])
        #expect(checked.status == 1 && checked.standardError.isEmpty, "\(checked.all)")
        let exists = try #require(try JSONReportView(checked.standardOutput).results(subject: "/srv/app", check: "exists").first)
        #expect(exists["file"] as? String == included)
        #expect(exists["line"] as? Int == 4, "the line of its path key in base.toml")
        let provisioned = try provision(contract)
        #expect(provisioned.status == 0 && made, "\(provisioned.all)")
    }

    @Test func aContractOwnedByNobodyIsRefused() throws {
        let contract = place("owned")
        chown(contract, nobody, nobody)
        try expectRefused(contract, reason: "\(contract) is owned by 'nobody' (uid 65534)", fix: "chown root:root \(contract)")
    }

    @Test func aWorldWritableContractIsRefused() throws {
        let contract = place("open")
        chmod(contract, 0o666)
        try expectRefused(contract, reason: "\(contract) is writable by others (mode 0666)", fix: "chmod g-w,o-w \(contract)")
    }

    @Test func aWorldWritableDirectoryWithoutStickyBitIsRefused() throws {
        let contract = place("wide")
        chmod(work.path + "/wide", 0o777)
        try expectRefused(contract, reason: "\(work.path)/wide is writable by others (mode 0777)", fix: "chmod g-w,o-w \(work.path)/wide")
    }

    @Test func aStickyDirectoryKeepsRootsSubdirectoryTrustedButNotAnotherUsers() throws {
        let sticky = work.path + "/sticky"
        mkdir(sticky, 0o755)
        chmod(sticky, 0o1777)
        let theirs = work.write("sticky/theirs/contract.toml", Self.contract)
        chown(sticky + "/theirs", nobody, nobody)
        try expectRefused(theirs, reason: "\(sticky)/theirs is owned by 'nobody' (uid 65534)", fix: "chown root:root \(sticky)/theirs")

        let ours = work.write("sticky/ours/contract.toml", Self.contract)
        let provisioned = try provision(ours)
        #expect(provisioned.status == 0, "\(provisioned.all)")
        #expect(made)
    }

    @Test func aLinkThroughADirectoryNobodyOwnsIsRefused() throws {
        let target = place("target")
        let theirs = work.path + "/theirs"
        mkdir(theirs, 0o755)
        try FileManager.default.createSymbolicLink(atPath: theirs + "/contract.toml", withDestinationPath: target)
        chown(theirs, nobody, nobody)
        let link = work.path + "/link.toml"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: theirs + "/contract.toml")
        try expectRefused(link, reason: "\(theirs) is owned by 'nobody' (uid 65534)", fix: "chown root:root \(theirs)")
    }

    @Test func aRelativePathIsJudgedFromTheWorkingDirectory() throws {
        _ = place("relative")
        chmod(work.path + "/relative", 0o777)
        let provisioned = try run(hostcontractExecutable, ["provision", "contract.toml", "--root", image.path], directory: work.path + "/relative")
        #expect(provisioned.status == 2, "\(provisioned.all)")
        #expect(provisioned.standardError.hasPrefix(
            "hostcontract: refusing contract contract.toml: \(work.path)/relative is writable by others (mode 0777);"), "\(provisioned.all)")
        #expect(!made)
    }

    @Test func checkWarnsAndStillReports() throws {
        let contract = place("checked")
        chmod(contract, 0o666)
        let checked = try run(hostcontractExecutable, ["check", contract, "--root", image.path])
        #expect(checked.status == 1, "\(checked.all)")
        #expect(checked.standardError.hasPrefix(
            "hostcontract: warning: contract \(contract) is not trusted: \(contract) is writable by others (mode 0666);"), "\(checked.all)")
        #expect(checked.standardOutput.contains("FAIL /srv/app"), "\(checked.all)")
        #expect(checked.standardOutput.contains("contract trust violated"), "\(checked.all)")
        #expect(!made)

        let allowed = try run(hostcontractExecutable, ["check", contract, "--root", image.path, "--allow-untrusted-contract"])
        #expect(allowed.status == 1 && allowed.standardError.isEmpty, "\(allowed.all)")
    }

    @Test func theOptionLetsProvisionAndGateProceed() throws {
        let contract = place("allowed")
        chown(contract, nobody, nobody)
        chmod(contract, 0o666)
        let provisioned = try provision(contract, "--allow-untrusted-contract")
        #expect(provisioned.status == 0, "\(provisioned.all)")
        #expect(made)
        let gated = try gate(contract, "--allow-untrusted-contract")
        #expect(gated.status == 0, "\(gated.all)")
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func lintAndTmpfilesDoNotAsk() throws {
        // They change nothing and let nothing start: only the contract's validity is at stake.
        let contract = place("lint")
        chmod(contract, 0o666)
        let linted = try run(hostcontractExecutable, ["lint", contract])
        #expect(linted.status == 0 && linted.standardError.isEmpty, "\(linted.all)")
        let fragment = try run(hostcontractExecutable, ["tmpfiles", contract])
        #expect(fragment.status == 0 && fragment.standardError.isEmpty, "\(fragment.all)")
    }

    @Test func theGateTellsTheServiceManagerWhy() throws {
        let contract = place("notified")
        chmod(contract, 0o666)
        let notifications = try NotifySocket(path: work.path + "/notify")
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notifications.path
        let gated = try run(
            hostcontractExecutable, ["gate", contract, "--root", image.path, "--", "/usr/bin/touch", marker],
            environment: environment)
        #expect(gated.status == 78, "\(gated.all)")
        let datagram = notifications.receive()
        #expect(datagram.hasPrefix("STATUS=refusing contract \(contract): \(contract) is writable by others (mode 0666);"), "\(datagram)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
