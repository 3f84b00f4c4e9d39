import Contract
import Host

extension HostCapture {
    /// The installers a virtual environment carries for itself, left out of a capture of the whole
    /// environment as `pip freeze` leaves them out: they are upgraded with pip, not deployed with
    /// the application. Named with `--pip-package`, they are captured.
    static let environmentInstallers: Set<PythonPackageName> = [
        PythonPackageName("pip"), PythonPackageName("setuptools"), PythonPackageName("wheel"), PythonPackageName("distribute"),
    ]

    /// One `[[package]]` per Debian package of `names`, read from the root's dpkg database as
    /// `check` reads it (``DpkgStatus``). A database that is missing or cannot be read, and a
    /// package not installed, are bad usage.
    static func debianPackages(_ names: [String], host: LiveHost) throws(UsageError) -> [CapturedContract.Package] {
        let place = host.operatorPath(DpkgStatus.path)
        let status: DpkgStatus
        switch DpkgStatus.read(from: host) {
        case .success(let read): status = read
        case .failure(let error) where error.isNotFound:
            throw UsageError(description: "dpkg's database \(place) is missing: no Debian package is installed there")
        case .failure(let error):
            throw UsageError(description: "dpkg's database \(place) cannot be read: \(error)")
        }
        var packages: [CapturedContract.Package] = []
        for name in names where !packages.contains(where: { $0.name == name }) {
            switch CapturedContract.Package.debian(name, status: status, place: place) {
            case .success(let package): packages.append(package)
            case .failure(let refusal): throw UsageError(description: refusal.description)
            }
        }
        return packages
    }

    /// One `[[package]]` per distribution of the virtual environment at `environment` (a path
    /// inside the root), found as `check` finds them (``PythonDistribution``): those `names`
    /// names, in that order, or without names every one but the environment's installers, by
    /// name. A directory without `lib/python3*/site-packages`, and a name not installed there,
    /// are bad usage.
    static func pythonPackages(
        in environment: String, named names: [String], host: LiveHost, notes: inout [String]
    ) throws(UsageError) -> [CapturedContract.Package] {
        let shown = TOMLString.quoted(environment)
        guard case .present(let facts) = host.inspect(environment, followFinal: true), facts.kind == .directory else {
            throw UsageError(description: "\(shown) is not a directory, so not a virtual environment")
        }
        guard !host.glob(environment + "/lib/python3*/site-packages").isEmpty else {
            throw UsageError(description: "\(shown) is not a virtual environment: it has no lib/python3*/site-packages")
        }
        let distributions: [PythonDistribution]
        switch PythonDistribution.installed(in: environment, host: host) {
        case .success(let found): distributions = found
        case .failure(let unreadable):
            throw UsageError(description: "\(TOMLString.quoted(unreadable.path)) cannot be read: \(unreadable.error)")
        }
        var byName: [PythonPackageName: [PythonDistribution]] = [:]
        for distribution in distributions { byName[distribution.directoryName, default: []].append(distribution) }

        var packages: [CapturedContract.Package] = []
        if names.isEmpty {
            let installers = byName.keys.filter { environmentInstallers.contains($0) }.sorted { $0.normalized < $1.normalized }
            if !installers.isEmpty {
                notes.append("\(shown): left out, as pip freeze leaves out the environment's own installers: \(installers.map(\.normalized).joined(separator: ", ")); name them with --pip-package to capture them")
            }
            if byName.isEmpty { notes.append("\(shown): no distribution is installed there; no [[package]] captured") }
            for name in byName.keys.sorted(by: { $0.normalized < $1.normalized }) where !environmentInstallers.contains(name) {
                switch CapturedContract.Package.python(byName[name]!, environment: environment) {
                case .success(let package): packages.append(package)
                case .failure(let refusal): notes.append("\(refusal); skipped")
                }
            }
        } else {
            for text in names {
                let name = PythonPackageName(text)
                guard !packages.contains(where: { PythonPackageName($0.name) == name }) else { continue }
                guard name.isValid else {
                    throw UsageError(description: "\(TOMLString.quoted(text)) is not a Python distribution name: ASCII letters and digits, with '.', '_' and '-' inside")
                }
                guard let found = byName[name] else {
                    throw UsageError(description: "the distribution \(TOMLString.quoted(text)) is not installed in \(host.operatorPath(environment)) (no \(name.normalized.replacing("-", with: "_"))-*.dist-info with its METADATA)")
                }
                switch CapturedContract.Package.python(found, environment: environment) {
                case .success(let package): packages.append(package)
                case .failure(let refusal): throw UsageError(description: refusal.description)
                }
            }
        }
        for package in packages where package.manager == .pip && package.version == nil {
            notes.append("distribution \(package.name) in \(shown): \(package.comments.last ?? "no version rule")")
        }
        return packages
    }
}
