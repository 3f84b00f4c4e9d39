/// What planning asks before it builds below an `[[encrypted]]` path: whether the volume is
/// mounted there. The host module answers for a machine or an image root; tests answer with
/// literals. A planner without one never refuses on this ground.
public protocol MountPoints: AnyObject {
    /// Whether another filesystem is mounted at `path`, inside the root.
    func mountState(of path: String) -> MountState
}
