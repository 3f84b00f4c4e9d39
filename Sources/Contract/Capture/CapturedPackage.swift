extension CapturedContract {
    /// One `[[package]]`: a Debian package as dpkg's database records it, or a distribution of a
    /// virtual environment as its METADATA records it, with a `version` rule that holds for what
    /// is installed (checked here by the manager's own ordering before it is written) and, for
    /// dpkg, `held` where the selection is hold.
    ///
    /// The rules differ by manager, as the two are kept differently. A Debian system follows
    /// its point releases and security updates (`apt-get upgrade`), so the rule is
    /// `>= INSTALLED`: it holds after a normal upgrade and fails on a downgrade or a removal; an
    /// upgrade the operator must review is what `held = true` (apt-mark hold) is for, and a hold
    /// found is kept. A virtual environment is built from pinned requirements (a lock file,
    /// `pip freeze`) and changes only with a deployment, so the rule is `==INSTALLED` (`===`
    /// for a version that is not PEP 440): any other version is a deployment not reviewed.
    public struct Package: Sendable, Equatable {
        public var name: String
        public var manager: PackageEntry.Manager
        /// For pip: the virtual environment.
        public var environment: String?
        /// The rule as written (`>= 7:5.1.6-0+deb12u1`, `==4.1.2`).
        public var version: String?
        public var held: Bool?
        public var comments: [String]

        public init(
            name: String, manager: PackageEntry.Manager, environment: String? = nil, version: String? = nil, held: Bool? = nil,
            comments: [String] = []
        ) {
            self.name = name
            self.manager = manager
            self.environment = environment
            self.version = version
            self.held = held
            self.comments = comments
        }

        /// Why a package named for capture cannot be captured (bad usage): a name no package
        /// can have, a package not installed, a database its manager refuses.
        public struct Refusal: Error, Sendable, CustomStringConvertible {
            public let description: String
        }

        /// The Debian package `query` (`NAME` or `NAME:ARCH`) as `status` records it; `place`
        /// names the database in messages. Every installed instance must satisfy the rule, so
        /// `version` names the lowest installed version, and `held` is written where every
        /// installed instance is held.
        public static func debian(_ query: String, status: DpkgStatus, place: String) -> Result<Package, Refusal> {
            if let problem = PackageEntry.nameProblem(query, manager: .dpkg) { return .failure(Refusal(description: problem)) }
            if let problem = status.problems(concerning: query).first(where: { $0.severity == .error }) {
                return .failure(Refusal(description: "dpkg refuses its database \(place): \(problem)"))
            }
            let instances = status.instances(of: query)
            let installed = instances.filter(\.isInstalled)
            guard !installed.isEmpty else {
                let state = instances.first { $0.state != .notInstalled }
                    .map { "records it \($0.state.rawValue)" + ($0.state.explanation.map { ": " + $0 } ?? "") } ?? "has no record of it"
                return .failure(Refusal(description: "the package '\(query)' is not installed: dpkg's database \(place) \(state)"))
            }
            var package = Package(name: query, manager: .dpkg)
            let several = installed.count > 1
            let shown = installed.map { ($0.versionText ?? "no version") + (several ? " (\($0.architecture ?? "no architecture"))" : "") }
                .joined(separator: ", ")
            let versions = installed.compactMap(\.version)
            if versions.count == installed.count,
                let lowest = versions.min(by: { DebianVersion.compare($0, $1) < 0 }),
                case .success(.debian(let rule)) = PackageEntry.readRule(">= " + lowest.text, manager: .dpkg),
                versions.allSatisfy(rule.isSatisfied(by:))
            {
                package.version = ">= " + lowest.text
                package.comments.append("installed: \(shown) (version: at least this, so a normal upgrade still holds)")
            } else {
                package.comments.append("installed: \(shown), which no version rule dpkg reads without a warning can name; no version rule")
            }
            if installed.allSatisfy(\.isHeld) {
                package.held = true
                package.comments.append("held: the selection is hold (apt-mark hold); an upgrade waits for the hold to be released")
            } else if installed.contains(where: \.isHeld) {
                let architectures = installed.filter(\.isHeld).map { $0.architecture ?? "no architecture" }.joined(separator: ", ")
                package.comments.append("held for \(architectures) only; no held rule")
            }
            return .success(package)
        }

        /// The distribution installed as `distributions` (one, or the several an interrupted
        /// upgrade leaves behind) in the virtual environment `environment`. One distribution
        /// gets `==VERSION` (`===VERSION` for a version that is not PEP 440); several get no
        /// version rule, and `check` reports them.
        public static func python(_ distributions: [PythonDistribution], environment: String) -> Result<Package, Refusal> {
            guard let first = distributions.first else {
                return .failure(Refusal(description: "no distribution in \(environment)"))
            }
            let name = first.name.text
            if let problem = PackageEntry.nameProblem(name, manager: .pip) {
                return .failure(Refusal(description: "\(first.metadataPath): \(problem)"))
            }
            var package = Package(name: name, manager: .pip, environment: environment)
            guard distributions.count == 1 else {
                let versions = distributions.map { $0.metadata.versionText ?? "no version" }.joined(separator: ", ")
                package.comments.append("\(distributions.count) distributions (\(versions)): an interrupted upgrade left one behind; check reports it")
                return .success(package)
            }
            guard let text = first.metadata.versionText else {
                package.comments.append("its METADATA gives no Version; no version rule")
                return .success(package)
            }
            let rule = (first.metadata.version == nil ? "===" : "==") + text
            if case .success(.python(let specifier)) = PackageEntry.readRule(rule, manager: .pip), specifier.contains(text) {
                package.version = rule
                package.comments.append("installed: \(text) (version: pinned, as a virtual environment is built from pinned requirements)")
            } else {
                package.comments.append("installed: \(text), which no version rule can name; no version rule")
            }
            return .success(package)
        }

        func render() -> [String] {
            var lines = comments.map { CapturedContract.comment($0) }
            lines += ["[[package]]", "name = " + TOMLString.quoted(name)]
            if manager != .dpkg { lines.append("manager = " + TOMLString.quoted(manager.rawValue)) }
            if let environment { lines.append("environment = " + TOMLString.quoted(Template(literal: environment).source)) }
            if let version { lines.append("version = " + TOMLString.quoted(version)) }
            if let held { lines.append("held = \(held)") }
            return lines
        }
    }
}
