@testable import Provision
import Testing

/// The order targets are planned in: parents first, then name by name.
struct TargetOrderTests {
    /// The order of comparing the paths split at each "/", the definition the planner's
    /// byte-wise comparison must give.
    static func bySplitting(_ a: String, _ b: String) -> Bool {
        let (pa, pb) = (a.split(separator: "/"), b.split(separator: "/"))
        for (x, y) in zip(pa, pb) where x != y { return x < y }
        return pa.count < pb.count
    }

    /// Names that begin other names, and bytes below and above "/" ("-" and "." sort before it,
    /// letters after), where comparing whole paths byte by byte would go wrong.
    static let paths = [
        "/a", "/a/b", "/a/b/c", "/a/b.d", "/a/b-c/d", "/a/bc", "/a-b", "/ab", "/a/b/c/d", "/z",
        "/a/e", "/a/é", "/a/b.d/e", "/srv/bench/a00", "/srv/bench/a00/b01", "/srv/bench/a01", "/srv",
    ]

    @Test func everyPairIsOrderedAsTheSplitPathsAre() {
        for a in Self.paths {
            for b in Self.paths {
                #expect(Planner.precedes(a, b) == Self.bySplitting(a, b), "\(a) before \(b)")
            }
        }
    }

    @Test func parentsComeFirst() {
        let sorted = Self.paths.sorted(by: Planner.precedes)
        for (index, path) in sorted.enumerated() {
            for parent in sorted[index...] {
                #expect(!path.hasPrefix(parent + "/"), "\(parent) after its child \(path)")
            }
        }
        #expect(sorted.prefix(6) == ["/a", "/a/b", "/a/b/c", "/a/b/c/d", "/a/b-c/d", "/a/b.d"])
    }
}
