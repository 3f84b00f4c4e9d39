import struct SystemPackage.FilePermissions
import Contract
import Host

/// Applies a plan on descriptors: every path is reached from the root one component at a time
/// without following a symbolic link, directories are created with mkdirat(2) in the directory
/// just opened, and every change is made on the opened file after its status is read again. It
/// has no dry-run mode: a dry run prints the plan instead of calling it.
public final class Applier {
    let root: RootDirectory
    let names: LiveHost
    /// Directories opened (or made) so far in this run, by path: reused, never reopened by name.
    private var directories: [String: PathHandle] = [:]
    private var actions: [ProvisionAction] = []
    /// Entries of `[[tree]]`s walked in the last ``apply(_:)``.
    public private(set) var treeEntries = 0
    /// Called with the path of each directory between its mkdirat(2) and its opening; tests
    /// swap the new directory for a link there, to widen the race window. Never set in a run.
    let afterCreate: ((String) -> Void)?

    public convenience init(root: RootDirectory) {
        self.init(root: root, afterCreate: nil)
    }

    init(root: RootDirectory, afterCreate: ((String) -> Void)?) {
        self.root = root
        self.names = LiveHost(root: root)
        self.afterCreate = afterCreate
    }

    /// The paths the plan creates: each is made with mkdirat(2) straight away, not first looked
    /// for; one that exists after all (mkdirat's EEXIST) is opened as any other.
    private var planned: Set<String> = []

    /// Makes `name` in `parent` and opens the very directory made, with the status its
    /// descriptor showed (see ``PathHandle/makeDirectory(_:afterCreating:)``).
    private func makeDirectory(_ name: String, in parent: PathHandle, path: String) -> Result<(handle: PathHandle, status: FileStatus), HostError> {
        guard let afterCreate else { return parent.makeDirectoryReadingStatus(name) }
        return parent.makeDirectoryReadingStatus(name) { afterCreate(path) }
    }

    public func apply(_ plan: Planner.Plan) -> [ProvisionAction] {
        actions = plan.conflicts
        guard case .success(let top) = root.handle() else {
            actions.append(.conflict("/", "the root cannot be opened", line: nil))
            return actions
        }
        directories.reserveCapacity(plan.targets.count + 1)
        directories["/"] = top
        let creatable = Set(plan.targets.filter(\.creates).map(\.path))
        planned = Set(plan.actions.lazy.filter { $0.kind == .create && $0.status == .planned }.map(\.path))
        for target in plan.targets {
            apply(target, creatable: creatable)
        }
        for tree in plan.trees {
            apply(tree)
        }
        return actions
    }

    /// Brings a tree in line in parallel on descriptors (``PathHandle/repairTree(criteria:threads:)``),
    /// its top reached from the root without following a link.
    private func apply(_ tree: TreeTarget) {
        let asDirectory = ProvisionTarget(path: tree.path, kind: .directory(create: false), acl: [], line: tree.line)
        guard let top = directory(tree.path, for: asDirectory, creatable: []) else { return }
        switch top.repairTree(criteria: LiveHost.criteria(tree.limits)) {
        case .failure(let error):
            conflict(asDirectory, "cannot be walked: \(error)")
        case .success(let survey):
            treeEntries += survey.entries
            actions += tree.actions(LiveHost.tally(survey), status: .done) { id, isGroup in
                (isGroup ? names.group(id: id)?.name : names.user(id: id)?.name) ?? String(id)
            }
        }
    }

    private func record(_ target: ProvisionTarget, _ kind: ProvisionAction.Kind, before: String?, after: String?,
                        _ result: Result<Void, HostError>, _ message: String) {
        switch result {
        case .success:
            actions.append(ProvisionAction(path: target.path, kind: kind, before: before, after: after, status: .done,
                                           message: message, line: target.line))
        case .failure(let error):
            actions.append(ProvisionAction(path: target.path, kind: kind, before: before, after: after, status: .failed,
                                           message: "\(message) failed: \(error)", line: target.line))
        }
    }

    private func conflict(_ target: ProvisionTarget, _ message: String) {
        actions.append(.conflict(target.path, message, line: target.line))
    }

    /// The open directory at `path`, reached without following links; nil after recording why not.
    private func directory(_ path: String, for target: ProvisionTarget, creatable: Set<String>) -> PathHandle? {
        if let open = directories[path] { return open }
        guard let (parentPath, name) = Self.parentAndName(path) else { return nil }
        guard let parent = directory(parentPath, for: target, creatable: creatable) else { return nil }
        if planned.contains(path), creatable.contains(path) {
            switch makeDirectory(name, in: parent, path: path) {
            case .success(let made): return createdParent(made.handle, path)
            case .failure(let error) where !error.isAlreadyExisting:
                conflict(target, "cannot create \(path): \(error)")
                return nil
            case .failure: break  // made since the plan: opened below as any other
            }
        }
        switch parent.child(name) {
        case .success(let handle):
            guard case .success(let status) = handle.status() else {
                conflict(target, "\(path) cannot be inspected")
                return nil
            }
            guard status.kind == .directory else {
                conflict(target, "\(path) is a \(status.kind.noun), not a directory; provisioning never follows symbolic links (left untouched)")
                return nil
            }
            directories[path] = handle
            return handle
        case .failure(let error) where error.isNotFound && creatable.contains(path):
            // A parent created on the way, as mkdir -p would: root-owned, 0755.
            // The handle is the directory just made, checked on its descriptor before the chmod.
            switch makeDirectory(name, in: parent, path: path) {
            case .success(let made):
                return createdParent(made.handle, path)
            case .failure(let error):
                conflict(target, "cannot create \(path): \(error)")
                return nil
            }
        case .failure(let error):
            conflict(target, "\(path) cannot be opened: \(error)")
            return nil
        }
    }

    /// A parent just made: root-owned 0755, as mkdir -p would make it.
    private func createdParent(_ handle: PathHandle, _ path: String) -> PathHandle {
        if case .failure(let error) = handle.changeMode(0o755) {
            actions.append(ProvisionAction(path: path, kind: .create, after: "directory root:root 0755", status: .failed,
                                           message: "created parent directory; chmod 0755 failed: \(error)", line: nil))
        } else {
            actions.append(ProvisionAction(path: path, kind: .create, after: "directory root:root 0755", status: .done,
                                           message: "created parent directory", line: nil))
        }
        directories[path] = handle
        return handle
    }

    private func apply(_ target: ProvisionTarget, creatable: Set<String>) {
        guard let (parentPath, name) = Self.parentAndName(target.path) else { return }
        if target.isImplicitParent {
            _ = directory(target.path, for: target, creatable: creatable)
            return
        }
        guard let parent = directory(parentPath, for: target, creatable: creatable),
            let (handle, madeStatus) = openOrMake(target, name: name, in: parent)
        else { return }
        let created = madeStatus != nil
        // A directory just made was read on its descriptor as it was opened.
        guard let status = madeStatus ?? (try? handle.status().get()) else {
            conflict(target, "cannot be inspected")
            return
        }
        switch target.kind {
        case _ where status.kind == .symbolicLink:
            conflict(target, "is a symbolic link; provisioning never follows symbolic links (left untouched)")
            return
        case .directory where status.kind != .directory:
            conflict(target, "is a \(status.kind.noun) where a directory is expected (left untouched)")
            return
        case .file where status.kind != .regular:
            conflict(target, "is a \(status.kind.noun) where a regular file is expected (left untouched)")
            return
        case .file where status.linkCount > 1:
            conflict(target, "has \(status.linkCount) hard links; provisioning never changes a hard-linked file (left untouched)")
            return
        default:
            break
        }
        if created {
            actions.append(ProvisionAction(path: target.path, kind: .create, after: "directory \(target.description)",
                                           status: .done, message: "created directory", line: target.line))
            directories[target.path] = handle
        } else if status.kind == .directory {
            directories[target.path] = handle
        }
        bringInLine(handle, target, status, created: created)
    }

    /// The target opened, or made (with the status its descriptor showed then); nil after
    /// recording why neither. A planned creation is made straight away.
    private func openOrMake(_ target: ProvisionTarget, name: String, in parent: PathHandle) -> (PathHandle, FileStatus?)? {
        if target.creates, planned.contains(target.path) {
            switch makeDirectory(name, in: parent, path: target.path) {
            case .success(let made): return (made.handle, made.status)
            case .failure(let error) where !error.isAlreadyExisting:
                conflict(target, "cannot create: \(error)")
                return nil
            case .failure: break  // made since the plan: opened below as any other
            }
        }
        switch parent.child(name) {
        case .success(let opened):
            return (opened, nil)
        case .failure(let error) where error.isNotFound && target.creates:
            switch makeDirectory(name, in: parent, path: target.path) {
            case .success(let made): return (made.handle, made.status)
            case .failure(let error):
                conflict(target, "cannot create: \(error)")
                return nil
            }
        case .failure(let error) where error.isNotFound:
            if case .file(required: false) = target.kind { return nil }
            conflict(target, "does not exist; provisioning never creates files, keys or create = false directories")
            return nil
        case .failure(let error):
            conflict(target, "cannot be opened: \(error)")
            return nil
        }
    }

    /// The parent directory and last component of a normalised absolute path ("/a/b" gives
    /// "/a" and "b", "/a" gives "/" and "a"); nil for "/".
    static func parentAndName(_ path: String) -> (parent: String, name: String)? {
        // On the UTF-8 view: a slash is one byte, and no grapheme breaking is needed to find it.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("/", path) }
        let name = String(path[path.utf8.index(after: slash)...])
        guard !name.isEmpty else { return nil }
        let parent = String(path[..<slash])
        return (parent.isEmpty ? "/" : parent, name)
    }

    /// Owner, group, mode, then ACL, each read back from the descriptor first. Before a chown
    /// the mode is narrowed to the bits old and new share, so no one gains access in between;
    /// the final mode comes after the chown (which can clear setgid).
    private func bringInLine(_ handle: PathHandle, _ target: ProvisionTarget, _ status: FileStatus, created: Bool) {
        let current = UInt32(status.permissions.rawValue)
        let wantUser = target.owner.map(\.id).flatMap { $0 == status.userID ? nil : $0 }
        let wantGroup = target.group.map(\.id).flatMap { $0 == status.groupID ? nil : $0 }
        // The mode this run's own narrowing left, when it is known without reading it again.
        var narrowedTo: UInt32?
        if wantUser != nil || wantGroup != nil {
            let shared = current & (target.mode?.rawValue ?? current) & 0o777
            if shared != current, case .success = handle.changeMode(shared, directory: status) { narrowedTo = shared }
            // A directory's status spares reading it again (its kind cannot change); anything
            // else is read again and judged before the chown.
            let result = handle.changeOwner(userID: wantUser, groupID: wantGroup, directory: status)
            if !created {
                if let user = wantUser {
                    record(target, .chown, before: names.user(id: status.userID)?.name ?? String(status.userID), after: target.owner?.name ?? String(user), result, "changed owner")
                }
                if let group = wantGroup {
                    record(target, .chgrp, before: names.group(id: status.groupID)?.name ?? String(status.groupID), after: target.group?.name ?? String(group), result, "changed group")
                }
            }
        }
        if let mode = target.mode, mode.rawValue != current {
            // The narrowing before a chown may already have reached the final mode (it has no
            // setuid, setgid or sticky bit for the chown to clear). A directory is not read again.
            let result: Result<Void, HostError> = if status.kind != .directory {
                handle.changeModeIfDifferent(mode.rawValue)
            } else if narrowedTo == mode.rawValue {
                .success(())
            } else {
                handle.changeMode(mode.rawValue, directory: status)
            }
            if !created || result.isFailure {
                record(target, .chmod, before: FileMode(rawValue: current).description, after: mode.description, result, "changed mode")
            }
        }
        for isDefault in [false, true] {
            let wanted = target.acl.filter { $0.isDefault == isDefault }.map(\.entry)
            guard !wanted.isEmpty else { continue }
            let kind: AccessControlList.Kind = isDefault ? .default : .access
            let present = (try? handle.accessControlList(kind).get()) ?? AccessControlList(entries: [])
            let observed = LiveHost.list(present)
            guard !Planner.satisfies(observed, wanted) else { continue }
            var wantedWithGroup = wanted
            if !isDefault, let rights = target.owningGroupRights, !wanted.contains(where: { $0.tag == .owningGroup }) {
                wantedWithGroup.append(AccessList.Entry(tag: .owningGroup, rights: rights))
            }
            let merged = Self.merge(present, wantedWithGroup, mode: target.mode ?? FileMode(rawValue: current), isDefault: isDefault)
            record(target, .setfacl, before: present.description, after: merged.description,
                   handle.setAccessControlList(merged, kind), isDefault ? "set default ACL" : "set ACL")
        }
    }

    /// The present list with the wanted entries replacing their namesakes, and the mask
    /// recalculated as the union of the group class (as setfacl(1) does) unless one is wanted.
    static func merge(_ present: AccessControlList, _ wanted: [AccessList.Entry], mode: FileMode, isDefault: Bool) -> AccessControlList {
        func hostTag(_ tag: AccessList.Tag) -> AccessControlList.Tag {
            switch tag {
            case .owner: .userOwner
            case .user(let id): .user(id)
            case .owningGroup: .groupOwner
            case .group(let id): .group(id)
            case .mask: .mask
            case .other: .other
            }
        }
        var entries = present.entries
        if entries.isEmpty || isDefault && !entries.contains(where: { $0.tag == .userOwner }) {
            entries = [
                .init(tag: .userOwner, permissions: UInt8((mode.rawValue >> 6) & 7)),
                .init(tag: .groupOwner, permissions: UInt8((mode.rawValue >> 3) & 7)),
                .init(tag: .other, permissions: UInt8(mode.rawValue & 7)),
            ]
        }
        for entry in wanted {
            let tag = hostTag(entry.tag)
            entries.removeAll { $0.tag == tag }
            entries.append(.init(tag: tag, permissions: entry.rights.rawValue))
        }
        if !wanted.contains(where: { $0.tag == .mask }) {
            entries.removeAll { $0.tag == .mask }
            let groupClass = entries.filter {
                switch $0.tag { case .user, .group, .groupOwner: true; default: false }
            }
            if groupClass.contains(where: { if case .groupOwner = $0.tag { false } else { true } }) {
                entries.append(.init(tag: .mask, permissions: groupClass.reduce(0) { $0 | $1.permissions }))
            }
        }
        return AccessControlList(entries: entries)
    }
}

extension FileStatus.Kind {
    /// "regular file", "directory", "symbolic link", ... for messages.
    var noun: String { self == .regular ? "regular file" : rawValue }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
