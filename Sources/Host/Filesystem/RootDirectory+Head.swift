import CLinux
import Glibc

extension RootDirectory {
    /// At most the first `count` bytes of the regular file at `path`: enough to tell what kind of
    /// file it is (a PEM header) without reading what follows. Refuses anything but a regular file
    /// before opening it for reading, so a FIFO is never opened. The corresponding C function is
    /// read(2), called once per chunk until `count` bytes or the end.
    public func head(of path: String, count: Int) -> Result<[UInt8], HostError> {
        switch status(of: path) {
        case .failure(let error): return .failure(error)
        case .success(let status) where status.kind != .regular:
            return .failure(.refused("is a \(status.kind.rawValue), not a regular file"))
        case .success: break
        }
        return open(path, flags: O_RDONLY | O_NONBLOCK | O_NOCTTY).flatMap { fd in
            defer { _ = system_close(fd) }
            var bytes = [UInt8](repeating: 0, count: max(0, count))
            var filled = 0
            while filled < bytes.count {
                let read = bytes.withUnsafeMutableBytes { buffer in
                    valueOrErrno { system_read(fd, buffer.baseAddress! + filled, buffer.count - filled) }
                }
                switch read {
                case .failure(let error): return .failure(error)
                case .success(0): return .success(Array(bytes[0..<filled]))
                case .success(let n): filled += n
                }
            }
            return .success(bytes)
        }
    }
}
