/// The directories the system manager reads units from, highest priority first, and which of
/// them play a role in `systemctl is-enabled` (src/basic/path-lookup.c, `lookup_paths_init()`).
public struct UnitSearchPath: Hashable, Sendable {
    public let directories: [String]
    /// `/etc/systemd/system`: a symlink here means `enabled`, a same-name link `linked`.
    public let persistentConfig: String
    /// `/run/systemd/system`.
    public let runtimeConfig: String
    public let generatorEarly: String
    public let generator: String
    public let generatorLate: String
    public let transient: String
    public let persistentControl: String
    public let runtimeControl: String

    public init(
        directories: [String], persistentConfig: String = "/etc/systemd/system", runtimeConfig: String = "/run/systemd/system",
        generatorEarly: String = "/run/systemd/generator.early", generator: String = "/run/systemd/generator",
        generatorLate: String = "/run/systemd/generator.late", transient: String = "/run/systemd/transient",
        persistentControl: String = "/etc/systemd/system.control", runtimeControl: String = "/run/systemd/system.control"
    ) {
        var unique: [String] = []
        for directory in directories where !unique.contains(directory) { unique.append(directory) }
        self.directories = unique
        self.persistentConfig = persistentConfig
        self.runtimeConfig = runtimeConfig
        self.generatorEarly = generatorEarly
        self.generator = generator
        self.generatorLate = generatorLate
        self.transient = transient
        self.persistentControl = persistentControl
        self.runtimeControl = runtimeControl
    }

    /// The system manager's path in Debian 12's systemd 252, as `systemd-analyze unit-paths`
    /// prints it: Debian builds with split-usr, so `/lib/systemd/system` (its unit directory)
    /// comes before `/usr/lib/systemd/system`. On Debian 12 `/lib` links to `usr/lib`, so both
    /// name one directory and a unit there is reported under `/lib/systemd/system`.
    public static let debian12 = UnitSearchPath(directories: [
        "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
        "/run/systemd/generator.early", "/etc/systemd/system", "/etc/systemd/system.attached",
        "/run/systemd/system", "/run/systemd/system.attached", "/run/systemd/generator",
        "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
        "/run/systemd/generator.late",
    ])

    /// The same in an upstream build of 252 without split-usr: no `/lib/systemd/system`.
    public static let upstream = UnitSearchPath(directories: debian12.directories.filter { $0 != "/lib/systemd/system" })

    /// Whether `directory` holds generated units.
    func isGenerator(_ directory: String) -> Bool {
        [generatorEarly, generator, generatorLate].contains(directory)
    }

    /// `path_is_runtime()`: anything under /run, and the runtime directories.
    func isRuntime(_ path: String) -> Bool {
        UnitPath.isInside(path, "/run") || [runtimeConfig, generatorEarly, generator, generatorLate, transient, runtimeControl].contains(path)
    }
}
