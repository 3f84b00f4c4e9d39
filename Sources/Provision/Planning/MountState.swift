/// Whether a volume is mounted at a path, as far as the host can tell.
public enum MountState: Sendable, Equatable {
    /// Another filesystem is mounted there.
    case mounted
    /// Nothing is mounted there: what would be made below it lands on the filesystem underneath.
    /// The reason names what holds the path ("it is on / (ext4, /dev/vda1)").
    case notMounted(String)
    /// The host cannot tell (an image under `--root`): provisioning proceeds, with this note.
    case unjudged(String)
}
