import Contract
import Foundation
import Host
@testable import Provision
import TestSupport
import Testing

/// `[[tree]]` audited and repaired on the real kernel, in fixture trees: what is found and
/// changed, counted exactly, at one thread and many; symbolic links and hard links planted; a
/// directory swapped for a link to outside the root while provisioning runs in parallel.
@Suite(.enabled(if: runningAsRoot, "needs chown and files of other owners"))
struct TreeRepairTests {
    static let service: UInt32 = 41002

    /// A root with a service account and a tree at /srv/store: 12 directories (some nested)
    /// of 25 files each, all in line (svc:svc, directories 0750, files 0640), then the planted
    /// violations, links and hard links.
    final class Fixture {
        let root = TemporaryDirectory("tree-root")
        let outside = TemporaryDirectory("tree-outside")
        let contract: Contract
        var store: String { root.path + "/srv/store" }

        init() throws {
            root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nsvc:x:\(service):\(service)::/nonexistent:/usr/sbin/nologin\n")
            root.write("etc/group", "root:x:0:\nsvc:x:\(service):\n")
            let file = root.write("tree.toml", """
                contract = "tree"
                schema = 1

                [[tree]]
                path = "/srv/store"
                owner = "svc"
                group = "svc"
                max_dir_mode = "0750"
                max_file_mode = "0640"
                """)
            contract = try #require(ContractFile.load(file).contract)
            let fm = FileManager.default
            for d in 0..<12 {
                let directory = store + (d < 8 ? "/d\(d)" : "/d0/sub\(d)")
                try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
                for f in 0..<25 { _ = fm.createFile(atPath: directory + "/f\(f)", contents: Data("x".utf8)) }
            }
            try TreeRepairTests.shell("chown -R \(service):\(service) \(store) && find \(store) -type d -exec chmod 0750 {} + && find \(store) -type f -exec chmod 0640 {} +")
            // Outside the root: a file and a directory that must never change.
            outside.write("secret", "outside\n")
            outside.write("dir/inner", "outside\n")
            try TreeRepairTests.shell("chown -R 5:5 \(outside.path) && chmod 0666 \(outside.path)/secret \(outside.path)/dir/inner && chmod 0777 \(outside.path)/dir")
        }

        /// Plants the violations; returns the counts an audit must report.
        func plant() throws -> (owner: Int, group: Int, directoryMode: Int, fileMode: Int, hardLinked: Int) {
            try TreeRepairTests.shell("""
                cd \(store) && chown 0 d1/f1 d1/f2 d2 && chgrp 0 d3/f3 d0/sub9/f4 && chmod 0777 d4 d0/sub10 && \
                chmod 0644 d5/f0 d5/f1 d5/f2 && chmod 4755 d6/f6 && chmod 0660 d7/f7 && \
                ln -s \(outside.path)/secret d1/to-secret && ln -s \(outside.path)/dir d2/to-dir && \
                ln \(outside.path)/secret d3/hard && chown -h 0:0 d1/to-secret
                """)
            // owner: d1/f1, d1/f2, d2, d1/to-secret; group: d3/f3, d0/sub9/f4, d1/to-secret, d2/to-dir
            // (the link ln -s made is root's, then to-secret was set root:root; to-dir is root:root too).
            // The hard link to the outside file (5:5 0666) breaks three rules: set apart.
            // fileMode: d5/f0-f2 0644, d6/f6 4755, d7/f7 0660 (group write).
            return (owner: 5, group: 4, directoryMode: 2, fileMode: 5, hardLinked: 1)
        }

        func outsideState() throws -> String { try snapshot(outside.path) }

        func provision(dryRun: Bool) throws -> ProvisionOutcome {
            try Provisioner(contract: contract, root: root.path).run(dryRun: dryRun)
        }

        func survey(threads: Int, setsApart: Bool = false) throws -> TreeSurvey {
            let directory = try RootDirectory(path: root.path)
            let criteria = TreeCriteria(userID: service, groupID: service, maxDirectoryMode: 0o750, maxFileMode: 0o640,
                                        setsApartHardLinks: setsApart)
            return try directory.survey("/srv/store", criteria: criteria, threads: threads).get()
        }
    }

    static func shell(_ script: String) throws {
        let outcome = try run("/bin/sh", ["-c", script])
        guard outcome.status == 0 else { throw FixtureError(message: outcome.all) }
    }

    static func status(_ path: String) throws -> stat {
        var raw = stat()
        guard lstat(path, &raw) == 0 else { throw FixtureError(message: "lstat \(path)") }
        return raw
    }

    @Test func theAuditCountsWhatWasPlantedTheSameAtOneThreadAndMany() throws {
        let fixture = try Fixture()
        let expected = try fixture.plant()
        let surveys = try [1, 2, 3, 8].map { try fixture.survey(threads: $0) }
        for survey in surveys.dropFirst() { #expect(survey == surveys[0]) }
        let survey = surveys[0]
        // 1 top + 12 directories + 300 files + 2 links + 1 hard link.
        #expect(survey.entries == 316)
        #expect(survey.owner.count == expected.owner + 1, "the hard link counts under every rule it breaks in an audit")
        #expect(survey.group.count == expected.group + 1)
        #expect(survey.directoryMode.count == expected.directoryMode)
        #expect(survey.fileMode.count == expected.fileMode + 1)
        #expect(survey.unreadable.count == 0 && survey.hardLinked.count == 0)
        #expect(survey.owner.examples.map { String(decoding: $0.path, as: UTF8.self) }
            == ["/srv/store/d1/f1", "/srv/store/d1/f2", "/srv/store/d1/to-secret", "/srv/store/d2", "/srv/store/d2/to-dir"])
        // The same findings as the sequential walk entry by entry.
        let directory = try RootDirectory(path: fixture.root.path)
        var owner = 0, entries = 0
        _ = directory.walk("/srv/store") { entry in
            entries += 1
            if case .success(let status) = entry.status, status.userID != Self.service { owner += 1 }
        }
        #expect(entries == survey.entries && owner == survey.owner.count)
        let apart = try fixture.survey(threads: 2, setsApart: true)
        #expect(apart.hardLinked.count == 1 && apart.owner.count == expected.owner && apart.fileMode.count == expected.fileMode)
    }

    @Test func provisionChangesWhatDiffersRefusesHardLinksAndFollowsNoLink() throws {
        let fixture = try Fixture()
        let expected = try fixture.plant()
        let outside = try fixture.outsideState()
        let tree = try snapshot(fixture.store)

        let plan = try fixture.provision(dryRun: true)
        #expect(try snapshot(fixture.store) == tree, "a dry run changes nothing")
        func count(_ outcome: ProvisionOutcome, _ kind: ProvisionAction.Kind, _ message: String = "") -> Int {
            outcome.actions.filter { $0.kind == kind && (message.isEmpty || $0.message.contains(message)) }.reduce(0) { $0 + ($1.count ?? 1) }
        }
        #expect(count(plan, .chown) == expected.owner && count(plan, .chgrp) == expected.group)
        #expect(count(plan, .chmod, "directories") == expected.directoryMode && count(plan, .chmod, "files") == expected.fileMode)
        #expect(plan.conflicts == expected.hardLinked && plan.treeEntries == 316)
        #expect(plan.actions.allSatisfy { $0.examples.count <= 5 })

        let made = try fixture.provision(dryRun: false)
        #expect(made.changes == plan.changes && made.conflicts == 1 && made.failures == 0, "\(made.actions)")
        let refusal = try #require(made.actions.first { $0.kind == .conflict })
        #expect(refusal.examples == ["/srv/store/d3/hard (2 links)"])
        #expect(try fixture.outsideState() == outside, "nothing outside the root changed, the hard-linked file included")

        let link = try Self.status(fixture.store + "/d1/to-secret")
        #expect(link.st_uid == Self.service && link.st_gid == Self.service, "a link's owner is changed on the link itself")
        let setuid = try Self.status(fixture.store + "/d6/f6")
        #expect(setuid.st_mode & 0o7777 == 0o640, "bits beyond the maximum cleared, setuid among them")
        let wide = try Self.status(fixture.store + "/d0/sub10")
        #expect(wide.st_mode & 0o7777 == 0o750 && wide.st_uid == Self.service)

        let again = try fixture.provision(dryRun: false)
        #expect(again.changes == 0 && again.conflicts == 1, "\(again.actions)")
        let audit = try fixture.survey(threads: 3, setsApart: true)
        #expect(audit.owner.count == 0 && audit.group.count == 0 && audit.directoryMode.count == 0 && audit.fileMode.count == 0)
    }

    /// The tree handed over from root, as after a restore: root-owned directories no group or
    /// other may write are sealed, so their entries are changed by name and each directory
    /// itself after its entries; a group-writable one is not, so its entries (all differing)
    /// are opened first. Either way a hard link is refused, a link's owner is changed on the
    /// link and its mode never, and nothing outside the root changes.
    @Test func aRootOwnedTreeIsHandedOverRefusingHardLinksAndFollowingNoLink() throws {
        let fixture = try Fixture()
        let store = fixture.store, outsidePath = fixture.outside.path
        try Self.shell("""
            chown -hR 0:0 \(store) && chmod 0770 \(store)/d4 && chmod 4755 \(store)/d6/f6 \(store)/d4/f6 && \
            chmod 0644 \(store)/d5/f0 \(store)/d4/f0 && \
            ln -s \(outsidePath)/secret \(store)/d1/to-secret && ln -s \(outsidePath)/dir \(store)/d2/to-dir && \
            ln -s \(outsidePath)/secret \(store)/d4/to-secret && \
            ln \(outsidePath)/secret \(store)/d3/hard && ln \(outsidePath)/dir/inner \(store)/d4/hard
            """)
        let outside = try fixture.outsideState()
        let made = try fixture.provision(dryRun: false)
        // 1 top + 12 directories + 300 files + 3 links + 2 hard links; all but the hard links root:root.
        #expect(made.treeEntries == 318 && made.conflicts == 2 && made.failures == 0, "\(made.actions)")
        #expect(try fixture.outsideState() == outside, "nothing outside the root changed, the hard-linked files included")
        let audit = try fixture.survey(threads: 1, setsApart: true)
        #expect(audit.owner.count == 0 && audit.group.count == 0 && audit.directoryMode.count == 0 && audit.fileMode.count == 0)
        #expect(audit.hardLinked.count == 2 && audit.moved.count == 0)
        for path in ["", "/d0", "/d0/sub9", "/d3", "/d4", "/d1/to-secret", "/d4/to-secret", "/d2/to-dir", "/d6/f6", "/d4/f6", "/d4/f0"] {
            let status = try Self.status(store + path)
            #expect(status.st_uid == Self.service && status.st_gid == Self.service, "\(path)")
        }
        for (path, mode) in [("/d6/f6", 0o640), ("/d4/f6", 0o640), ("/d5/f0", 0o640), ("/d4/f0", 0o640), ("/d4", 0o750)] as [(String, mode_t)] {
            #expect(try Self.status(store + path).st_mode & 0o7777 == mode, "\(path): bits beyond the maximum cleared")
        }
        let hard = try Self.status(store + "/d4/hard")
        #expect(hard.st_uid == 5 && hard.st_mode & 0o7777 == 0o666, "the hard link to outside is untouched")
        let again = try fixture.provision(dryRun: false)
        #expect(again.changes == 0 && again.conflicts == 2, "\(again.actions)")
    }

    /// Every entry differs, in directories that are not sealed (root-owned but writable by
    /// all), so entries are opened before they are judged; meanwhile another thread keeps
    /// swapping a file with a symbolic link to a file outside the root, and another file with a
    /// hard link to another one. Nothing outside ever changes; the rest of the tree is brought in line.
    @Test func aFileSwappedForALinkOrAHardLinkWhileEntriesAreOpenedFirstChangesNothingOutside() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let file = store + "/d6/f3", link = store + "/d6/f3.link", linkAside = store + "/d6/f3.aside"
        let other = store + "/d7/f4", hard = store + "/d7/f4.hard", hardAside = store + "/d7/f4.aside"
        #expect(symlink(fixture.outside.path + "/secret", link) == 0)
        #expect(Glibc.link(fixture.outside.path + "/dir/inner", hard) == 0)
        // Owners and modes only: renaming the hard link changes the shared inode's ctime.
        func outsideOwnership() throws -> String {
            try run("/usr/bin/find", [fixture.outside.path, "-printf", "%p %m %U %G\\n"]).standardOutput
        }
        let outside = try outsideOwnership()
        setenv("HOSTCONTRACT_THREADS", "2", 1)
        defer { unsetenv("HOSTCONTRACT_THREADS") }
        for round in 0..<25 {
            // Every entry root's again but the hard link (chown -R would change the outside file).
            try Self.shell("""
                find \(store) \\( -type d -o -links 1 \\) -exec chown -h 0:0 {} + && \\
                find \(store) -type d -exec chmod 0777 {} + 2>/dev/null; true
                """)
            #expect(try outsideOwnership() == outside, "round \(round): the reset left the outside alone")
            let stop = ManagedAtomicFlag()
            let swapper = Thread {
                while !stop.isSet {
                    _ = rename(file, linkAside)
                    _ = rename(link, file)
                    _ = rename(file, link)
                    _ = rename(linkAside, file)
                    _ = rename(other, hardAside)
                    _ = rename(hard, other)
                    _ = rename(other, hard)
                    _ = rename(hardAside, other)
                }
            }
            swapper.start()
            _ = try fixture.provision(dryRun: false)
            stop.set()
            while !swapper.isFinished { usleep(1000) }
            #expect(try outsideOwnership() == outside, "round \(round): provisioning changed something outside the root")
            let inLine = try Self.status(store + "/d6/f5")
            #expect(inLine.st_uid == Self.service && inLine.st_gid == Self.service, "round \(round)")
        }
    }

    /// While provisioning runs (many times, in parallel threads), another thread keeps swapping
    /// a directory of the tree with a symbolic link to a directory outside the root; every run
    /// the tree is made wrong again. Nothing outside ever changes owner or mode. The swapping
    /// stops (after a whole cycle, which puts the directory back) while the tree is made wrong
    /// again: chmod(1) from find's list would itself follow the link.
    @Test func aDirectorySwappedForALinkDuringParallelRepairsChangesNothingOutside() throws {
        let fixture = try Fixture()
        let outside = try fixture.outsideState()
        let swap = fixture.store + "/d5", link = fixture.store + "/d5.link", aside = fixture.store + "/d5.aside"
        #expect(symlink(fixture.outside.path + "/dir", link) == 0)
        setenv("HOSTCONTRACT_THREADS", "4", 1)
        defer { unsetenv("HOSTCONTRACT_THREADS") }
        for round in 0..<25 {
            try Self.shell("chown -hR 0:0 \(fixture.store) && find \(fixture.store) -type d -exec chmod 0777 {} + 2>/dev/null; true")
            #expect(try fixture.outsideState() == outside, "round \(round): the reset left the outside alone")
            let stop = ManagedAtomicFlag()
            let swapper = Thread {
                while !stop.isSet {
                    _ = rename(swap, aside)
                    _ = rename(link, swap)
                    _ = rename(swap, link)
                    _ = rename(aside, swap)
                }
            }
            swapper.start()
            _ = try fixture.provision(dryRun: false)
            stop.set()
            while !swapper.isFinished { usleep(1000) }
            #expect(try fixture.outsideState() == outside, "round \(round): provisioning changed something outside the root")
        }
    }
}

/// A flag one thread sets and another reads.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
