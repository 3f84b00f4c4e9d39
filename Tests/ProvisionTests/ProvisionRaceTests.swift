import Contract
import Foundation
import Host
@testable import Provision
import TestSupport
import Testing

/// Races against provisioning, with the window between mkdirat(2) and the opening of the new
/// directory widened by the applier's test hook: whatever is swapped in there is refused, or (a
/// directory nothing tells from a fresh one) taken, and nothing outside the root is changed.
@Suite(.enabled(if: runningAsRoot, "needs chown and files of other owners"))
struct ProvisionRaceTests {
    static let service: UInt32 = 41001

    /// A root with a service account and nothing below /srv: provisioning creates /srv and
    /// /srv/app as parents (root:root 0755) and /srv/app/data as declared.
    final class Fixture {
        let root = TemporaryDirectory("race-root")
        let contract: Contract

        init() throws {
            root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nsvc:x:\(service):\(service)::/nonexistent:/usr/sbin/nologin\n")
            root.write("etc/group", "root:x:0:\nsvc:x:\(service):\n")
            let file = root.write("race.toml", """
                contract = "race"
                schema = 1

                [[directory]]
                path = "/srv/app/data"
                owner = "svc"
                group = "svc"
                mode = "0750"
                """)
            contract = try #require(ContractFile.load(file).contract)
        }

        func at(_ path: String) -> String { root.path + path }

        /// Plans, then applies with `hook` between each mkdirat and the opening.
        func apply(hook: @escaping (String) -> Void) throws -> [ProvisionAction] {
            let (plan, rootDirectory) = try Provisioner(contract: contract, root: root.path).plan()
            return Applier(root: rootDirectory, afterCreate: hook).apply(plan)
        }
    }

    static func status(_ path: String) -> stat? {
        var raw = stat()
        return lstat(path, &raw) == 0 ? raw : nil
    }

    static func replace(_ path: String, _ swap: () -> Int32) {
        #expect(rmdir(path) == 0, "rmdir \(path): \(String(cString: strerror(errno)))")
        #expect(swap() == 0, "swap at \(path): \(String(cString: strerror(errno)))")
    }

    @Test func withoutASwapTheTreeIsMadeAndASecondRunChangesNothing() throws {
        let fixture = try Fixture()
        let (plan, _) = try Provisioner(contract: fixture.contract, root: fixture.root.path).plan()
        #expect(plan.actions.map(\.path) == ["/srv", "/srv/app", "/srv/app/data"], "\(plan.actions)")
        var created: [String] = []
        let actions = try fixture.apply { created.append($0) }
        #expect(created == ["/srv", "/srv/app", "/srv/app/data"])
        #expect(!actions.contains { $0.status == .conflict || $0.status == .failed }, "\(actions)")
        let data = try #require(Self.status(fixture.at("/srv/app/data")))
        #expect(data.st_uid == Self.service && data.st_gid == Self.service && data.st_mode & 0o7777 == 0o750)
        let parent = try #require(Self.status(fixture.at("/srv/app")))
        #expect(parent.st_uid == 0 && parent.st_mode & 0o7777 == 0o755)
        let state = try snapshot(fixture.at("/srv"))
        let again = try fixture.apply { created.append("again " + $0) }
        #expect(again.isEmpty, "\(again)")
        #expect(created.count == 3)
        #expect(try snapshot(fixture.at("/srv")) == state)
    }

    /// (a) The new directory becomes a hard link to a root-owned 0600 file outside the root.
    @Test(arguments: ["/srv", "/srv/app/data"])
    func aHardLinkSwappedInAfterMkdiratIsRefusedAndTheOutsideFileKeepsItsMode(swapped: String) throws {
        let fixture = try Fixture()
        let outside = TemporaryDirectory("sentinel")
        let secret = outside.write("secret", "do not touch\n")
        #expect(chmod(secret, 0o600) == 0 && chown(secret, 0, 0) == 0)
        var state = ""
        let actions = try fixture.apply { path in
            guard path == swapped else { return }
            Self.replace(fixture.at(path)) { link(secret, fixture.at(path)) }
            // The link itself bumps the file's ctime: the state to keep is the one after it.
            state = (try? snapshot(outside.path)) ?? "unreadable"
        }
        let conflict = actions.first { $0.path == swapped && $0.status == .conflict }
        #expect(conflict?.message.contains("was replaced by a regular file right after it was created (left untouched)") == true,
                "\(actions)")
        #expect(try snapshot(outside.path) == state)
        let file = try #require(Self.status(secret))
        #expect(file.st_mode & 0o7777 == 0o600 && file.st_uid == 0 && file.st_gid == 0)
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "do not touch\n")
    }

    /// (b) The new directory becomes a symbolic link to a directory outside the root.
    @Test(arguments: ["/srv", "/srv/app/data"])
    func aSymbolicLinkSwappedInAfterMkdiratIsRefusedAndNotFollowed(swapped: String) throws {
        let fixture = try Fixture()
        let outside = TemporaryDirectory("sentinel")
        let target = outside.path + "/target"
        #expect(mkdir(target, 0o700) == 0)
        outside.write("target/file", "sentinel\n")
        let state = try snapshot(outside.path)
        let actions = try fixture.apply { path in
            guard path == swapped else { return }
            Self.replace(fixture.at(path)) { symlink(target, fixture.at(path)) }
        }
        let conflict = actions.first { $0.path == swapped && $0.status == .conflict }
        #expect(conflict?.message.contains("was replaced by a symbolic link right after it was created (left untouched)") == true,
                "\(actions)")
        #expect(try snapshot(outside.path) == state)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["file"])
    }

    /// (c) The new directory is replaced by another directory, moved in from outside the root.
    /// One that a fresh mkdirat cannot have made (another owner, group or other bits, a
    /// subdirectory) is refused and left as it was.
    @Test(arguments: [(service, 0o700 as mode_t, false), (0, 0o755, false), (0, 0o700, true)])
    func anotherDirectoryMovedInAfterMkdiratIsRefusedAndLeftAsItWas(owner: UInt32, mode: mode_t, withSubdirectory: Bool) throws {
        let fixture = try Fixture()
        let outside = TemporaryDirectory("sentinel")
        let other = outside.path + "/other"
        #expect(mkdir(other, 0o700) == 0 && chmod(other, mode) == 0 && chown(other, owner, owner) == 0)
        if withSubdirectory { #expect(mkdir(other + "/inner", 0o700) == 0) }
        var state = ""
        let actions = try fixture.apply { path in
            guard path == "/srv/app/data" else { return }
            Self.replace(fixture.at(path)) { rename(other, fixture.at(path)) }
            state = (try? snapshot(fixture.at(path))) ?? "unreadable"
        }
        let conflict = actions.first { $0.path == "/srv/app/data" && $0.status == .conflict }
        #expect(conflict?.message.contains("was replaced by a directory this run did not make") == true, "\(actions)")
        #expect(try snapshot(fixture.at("/srv/app/data")) == state)
        let moved = try #require(Self.status(fixture.at("/srv/app/data")))
        #expect(moved.st_uid == owner && moved.st_mode & 0o7777 == mode)
    }

    /// (c, the limit) An empty root-owned 0700 directory is all a fresh mkdirat leaves, so one
    /// moved in before anything is read back is taken as the one made and brought in line; no
    /// one but root could have made it, and nothing outside the root is reached through it.
    @Test func anEmptyRootOwnedDirectoryMovedInIsIndistinguishableAndTakenAsMade() throws {
        let fixture = try Fixture()
        let outside = TemporaryDirectory("sentinel")
        let other = outside.path + "/other"
        #expect(mkdir(other, 0o700) == 0 && chmod(other, 0o700) == 0)
        let actions = try fixture.apply { path in
            guard path == "/srv/app/data" else { return }
            Self.replace(fixture.at(path)) { rename(other, fixture.at(path)) }
        }
        #expect(!actions.contains { $0.status == .conflict || $0.status == .failed }, "\(actions)")
        let data = try #require(Self.status(fixture.at("/srv/app/data")))
        #expect(data.st_uid == Self.service && data.st_mode & 0o7777 == 0o750)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    /// Every change re-reads the descriptor: a file that gained a second name after it was opened
    /// (a hard link from outside the tree) is no longer changed, by chmod, chown or ACL.
    @Test func aFileThatGainsAHardLinkAfterItWasOpenedIsNotChanged() throws {
        let fixture = try Fixture()
        let file = fixture.root.write("srv/file", "content\n")
        #expect(chmod(file, 0o644) == 0)
        let handle = try RootDirectory(path: fixture.root.path).handle().get().child("srv").get().child("file").get()
        #expect(try handle.status().get().linkCount == 1)
        let outside = TemporaryDirectory("sentinel")
        #expect(link(file, outside.path + "/alias") == 0)
        let state = try snapshot(outside.path)
        for result in [
            handle.changeMode(0o600),
            handle.changeOwner(userID: Self.service, groupID: nil),
            handle.setAccessControlList(AccessControlList(entries: [
                .init(tag: .userOwner, permissions: 6), .init(tag: .groupOwner, permissions: 4), .init(tag: .other, permissions: 0),
            ])),
        ] {
            guard case .failure(let error) = result else {
                Issue.record("a change went through on a hard-linked file")
                continue
            }
            #expect(error.description == "has 2 hard links")
        }
        #expect(try snapshot(outside.path) == state)
        let after = try #require(Self.status(file))
        #expect(after.st_mode & 0o7777 == 0o644 && after.st_uid == 0)
    }
}
