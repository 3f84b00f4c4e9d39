/// `[[access]]`: what the kernel lets a user do at a path.
public struct AccessEntry: Sendable, Hashable {
    /// The class of the ACL entry that must grant the access.
    public enum Grant: String, Sendable, CaseIterable {
        case owner, user, group, other
    }

    public var context: EntryContext
    public var principal: String
    public var path: Template
    public var allow: AccessRights
    public var deny: AccessRights
    public var via: Grant?
}
