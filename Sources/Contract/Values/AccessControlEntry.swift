/// One entry of a POSIX ACL in the short text form of acl(5): `user:alice:rwx`, `g:nginx:r-x`,
/// `mask::rwx`, `other::---`, optionally prefixed with `default:` (or `d:`).
public struct AccessControlEntry: Hashable, Sendable, CustomStringConvertible {
    public enum Tag: String, Sendable {
        case user, group, mask, other
    }

    public var isDefault: Bool
    public var tag: Tag
    /// The user or group name for named entries; nil for the owner, owning group, mask and other.
    public var qualifier: String?
    public var rights: AccessRights

    public init(isDefault: Bool = false, tag: Tag, qualifier: String?, rights: AccessRights) {
        self.isDefault = isDefault
        self.tag = tag
        self.qualifier = qualifier
        self.rights = rights
    }

    /// Parses the short text form; the error explains what is wrong.
    public static func parse(_ text: String) -> Result<AccessControlEntry, ParseError> {
        var fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var isDefault = false
        if let first = fields.first, first == "default" || first == "d" {
            isDefault = true
            fields.removeFirst()
        }
        guard fields.count == 3 || (fields.count == 2 && ["o", "other", "m", "mask"].contains(fields[0])) else {
            return .failure(ParseError(
                "'\(text)' is not an acl(5) entry; write TAG:QUALIFIER:PERMS such as 'group:nginx:r-x'"))
        }
        let tag: Tag
        switch fields[0] {
        case "u", "user": tag = .user
        case "g", "group": tag = .group
        case "m", "mask": tag = .mask
        case "o", "other": tag = .other
        default:
            return .failure(ParseError("'\(fields[0])' is not an ACL tag; use user, group, mask or other"))
        }
        let qualifier = fields.count == 3 ? fields[1] : ""
        let perms = fields[fields.count - 1]
        if (tag == .mask || tag == .other) && !qualifier.isEmpty {
            return .failure(ParseError("a \(tag.rawValue) entry takes no qualifier: write '\(tag.rawValue)::\(perms)'"))
        }
        guard !perms.isEmpty, perms.count <= 3, let rights = AccessRights(letters: perms) else {
            return .failure(ParseError("'\(perms)' is not a permission set; use r, w, x and - such as 'r-x'"))
        }
        if !qualifier.isEmpty, !qualifier.allSatisfy({ $0.isLetter || $0.isNumber || "._-$".contains($0) }) {
            return .failure(ParseError("'\(qualifier)' is not a user or group name"))
        }
        return .success(AccessControlEntry(
            isDefault: isDefault, tag: tag, qualifier: qualifier.isEmpty ? nil : qualifier, rights: rights))
    }

    public struct ParseError: Error, Sendable {
        public let message: String
        init(_ message: String) { self.message = message }
    }

    /// The long text form of acl(5) ("group:nginx:r-x").
    public var description: String {
        (isDefault ? "default:" : "") + tag.rawValue + ":" + (qualifier ?? "") + ":" + rights.description
    }
}
