import Foundation
import TestSupport

/// A fault planted in a root by editing one of its files, or removing a path, and the failures
/// `check` must then report (`kind subject check`), no more and no fewer: none where the edit
/// is a change the contract allows.
struct PlantedEdit: Sendable, CustomStringConvertible {
    /// A path inside the root.
    var path: String
    /// The text replaced and its replacement; nil: the path is removed.
    var replacement: (from: String, to: String)?
    var failures: Set<String>

    init(_ path: String, _ from: String, _ to: String, failing failures: Set<String>) {
        self.path = path
        self.replacement = (from, to)
        self.failures = failures
    }

    init(removing path: String, failing failures: Set<String>) {
        self.path = path
        self.failures = failures
    }

    func plant(in root: TemporaryDirectory) throws {
        if let (from, to) = replacement {
            try root.edit(path, from, to)
        } else {
            try FileManager.default.removeItem(atPath: root.path + path)
        }
    }

    var description: String {
        replacement.map { "\(path): \($0.from.debugDescription) -> \($0.to.debugDescription)" } ?? "remove \(path)"
    }
}
