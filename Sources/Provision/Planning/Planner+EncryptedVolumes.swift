import Contract

/// An `[[encrypted]]` path is where a volume is mounted. With nothing mounted there, whatever
/// provisioning made at or below it would land, unencrypted, on the filesystem underneath and be
/// hidden once the volume is mounted: such targets are refused until it is.
extension Planner {
    /// An `[[encrypted]]` path with nothing mounted at it.
    struct Refusal {
        var path: String
        /// What holds the path instead ("it is on / (ext4, /dev/vda1) ...").
        var reason: String
        var line: Int
    }

    /// Asks, for each `[[encrypted]]` path with a target at or below it, whether its volume is
    /// mounted; the refusals, and the notes of paths the host cannot judge (an image root).
    func encryptedVolumes(_ targets: [ProvisionTarget]) -> (refusals: [Refusal], notes: [String]) {
        guard let mounts else { return ([], []) }
        var refusals: [Refusal] = []
        var notes: [String] = []
        var asked = Set<String>()
        for entry in contract.encrypted {
            if environment.unmetReason(entry.context.condition) != nil { continue }
            // An unset variable is already a conflict of every entry that uses it.
            guard case .success(let resolved) = environment.resolve(entry.path) else { continue }
            let path = normalise(resolved)
            guard asked.insert(path).inserted, targets.contains(where: { Self.isAtOrBelow($0.path, path) }) else { continue }
            switch mounts.mountState(of: path) {
            case .mounted: break
            case .notMounted(let reason): refusals.append(Refusal(path: path, reason: reason, line: entry.context.line))
            case .unjudged(let note): notes.append(note)
            }
        }
        return (refusals, notes)
    }

    /// The conflict that leaves `target` untouched, when it is at or below a refused path.
    static func refusal(of target: ProvisionTarget, _ refusals: [Refusal]) -> ProvisionAction? {
        guard let refusal = refusals.first(where: { isAtOrBelow(target.path, $0.path) }) else { return nil }
        let fix = "mount the encrypted volume at \(refusal.path) first, then provision again"
        let message = target.path == refusal.path
            ? "is an [[encrypted]] path (contract line \(refusal.line)) but no volume is mounted there: \(refusal.reason); \(fix) (left untouched)"
            : "is below the [[encrypted]] path \(refusal.path) (contract line \(refusal.line)), where no volume is mounted: "
                + "\(refusal.reason); \(fix) (left untouched)"
        return .conflict(target.path, message, line: target.line ?? refusal.line)
    }

    static func isAtOrBelow(_ path: String, _ ancestor: String) -> Bool {
        ancestor == "/" || path == ancestor || path.hasPrefix(ancestor + "/")
    }
}
