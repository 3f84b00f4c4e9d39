import Contract

/// One path provisioning brings in line: what it must be, from the contract.
public struct ProvisionTarget: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A directory; `create` false when it must already exist (a mount point).
        case directory(create: Bool)
        /// A file or key: only its metadata is corrected, it is never created.
        case file(required: Bool)
    }

    public var path: String
    public var kind: Kind
    public var owner: Account?
    public var group: Account?
    /// The mode to set (with an ACL, its group bits are the mask).
    public var mode: FileMode?
    /// The owning group's own rights (the ACL's group:: entry), where they differ from the mask.
    public var owningGroupRights: AccessRights?
    /// ACL entries that must be present (access and default).
    public var acl: [(isDefault: Bool, entry: AccessList.Entry)]
    /// The contract line that declares it; nil for a parent created on the way.
    public var line: Int?

    /// A parent directory no entry declares, created root:root 0755 where missing (as mkdir -p).
    public var isImplicitParent: Bool { line == nil }

    public var creates: Bool { if case .directory(true) = kind { true } else { false } }

    /// "lx-annotate:lx-annotate 0770".
    public var description: String {
        let names = "\(owner?.name ?? "-"):\(group?.name ?? "-")"
        return names + (mode.map { " \($0)" } ?? "")
    }
}
