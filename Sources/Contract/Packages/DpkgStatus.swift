/// dpkg's database of packages, from the text of `var/lib/dpkg/status` (inside `--root` for an
/// image): what is installed, at which version, and what is held. Read as dpkg reads it
/// (lib/dpkg/parse.c): one ``DpkgPackage`` per stanza, checked as dpkg checks it on reading
/// (a `Package` field with a valid name, the three `Status` words, a `Version` dpkg accepts,
/// required unless the package is `not-installed` or `half-installed`, trigger fields that fit
/// the state, no two instances that cannot be installed together). Where dpkg would refuse the
/// whole database this keeps reading and reports a problem with its line, so one damaged stanza
/// costs the answer for its own package only: ask ``problems(concerning:)`` before trusting it.
/// A leftover `not-installed` record that dpkg forgets on reading (selection `unknown`,
/// `deinstall` or `purge`, or `install` without an architecture; flag `ok`) reads as `dpkg-query`
/// shows it: selection `unknown`, no version.
///
/// Bounded: a text over ``maximumBytes`` is not read (one problem says so), reading is one
/// linear pass, and ``problems`` lists at most 50 and then counts the rest.
public struct DpkgStatus: Sendable {
    /// Where dpkg keeps it, below the root (`--root`) or `/`.
    public static let path = "/var/lib/dpkg/status"

    /// A server's status file is a few MiB, a desktop's with thousands of packages under 20 MiB.
    public static let maximumBytes = 64 << 20

    /// Every instance, in the order of the stanzas; a later stanza for the same name and
    /// architecture takes the place of the earlier one, as in dpkg.
    public let packages: [DpkgPackage]
    /// The file's problems, at most 50 and then one that counts the rest.
    public let problems: [PackageDataProblem]
    private let allProblems: [PackageDataProblem]
    private let byName: [String: [Int]]

    public init(text: String) {
        guard text.utf8.count <= Self.maximumBytes else {
            packages = []
            allProblems = [PackageDataProblem(
                line: nil, message: "not read: is larger than \(Self.maximumBytes >> 20) MiB")]
            problems = allProblems
            byName = [:]
            return
        }
        let fields: Set<String> = ["package", "status", "version", "architecture", "multi-arch", "triggers-pending", "triggers-awaited"]
        let file = DebianControlFile(text: text, keeping: fields)
        var problems = file.problems
        var packages: [DpkgPackage] = []
        var byName: [String: [Int]] = [:]
        for stanza in file.stanzas {
            guard let package = Self.package(from: stanza, problems: &problems) else { continue }
            // dpkg keeps one slot per name and architecture; a later stanza for a slot replaces
            // it. Counting the new stanza and every instance it finds (not-installed ones
            // aside), it refuses two that are not Multi-Arch: same, or one beside ones that are
            // (lib/dpkg/parse.c, parse_find_set_slot).
            let existing = byName[package.name] ?? []
            let counted = ([package] + existing.map { packages[$0] }).filter { $0.state != .notInstalled }
            let same = counted.filter { $0.multiArch == "same" }.count
            if counted.count - same > 1 {
                problems.append(PackageDataProblem(
                    line: package.line, package: package.name,
                    message: "multiple non-coinstallable package instances present (dpkg refuses such a database)"))
            } else if same > 0, counted.count > same {
                problems.append(PackageDataProblem(
                    line: package.line, package: package.name,
                    message: "mixed non-coinstallable and coinstallable package instances present (dpkg refuses such a database)"))
            }
            if let slot = existing.first(where: { packages[$0].architecture ?? "" == package.architecture ?? "" }) {
                problems.append(PackageDataProblem(
                    line: package.line, package: package.name,
                    message: "replaces the stanza of line \(packages[slot].line) for the same architecture, as dpkg reads it",
                    severity: .warning))
                packages[slot] = package
            } else {
                byName[package.name, default: []].append(packages.count)
                packages.append(package)
            }
        }
        self.packages = packages
        self.allProblems = problems
        self.problems = PackageDataProblem.capped(problems)
        self.byName = byName
    }

    /// dpkg's database as `host` finds it at ``path`` (inside its root), read as `check` and
    /// `capture` read it.
    public static func read(from host: some FileObserver) -> Result<DpkgStatus, ObservationError> {
        host.text(of: path, limit: maximumBytes).map(DpkgStatus.init(text:))
    }

    /// The instances `query` names: `name` (every architecture, as `dpkg-query -W name` lists
    /// them) or `name:architecture`, the name in any case. Empty when dpkg has no record.
    public func instances(of query: String) -> [DpkgPackage] {
        let name = DpkgPackage.split(query).name.lowercased()
        return (byName[name] ?? []).map { packages[$0] }.filter { $0.isNamed(query) }
    }

    /// The problems of the stanzas of `query`'s name, and those of the file as a whole (a
    /// refused file, lines outside any field) that may hide or damage its record.
    public func problems(concerning query: String) -> [PackageDataProblem] {
        let name = DpkgPackage.split(query).name.lowercased()
        return allProblems.filter { $0.package == nil || $0.package == name }
    }

    private static func package(from stanza: DebianControlFile.Stanza, problems: inout [PackageDataProblem]) -> DpkgPackage? {
        guard let nameField = stanza.field("package") else {
            problems.append(PackageDataProblem(line: stanza.line, message: "missing 'Package' field"))
            return nil
        }
        let name = nameField.value.lowercased()
        func problem(_ message: String, line: Int? = nil, _ severity: Severity = .error) {
            problems.append(PackageDataProblem(line: line ?? stanza.line, package: name, message: message, severity: severity))
        }
        if let reason = DpkgPackage.nameProblem(nameField.value) {
            problem("invalid package name in 'Package' field: \(reason)", line: nameField.line)
        }
        // A stanza without Status is "unknown ok not-installed", as dpkg reads it.
        var selection = DpkgPackage.Selection.unknown, flag = DpkgPackage.Flag.ok, state = DpkgPackage.State.notInstalled
        if let status = stanza.field("status") {
            let words = status.value.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            let ordinals = ["first (want)", "second (error)", "third (status)"]
            if words.count > 3 {
                problem("\(ordinals[2]) word in 'Status' field: has trailing junk", line: status.line)
            } else if words.count < 3 {
                problem("\(ordinals[words.count]) word in 'Status' field: is missing a value", line: status.line)
            } else if let want = DpkgPackage.Selection(rawValue: String(words[0])),
                let error = DpkgPackage.Flag(rawValue: String(words[1])),
                let word = DpkgPackage.State(rawValue: String(words[2]))
            {
                (selection, flag, state) = (want, error, word)
            } else {
                let index = DpkgPackage.Selection(rawValue: String(words[0])) == nil ? 0
                    : DpkgPackage.Flag(rawValue: String(words[1])) == nil ? 1 : 2
                problem("\(ordinals[index]) word in 'Status' field: has invalid value '\(words[index])'", line: status.line)
            }
        }
        let version = stanza.field("version")
        if let version {
            if let syntax = DebianVersion.problem(in: version.value) {
                problem("'Version' field value '\(version.value)': \(syntax.reason)", line: version.line, syntax.severity)
            }
        } else if state != .notInstalled, state != .halfInstalled {
            problem("missing 'Version' field")
        }
        // An empty Architecture is warned about; empty Multi-Arch and trigger fields are as absent.
        var architecture = stanza.field("architecture")?.value
        if architecture?.isEmpty == true {
            problem("empty value for 'Architecture' field", .warning)
            architecture = nil
        } else if let name = architecture,
            let bad = name.unicodeScalars.first(where: { !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")) })
        {
            problem("'\(name)' is not a valid architecture name in 'Architecture' field: character '\(bad)' not allowed", .warning)
        } else if architecture == nil, state.isInstalled || state == .unpacked || state == .halfConfigured {
            problem("missing 'Architecture' field", .warning)
        }
        let multiArch = stanza.field("multi-arch").flatMap { $0.value.isEmpty ? nil : $0.value.lowercased() }
        if let multiArch, !["foreign", "allowed", "same", "no"].contains(multiArch) {
            problem("quadstate (foreign/allowed/same/no) 'Multi-Arch' field: has invalid value '\(multiArch)'")
        }
        if multiArch == "same", architecture == nil {
            problem("package has 'Multi-Arch: same' field but is missing architecture")
        } else if multiArch == "same", architecture == "all" {
            problem("package has 'Multi-Arch: same' field but is architecture 'all'")
        }
        let pending = stanza.field("triggers-pending")?.value.isEmpty == false
        let awaited = stanza.field("triggers-awaited")?.value.isEmpty == false
        if pending, state != .triggersPending, state != .triggersAwaited {
            problem("package has status \(state.rawValue) but triggers are pending")
        } else if state == .triggersPending, !pending {
            problem("package has status triggers-pending but no triggers pending")
        }
        if awaited, [.notInstalled, .configFiles, .triggersPending, .installed].contains(state) {
            problem("package has status \(state.rawValue) but triggers are awaited")
        } else if state == .triggersAwaited, !awaited {
            problem("package has status triggers-awaited but no triggers awaited")
        }
        // dpkg forgets a leftover not-installed record (lib/dpkg/parse.c): nothing asked of it
        // but removal, or an install selection without an architecture, reads as "unknown", no version.
        var versionText = version?.value
        if state == .notInstalled, flag == .ok,
            [.unknown, .deinstall, .purge].contains(selection) || (selection == .install && architecture == nil)
        {
            selection = .unknown
            versionText = nil
        }
        return DpkgPackage(
            name: name, architecture: architecture, multiArch: multiArch,
            selection: selection, flag: flag, state: state, versionText: versionText, line: stanza.line)
    }
}
