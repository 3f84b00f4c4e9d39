/// One distribution installed in a virtual environment, as importlib.metadata finds it: a
/// `*.dist-info` directory under `lib/python3*/site-packages` (``PythonPackageMetadata/pathPattern``),
/// named like the distribution, and the METADATA in it. `check` looks a `[[package]]` up among
/// them by name; `capture` writes them down. Both read them here, through the host's files.
public struct PythonDistribution: Sendable {
    /// The METADATA file, a path inside the root.
    public let metadataPath: String
    /// The name the directory gives (`python_dateutil-2.8.2.dist-info`: `python_dateutil`).
    public let directoryName: PythonPackageName
    public let metadata: PythonPackageMetadata

    public init(metadataPath: String, directoryName: PythonPackageName, metadata: PythonPackageMetadata) {
        self.metadataPath = metadataPath
        self.directoryName = directoryName
        self.metadata = metadata
    }

    /// The name METADATA gives, or the directory's where it gives none.
    public var name: PythonPackageName { metadata.packageName ?? directoryName }

    /// The `*.dist-info` directory.
    public var directory: String { String(metadataPath.dropLast("/METADATA".count)) }

    /// Why the distributions of an environment cannot all be read: the METADATA at `path`
    /// cannot be read for a reason that says nothing of the environment (permission denied).
    public struct Unreadable: Error, Sendable {
        public let path: String
        public let error: ObservationError
    }

    /// The distributions of the virtual environment at `environment` (a path inside the root),
    /// in the order of their METADATA paths; with `wanted`, only those named so. A directory is
    /// chosen by its name, as importlib.metadata chooses it, and kept when its METADATA's `Name`
    /// (where it has one) agrees; a METADATA that is gone or not a file is passed over.
    public static func installed(
        in environment: String, named wanted: PythonPackageName? = nil, host: some FileObserver
    ) -> Result<[PythonDistribution], Unreadable> {
        var found: [PythonDistribution] = []
        for path in host.glob(environment + "/" + PythonPackageMetadata.pathPattern).sorted() {
            let directory = path.split(separator: "/").dropLast().last.map(String.init) ?? ""
            guard path.hasSuffix("/METADATA"), let named = PythonPackageName(distributionInfoDirectory: directory) else { continue }
            if let wanted, named != wanted { continue }
            switch host.text(of: path) {
            case .failure(let error) where error.isInaccessible:
                return .failure(Unreadable(path: path, error: error))
            case .failure:
                continue
            case .success(let text):
                let metadata = PythonPackageMetadata(text: text)
                guard (metadata.packageName ?? named) == named else { continue }
                found.append(PythonDistribution(metadataPath: path, directoryName: named, metadata: metadata))
            }
        }
        return .success(found)
    }
}
