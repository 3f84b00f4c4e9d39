/// What the unit search needs from a filesystem, implemented by the caller (a live host, an image
/// root, or a test): directory listings and file contents. Every path is absolute and means the
/// path inside the system being checked, so an image root's caller maps `/etc/systemd/system` to
/// `ROOT/etc/systemd/system` and never follows a link out of the root.
///
/// Nothing else is asked: the search resolves symbolic links itself from the listings, the way
/// `chase_symlinks()` does under `--root`, so a caller needs no `realpath`.
public protocol UnitDirectoryListing {
    /// The entries of `directory`, without `.` and `..`; empty when it does not exist or is not a
    /// directory (systemd treats an unreadable unit directory as absent).
    func entries(in directory: String) -> [UnitFileEntry]

    /// The bytes of the regular file (or character device) at `path`, a path the search has
    /// already resolved; nil when it cannot be opened. Bytes, not text: systemd rejects a line that
    /// is not valid UTF-8, and a lossy decoding would hide that.
    func contents(of path: String) -> [UInt8]?
}
