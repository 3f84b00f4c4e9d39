import CLinux
import Glibc
import Synchronization

/// A walk of a directory tree on descriptors by several threads, judging every entry against
/// ``TreeCriteria`` as it goes and, when repairing, bringing the entries that differ in line.
///
/// Each thread walks depth first with a stack of open directories (each opened relative to its
/// parent with O_NOFOLLOW|O_DIRECTORY, so a symbolic link is judged as a link and never
/// entered) and hands a subdirectory it has just opened to the others only while one of them
/// is idle; otherwise it descends itself. So the descriptors and memory held are the open
/// branch of each thread, never the tree. An entry is judged from fstatat(2) of the name
/// readdir(3) returned, in place: a path is built only for an entry that may become an example.
///
/// Repairing changes only entries that differ, each held so that the inode changed is the inode
/// judged (a directory by its own descriptor, an entry of a directory only root can change by
/// its name there, any other by an O_PATH descriptor checked with fstat(2): see
/// `ParallelTreeWalk+Repair.swift`); the mode is narrowed first (to the bits it has within the
/// maximum: the kernel may clear setuid and setgid on the chown, and they are never set back),
/// then owner and group. A hard-linked non-directory is never changed, a symbolic link's mode
/// never (its owner is changed on the link itself).
public struct ParallelTreeWalk {
    public let criteria: TreeCriteria
    public let threads: Int
    public let repairs: Bool

    public init(criteria: TreeCriteria, threads: Int = ParallelTreeWalk.defaultThreads, repairs: Bool = false) {
        self.criteria = criteria
        self.threads = max(1, threads)
        self.repairs = repairs
    }

    /// HOSTCONTRACT_THREADS when it is a positive number, else the CPUs this process may run on
    /// (sched_getaffinity(2)).
    public static var defaultThreads: Int {
        if let text = system_getenv("HOSTCONTRACT_THREADS"), let count = Int(text), count > 0 { return min(count, 256) }
        return system_available_cpus() ?? 1
    }

    /// Walks the directory open at `descriptor` (read-only, O_DIRECTORY), whose path is `top`;
    /// takes ownership of the descriptor.
    func run(top: [UInt8], descriptor: CInt) -> TreeSurvey {
        var first = Worker(criteria: criteria, repairs: repairs, queue: nil, localDevice: nil)
        var topPath = top
        while topPath.count > 1, topPath.last == 47 { topPath.removeLast() }
        var raw = stat()
        first.survey.entries += 1
        if system_fstat(descriptor, &raw) != 0 {
            first.survey.unreadable.add(topPath[...], UInt32(system_errno))
            _ = system_close(descriptor)
            return first.survey
        }
        let localDevice = repairs ? Self.localDevice(descriptor, raw) : nil
        first.localDevice = localDevice
        first.path = topPath
        var top = TreeWalkQueue.Item(descriptor: descriptor, path: [])
        first.judgeOpenDirectory(&top, raw)
        // "/" as the top: names follow without a second slash.
        if topPath == [47] { topPath = [] }
        top.path = topPath

        let queue = TreeWalkQueue(threads: threads, first: top)
        let results = TreeWalkResults(count: threads)
        var started: [pthread_t] = []
        for index in 1..<threads {
            let criteria = criteria, repairs = repairs
            let thread = system_pthread_create {
                var worker = Worker(criteria: criteria, repairs: repairs, queue: queue, localDevice: localDevice)
                worker.run()
                results.store(worker.survey, at: index)
            }
            guard case .success(let made) = thread else { queue.withdraw(); continue }
            started.append(made)
        }
        first.queue = queue
        first.run()
        for thread in started { system_pthread_join(thread) }
        var survey = first.survey
        for other in results.all() { survey.merge(other) }
        return survey
    }

    /// The magic numbers (statfs(2)) of the file systems whose permissions the kernel checks
    /// itself, on this host only: ext4 (and ext2, ext3), XFS, Btrfs, tmpfs, F2FS. Not NFS or
    /// CIFS (another host may change names whatever the mode says), not FUSE (the daemon may).
    static let localFileSystems: Set<Int> = [0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0xF2F5_2010]

    /// The device of the top, `raw` its status, when its file system is one of
    /// ``localFileSystems``: directories on it may be sealed (``Worker/isSealed(_:)``);
    /// directories on any other device (a mount below the top) never are.
    static func localDevice(_ descriptor: CInt, _ raw: stat) -> UInt64? {
        guard let type = system_fstatfs_type(descriptor), localFileSystems.contains(type) else { return nil }
        return UInt64(raw.st_dev)
    }

    /// One thread's walk: its own stack, path buffer and tallies, merged after all end.
    struct Worker {
        let criteria: TreeCriteria
        let repairs: Bool
        var queue: TreeWalkQueue?
        var survey = TreeSurvey()
        /// The path of the directory on top of the stack; names are appended while needed.
        var path: [UInt8] = []

        struct Level {
            var directory: OpaquePointer
            var pathLength: Int
            /// Repairing: only root can change its names (``isSealed(_:)``).
            var sealed: Bool
            /// Repairing: its own change waits until its entries are done.
            var changesAfterEntries: Bool
        }

        /// Repairing: whether the last non-directory met in an unsealed directory differed, so
        /// the next is opened before it is judged (``repairOpeningFirst(_:in:_:)``).
        var expectsChange = false
        /// Repairing: the device on which directories may be sealed, if any.
        var localDevice: UInt64?

        init(criteria: TreeCriteria, repairs: Bool, queue: TreeWalkQueue?, localDevice: UInt64?) {
            self.criteria = criteria
            self.repairs = repairs
            self.queue = queue
            self.localDevice = localDevice
            path.reserveCapacity(4096)
        }

        mutating func run() {
            guard let queue else { return }
            while let item = queue.take() { walk(item) }
        }

        /// What `raw` breaks: the rules as bits.
        @inline(__always)
        func violations(_ raw: stat) -> UInt32 {
            var bits: UInt32 = 0
            if let user = criteria.userID, raw.st_uid != user { bits |= Rule.owner }
            if let group = criteria.groupID, raw.st_gid != group { bits |= Rule.group }
            let type = raw.st_mode & S_IFMT
            if type == S_IFDIR {
                if let limit = criteria.maxDirectoryMode, raw.st_mode & 0o7777 & ~limit != 0 { bits |= Rule.directoryMode }
            } else if type != S_IFLNK {
                if let limit = criteria.maxFileMode, raw.st_mode & 0o7777 & ~limit != 0 { bits |= Rule.fileMode }
            }
            return bits
        }

        enum Rule {
            static let owner: UInt32 = 1, group: UInt32 = 2, directoryMode: UInt32 = 4, fileMode: UInt32 = 8
        }

        /// Judges the directory open at `item`'s descriptor, `raw` its fstat(2), whose path is
        /// `path`: counts what it breaks or, repairing, brings it in line, now or (sealed) once
        /// its entries are done; records in `item` how its entries are to be changed.
        mutating func judgeOpenDirectory(_ item: inout TreeWalkQueue.Item, _ raw: stat) {
            let bits = violations(raw)
            guard repairs else {
                if bits != 0 { tally(bits, raw) }
                return
            }
            item.sealed = isSealed(raw)
            guard bits != 0 else { return }
            if item.sealed { item.changesAfterEntries = true } else { change(.directory(item.descriptor), raw, bits) }
        }

        /// Counts what `raw` (of the entry at `path`) breaks, or sets a hard-linked one apart.
        mutating func tally(_ bits: UInt32, _ raw: stat) {
            if criteria.setsApartHardLinks, raw.st_mode & S_IFMT != S_IFDIR, raw.st_nlink > 1 {
                survey.hardLinked.add(path[...], UInt32(truncatingIfNeeded: raw.st_nlink))
                return
            }
            if bits & Rule.owner != 0 { survey.owner.add(path[...], raw.st_uid) }
            if bits & Rule.group != 0 { survey.group.add(path[...], raw.st_gid) }
            if bits & Rule.directoryMode != 0 { survey.directoryMode.add(path[...], raw.st_mode & 0o7777) }
            if bits & Rule.fileMode != 0 { survey.fileMode.add(path[...], raw.st_mode & 0o7777) }
        }

        @inline(__always)
        static func same(_ a: stat, _ b: stat) -> Bool {
            a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_mode & S_IFMT == b.st_mode & S_IFMT
        }

        /// Appends "/name" to the path buffer; returns the length to cut back to.
        @inline(__always)
        mutating func appendName(_ name: UnsafePointer<CChar>) -> Int {
            let length = path.count
            path.append(47)
            var cursor = name
            while cursor.pointee != 0 {
                path.append(UInt8(bitPattern: cursor.pointee))
                cursor += 1
            }
            return length
        }

        /// Walks the directory of `item` depth first; subdirectories go to idle threads.
        mutating func walk(_ item: TreeWalkQueue.Item) {
            path.removeAll(keepingCapacity: true)
            path.append(contentsOf: item.path)
            guard let top = system_fdopendir(item.descriptor) else {
                survey.entries += 1
                survey.unreadable.add(path[...], UInt32(system_errno))
                if item.changesAfterEntries { changeAfterEntries(item.descriptor) }
                _ = system_close(item.descriptor)
                return
            }
            var stack = [Level(directory: top, pathLength: path.count, sealed: item.sealed,
                               changesAfterEntries: item.changesAfterEntries)]
            var entries = 0
            var raw = stat()
            while let level = stack.last {
                guard let entry = system_readdir(level.directory) else {
                    if level.changesAfterEntries { changeAfterEntries(system_dirfd(level.directory)) }
                    _ = system_closedir(level.directory)
                    stack.removeLast()
                    if let parent = stack.last { path.removeSubrange(parent.pathLength...) }
                    continue
                }
                let name = system_dirent_name_pointer(entry)
                if name[0] == 46, name[1] == 0 || (name[1] == 46 && name[2] == 0) { continue }
                entries += 1
                let parent = system_dirfd(level.directory)
                if repairs, expectsChange, !level.sealed, !system_dirent_may_be_directory(entry) {
                    // The entries before differed: open this one first and judge it from the
                    // descriptor; a directory after all is judged below from that status.
                    let length = appendName(name)
                    let outcome = repairOpeningFirst(name, in: parent, &raw)
                    path.removeSubrange(length...)
                    if case .judged(let changed) = outcome {
                        expectsChange = changed
                        continue
                    }
                } else if system_fstatat(parent, name, &raw, AT_SYMLINK_NOFOLLOW) != 0 {
                    let code = system_errno
                    let length = appendName(name)
                    survey.unreadable.add(path[...], UInt32(code))
                    path.removeSubrange(length...)
                    continue
                }
                let isDirectory = raw.st_mode & S_IFMT == S_IFDIR
                let bits = violations(raw)
                if !isDirectory {
                    if repairs, !level.sealed { expectsChange = bits != 0 }
                    guard bits != 0 else { continue }
                    let length = appendName(name)
                    if !repairs {
                        tally(bits, raw)
                    } else if level.sealed {
                        // Nobody but root can replace the name: it holds the inode just judged.
                        change(.name(name, in: parent), raw, bits)
                    } else {
                        repair(name, in: parent, seen: raw)
                    }
                    path.removeSubrange(length...)
                    continue
                }
                let length = appendName(name)
                let fd = system_openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if fd < 0 {
                    let code = system_errno
                    if !repairs, bits != 0 { tally(bits, raw) }
                    entries += 1
                    survey.unreadable.add(path[...], UInt32(code))
                    path.removeSubrange(length...)
                    continue
                }
                var child = TreeWalkQueue.Item(descriptor: fd, path: [])
                if repairs {
                    var opened = stat()
                    guard system_fstat(fd, &opened) == 0, Self.same(opened, raw) else {
                        // Swapped for another directory between the stat and the opening:
                        // neither changed nor entered.
                        survey.moved.add(path[...], 0)
                        _ = system_close(fd)
                        path.removeSubrange(length...)
                        continue
                    }
                    judgeOpenDirectory(&child, opened)
                } else if bits != 0 {
                    tally(bits, raw)
                }
                if let queue, queue.hasIdle {
                    child.path = path
                    if queue.offer(child) {
                        path.removeSubrange(length...)
                        continue
                    }
                }
                guard let directory = system_fdopendir(fd) else {
                    entries += 1
                    survey.unreadable.add(path[...], UInt32(system_errno))
                    if child.changesAfterEntries { changeAfterEntries(fd) }
                    _ = system_close(fd)
                    path.removeSubrange(length...)
                    continue
                }
                stack.append(Level(directory: directory, pathLength: path.count, sealed: child.sealed,
                                   changesAfterEntries: child.changesAfterEntries))
            }
            survey.entries += entries
        }
    }
}

/// The directories waiting for a thread, and who is idle: the only state the threads share.
final class TreeWalkQueue: @unchecked Sendable {
    struct Item {
        var descriptor: CInt
        var path: [UInt8]
        /// Repairing: only root can change its names (``ParallelTreeWalk/Worker/isSealed(_:)``).
        var sealed = false
        /// Repairing: its own change waits until its entries are done.
        var changesAfterEntries = false
    }

    private let monitor = SystemMonitor()
    private var threads: Int
    private let idle = Atomic<Int>(0)
    private var items: [Item]
    private var finished = false

    init(threads: Int, first: Item) {
        self.threads = threads
        self.items = [first]
    }

    /// Whether some thread waits for work (read without the lock: a hint).
    @inline(__always)
    var hasIdle: Bool { idle.load(ordering: .relaxed) > 0 }

    /// A thread that could not be started: the walk waits for one thread fewer.
    func withdraw() {
        monitor.locked {
            threads -= 1
            if idle.load(ordering: .relaxed) == threads, items.isEmpty { finished = true }
            monitor.broadcast()
        }
    }

    /// Queues `item` if fewer are waiting than threads idle; otherwise the caller keeps it.
    func offer(_ item: Item) -> Bool {
        monitor.locked {
            guard items.count < idle.load(ordering: .relaxed) else { return false }
            items.append(item)
            monitor.signal()
            return true
        }
    }

    /// The next directory to walk; nil once every thread is idle and nothing waits.
    func take() -> Item? {
        monitor.locked {
            idle.add(1, ordering: .relaxed)
            while items.isEmpty && !finished {
                if idle.load(ordering: .relaxed) == threads {
                    finished = true
                    monitor.broadcast()
                    break
                }
                monitor.wait()
            }
            guard let item = items.popLast() else { return nil }
            idle.subtract(1, ordering: .relaxed)
            return item
        }
    }
}

/// Each thread's survey, stored once as it ends.
final class TreeWalkResults: @unchecked Sendable {
    private let monitor = SystemMonitor()
    private var surveys: [TreeSurvey?]

    init(count: Int) { surveys = Array(repeating: nil, count: count) }

    func store(_ survey: TreeSurvey, at index: Int) { monitor.locked { surveys[index] = survey } }

    func all() -> [TreeSurvey] { monitor.locked { surveys.compactMap { $0 } } }
}

extension RootDirectory {
    /// Judges every entry of the tree at `path` (inside the root) against `criteria`, in
    /// parallel (see ``ParallelTreeWalk``).
    public func survey(_ path: String, criteria: TreeCriteria, threads: Int = ParallelTreeWalk.defaultThreads)
        -> Result<TreeSurvey, HostError>
    {
        open(path, flags: O_RDONLY | O_DIRECTORY).map { fd in
            ParallelTreeWalk(criteria: criteria, threads: threads).run(top: Array(path.utf8), descriptor: fd)
        }
    }
}

extension PathHandle {
    /// Brings every entry of the directory this handle holds in line with `criteria`, in
    /// parallel (see ``ParallelTreeWalk``); hard-linked non-directories are set apart, untouched.
    public func repairTree(criteria: TreeCriteria, threads: Int = ParallelTreeWalk.defaultThreads) -> Result<TreeSurvey, HostError> {
        var criteria = criteria
        criteria.setsApartHardLinks = true
        return valueOrErrno { system_openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }.map { fd in
            ParallelTreeWalk(criteria: criteria, threads: threads, repairs: true).run(top: Array(path.utf8), descriptor: fd)
        }
    }
}
