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
