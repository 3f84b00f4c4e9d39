import ArgumentParser
import Host

@main
struct HostContractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostcontract",
        abstract: "Check a host against its deployment contract.",
        discussion: """
            A contract (TOML) writes down the facts a deployment rests on: directories and their \
            modes, key files, users and groups, the environment file, nginx locations. \
            Exit codes: 0 the contract holds, 1 violations, 2 invalid contract or bad usage, 3 some checks \
            could not be evaluated and none failed.
            """,
        version: "\(BuildInfo.version) (commit \(BuildInfo.commit))",
        subcommands: [Lint.self, Check.self, Provision.self, Tmpfiles.self, GateCommand.self, Capture.self]
    )

    /// Runs the command, with bad usage exiting 2 as the interface promises (not 64); no
    /// arguments at all is bad usage too (`--help` asks for the help).
    static func main() {
        // From argv, not /proc/self/cmdline: a chroot without /proc must not lose them.
        let arguments = Array(ProcessArguments.current().dropFirst())
        if arguments.isEmpty {
            FileHandleStream.standardError.write("Error: give a command\n\n" + helpMessage() + "\n")
            exit(withError: ExitCode(2))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                FileHandleStream.standardError.write(message + "\n")
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
