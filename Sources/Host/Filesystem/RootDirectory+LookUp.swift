import CLinux
import Glibc

extension RootDirectory {
    /// Looks `path` up inside the root one component at a time on O_PATH|O_NOFOLLOW descriptors,
    /// as path_resolution(7) describes: a symbolic link is followed by reading it (an absolute
    /// target starts again at the root, `..` stops at it, 40 links at most), and a final link only
    /// when `followFinal`. `searched` sees each directory a name is looked up in, `stepped` each
    /// object opened in one (a directory, a link about to be followed, the final object) with the
    /// directory it was found in, as descriptors and paths. Returns an O_PATH descriptor of the
    /// object reached (the caller closes it) and its path in the root.
    func lookUp(
        _ path: String, followFinal: Bool = true, searched: (CInt, String) -> Void = { _, _ in },
        stepped: (_ directory: CInt, _ directoryPath: String, _ entry: CInt, _ entryPath: String) -> Void = { _, _, _, _ in }
    ) -> Result<(descriptor: CInt, path: String), LookUpFailure> {
        func openRoot() -> Result<CInt, HostError> {
            valueOrErrno { system_openat(descriptor, ".", hostcontract_O_PATH | O_DIRECTORY | O_CLOEXEC) }
        }
        func join(_ base: String, _ name: String) -> String { base == "/" ? "/" + name : base + "/" + name }

        var pending = Array(path.split(separator: "/").map(String.init).reversed())
        var parents: [(descriptor: CInt, path: String)] = []
        var current: (descriptor: CInt, path: String)
        switch openRoot() {
        case .success(let fd): current = (fd, "/")
        case .failure(let error): return .failure(LookUpFailure(path: "/", error: error))
        }
        func closeAll() {
            _ = system_close(current.descriptor)
            for parent in parents { _ = system_close(parent.descriptor) }
            parents.removeAll()
        }
        var links = 0
        while let name = pending.popLast() {
            searched(current.descriptor, current.path)
            if name == "." { continue }
            if name == ".." {
                if let parent = parents.popLast() {
                    _ = system_close(current.descriptor)
                    current = parent
                }
                continue
            }
            let childPath = join(current.path, name)
            let opened = valueOrErrno { system_openat(current.descriptor, name, hostcontract_O_PATH | O_NOFOLLOW | O_CLOEXEC) }
            guard case .success(let fd) = opened else {
                closeAll()
                if case .failure(let error) = opened { return .failure(LookUpFailure(path: childPath, error: error)) }
                return .failure(LookUpFailure(path: childPath, error: HostError(errno: EINVAL)))
            }
            stepped(current.descriptor, current.path, fd, childPath)
            var raw = stat()
            guard case .success = valueOrErrno({ system_fstat(fd, &raw) }) else {
                let error = HostError(errno: system_errno)
                _ = system_close(fd)
                closeAll()
                return .failure(LookUpFailure(path: childPath, error: error))
            }
            let kind = FileStatus(raw).kind
            if kind == .symbolicLink && (!pending.isEmpty || followFinal) {
                links += 1
                let target = system_readlink(fd, "")
                _ = system_close(fd)
                guard links <= 40, case .success(let text) = target else {
                    closeAll()
                    return .failure(LookUpFailure(path: childPath, error: HostError(errno: ELOOP)))
                }
                pending.append(contentsOf: text.split(separator: "/").map(String.init).reversed())
                if text.hasPrefix("/") {
                    closeAll()
                    switch openRoot() {
                    case .success(let rootFD): current = (rootFD, "/")
                    case .failure(let error): return .failure(LookUpFailure(path: "/", error: error))
                    }
                }
                if pending.isEmpty { pending.append(".") }
                continue
            }
            if pending.isEmpty {
                closeAll()
                return .success((fd, childPath))
            }
            guard kind == .directory else {
                _ = system_close(fd)
                closeAll()
                return .failure(LookUpFailure(path: childPath, error: HostError(errno: ENOTDIR)))
            }
            parents.append(current)
            current = (fd, childPath)
        }
        // The path named a directory itself ("/", a trailing ".", a link to a directory).
        for parent in parents { _ = system_close(parent.descriptor) }
        return .success(current)
    }

    /// Where and why a look-up stopped.
    struct LookUpFailure: Error {
        var path: String
        var error: HostError
    }

    /// `open` without openat2 (kernels before 5.6, container seccomp profiles that refuse it):
    /// the look-up above, then the object reopened through /proc/self/fd with `flags`.
    func openByLookUp(_ path: String, flags: CInt, followFinal: Bool) -> Result<CInt, HostError> {
        switch lookUp(path, followFinal: followFinal) {
        case .failure(let failure): return .failure(failure.error)
        case .success(let found):
            if flags & O_DIRECTORY != 0 {
                var raw = stat()
                if case .success = valueOrErrno({ system_fstat(found.descriptor, &raw) }), FileStatus(raw).kind != .directory {
                    _ = system_close(found.descriptor)
                    return .failure(HostError(errno: ENOTDIR))
                }
            }
            if flags & hostcontract_O_PATH != 0 { return .success(found.descriptor) }
            defer { _ = system_close(found.descriptor) }
            return valueOrErrno { system_open("/proc/self/fd/\(found.descriptor)", (flags & ~O_NOFOLLOW) | O_CLOEXEC) }
        }
    }
}
