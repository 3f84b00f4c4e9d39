import TOMLKit

/// `[[package]]`: an installed package, read from the root's package database without starting
/// anything: a Debian package from `var/lib/dpkg/status`, or a Python distribution of a virtual
/// environment from its `*.dist-info/METADATA`.
public struct PackageEntry: Sendable, Hashable {
    public enum Manager: String, Sendable, Hashable, CaseIterable {
        case dpkg, pip
    }

    /// A `version` rule read by its manager's own ordering.
    public enum VersionRule: Sendable, Hashable, CustomStringConvertible {
        /// Debian relations (`>= 7:5.1, << 8`), ordered as dpkg orders versions.
        case debian(DebianVersionConstraint)
        /// A PEP 440 specifier (`==2.3.1`, `>=1.26,<2`), matched as packaging matches it.
        case python(VersionSpecifier)

        public var description: String {
            switch self {
            case .debian(let constraint): constraint.description
            case .python(let specifier): specifier.description
            }
        }
    }

    public var context: EntryContext
    public var name: String
    public var manager: Manager
    /// For `pip`: the virtual environment's directory.
    public var environment: Template?
    public var installed: Bool
    /// The version rule as written (`>= 7:5.1`, `==2.3.1`), read by the manager's own ordering.
    public var version: String?
    /// `version` as read; nil when the entry has none.
    public var versionRule: VersionRule?
    /// For `dpkg`: whether the selection must be `hold`.
    public var held: Bool?

    /// The checks the entry makes, in report order.
    var checks: [String] {
        ["installed"] + (versionRule == nil ? [] : ["version"]) + (held == nil ? [] : ["held"])
    }

    /// The contract key each check reports its line from.
    func key(of check: String) -> String {
        check == "installed" ? (context.keyLines["installed"] == nil ? "name" : "installed") : check
    }
}

extension PackageEntry {
    static let keys = ["name", "manager", "environment", "installed", "version", "held"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> PackageEntry? {
        let context = r.context(kind: .package, ordinal: ordinal)
        let name = r.nonEmptyString("name", required: true)
        let chosen = r.choice("manager", as: Manager.self)
        // A manager that is no manager is reported once; the rest is then not judged by either.
        let managerKnown = chosen != nil || r.table["manager"] == nil
        let manager = chosen ?? .dpkg
        var entry = PackageEntry(
            context: context, name: name ?? "", manager: manager,
            environment: r.path("environment", required: false), installed: r.bool("installed") ?? true,
            version: r.nonEmptyString("version"), versionRule: nil, held: r.bool("held"))
        r.finish(allowed: keys + ContractLoader.entryKeys)
        guard managerKnown else { return nil }
        if let name, let problem = nameProblem(name, manager: manager) { r.error("name", problem) }
        switch manager {
        case .dpkg:
            if entry.environment != nil {
                r.error("environment", "'environment' is for manager = \"pip\"; a Debian package is read from the root's dpkg database")
            }
        case .pip:
            if entry.environment == nil, r.table["environment"] == nil {
                r.error(nil, "missing required key 'environment' (manager = \"pip\" reads the distributions of a virtual environment, such as '/srv/app/.venv')")
            }
            if entry.held != nil {
                r.error("held", "'held' is a dpkg selection (apt-mark hold); pip has no hold: pin the version with version = \"==...\"")
            }
        }
        if let text = entry.version {
            switch readRule(text, manager: manager) {
            case .success(let rule): entry.versionRule = rule
            case .failure(let problem): r.error("version", problem.message)
            }
        }
        if !entry.installed {
            if entry.version != nil {
                r.error("version", "a package that must not be installed has no version to check; remove 'version' or require installed = true")
            }
            if entry.held != nil {
                r.error("held", "a package that must not be installed has no selection to check; remove 'held' or require installed = true")
            }
        }
        return name == nil ? nil : entry
    }

    struct RuleProblem: Error {
        var message: String
    }

    /// Reads a `version` rule by its manager's grammar.
    static func readRule(_ text: String, manager: Manager) -> Result<VersionRule, RuleProblem> {
        switch manager {
        case .dpkg:
            do {
                return .success(.debian(try DebianVersionConstraint(text)))
            } catch {
                return .failure(RuleProblem(message: error.message))
            }
        case .pip:
            do {
                let specifier = try VersionSpecifier(text)
                guard !specifier.clauses.isEmpty else {
                    return .failure(RuleProblem(message: "'\(text)' has no clause; write one such as '==2.3.1' or '>=1.26,<2'"))
                }
                return .success(.python(specifier))
            } catch {
                let hint = (try? PythonVersion(text)) == nil ? "" : "; write '==\(text)' for exactly this version"
                return .failure(RuleProblem(message: error.description + hint))
            }
        }
    }

    /// Why `name` cannot name a package of `manager`; nil when it can.
    static func nameProblem(_ name: String, manager: Manager) -> String? {
        switch manager {
        case .dpkg:
            let (package, architecture) = DpkgPackage.split(name)
            if let reason = DpkgPackage.nameProblem(package) { return "'\(name)' is not a Debian package name: \(reason)" }
            if let architecture {
                let valid = !architecture.isEmpty && architecture.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                }
                if !valid { return "'\(architecture)' is not an architecture name (write 'NAME:ARCH', such as 'libc6:amd64')" }
            }
            return nil
        case .pip:
            if PythonPackageName(name).isValid { return nil }
            return "'\(name)' is not a Python distribution name: ASCII letters and digits, with '.', '_' and '-' inside"
        }
    }
}

// MARK: - Evaluation

/// The package databases of one evaluation, each read and parsed by the first `[[package]]`
/// entry that needs it and shared by the rest: parsing a server's dpkg status file takes longer
/// than checking every entry against it. A reference, so that ``Evaluation`` stays a value whose
/// `evaluate` is non-mutating; it is filled at most once, on the evaluation's own thread.
final class PackageDatabases {
    private var dpkg: Result<DpkgStatus, ObservationError>?

    /// dpkg's database, from `read` the first time it is asked for.
    func dpkgStatus(_ read: () -> Result<DpkgStatus, ObservationError>) -> Result<DpkgStatus, ObservationError> {
        if let dpkg { return dpkg }
        let result = read()
        dpkg = result
        return result
    }
}

extension Evaluation {
    func evaluate(_ entry: PackageEntry) -> [CheckResult] {
        switch entry.manager {
        case .dpkg: evaluateDebianPackage(entry)
        case .pip: evaluatePythonPackage(entry)
        }
    }

    /// A package manager's command as an operator pastes it: under `--root`, run inside the
    /// image with chroot, so the image's own apt, dpkg or Python does the work on its own files.
    func packageCommand(_ words: [String]) -> String {
        ((host.rootDirectory.map { ["chroot", $0] } ?? []) + words).map(ShellWords.quote).joined(separator: " ")
    }

    // MARK: Debian

    private func evaluateDebianPackage(_ entry: PackageEntry) -> [CheckResult] {
        var recorder = Recorder(context: entry.context, subject: entry.name, skipReason: skipReason(entry.context))
        if recorder.skipReason != nil {
            for check in entry.checks { recorder.skip(check, key: entry.key(of: check), "") }
            return recorder.results
        }
        let place = host.operatorPath(DpkgStatus.path)
        func skipRest(_ reason: String) {
            for check in entry.checks.dropFirst() { recorder.skip(check, key: entry.key(of: check), reason) }
        }
        let status: DpkgStatus
        let database = packageDatabases.dpkgStatus { DpkgStatus.read(from: host) }
        switch database {
        case .failure(let error) where error.isInaccessible:
            for check in entry.checks {
                recorder.cannotEvaluate(check, key: entry.key(of: check), "dpkg's database \(place) cannot be read: \(error)")
            }
            return recorder.results
        case .failure(let error) where error.isNotFound:
            recorder.fail(
                "installed", key: entry.key(of: "installed"),
                "dpkg's database \(place) is missing: this root has no Debian packages installed",
                expected: entry.installed ? "installed" : "not installed", actual: "no dpkg database",
                fix: ShellWords.decision("\(place) is missing: install or restore the Debian system this contract is for"))
            skipRest("dpkg's database is missing")
            return recorder.results
        case .failure(let error):
            recorder.fail(
                "installed", key: entry.key(of: "installed"), "dpkg's database \(place) cannot be read: \(error)",
                expected: entry.installed ? "installed" : "not installed", actual: "unreadable dpkg database",
                fix: ShellWords.decision("repair \(place): \(error)"))
            skipRest("dpkg's database cannot be read")
            return recorder.results
        case .success(let read):
            status = read
        }
        // dpkg refuses a database with such a problem: nothing it says of the package is sure.
        if let problem = status.problems(concerning: entry.name).first(where: { $0.severity == .error }) {
            recorder.fail(
                "installed", key: entry.key(of: "installed"), "dpkg refuses its database \(place): \(problem)",
                expected: entry.installed ? "installed" : "not installed", actual: "damaged dpkg database",
                fix: ShellWords.decision("repair \(place)" + (problem.line.map { " at line \($0)" } ?? "") + ": \(problem.message)"))
            skipRest("dpkg's record of \(entry.name) cannot be trusted")
            return recorder.results
        }
        let instances = status.instances(of: entry.name)
        let installed = instances.filter(\.isInstalled)
        let several = instances.count > 1
        func shown(_ package: DpkgPackage) -> String {
            several || package.multiArch == "same" ? package.name + ":" + (package.architecture ?? "") : package.name
        }
        func states(_ packages: [DpkgPackage]) -> String {
            if packages.isEmpty { return "not-installed" }
            return packages.map { $0.state.rawValue + (several ? " (\($0.architecture ?? "no architecture"))" : "") }
                .joined(separator: ", ")
        }
        func versions(_ packages: [DpkgPackage]) -> String {
            packages.map { ($0.versionText ?? "no version") + (several ? " (\($0.architecture ?? "no architecture"))" : "") }
                .joined(separator: ", ")
        }

        // installed
        if entry.installed {
            if !installed.isEmpty {
                recorder.pass("installed", key: entry.key(of: "installed"), "\(entry.name) is installed (\(versions(installed)))",
                              expected: "installed", actual: states(installed))
            } else {
                let found = instances.first { $0.state != .notInstalled }
                let why = found.map { "\(entry.name) is \($0.state.rawValue): \($0.state.explanation ?? "not installed")" }
                    ?? "dpkg has no record of \(entry.name) as installed"
                recorder.fail("installed", key: entry.key(of: "installed"), why, expected: "installed",
                              actual: states(instances.filter { $0.state != .notInstalled }),
                              fix: installFix(entry, state: found?.state))
            }
        } else {
            let present = instances.filter { $0.state != .notInstalled && $0.state != .configFiles }
            if present.isEmpty {
                let left = instances.contains { $0.state == .configFiles } ? " (configuration files left)" : ""
                recorder.pass("installed", key: entry.key(of: "installed"), "\(entry.name) is not installed\(left)",
                              expected: "not installed", actual: states(instances.filter { $0.state != .notInstalled }))
            } else {
                recorder.fail("installed", key: entry.key(of: "installed"),
                              "\(entry.name) is \(states(present)), the contract requires it not installed",
                              expected: "not installed", actual: states(present),
                              fix: packageCommand(["apt-get", "remove"] + present.map(shown)))
            }
        }

        // version
        if case .debian(let constraint) = entry.versionRule {
            if installed.isEmpty {
                recorder.skip("version", key: "version", "\(entry.name) is not installed", expected: constraint.description)
            } else {
                let wrong = installed.filter { package in package.version.map(constraint.isSatisfied(by:)) != true }
                if wrong.isEmpty {
                    recorder.pass("version", key: "version", "\(entry.name) \(versions(installed)) satisfies '\(constraint)'",
                                  expected: constraint.description, actual: versions(installed))
                } else {
                    let exact = constraint.clauses.count == 1 && constraint.clauses[0].relation == .exactlyEqual
                        ? constraint.clauses[0].version.text : nil
                    recorder.fail(
                        "version", key: "version", "\(entry.name) is \(versions(wrong)), the contract requires '\(constraint)'",
                        expected: constraint.description, actual: versions(installed),
                        fix: exact.map { version in packageCommand(["apt-get", "install"] + wrong.map { shown($0) + "=" + version }) }
                            ?? ShellWords.decision("choose a version of \(entry.name) that satisfies '\(constraint)', install it, and test the service with it"))
                }
            }
        }

        // held
        if let wanted = entry.held {
            let word = wanted ? "held" : "not held"
            if installed.isEmpty {
                recorder.skip("held", key: "held", "\(entry.name) is not installed", expected: word)
            } else {
                let wrong = installed.filter { $0.isHeld != wanted }
                let selections = installed.map { $0.selection.rawValue + (several ? " (\($0.architecture ?? "no architecture"))" : "") }
                    .joined(separator: ", ")
                if wrong.isEmpty {
                    recorder.pass("held", key: "held", "\(entry.name) is \(word) (selection \(selections))",
                                  expected: word, actual: selections)
                } else {
                    recorder.fail(
                        "held", key: "held",
                        wanted ? "\(entry.name) is not held (selection \(selections)): an upgrade can replace it unreviewed"
                            : "\(entry.name) is held (selection \(selections)), the contract requires it to follow upgrades",
                        expected: word, actual: selections,
                        fix: packageCommand(["apt-mark", wanted ? "hold" : "unhold"] + wrong.map(shown)))
                }
            }
        }
        return recorder.results
    }

    /// What makes a Debian package installed from `state`: finishing dpkg's interrupted work,
    /// or installing it (at the one version the rule names; a decision where it allows several).
    private func installFix(_ entry: PackageEntry, state: DpkgPackage.State?) -> String {
        switch state {
        case .halfInstalled?:
            return packageCommand(["apt-get", "install", "--reinstall", entry.name])
        case .unpacked?, .halfConfigured?:
            return packageCommand(["dpkg", "--configure", "-a"])
        default:
            guard case .debian(let constraint) = entry.versionRule else { return packageCommand(["apt-get", "install", entry.name]) }
            if constraint.clauses.count == 1, constraint.clauses[0].relation == .exactlyEqual {
                return packageCommand(["apt-get", "install", entry.name + "=" + constraint.clauses[0].version.text])
            }
            return ShellWords.decision("install a version of \(entry.name) that satisfies '\(constraint)'")
        }
    }

    // MARK: Python

    private func evaluatePythonPackage(_ entry: PackageEntry) -> [CheckResult] {
        let (environmentPath, unresolved) = entry.environment.map(resolvePath) ?? ("", nil)
        let subject = "\(entry.name) (in \(environmentPath))"
        var recorder = Recorder(
            context: entry.context, subject: subject,
            skipReason: skipReason(entry.context) ?? unresolved.map { "environment " + $0 })
        if recorder.skipReason != nil {
            for check in entry.checks { recorder.skip(check, key: entry.key(of: check), "") }
            return recorder.results
        }
        let wanted = PythonPackageName(entry.name)
        let place = host.operatorPath(environmentPath)
        let pip = environmentPath + "/bin/pip"
        let requirement = entry.name + (entry.versionRule.map(\.description) ?? "")
        func skipRest(_ reason: String) {
            for check in entry.checks.dropFirst() { recorder.skip(check, key: entry.key(of: check), reason) }
        }

        // The environment itself.
        let state = host.inspect(environmentPath, followFinal: true)
        var environmentProblem: String?
        switch state {
        case .present(let facts) where facts.kind == .directory: break
        case .present(let facts): environmentProblem = "is a \(facts.kind.rawValue), not a virtual environment"
        case .missing: environmentProblem = "does not exist"
        case .danglingLink: environmentProblem = "is a symbolic link to nothing"
        case .unreadable(let reason): environmentProblem = "cannot be inspected: \(reason)"
        }
        if let environmentProblem {
            if !entry.installed, state == .missing {
                recorder.pass("installed", key: entry.key(of: "installed"), "no virtual environment at \(place), so no \(entry.name) in it",
                              expected: "not installed", actual: "no environment")
                return recorder.results
            }
            recorder.fail(
                "installed", key: entry.key(of: "installed"), "the virtual environment \(place) \(environmentProblem)", state: state,
                expected: entry.installed ? "installed" : "not installed", actual: "no environment",
                fix: ShellWords.decision("create the virtual environment \(place) and install \(requirement) into it"))
            skipRest("the virtual environment \(place) \(environmentProblem)")
            return recorder.results
        }

        // Its distributions named like the package (importlib.metadata finds them by the
        // directory's name), confirmed by the Name their METADATA gives.
        let found: [(path: String, version: String)]
        switch PythonDistribution.installed(in: environmentPath, named: wanted, host: host) {
        case .failure(let unreadable):
            for check in entry.checks {
                recorder.cannotEvaluate(check, key: entry.key(of: check), "\(host.operatorPath(unreadable.path)) cannot be read: \(unreadable.error)")
            }
            return recorder.results
        case .success(let distributions):
            found = distributions.map { ($0.metadataPath, $0.metadata.versionText ?? "no version") }
        }
        let versions = found.map(\.version).joined(separator: ", ")

        // installed
        if entry.installed {
            if found.isEmpty {
                recorder.fail("installed", key: entry.key(of: "installed"), "\(entry.name) is not installed in \(place)",
                              expected: "installed", actual: "not installed",
                              fix: packageCommand([pip, "install", requirement]))
            } else if found.count > 1 {
                let directories = found.map { host.operatorPath(String($0.path.dropLast("/METADATA".count))) }
                recorder.fail(
                    "installed", key: entry.key(of: "installed"),
                    "\(entry.name) has \(found.count) distributions in \(place) (\(versions)): an interrupted upgrade left one behind, and which one Python imports is not certain",
                    expected: "installed once", actual: versions,
                    fix: ShellWords.decision("remove the stale one of " + directories.joined(separator: ", ") + ", then reinstall \(requirement)"))
            } else {
                recorder.pass("installed", key: entry.key(of: "installed"), "\(entry.name) \(versions) is installed in \(place)",
                              expected: "installed", actual: "installed")
            }
        } else if found.isEmpty {
            recorder.pass("installed", key: entry.key(of: "installed"), "\(entry.name) is not installed in \(place)",
                          expected: "not installed", actual: "not installed")
        } else {
            recorder.fail("installed", key: entry.key(of: "installed"),
                          "\(entry.name) \(versions) is installed in \(place), the contract requires it not installed",
                          expected: "not installed", actual: versions,
                          fix: packageCommand([pip, "uninstall", "-y", entry.name]))
        }

        // version
        if case .python(let specifier) = entry.versionRule {
            if found.isEmpty {
                recorder.skip("version", key: "version", "\(entry.name) is not installed in \(place)", expected: specifier.description)
            } else if found.allSatisfy({ specifier.contains($0.version) }) {
                recorder.pass("version", key: "version", "\(entry.name) \(versions) satisfies '\(specifier)'",
                              expected: specifier.description, actual: versions)
            } else {
                recorder.fail("version", key: "version", "\(entry.name) is \(versions), the contract requires '\(specifier)'",
                              expected: specifier.description, actual: versions,
                              fix: packageCommand([pip, "install", requirement]))
            }
        }
        return recorder.results
    }
}
