import Contract
import Foundation

/// The unit search's view of a real directory tree: every path is taken inside `root` (`/` for
/// the whole filesystem), read with lstat and readlink, never following a link itself (the search
/// resolves links). Test support for the oracle tests, not the host implementation.
struct DiskUnitListing: UnitDirectoryListing {
    let root: String

    private func hostPath(_ path: String) -> String { root == "/" ? path : root + path }

    func entries(in directory: String) -> [UnitFileEntry] {
        let base = hostPath(directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        return names.map { name in
            let path = base == "/" ? "/" + name : base + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { return UnitFileEntry(name: name, kind: .other) }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return UnitFileEntry(name: name, kind: .regularFile)
            case S_IFDIR: return UnitFileEntry(name: name, kind: .directory)
            case S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? ""
                return UnitFileEntry(name: name, kind: .symbolicLink(target: target))
            default: return UnitFileEntry(name: name, kind: .other)
            }
        }
    }

    func contents(of path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: hostPath(path)) else { return nil }
        return [UInt8](data)
    }
}
