import Foundation
import Glibc
import TestSupport
import Testing

/// certbot's keys: `live/NAME/privkey.pem` is a symbolic link into `archive/`, renewed by
/// moving the link. `follow = true` checks the final file and that only root owns the links.
@Suite(.enabled(if: runningAsRoot, "chown needs root"))
struct KeyFollowTests {
    let work = TemporaryDirectory("follow")

    /// An image root with certbot's layout; returns the root and the contract.
    func layout(follow: Bool) throws -> (root: String, contract: String) {
        let root = work.path + "/root"
        let archive = root + "/etc/letsencrypt/archive/app", live = root + "/etc/letsencrypt/live/app"
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        work.write("root/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n")
        work.write("root/etc/group", "root:x:0:\nnogroup:x:65534:\n")
        let key = work.write("root/etc/letsencrypt/archive/app/privkey1.pem", "not shown\n")
        chmod(key, 0o600)
        #expect(symlink("../../archive/app/privkey1.pem", live + "/privkey.pem") == 0)
        let contract = work.write("c.toml", """
            contract = "tls"
            schema = 1

            [[key]]
            path = "/etc/letsencrypt/live/app/privkey.pem"
            owner = "root"
            mode = "0600"
            \(follow ? "follow = true" : "")
            """)
        return (root, contract)
    }

    @Test func withoutFollowALinkIsRefused() throws {
        let (root, contract) = try layout(follow: false)
        let check = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract")
        #expect(check.status == 1, "\(check.all)")
        #expect(check.standardOutput.contains("is a symbolic link; a key must be a regular file"), "\(check.all)")
    }

    @Test func withFollowTheTargetIsCheckedAndRootsLinksPass() throws {
        let (root, contract) = try layout(follow: true)
        let check = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract")
        #expect(check.status == 0, "\(check.all)")
        // The final file is what is checked: a mode beyond the contract on it is a finding.
        chmod(root + "/etc/letsencrypt/archive/app/privkey1.pem", 0o640)
        let loose = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract")
        #expect(loose.status == 1 && loose.standardOutput.contains("mode is 0640"), "\(loose.all)")
    }

    /// A link another user owns lets that user point the key anywhere: a finding whose fix,
    /// pasted, clears it.
    @Test func aLinkAnotherUserOwnsIsAFindingAndItsFixWorks() throws {
        let (root, contract) = try layout(follow: true)
        let link = root + "/etc/letsencrypt/live/app/privkey.pem"
        #expect(lchown(link, 65534, 65534) == 0)
        let check = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract", "--format", "json")
        #expect(check.status == 1, "\(check.all)")
        let report = try JSONReportView(check.standardOutput)
        let finding = try #require(report.results.first { $0["check"] as? String == "links" && $0["status"] as? String == "fail" })
        #expect((finding["message"] as? String)?.contains("/etc/letsencrypt/live/app/privkey.pem is a symbolic link owned by") == true, "\(finding)")
        let fix = try #require(finding["fix"] as? String)
        let pasted = try run("/bin/sh", ["-c", fix])
        #expect(pasted.status == 0, "\(fix): \(pasted.all)")
        let again = try hostcontract("check", contract, "--root", root, "--allow-untrusted-contract")
        #expect(again.status == 0, "\(again.all)")
    }
}
