import CProcessArguments

/// The arguments this process was started with, from the argv the C runtime passed to it.
///
/// Swift's `CommandLine.arguments` reads `/proc/self/cmdline` on Linux; in a chroot or an early
/// boot environment without `/proc` it comes back empty, and a command line tool would then run
/// as if given no arguments at all (print its help and exit 0, or worse for `gate`). argv itself
/// is always there.
public enum ProcessArguments {
    /// Every argument, the program name first.
    public static func current() -> [String] {
        let count = Int(hostcontract_argument_count())
        guard count > 0, let vector = hostcontract_argument_vector() else { return CommandLine.arguments }
        return (0..<count).map { index in vector[index].map { String(cString: $0) } ?? "" }
    }
}
