import Host

/// On the host, a path is mounted when its device differs from its parent's (so an unmounted LUKS
/// mount point, or a bind mount from the same disk, is not). Under `--root` the running kernel's
/// mounts say nothing about where an image's data will be stored: a directory of the image that
/// is a mount point here (a target system assembled under /mnt, a test's tmpfs) counts as mounted,
/// and one that is not is left unjudged, so images and sample roots are still provisioned.
extension LiveHost: MountPoints {
    public func mountState(of path: String) -> MountState {
        let shown = root.hostPath(path)
        switch MountPoint.observe(path, in: root, proc: proc) {
        case .success(let point) where point.isMounted:
            return .mounted
        case .success(let point):
            guard root.isHostRoot else {
                return .unjudged(
                    "\(shown) is not a mount point; under --root the running kernel's mounts say nothing about where an "
                        + "image's data will be stored, so the tree below it is built in the image (on the host, provisioning "
                        + "refuses until the volume is mounted there)")
            }
            if point.kind == .symbolicLink { return .notMounted("it is a symbolic link") }
            if let mount = point.mount {
                return .notMounted("it is on \(mount.point) (\(mount.filesystem), \(mount.source)), the filesystem of its parent")
            }
            return .notMounted("it is on the filesystem of its parent")
        case .failure(let error) where error.isNotFound || error.isNotADirectory:
            guard root.isHostRoot else {
                return .unjudged(
                    "\(shown) does not exist; under --root the running kernel's mounts say nothing about an image, so the tree "
                        + "below it is built in the image")
            }
            return .notMounted("it does not exist")
        case .failure(let error):
            return .notMounted("it cannot be inspected: \(error)")
        }
    }
}
