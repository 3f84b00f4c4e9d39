import ArgumentParser
import Contract
import Host
import Provision

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Write a contract that holds on this host or image, from the paths named.",
        discussion: """
            Each PATH (absolute, resolved inside --root: a symbolic link never leads out of it) becomes an \
            entry: a directory a [[directory]] with its owner, group, mode and extended ACL, and as subdirs \
            its immediate child directories that share exactly these (create = false under /etc and on a \
            mount point); a regular file a [[file]]; a file that looks like a key (a PEM private key by its \
            first line, or one others cannot read under a directory named secrets, vault, keys or private, \
            or named *.key) a [[key]] with min_bytes, its size rounded down to a power of two. Every owner \
            and group named gets a [[user]] or [[group]] entry with the memberships the root's account \
            files give. With --env-file (without it: the first PATH named like an environment file, .env, \
            NAME.env or .env.NAME), each variable assigned there gets a required [[variable]]: a \
            secret-looking one (by its name, or a long random-looking value) secret = true, with a fixed \
            floor as min_length (16 where it is at least that long, else 1 where it is not empty); an \
            absolute path path = true (and exists = true where it exists); any other value min_length = 1 \
            where it is not empty, and the value only as a comment. No file content and no secret, nor \
            its length, is ever written; a private key others can read is written with their bits \
            removed from its mode, so check reports it. What capture notices and leaves out is reported on standard \
            error. Edit the result before relying on it: it records what is, not what should be. \
            Exit codes: 0 written; 1 the output file cannot be written; 2 bad usage (a relative PATH or one with . or .., a PATH that does not exist, a root that cannot be opened).
            """)

    @Option(help: ArgumentHelp("Capture the tree under DIR as if it were / (an image, a chroot); accounts come from DIR/etc/passwd and DIR/etc/group.", valueName: "DIR"),
            completion: .directory)
    var root: String = "/"

    @Option(help: ArgumentHelp("Name the contract NAME (default: the root's /etc/hostname, the node name on /, else 'captured').", valueName: "NAME"))
    var name: String?

    @Option(help: ArgumentHelp(
        "Write FILE, an environment file inside the root (systemd EnvironmentFile= syntax), as [environment] file, with one [[variable]] per variable it assigns (default: the first PATH named .env, NAME.env or .env.NAME).",
        valueName: "FILE"),
        completion: .file())
    var envFile: String?

    @Option(help: ArgumentHelp("Write the contract to FILE (atomically: a temporary file renamed into place); '-' is standard output, the default.", valueName: "FILE"),
            completion: .file())
    var output: String = "-"

    @Argument(help: ArgumentHelp("An absolute path inside the root to describe: a directory, a file or a key.", valueName: "PATH"),
              completion: .file())
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty && envFile == nil { throw ValidationError("give at least one PATH or --env-file FILE") }
        if let name, name.isEmpty { throw ValidationError("--name must not be empty") }
    }

    func run() throws {
        let outcome: HostCapture.Outcome
        do {
            outcome = try HostCapture(root: root, name: name, environmentFile: envFile).capture(paths)
        } catch {
            throw ValidationError(error.description)
        }
        for note in outcome.notes { FileHandleStream.standardError.write("hostcontract: capture: \(note)\n") }
        let text = outcome.contract.render()
        if output == "-" {
            FileHandleStream.standardOutput.write(text)
        } else if case .failure(let error) = writeFileAtomically(output, Array(text.utf8)) {
            FileHandleStream.standardError.write("hostcontract: capture: cannot write \(output): \(error)\n")
            throw ExitCode(1)
        }
    }
}
