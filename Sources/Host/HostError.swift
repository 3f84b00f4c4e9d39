import CLinux
import Glibc

/// Why the host could not be read or changed: an errno in words, with the path concerned.
public struct HostError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The errno the call failed with.
    public let code: CInt
    /// An explanation of our own where errno alone would mislead (a FIFO we refused to open).
    public let detail: String?

    public init(errno code: CInt, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    public var isNotFound: Bool { code == ENOENT }
    public var isAlreadyExisting: Bool { code == EEXIST }
    public var isPermissionDenied: Bool { code == EACCES || code == EPERM }
    public var isInputOutputError: Bool { code == EIO }
    public var isSymbolicLinkLoop: Bool { code == ELOOP }
    public var isNotADirectory: Bool { code == ENOTDIR }

    /// The errno in words, lowercase ("permission denied").
    public var description: String {
        if let detail { return detail }
        let words = system_strerror(code)
        guard let first = words.first else { return "error \(code)" }
        return first.lowercased() + words.dropFirst()
    }

    static func refused(_ detail: String) -> HostError {
        HostError(errno: EINVAL, detail: detail)
    }

    /// A file longer than hostcontract reads (EFBIG): refused whole, never read in part.
    static func tooLarge(limit: Int) -> HostError {
        HostError(errno: EFBIG, detail: "is larger than \(Self.size(limit)), the most hostcontract reads of such a file")
    }

    /// `16 MiB`, `4096 bytes`.
    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB"
            : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}
