/// `[[directory]]`: a directory that must exist with this owner, group, mode and ACL.
public struct DirectoryEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var mode: FileMode?
    /// `provision` creates it (true), or it must already exist (a mount point, /etc).
    public var create: Bool
    /// Extended ACL entries that must be present.
    public var acl: [AccessControlEntry]
    /// Names of subdirectories that carry the same owner, group, mode and ACL.
    public var subdirs: [String]
}

/// `[[file]]`: a regular file with this owner, group and mode, and lines it must or must not have.
public struct FileEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var mode: FileMode?
    /// False: only checked where present.
    public var required: Bool
    /// Regular expressions no line may match.
    public var forbid: [Pattern]
    /// Regular expressions some line must match.
    public var require: [Pattern]
}

/// `[[key]]`: a secret file. Always a regular file, never readable by other, content never shown.
public struct KeyEntry: Sendable, Hashable {
    public enum Format: String, Sendable, CaseIterable {
        case raw
        case pemPrivateKey = "pem-private-key"
        case pemCertificate = "pem-certificate"
    }

    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var mode: FileMode?
    public var minBytes: Int?
    public var format: Format?
    /// For `pem-private-key`: the key's size in bits at least.
    public var minBits: Int?
    /// The path may be a symbolic link (certbot's `live/NAME/privkey.pem` into `archive/`): the
    /// final target is checked, and every link on the way must be owned by root.
    public var follow: Bool = false
}

/// `[[tree]]`: every entry below `path` has this owner and group and no permission bit beyond
/// the maximum modes.
public struct TreeEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var maxDirectoryMode: FileMode?
    public var maxFileMode: FileMode?
}
