/// The mounts the kernel shows this process (`/proc/self/mountinfo`), for naming the mount that
/// holds a path.
struct MountTable: Sendable {
    var mounts: [StorageStack.Mount]

    /// The table, or nil when mountinfo cannot be read (no /proc).
    static func read(proc: String = "/proc") -> MountTable? {
        guard case .success(let bytes) = readHostFile(proc + "/self/mountinfo") else { return nil }
        var mounts: [StorageStack.Mount] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            // ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS
            let fields = line.split(separator: " ").map(String.init)
            guard let dash = fields.firstIndex(of: "-"), dash >= 6, fields.count > dash + 2 else { continue }
            mounts.append(StorageStack.Mount(
                point: StorageStack.unescape(fields[4]), filesystem: fields[dash + 1],
                source: StorageStack.unescape(fields[dash + 2]), device: fields[2]))
        }
        return MountTable(mounts: mounts)
    }

    /// The mount whose point is the longest prefix of `path` (the last one listed wins, as the
    /// kernel stacks mounts).
    func mount(holding path: String) -> StorageStack.Mount? {
        var best: StorageStack.Mount? = nil
        for mount in mounts where path == mount.point || mount.point == "/" || path.hasPrefix(mount.point + "/") {
            if best == nil || mount.point.count >= best!.point.count { best = mount }
        }
        return best
    }
}
