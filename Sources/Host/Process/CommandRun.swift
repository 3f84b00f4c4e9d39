import CLinux
import Glibc

/// A command run without a shell (posix_spawn(3)), optionally as another user through
/// setpriv(1), with a clean environment, standard input from /dev/null, its output read up to a
/// bound and a deadline after which it is killed.
public struct CommandRun: Sendable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        /// It could not be started (no such program, spawn failed), with why.
        case notStarted(String)
    }

    public var ending: Ending
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]
    /// Whether an output went over the bound (the rest was read and dropped).
    public var outputCut: Bool

    public static let outputLimit = 1 << 20
    static let environment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "HOME=/"]

    /// Runs `arguments` (the program searched in the clean PATH), as `user` when given.
    public static func run(_ arguments: [String], user: String?, timeoutMilliseconds: Int) -> CommandRun {
        var words = arguments
        if let user {
            // The user's primary group, from the account database (a group of the same name need not exist).
            guard let account = getpwnam(user) else {
                return CommandRun(ending: .notStarted("user \(user) does not exist"), standardOutput: [], standardError: [], outputCut: false)
            }
            words = ["/usr/bin/setpriv", "--reuid=\(account.pointee.pw_uid)", "--regid=\(account.pointee.pw_gid)", "--init-groups", "--"] + words
        }
        var output: [CInt] = [0, 0], errors: [CInt] = [0, 0]
        guard pipe(&output) == 0, pipe(&errors) == 0 else {
            return CommandRun(ending: .notStarted(String(cString: strerror(errno))), standardOutput: [], standardError: [], outputCut: false)
        }
        for fd in output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout kills what it started too.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let argv = words.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // posix_spawnp searches the caller's PATH: set the clean one for the search.
        let program = words[0].contains("/") ? words[0] : (["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
            .map { $0 + "/" + words[0] }.first { access($0, X_OK) == 0 } ?? words[0])
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        close(output[1])
        close(errors[1])
        defer { close(output[0]); close(errors[0]) }
        guard spawned == 0 else {
            return CommandRun(ending: .notStarted("\(words[0]): \(String(cString: strerror(spawned)))"), standardOutput: [], standardError: [], outputCut: false)
        }
        var streams: [[UInt8]] = [[], []]
        var open = [true, true]
        var cut = false
        let deadline = Connection.monotonicMilliseconds() + timeoutMilliseconds
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open.contains(true) {
            let remaining = deadline - Connection.monotonicMilliseconds()
            if remaining <= 0 { timedOut = true; break }
            var pollers = [pollfd(fd: open[0] ? output[0] : -1, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: open[1] ? errors[0] : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&pollers, 2, Int32(min(remaining, 1000)))
            if ready < 0 && errno != EINTR { break }
            for index in 0..<2 where open[index] && pollers[index].revents != 0 {
                let count = read(pollers[index].fd, &buffer, buffer.count)
                if count <= 0 { open[index] = false; continue }
                let room = outputLimit - streams[index].count
                if room < count { cut = true }
                streams[index] += buffer.prefix(max(0, min(room, count)))
            }
        }
        if timedOut { kill(-pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let ending: Ending
        if timedOut {
            ending = .timedOut
        } else if status & 0x7F == 0 {
            ending = .exited((status >> 8) & 0xFF)
        } else {
            ending = .signalled(status & 0x7F)
        }
        return CommandRun(ending: ending, standardOutput: streams[0], standardError: streams[1], outputCut: cut)
    }
}
