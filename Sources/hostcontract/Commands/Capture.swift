import ArgumentParser
import Contract
import Host
import Provision

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Write a contract that holds on this host or image, from the paths, units, packages and nginx configuration named.",
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
            where it is not empty, and the value only as a comment. With --nginx, [nginx] config names CONF \
            (server_name where every server block serves the same single name), and each location of its \
            server blocks gets a [[nginx.location]] with its path, its = or ^~ modifier, and the directives \
            internal, alias, root and proxy_pass it carries itself (a regex or named location, or a path \
            found more than once, is reported and left out). Each --unit gets a [[unit]] as systemd finds \
            it under the root: exists = false where it is masked; enabled as systemctl is-enabled says \
            enabled or disabled (none for a static unit); and as properties what its files set of Type, \
            User, Group, DynamicUser, SupplementaryGroups, WorkingDirectory, EnvironmentFile, Restart, \
            ProtectSystem, ProtectHome, PrivateTmp, NoNewPrivileges, ReadWritePaths, ReadOnlyPaths, the \
            *Directory= settings, the paths a .path unit watches and the unit it starts, OnCalendar and \
            Persistent (never Environment= or a command line). Each --package gets a [[package]] from the \
            root's dpkg database (var/lib/dpkg/status), as check reads it: version = ">= INSTALLED" (the \
            lowest installed version, named in a comment), which holds after a normal upgrade and fails on a \
            downgrade or a removal, and held = true where the selection is hold (apt-mark hold), so that an \
            upgrade to review stays one. With --venv DIR, each distribution of that virtual environment \
            (its lib/python3*/site-packages/*.dist-info, as check finds them) gets a [[package]] with manager \
            = "pip", environment = DIR and version = "==INSTALLED" (=== for a version that is not PEP 440): a \
            virtual environment is built from pinned requirements and changes only with a deployment. Without \
            --pip-package that is every distribution but pip, setuptools, wheel and distribute, as pip freeze \
            lists them; with it, those named. No file content and no secret, nor \
            its length, is ever written; a private key others can read is written with their bits \
            removed from its mode, so check reports it. What capture notices and leaves out is reported on standard \
            error. Edit the result before relying on it: it records what is, not what should be. \
            Exit codes: 0 written; 1 the output file cannot be written; 2 bad usage (a relative PATH or one with . or .., a PATH that does not exist, a root that cannot be opened, an nginx configuration that cannot be read, a unit that does not exist, a package or distribution not installed, no dpkg database, a --venv DIR that is not a virtual environment).
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

    @Option(help: ArgumentHelp(
        "Write [nginx] with CONF, the main nginx configuration inside the root (e.g. /etc/nginx/nginx.conf), and one [[nginx.location]] per location its server blocks hold.",
        valueName: "CONF"),
        completion: .file())
    var nginx: String?

    @Option(name: .customLong("unit"), help: ArgumentHelp(
        "Write a [[unit]] for the systemd unit NAME (e.g. app.service) as found under the root: exists, enabled and the settings it sets; repeatable. A unit that is not there is bad usage.",
        valueName: "NAME"))
    var units: [String] = []

    @Option(name: .customLong("package"), help: ArgumentHelp(
        "Write a [[package]] for the Debian package NAME (or NAME:ARCH) from the root's dpkg database: version = \">= INSTALLED\", so it holds after a normal upgrade, and held = true where its selection is hold; repeatable. A package not installed is bad usage.",
        valueName: "NAME"))
    var packages: [String] = []

    @Option(help: ArgumentHelp(
        "Write a [[package]] with manager = \"pip\" and version = \"==INSTALLED\" for each distribution of DIR, a virtual environment inside the root, found as check finds them (lib/python3*/site-packages/*.dist-info): all but pip, setuptools, wheel and distribute, as pip freeze lists them, or those named with --pip-package.",
        valueName: "DIR"),
        completion: .directory)
    var venv: String?

    @Option(name: .customLong("pip-package"), help: ArgumentHelp(
        "With --venv, capture only the distribution NAME of it (a name pip accepts, in any case); repeatable. A distribution not installed there is bad usage.",
        valueName: "NAME"))
    var pipPackages: [String] = []

    @Option(help: ArgumentHelp("Write the contract to FILE (atomically: a temporary file renamed into place); '-' is standard output, the default.", valueName: "FILE"),
            completion: .file())
    var output: String = "-"

    @Argument(help: ArgumentHelp("An absolute path inside the root to describe: a directory, a file or a key.", valueName: "PATH"),
              completion: .file())
    var paths: [String] = []

    func validate() throws {
        if !pipPackages.isEmpty && venv == nil {
            throw ValidationError("--pip-package names a distribution of the virtual environment --venv DIR: give --venv")
        }
        if paths.isEmpty && envFile == nil && nginx == nil && units.isEmpty && packages.isEmpty && venv == nil {
            throw ValidationError("give at least one PATH, --env-file FILE, --nginx CONF, --unit NAME, --package NAME or --venv DIR")
        }
        if let name, name.isEmpty { throw ValidationError("--name must not be empty") }
    }

    func run() throws {
        let outcome: HostCapture.Outcome
        do {
            outcome = try HostCapture(
                root: root, name: name, environmentFile: envFile, nginxConfig: nginx, units: units,
                packages: packages, virtualEnvironment: venv, pythonPackages: pipPackages
            ).capture(paths)
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
