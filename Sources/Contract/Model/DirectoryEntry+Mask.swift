extension DirectoryEntry {
    /// The mode as the kernel shows it once the ACL is in place: with named entries the group
    /// bits are the mask, which setfacl(1) recalculates as the union of the owning group's bits
    /// (the contract's group bits) and every named entry, unless the contract gives the mask.
    public var effectiveMode: FileMode? {
        guard let mode else { return nil }
        let access = acl.filter { !$0.isDefault }
        guard access.contains(where: { $0.qualifier != nil }) || access.contains(where: { $0.tag == .mask }) else {
            return mode
        }
        var mask = AccessRights(rawValue: UInt8((mode.rawValue >> 3) & 7))
        if let explicit = access.first(where: { $0.tag == .mask }) {
            mask = explicit.rights
        } else {
            for entry in access where entry.qualifier != nil { mask.formUnion(entry.rights) }
        }
        return FileMode(rawValue: (mode.rawValue & ~0o070) | (UInt32(mask.rawValue) << 3))
    }
}
