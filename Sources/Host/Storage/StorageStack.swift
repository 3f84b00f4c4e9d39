import CLinux
import Glibc

/// What a path's filesystem is stored on, read from the kernel's own views: the mount holding
/// the path (`/proc/self/mountinfo`), its block device, and the device-mapper layers below it
/// (`/sys/dev/block/MAJ:MIN/dm` and `slaves/`), down to a dm-crypt mapping if there is one.
/// `proc` and `sys` are parameters, so tests read fixture trees laid out as the kernel lays them.
public struct StorageStack: Sendable, Equatable {
    public struct Mount: Sendable, Equatable {
        public var point: String
        public var filesystem: String
        public var source: String
        public var device: String
    }

    /// One device on the way down: a disk or partition, or a device-mapper mapping.
    public struct Layer: Sendable, Equatable {
        public var device: String
        /// The mapping's name (dm/name), for device-mapper devices.
        public var mapping: String?
        /// dm/uuid: "CRYPT-LUKS2-...", "LVM-...".
        public var uuid: String?

        /// LUKS2, LUKS1, PLAIN for a dm-crypt mapping (from its uuid), nil otherwise.
        public var cryptType: String? {
            guard let uuid, uuid.hasPrefix("CRYPT-") else { return nil }
            return uuid.dropFirst(6).split(separator: "-").first.map(String.init)
        }
    }

    public var mount: Mount
    /// From the mount's device down; a crypt layer is the last one followed.
    public var layers: [Layer]

    /// The dm-crypt layer, if the stack has one.
    public var crypt: Layer? { layers.first { $0.cryptType != nil } }

    public enum Problem: Error, Sendable, Equatable {
        /// The kernel's views cannot be read (no /proc, a container without sysfs).
        case unavailable(String)
        /// The path is not on a block device at all (tmpfs, overlay, a network filesystem).
        case notBlockDevice(Mount)
    }

    /// Filesystems that live in memory or elsewhere, never on a local block device.
    static let virtual: Set<String> = [
        "tmpfs", "ramfs", "overlay", "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "nfs", "nfs4",
        "cifs", "smb3", "fuse", "9p", "squashfs", "autofs", "securityfs", "debugfs", "tracefs",
    ]

    /// The stack under the filesystem holding `path` (an absolute path, symbolic links resolved).
    public static func inspect(_ path: String, proc: String = "/proc", sys: String = "/sys") -> Result<StorageStack, Problem> {
        guard let table = MountTable.read(proc: proc) else {
            return .failure(.unavailable("\(proc)/self/mountinfo cannot be read"))
        }
        guard let mount = table.mount(holding: path) else { return .failure(.unavailable("no mount holds \(path)")) }
        if virtual.contains(mount.filesystem) || mount.filesystem.hasPrefix("fuse.") || mount.device.hasPrefix("0:") {
            return .failure(.notBlockDevice(mount))
        }
        var layers: [Layer] = []
        var next: [String] = [mount.device]
        var seen = Set<String>()
        while let device = next.popLast(), seen.insert(device).inserted, layers.count < 16 {
            let base = sys + "/dev/block/" + device
            let name = text(base + "/dm/name")
            let uuid = text(base + "/dm/uuid")
            let layer = Layer(device: device, mapping: name, uuid: uuid)
            layers.append(layer)
            if layer.cryptType != nil || name == nil { continue }
            // A device-mapper device that is not crypt (LVM and others): follow what it sits on.
            guard case .success(let slaves) = directoryNames(base + "/slaves") else { continue }
            for slave in slaves.sorted() {
                if let number = text(base + "/slaves/" + slave + "/dev") ?? text(sys + "/class/block/" + slave + "/dev") {
                    next.append(number)
                }
            }
        }
        return .success(StorageStack(mount: mount, layers: layers))
    }

    static func text(_ path: String) -> String? {
        guard case .success(let bytes) = readHostFile(path, limit: 4096) else { return nil }
        let value = String(decoding: bytes, as: UTF8.self).trimmingCharacters()
        return value.isEmpty ? nil : value
    }

    /// mountinfo escapes space, tab, newline and backslash as \\040, \\011, \\012, \\134.
    static func unescape(_ field: String) -> String {
        field.replacing("\\040", with: " ").replacing("\\011", with: "\t").replacing("\\012", with: "\n")
            .replacing("\\134", with: "\\")
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

/// The names in a directory on this machine (not inside a root).
func directoryNames(_ path: String) -> Result<[String], HostError> {
    valueOrErrno { system_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }.flatMap(system_directory_names)
}
