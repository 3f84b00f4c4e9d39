import TOMLKit

/// The storage rules of `[[directory]]`: the filesystem under the directory and its room, on
/// the running host. STORAGE_DIR and the streamable video root on one filesystem (moves between
/// them are renames, atomic), a data root that is its own mount (not the root filesystem filling
/// up), not tmpfs (gone at reboot), free space and inodes.
public struct StorageRules: Sendable, Hashable {
    /// The directory is itself a mount point (true), or lies on its parent's filesystem (false).
    public var mountPoint: Bool?
    /// A path whose filesystem this directory must share.
    public var sameFilesystemAs: Template?
    /// Allowed filesystem types ("ext4", "xfs"); empty: any.
    public var filesystems: [String] = []
    /// Refused filesystem types ("tmpfs").
    public var notFilesystems: [String] = []
    public var minFree: Amount?
    public var minFreeInodes: Amount?

    /// "10%" of the filesystem, or an absolute amount ("20G" of space, "100000" inodes).
    public enum Amount: Sendable, Hashable, CustomStringConvertible {
        case percent(Double)
        case absolute(UInt64)

        public var description: String {
            switch self {
            case .percent(let value): return "\(value.formatted)%"
            case .absolute(let value): return String(value)
            }
        }

        func required(of total: UInt64) -> UInt64 {
            switch self {
            case .percent(let value): return UInt64((Double(total) * value / 100).rounded(.up))
            case .absolute(let value): return value
            }
        }
    }

    var isEmpty: Bool {
        mountPoint == nil && sameFilesystemAs == nil && filesystems.isEmpty && notFilesystems.isEmpty && minFree == nil && minFreeInodes == nil
    }

    static let keys = ["mount_point", "same_filesystem_as", "filesystem", "not_filesystem", "min_free", "min_free_inodes"]

    static func read(_ r: TableReader) -> StorageRules {
        var rules = StorageRules()
        rules.mountPoint = r.bool("mount_point")
        rules.sameFilesystemAs = r.path("same_filesystem_as", required: false)
        rules.filesystems = r.strings("filesystem") ?? []
        rules.notFilesystems = r.strings("not_filesystem") ?? []
        for name in rules.filesystems + rules.notFilesystems where name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") }) {
            r.error(rules.filesystems.contains(name) ? "filesystem" : "not_filesystem", "'\(name)' is not a filesystem type (as mount(8) names them: ext4, xfs, tmpfs)")
        }
        if let text = r.nonEmptyString("min_free") {
            rules.minFree = amount(text, bytes: true)
            if rules.minFree == nil { r.error("min_free", "'\(text)' is not a size: write \"10%\" or \"20G\" (K, M, G, T: powers of 1024)") }
        }
        if let text = r.raw("min_free_inodes").flatMap({ $0.string ?? $0.int.map(String.init) }) {
            rules.minFreeInodes = amount(text, bytes: false)
            if rules.minFreeInodes == nil { r.error("min_free_inodes", "'\(text)' is not a count: write \"5%\" or a number") }
        }
        return rules
    }

    static func amount(_ text: String, bytes: Bool) -> Amount? {
        if text.hasSuffix("%") {
            guard let value = Double(text.dropLast()), value > 0, value <= 100 else { return nil }
            return .percent(value)
        }
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if bytes, let last = text.last, let unit = units[Character(last.uppercased())] {
            return UInt64(text.dropLast()).flatMap { value in value.multipliedReportingOverflow(by: unit).overflow ? nil : .absolute(value * unit) }
        }
        return UInt64(text).map { .absolute($0) }
    }
}

extension Double {
    fileprivate var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}

extension Evaluation {
    /// A size as people read it: "3.2 GiB".
    static func size(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes), index = 0
        while value >= 1024, index < units.count - 1 { value /= 1024; index += 1 }
        return index == 0 ? "\(bytes) B" : String(Double(Int(value * 10)) / 10) + " " + units[index]
    }

    func checkStorage(_ recorder: inout Recorder, _ rules: StorageRules, path: String, present: Bool) {
        guard !rules.isEmpty else { return }
        var checks: [(String, String)] = []
        if rules.mountPoint != nil { checks.append(("mount_point", "mount_point")) }
        if rules.sameFilesystemAs != nil { checks.append(("same_filesystem_as", "same_filesystem_as")) }
        if !rules.filesystems.isEmpty || !rules.notFilesystems.isEmpty {
            checks.append(("filesystem", rules.filesystems.isEmpty ? "not_filesystem" : "filesystem"))
        }
        if rules.minFree != nil { checks.append(("min_free", "min_free")) }
        if rules.minFreeInodes != nil { checks.append(("min_free_inodes", "min_free_inodes")) }
        guard present else {
            for (check, key) in checks { recorder.skip(check, key: key, "\(path) does not exist") }
            return
        }
        let facts: FilesystemFacts
        switch host.space(of: path) {
        case .success(let found): facts = found
        case .failure(let reason):
            for (check, key) in checks {
                if reason.isInaccessible { recorder.cannotEvaluate(check, key: key, "\(path): \(reason)") } else { recorder.skip(check, key: key, reason.description) }
            }
            return
        }
        let on = "\(facts.type) mounted at \(facts.mountPoint)"
        if let wanted = rules.mountPoint {
            recorder.verify(
                "mount_point", key: "mount_point", facts.isMountPoint == wanted,
                pass: wanted ? "\(path) is a mount point (\(facts.type))" : "\(path) is on \(on)",
                fail: wanted ? "\(path) is not a mount point: it is on \(on), so what is written there fills that filesystem"
                    : "\(path) is a mount point (\(facts.type)), the contract wants it on its parent's filesystem",
                expected: wanted ? "a mount point" : "not a mount point", actual: facts.isMountPoint ? "mount point" : on,
                fix: ShellWords.decision(wanted ? "mount the intended volume at \(path) (its /etc/fstab line or mount unit)" : "unmount \(path), or change the contract"))
        }
        if let template = rules.sameFilesystemAs {
            switch environment.resolve(template) {
            case .failure(let missing):
                recorder.skip("same_filesystem_as", key: "same_filesystem_as", "same_filesystem_as depends on ${\(missing.variable)}, \(missing.reason)")
            case .success(let other):
                let otherPath = normalise(other)
                switch host.space(of: otherPath) {
                case .success(let theirs):
                    recorder.verify(
                        "same_filesystem_as", key: "same_filesystem_as", theirs.device == facts.device,
                        pass: "\(path) and \(otherPath) are on one filesystem (\(on))",
                        fail: "\(path) is on \(on), \(otherPath) on \(theirs.type) mounted at \(theirs.mountPoint): a move between them is a copy, not an atomic rename",
                        expected: "the filesystem of \(otherPath)", actual: on,
                        fix: ShellWords.decision("put \(path) and \(otherPath) on one filesystem"))
                case .failure(let reason):
                    recorder.fail("same_filesystem_as", key: "same_filesystem_as", "\(otherPath) cannot be inspected: \(reason)",
                                  expected: "the filesystem of \(otherPath)", actual: "unknown")
                }
            }
        }
        if !rules.filesystems.isEmpty || !rules.notFilesystems.isEmpty {
            let allowed = (rules.filesystems.isEmpty || rules.filesystems.contains(facts.type)) && !rules.notFilesystems.contains(facts.type)
            let wanted = rules.filesystems.isEmpty ? "not " + rules.notFilesystems.joined(separator: ", ") : rules.filesystems.joined(separator: ", ")
            recorder.verify(
                "filesystem", key: rules.filesystems.isEmpty ? "not_filesystem" : "filesystem", allowed,
                pass: "\(path) is on \(on)", fail: "\(path) is on \(on)" + (facts.type == "tmpfs" ? ": memory, gone at reboot" : ""),
                expected: wanted, actual: facts.type,
                fix: ShellWords.decision("mount a filesystem of type \(wanted) at \(path)"))
        }
        if let minimum = rules.minFree {
            let required = minimum.required(of: facts.totalBytes)
            recorder.verify(
                "min_free", key: "min_free", facts.availableBytes >= required,
                pass: "\(Self.size(facts.availableBytes)) free of \(Self.size(facts.totalBytes)) on \(on)",
                fail: "only \(Self.size(facts.availableBytes)) free of \(Self.size(facts.totalBytes)) on \(on), the contract wants \(minimum) (\(Self.size(required)))",
                expected: "at least \(Self.size(required))", actual: Self.size(facts.availableBytes),
                fix: ShellWords.decision("free space on \(facts.mountPoint), or grow it"))
        }
        if let minimum = rules.minFreeInodes {
            let required = minimum.required(of: facts.totalInodes)
            recorder.verify(
                "min_free_inodes", key: "min_free_inodes", facts.freeInodes >= required,
                pass: "\(facts.freeInodes) inodes free of \(facts.totalInodes) on \(on)",
                fail: "only \(facts.freeInodes) inodes free of \(facts.totalInodes) on \(on), the contract wants \(minimum) (\(required))",
                expected: "at least \(required)", actual: String(facts.freeInodes),
                fix: ShellWords.decision("remove files on \(facts.mountPoint), or grow its inode table"))
        }
    }
}
