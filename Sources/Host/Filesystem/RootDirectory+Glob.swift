import CLinux
import Glibc

extension RootDirectory {
    /// The paths inside the root that match a glob(7) pattern, component by component, as
    /// Python's glob.glob and nginx's include read it: names starting with `.` only match a
    /// pattern that starts with `.`; symbolic links resolve inside the root.
    public func glob(_ pattern: String) -> [String] {
        var bases = ["/"]
        let components = pattern.split(separator: "/").map(String.init)
        for (index, component) in components.enumerated() {
            let last = index == components.count - 1
            var next: [String] = []
            for base in bases {
                let prefix = base == "/" ? "/" : base + "/"
                if component.contains(where: { "*?[".contains($0) }) {
                    for name in entries(of: base) where system_fnmatch(component, name, 0) == 0 {
                        if name.hasPrefix(".") && !component.hasPrefix(".") { continue }
                        next.append(prefix + name)
                    }
                } else {
                    let candidate = prefix + component
                    if !last || exists(candidate) || (try? status(of: candidate, followFinal: false).get()) != nil {
                        next.append(candidate)
                    }
                }
            }
            bases = next
        }
        return bases.filter { (try? status(of: $0, followFinal: false).get()) != nil }
    }

    /// The names in the directory at `path` inside the root.
    func entries(of path: String) -> [String] {
        guard case .success(let fd) = open(path, flags: O_RDONLY | O_DIRECTORY) else { return [] }
        return (try? system_directory_names(fd).get()) ?? []
    }
}
