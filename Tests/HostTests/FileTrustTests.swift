import Foundation
import Glibc
import Host
import TestSupport
import Testing

/// The trust rule on real files: owners, modes, sticky directories, links and ACLs, as the
/// kernel reports them. Making files another user's needs root.
@Suite(.enabled(if: runningAsRoot, "chown to nobody needs root"))
struct FileTrustTests {
    let directory = TemporaryDirectory("trust")
    let nobody: UInt32 = 65534

    /// A root-owned directory under the temporary directory, with `contract.toml` (0644) in it.
    func place(_ name: String, mode: mode_t = 0o755) -> String {
        let path = directory.write(name + "/contract.toml", "name = 'x'\n")
        chmod(directory.path + "/" + name, mode)
        chmod(path, 0o644)
        return path
    }

    func reason(_ path: String) -> String? {
        if case .untrusted(let reason, _) = FileTrust.verdict(for: path) { return reason }
        return nil
    }

    @Test func rootOwnedFileInRootOwnedDirectoriesIsTrusted() {
        // The temporary directory itself sits in /tmp (1777): trusted because it is root's.
        let path = place("plain")
        #expect(FileTrust.verdict(for: path) == .trusted)
        #expect(FileTrust.verdict(for: packageDirectory.path + "/contracts/lx-annotate.toml") == .trusted)
    }

    @Test func fileWritableByOthersIsUntrusted() {
        let path = place("open")
        chmod(path, 0o666)
        #expect(reason(path) == "\(path) is writable by others (mode 0666)")
        if case .untrusted(_, let fix) = FileTrust.verdict(for: path) { #expect(fix == "chmod g-w,o-w \(path)") }
    }

    @Test func fileWritableByAnotherGroupIsUntrustedButRootsGroupIsNot() {
        let path = place("group")
        chmod(path, 0o664)
        #expect(FileTrust.verdict(for: path) == .trusted)
        chown(path, 0, nobody)
        #expect(reason(path) == "\(path) is writable by group 'nogroup' (mode 0664)")
    }

    @Test func fileOwnedByAnotherUserIsUntrusted() {
        let path = place("owned")
        chown(path, nobody, 0)
        #expect(reason(path) == "\(path) is owned by 'nobody' (uid 65534)")
        if case .untrusted(_, let fix) = FileTrust.verdict(for: path) { #expect(fix == "chown root:root \(path)") }
    }

    @Test func directoryOwnedByAnotherUserIsUntrusted() {
        let path = place("ownedDirectory")
        chown(directory.path + "/ownedDirectory", nobody, nobody)
        #expect(reason(path) == "\(directory.path)/ownedDirectory is owned by 'nobody' (uid 65534)")
    }

    @Test func worldWritableDirectoryWithoutStickyBitIsUntrusted() {
        let path = place("wide", mode: 0o777)
        #expect(reason(path) == "\(directory.path)/wide is writable by others (mode 0777)")
    }

    @Test func stickyDirectoryProtectsRootOwnedEntriesOnly() {
        let sticky = directory.path + "/sticky"
        mkdir(sticky, 0o755)
        chmod(sticky, 0o1777)
        let trusted = directory.write("sticky/root/contract.toml", "name = 'x'\n")
        #expect(FileTrust.verdict(for: trusted) == .trusted)
        let direct = directory.write("sticky/contract.toml", "name = 'x'\n")
        #expect(FileTrust.verdict(for: direct) == .trusted)

        let theirs = directory.write("sticky/theirs/contract.toml", "name = 'x'\n")
        chown(sticky + "/theirs", nobody, nobody)
        #expect(reason(theirs) == "\(sticky)/theirs is owned by 'nobody' (uid 65534)")
        // A name not there yet can be made by anyone who can write to the directory.
        #expect(reason(sticky + "/missing.toml")?.hasPrefix("\(sticky)/missing.toml cannot be looked up (no such file or directory) in \(sticky), which is writable by others (mode 1777)") == true)
    }

    /// The ground of the sticky exception, asked of the kernel: in a 1777 directory another user
    /// can add names but cannot rename or remove root's entries.
    @Test func kernelKeepsOtherUsersFromRootsEntriesInStickyDirectory() throws {
        let sticky = directory.path + "/kernel"
        mkdir(sticky, 0o755)
        chmod(sticky, 0o1777)
        directory.write("kernel/root/contract.toml", "name = 'x'\n")
        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c"]
        let rename = try run("/usr/bin/setpriv", asNobody + ["mv \(sticky)/root \(sticky)/moved"])
        #expect(rename.status != 0 && rename.standardError.contains("Operation not permitted"), "\(rename.all)")
        let remove = try run("/usr/bin/setpriv", asNobody + ["rm -rf \(sticky)/root"])
        #expect(remove.status != 0 && FileManager.default.fileExists(atPath: sticky + "/root/contract.toml"), "\(remove.all)")
        let add = try run("/usr/bin/setpriv", asNobody + ["mkdir \(sticky)/theirs"])
        #expect(add.status == 0, "\(add.all)")
    }

    @Test func missingFileInTrustedDirectoryIsLeftToTheReader() {
        _ = place("empty")
        #expect(FileTrust.verdict(for: directory.path + "/empty/missing.toml") == .trusted)
    }

    @Test func linkThroughAnotherUsersDirectoryIsUntrusted() throws {
        let target = place("target")
        let theirs = directory.path + "/theirs"
        mkdir(theirs, 0o755)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link", withDestinationPath: theirs + "/contract.toml")
        try FileManager.default.createSymbolicLink(atPath: theirs + "/contract.toml", withDestinationPath: target)
        #expect(FileTrust.verdict(for: directory.path + "/link") == .trusted)
        chown(theirs, nobody, nobody)
        #expect(reason(directory.path + "/link") == "\(theirs) is owned by 'nobody' (uid 65534)")
    }

    @Test func linkIntoAnUntrustedDirectoryIsUntrusted() throws {
        let target = place("wideTarget", mode: 0o777)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/toWide", withDestinationPath: target)
        #expect(reason(directory.path + "/toWide") == "\(directory.path)/wideTarget is writable by others (mode 0777)")
    }

    @Test func linkOwnedByAnotherUserIsUntrusted() throws {
        let target = place("linked")
        let link = directory.path + "/theirLink"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        lchown(link, nobody, nobody)
        #expect(reason(link) == "\(link) is a symbolic link owned by 'nobody' (uid 65534)")
        if case .untrusted(_, let fix) = FileTrust.verdict(for: link) { #expect(fix == "chown -h root:root \(link)") }
    }

    @Test func relativeLinkAndDotDotAreResolvedAsTheKernelDoes() throws {
        let target = place("relative")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/rel", withDestinationPath: "relative/../relative/contract.toml")
        #expect(FileTrust.verdict(for: directory.path + "/rel") == .trusted)
        chmod(directory.path + "/relative", 0o777)
        #expect(reason(directory.path + "/rel") == "\(directory.path)/relative is writable by others (mode 0777)")
        _ = target
    }

    @Test func aclGrantingWriteToAnotherUserIsUntrusted() throws {
        let path = place("acl")
        let outcome = try run("/usr/bin/setfacl", ["-m", "u:nobody:rwx", directory.path + "/acl"])
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(reason(path) == "\(directory.path)/acl is writable by user 'nobody' (uid 65534) through its ACL (mode 0775)")
        if case .untrusted(_, let fix) = FileTrust.verdict(for: path) { #expect(fix == "setfacl -b \(directory.path)/acl") }
    }
}
