/// The version of the systemd installed in a root, read from the name of its private shared
/// library, which every systemd since 231 installs as `libsystemd-shared-VERSION.so`: Debian
/// `/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so`, Fedora
/// `/usr/lib64/systemd/libsystemd-shared-255.4-1.fc40.so`, Arch `/usr/lib/systemd/libsystemd-shared-256.5-1.so`.
/// Nothing is run: the root may be an image of another machine.
public struct SystemdVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// The major version, the one systemd's NEWS and behaviour changes are told by.
    public var major: Int

    public init(major: Int) { self.major = major }

    public static func < (left: SystemdVersion, right: SystemdVersion) -> Bool { left.major < right.major }

    public var description: String { String(major) }

    /// Where systemd's packages put the library: the plain, the multiarch and the lib64 layout,
    /// under /usr and (for a root without merged /usr) under /.
    static let libraryPatterns = [
        "/usr/lib/systemd/libsystemd-shared-*.so", "/usr/lib/*/systemd/libsystemd-shared-*.so",
        "/usr/lib64/systemd/libsystemd-shared-*.so", "/lib/systemd/libsystemd-shared-*.so",
        "/lib/*/systemd/libsystemd-shared-*.so", "/lib64/systemd/libsystemd-shared-*.so",
    ]

    /// The systemd installed in `root`; nil when no library is found, or when libraries of
    /// different versions are (a half-finished upgrade: which one runs is unknown).
    public static func installed(in root: RootDirectory) -> SystemdVersion? {
        var found = Set<Int>()
        for pattern in libraryPatterns {
            for path in root.glob(pattern) {
                let name = path.split(separator: "/").last.map(String.init) ?? ""
                if let major = major(ofLibraryNamed: name) { found.insert(major) }
            }
        }
        guard found.count == 1, let major = found.first else { return nil }
        return SystemdVersion(major: major)
    }

    /// `libsystemd-shared-252.so` -> 252, `libsystemd-shared-255.4-1.fc40.so` -> 255; nil for
    /// any other name.
    static func major(ofLibraryNamed name: String) -> Int? {
        let prefix = "libsystemd-shared-"
        guard name.hasPrefix(prefix), name.hasSuffix(".so") else { return nil }
        let digits = name.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
        let after = name.dropFirst(prefix.count + digits.count)
        guard !digits.isEmpty, digits.count <= 6, after.first == "." || after.first == "-" || after.first == "~" else { return nil }
        return Int(digits)
    }
}
