import Contract
import Host
import SystemPackage

extension HostCapture {
    /// One capture's reading of the root: the entries it makes, the accounts they name (in the
    /// order met) and the notes for standard error.
    struct Reading {
        let root: RootDirectory
        let accounts: any AccountDatabase
        var notes: [String] = []
        var userNames: [String] = []
        var groupNames: [String] = []

        init(root: RootDirectory, accounts: any AccountDatabase) {
            self.root = root
            self.accounts = accounts
        }

        // MARK: - Paths

        /// The entry for `path`, or nil (with a note) for what capture does not describe.
        mutating func entry(_ path: String, alsoNamed named: Set<String>) -> CapturedContract.PathEntry? {
            let shown = TOMLString.quoted(path)
            let status: FileStatus
            switch root.status(of: path, followFinal: false) {
            case .success(let found): status = found
            case .failure(let error):
                notes.append("\(shown): cannot be inspected: \(error); skipped")
                return nil
            }
            let ownership = self.ownership(status)
            switch status.kind {
            case .directory:
                return directory(path, status: status, ownership: ownership, alsoNamed: named)
            case .regular:
                return file(path, status: status, ownership: ownership)
            case .symbolicLink:
                notes.append("\(shown): is a symbolic link; name the path it points to instead; skipped")
            default:
                notes.append("\(shown): is a \(status.kind.rawValue), which capture does not describe; skipped")
            }
            return nil
        }

        mutating func directory(
            _ path: String, status: FileStatus, ownership: CapturedContract.Ownership, alsoNamed named: Set<String>
        ) -> CapturedContract.PathEntry {
            var comments: [String] = []
            var create = true
            if path == "/etc" || path.hasPrefix("/etc/") {
                create = false
                comments.append("create = false: under /etc, which the system's packages own")
            } else if case .success(let point) = MountPoint.observe(path, in: root), point.isMounted {
                create = false
                comments.append("create = false: a mount point; provision must not create it")
            }
            let lists = accessLists(path)
            let acl = lists.map { aclEntries($0, path: path) } ?? []
            if !acl.isEmpty { comments.append("acl: the extended ACL found, names from the root's account files") }
            var subdirs: [String] = []
            var others: [String] = []
            for child in root.listing(of: path) {
                let childPath = path == "/" ? "/" + child.name : path + "/" + child.name
                // The listing's names are decoded with U+FFFD for bytes that are not UTF-8 (and
                // such a name then finds nothing): a contract cannot name that entry.
                guard !child.name.unicodeScalars.contains("\u{FFFD}") else {
                    notes.append("\(TOMLString.quoted(childPath)): not valid UTF-8 (or holds U+FFFD), which a TOML contract cannot name; not considered for subdirs")
                    continue
                }
                guard child.kind == .directory, !named.contains(childPath) else { continue }
                guard case .success(let childStatus) = root.status(of: childPath, followFinal: false),
                    childStatus.kind == .directory, childStatus.userID == status.userID, childStatus.groupID == status.groupID,
                    childStatus.permissions == status.permissions, accessLists(childPath) == lists
                else {
                    others.append(child.name)
                    continue
                }
                subdirs.append(child.name)
            }
            if !subdirs.isEmpty { comments.append("subdirs: same owner, group and mode as the parent" + (acl.isEmpty ? "" : ", and the same ACL")) }
            if !others.isEmpty {
                let shown = others.prefix(8).map(TOMLString.quoted).joined(separator: ", ")
                    + (others.count > 8 ? " and \(others.count - 8) more" : "")
                comments.append("not captured, as they differ from it (name them to capture them): " + shown)
            }
            return CapturedContract.PathEntry(
                path: path, kind: .directory(create: create, acl: acl, subdirs: subdirs), ownership: ownership, comments: comments)
        }

        mutating func file(_ path: String, status: FileStatus, ownership: CapturedContract.Ownership) -> CapturedContract.PathEntry {
            let shown = TOMLString.quoted(path)
            var firstLine: String? = nil
            switch root.head(of: path, count: HostCapture.headerBytes) {
            case .success(let bytes):
                let line = bytes.prefix { $0 != 0x0A }
                firstLine = String(decoding: line, as: UTF8.self)
            case .failure(let error):
                notes.append("\(shown): its first line cannot be read (\(error)); judged as a key by its place and mode only")
            }
            let readableByOthers = status.permissions.rawValue & 0o004 != 0
            guard let likeness = SecretLikeness.ofFile(path: path, firstLine: firstLine, readableByOthers: readableByOthers) else {
                return CapturedContract.PathEntry(path: path, kind: .file, ownership: ownership)
            }
            var comments = [likeness.comment]
            var ownership = ownership
            if readableByOthers {
                // A [[key]] others may read is a contract error: the mode written is the one found
                // without the bits of others, so check reports the key until it is narrowed.
                let found = CapturedContract.octal(ownership.mode)
                ownership.mode &= ~0o007
                comments.append("mode: found \(found); a key must not be readable by others, so check fails until chmod \(CapturedContract.octal(ownership.mode))")
                notes.append("\(shown): a private key readable by others (mode \(found)): the captured [[key]] asks for \(CapturedContract.octal(ownership.mode)), and check fails on it until the mode is narrowed")
            }
            let minimum = CapturedContract.minimumBytes(size: status.size)
            if minimum != nil { comments.append("min_bytes: the key's size rounded down to a power of two") }
            return CapturedContract.PathEntry(path: path, kind: .key(minBytes: minimum), ownership: ownership, comments: comments)
        }

        // MARK: - Access control lists

        /// The access and default lists of `path`; nil when they cannot be read.
        func accessLists(_ path: String) -> [AccessControlList]? {
            guard case .success(let access) = root.accessControlList(of: path, kind: .access) else { return nil }
            let defaults = (try? root.accessControlList(of: path, kind: .default).get()) ?? AccessControlList(entries: [])
            return [access, defaults]
        }

        /// The contract's `acl` entries for the lists: the named entries (and the owning group's
        /// where it differs from the mask) of an extended access list, and every entry of a default
        /// list. An entry the mask limits is left out with a note: `check` requires each entry to
        /// be effective as written, which that one is not.
        mutating func aclEntries(_ lists: [AccessControlList], path: String) -> [String] {
            var result: [String] = []
            for (index, list) in lists.enumerated() where !list.entries.isEmpty {
                let isDefault = index == 1
                if !isDefault && !list.isExtended { continue }
                let mask = list.entries.first { $0.tag == .mask }?.permissions
                for entry in list.entries {
                    let text: String
                    var limitable = true
                    switch entry.tag {
                    case .user(let id): text = "user:" + userName(id) + ":"
                    case .group(let id): text = "group:" + groupName(id) + ":"
                    case .groupOwner:
                        if !isDefault, entry.permissions == mask { continue }
                        text = "group::"
                    case .userOwner where isDefault:
                        text = "user::"
                        limitable = false
                    case .other where isDefault:
                        text = "other::"
                        limitable = false
                    case .mask where isDefault:
                        text = "mask::"
                        limitable = false
                    case .userOwner, .other, .mask: continue
                    }
                    let written = (isDefault ? "default:" : "") + text + Self.letters(entry.permissions)
                    if limitable, let mask, entry.permissions & ~mask != 0 {
                        notes.append("\(TOMLString.quoted(path)): ACL entry \(written) is limited by the mask \(Self.letters(mask)); left out")
                        continue
                    }
                    result.append(written)
                }
            }
            return result
        }

        static func letters(_ permissions: UInt8) -> String {
            (permissions & 4 != 0 ? "r" : "-") + (permissions & 2 != 0 ? "w" : "-") + (permissions & 1 != 0 ? "x" : "-")
        }

        // MARK: - Accounts

        /// Owner and group by name where the account files give one, and the mode bits.
        mutating func ownership(_ status: FileStatus) -> CapturedContract.Ownership {
            CapturedContract.Ownership(
                owner: userName(status.userID), group: groupName(status.groupID), mode: UInt32(status.permissions.rawValue))
        }

        /// The user's name where the account files give one a contract can hold, else the id.
        mutating func userName(_ id: UInt32) -> String {
            guard let name = accounts.user(id: id)?.name, Self.isAccountName(name) else { return String(id) }
            if !userNames.contains(name) { userNames.append(name) }
            return name
        }

        mutating func groupName(_ id: UInt32) -> String {
            guard let name = accounts.group(id: id)?.name, Self.isAccountName(name) else { return String(id) }
            if !groupNames.contains(name) { groupNames.append(name) }
            return name
        }

        /// A name `lint` takes as a user or group: ASCII letters, digits, `.`, `_`, `-` and `$`,
        /// not starting with `-`, not all digits (which would read as an id).
        static func isAccountName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first != "-", name.utf8.count <= 256 else { return false }
            if name.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { return false }
            return name.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "._-$".unicodeScalars.contains(scalar)
            }
        }

        func users() -> [CapturedContract.User] {
            userNames.compactMap { name in
                guard let user = accounts.user(named: name) else { return nil }
                var groups: [String] = []
                for id in accounts.groupIDs(of: user) {
                    if let group = accounts.group(id: id)?.name, Self.isAccountName(group), !groups.contains(group) { groups.append(group) }
                }
                return CapturedContract.User(name: name, system: user.userID <= accounts.systemUserIDMaximum, groups: groups)
            }
        }

        func groups() -> [CapturedContract.Group] {
            groupNames.compactMap { name in
                guard let group = accounts.group(named: name) else { return nil }
                var members: [String] = []
                for member in group.members where Self.isAccountName(member) && accounts.user(named: member) != nil {
                    if !members.contains(member) { members.append(member) }
                }
                return CapturedContract.Group(name: name, system: group.groupID <= accounts.systemUserIDMaximum, members: members)
            }
        }
    }
}
