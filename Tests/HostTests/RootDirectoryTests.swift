import Foundation
import Host
import TestSupport
import Testing

/// An image root with links that try to leave it, and a secret outside it.
struct LinkedImage {
    let outside = TemporaryDirectory("outside")
    let image = TemporaryDirectory("image")

    init() throws {
        outside.write("secret.txt", "outside the root\n")
        image.write("etc/app.conf", "inside\n")
        let links = [
            "absolute": outside.path + "/secret.txt", "climb": "../../../../../../" + outside.path + "/secret.txt",
            "rooted": "/etc/app.conf", "dangling": "/nowhere", "dir": "/etc", "loop": "loop",
        ]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: image.path + "/etc/" + name, withDestinationPath: target)
        }
    }
}

/// Resolution inside a root never escapes it, and nothing is opened that could hang.
@Suite struct RootDirectoryTests {
    let fixture: LinkedImage
    var outside: TemporaryDirectory { fixture.outside }
    var image: TemporaryDirectory { fixture.image }

    init() throws { fixture = try LinkedImage() }

    @Test func absoluteLinksAreReRootedInsideTheRoot() throws {
        let root = try RootDirectory(path: image.path)
        // /etc/rooted -> /etc/app.conf resolves to the image's file, not the host's.
        let bytes = try root.contents(of: "/etc/rooted").get()
        #expect(String(decoding: bytes, as: UTF8.self) == "inside\n")
        // A link to a host path outside the image is looked up inside the image, where it is absent.
        #expect(throws: HostError.self) { try root.contents(of: "/etc/absolute").get() }
        #expect(throws: HostError.self) { try root.contents(of: "/etc/climb").get() }
    }

    /// openat2 with RESOLVE_IN_ROOT refuses (EAGAIN) a `..` that races with any rename on the
    /// system: a busy host renames all the time (atomic writes), so a link through `..` must
    /// still resolve while another thread renames files back and forth.
    @Test func aLinkThroughDotDotResolvesWhileTheSystemRenames() throws {
        let root = try RootDirectory(path: image.path)
        try FileManager.default.createDirectory(atPath: image.path + "/etc/sites-enabled", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: image.path + "/etc/sites-enabled/app", withDestinationPath: "../app.conf")
        let churn = TemporaryDirectory("renames")
        let from = churn.write("a", "x"), to = churn.path + "/b"
        let stop = ManagedAtomicFlag()
        let renamer = Thread {
            while !stop.isSet {
                rename(from, to)
                rename(to, from)
            }
        }
        renamer.start()
        defer { stop.set() }
        var failures: [String] = []
        for _ in 0..<20_000 {
            if case .failure(let error) = root.contents(of: "/etc/sites-enabled/app") { failures.append(error.description) }
        }
        stop.set()
        #expect(failures.count == 0, "\(failures.count) lookups failed, e.g. \(failures.first ?? "")")
    }

    @Test func dotDotCannotClimbOut() throws {
        let root = try RootDirectory(path: image.path)
        let escaped = root.status(of: "/../../../../" + outside.path + "/secret.txt")
        #expect((try? escaped.get()) == nil)
        #expect(try root.status(of: "/../etc/app.conf").get().kind == .regular)
    }

    @Test func finalLinksCanBeLookedAtThemselves() throws {
        let root = try RootDirectory(path: image.path)
        #expect(try root.status(of: "/etc/rooted", followFinal: false).get().kind == .symbolicLink)
        #expect(try root.status(of: "/etc/rooted").get().kind == .regular)
        guard case .failure(let error) = root.status(of: "/etc/dangling") else {
            Issue.record("a dangling link resolved")
            return
        }
        #expect(error.isNotFound)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFOIsRefusedWithoutOpeningIt() throws {
        #expect(mkfifo(image.path + "/etc/pipe", 0o600) == 0)
        let root = try RootDirectory(path: image.path)
        #expect(try root.status(of: "/etc/pipe").get().kind == .fifo)
        let read = root.contents(of: "/etc/pipe")
        guard case .failure(let error) = read else {
            Issue.record("a FIFO was read")
            return
        }
        #expect(error.description.contains("FIFO"))
    }

    @Test func theWalkDoesNotFollowLinksAndStreamsEveryEntry() throws {
        image.write("data/a/b/file", "x")
        try FileManager.default.createSymbolicLink(atPath: image.path + "/data/link", withDestinationPath: outside.path)
        let root = try RootDirectory(path: image.path)
        var seen: [String: FileStatus.Kind] = [:]
        try root.walk("/data") { entry in
            if case .success(let status) = entry.status { seen[entry.path] = status.kind }
        }.get()
        #expect(seen == [
            "/data": .directory, "/data/a": .directory, "/data/a/b": .directory,
            "/data/a/b/file": .regular, "/data/link": .symbolicLink,
        ])
    }

    @Test func passwdAndGroupFilesOfTheImage() throws {
        image.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:990:990::/var/lib/app:/usr/sbin/nologin\nbroken line\n")
        image.write("etc/group", "root:x:0:\napp:x:990:\nsecrets:x:989:app,other\n")
        let accounts = FileAccountDatabase(root: try RootDirectory(path: image.path))
        #expect(accounts.user(named: "app")?.userID == 990)
        #expect(accounts.users.count == 2)
        let app = try #require(accounts.user(named: "app"))
        #expect(accounts.groupIDs(of: app) == [990, 989])
    }

    /// A CRLF passwd and group (edited on Windows): the C library still finds every account,
    /// so must we ("\r\n" is one Swift Character: a split on Characters saw one line).
    @Test func crlfAccountFiles() throws {
        image.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\r\napp:x:990:990::/var/lib/app:/usr/sbin/nologin\r\n")
        image.write("etc/group", "root:x:0:\r\napp:x:990:\r\nsecrets:x:989:app,other\r\n")
        image.write("etc/login.defs", "SYS_UID_MAX 899\r\n")
        let accounts = FileAccountDatabase(root: try RootDirectory(path: image.path))
        #expect(accounts.users.map(\.name) == ["root", "app"])
        let app = try #require(accounts.user(named: "app"))
        #expect(accounts.groupIDs(of: app) == [990, 989])
        #expect(accounts.group(named: "secrets")?.members == ["app", "other"])
        #expect(accounts.systemUserIDMaximum == 899)
    }
}

/// The same confinement without openat2: the look-up resolver used where the kernel refuses it.
@Suite struct LookUpResolverTests {
    let fixture: LinkedImage
    var image: TemporaryDirectory { fixture.image }

    init() throws { fixture = try LinkedImage() }

    @Test func theKernelResolverIsChosenWhereOpenat2Works() throws {
        #expect(try RootDirectory(path: image.path).resolver == .kernel)
    }

    @Test func bothResolversAgree() throws {
        let kernel = try RootDirectory(path: image.path, resolver: .kernel)
        let lookUp = try RootDirectory(path: image.path, resolver: .lookUp)
        #expect(lookUp.resolver == .lookUp)
        for path in ["/etc/app.conf", "/etc/rooted", "/etc/absolute", "/etc/climb", "/../../etc/app.conf", "/etc/dir/rooted",
                     "/etc/dir/../etc/app.conf", "/etc/missing", "/etc/loop", "/etc/app.conf/x", "/", "/etc/dir"] {
            for follow in [true, false] {
                let a = kernel.status(of: path, followFinal: follow), b = lookUp.status(of: path, followFinal: follow)
                switch (a, b) {
                case (.success(let x), .success(let y)): #expect(x == y, "\(path) follow \(follow)")
                case (.failure(let x), .failure(let y)): #expect(x.code == y.code, "\(path) follow \(follow): \(x) vs \(y)")
                default: Issue.record("\(path) follow \(follow): \(a) vs \(b)")
                }
            }
            let contentA = try? kernel.contents(of: path).get(), contentB = try? lookUp.contents(of: path).get()
            #expect(contentA == contentB, "\(path)")
        }
        #expect(String(decoding: try lookUp.contents(of: "/etc/rooted").get(), as: UTF8.self) == "inside\n")
        #expect(lookUp.glob("/etc/*.conf") == ["/etc/app.conf"])
    }
}

/// A flag one thread sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
