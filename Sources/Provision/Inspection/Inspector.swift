import Contract
import Host

/// `check`: reads the environment under contract, asks the host, and reports.
public struct Inspector {
    public var contract: Contract
    public var root: String
    /// An environment file on this machine that replaces the contract's `[environment] file`.
    public var environmentFile: String?
    /// The process environment to use instead of a file (the gate's own).
    public var processEnvironment: [String: String]?
    public var only: Set<EntryKind>?
    /// `check --tags`: only entries carrying one of these.
    public var tags: Set<String>?
    /// The day waivers are judged against; nil: `HOSTCONTRACT_TODAY` if set, else the host's
    /// clock (UTC).
    public var today: CalendarDay?

    public init(
        contract: Contract, root: String = "/", environmentFile: String? = nil,
        processEnvironment: [String: String]? = nil, only: Set<EntryKind>? = nil, tags: Set<String>? = nil,
        today: CalendarDay? = nil
    ) {
        self.contract = contract
        self.root = root
        self.environmentFile = environmentFile
        self.processEnvironment = processEnvironment
        self.only = only
        self.tags = tags
        self.today = today
    }

    /// The name of the variable that sets the day waivers are judged against (`YYYY-MM-DD`), for
    /// rehearsing what fails once they end, and for tests.
    public static let todayVariable = "HOSTCONTRACT_TODAY"

    /// The day of the run: ``today``, or `HOSTCONTRACT_TODAY`, or the clock's UTC day.
    func runDay() throws(InspectionError) -> CalendarDay {
        if let today { return today }
        guard let text = Terminal.environmentValue(Self.todayVariable) else {
            return CalendarDay(secondsSinceEpoch: Terminal.currentTime())
        }
        guard let day = CalendarDay(text) else {
            throw InspectionError(description: "\(Self.todayVariable)=\(text) is not a date written YYYY-MM-DD")
        }
        return day
    }

    /// Runs every check. Throws only when the root itself cannot be opened.
    public func run() throws(InspectionError) -> Report {
        let rootDirectory: RootDirectory
        do {
            rootDirectory = try RootDirectory(path: root)
        } catch {
            throw InspectionError.rootUnavailable(root, error.description)
        }
        let today = try runDay()
        let host = LiveHost(root: rootDirectory)
        let input = readEnvironment(rootDirectory)
        let results = Evaluation(contract: contract, input: input, host: host, only: only, tags: tags, today: today).run()
        return Report(contract: contract, root: root, host: Machine.nodeName(), results: results)
    }

    /// The environment under contract, read as `check` reads it (for `tmpfiles` and `provision`).
    public func environment() throws(InspectionError) -> (ResolvedEnvironment, EnvironmentInput) {
        let rootDirectory: RootDirectory
        do {
            rootDirectory = try RootDirectory(path: root)
        } catch {
            throw InspectionError.rootUnavailable(root, error.description)
        }
        let input = readEnvironment(rootDirectory)
        return (ResolvedEnvironment(contract: contract, input: input), input)
    }

    /// The environment under contract: the process's, an `--env-file`, or the contract's file
    /// resolved under the root (its path may itself use variables that have defaults).
    public func readEnvironment(_ rootDirectory: RootDirectory) -> EnvironmentInput {
        if let processEnvironment {
            var input = EnvironmentInput(values: processEnvironment, origin: .process)
            switch uncleanInFile(rootDirectory, given: processEnvironment) {
            case .success(let unclean): input.unclean = unclean
            case .failure(let unprovable): input.unproven = Self.unproven(processEnvironment, because: unprovable.reason)
            }
            return input
        }
        // The systemd of the root reads the file (an --env-file too: it stands in for the root's).
        let dialect = Self.dialect(of: rootDirectory)
        if let environmentFile {
            return withholdingKeys(Self.input(
                readHostFile(environmentFile), subject: environmentFile, onThisMachine: true, dialect: dialect))
        }
        guard let template = contract.environment?.file else {
            return EnvironmentInput(values: [:], origin: .none)
        }
        let empty = ResolvedEnvironment(contract: contract, given: [:])
        guard case .success(let path) = empty.resolve(template) else {
            return EnvironmentInput(
                values: [:], origin: .file(subject: template.source),
                readError: "its path depends on a variable with no default")
        }
        return withholdingKeys(Self.input(rootDirectory.contents(of: path), subject: path, dialect: dialect), path: path)
    }

    /// `input` with every value withheld when a `[[key]]` names its file (`path`, inside the
    /// root): every value in it may be key material. (A PEM file is withheld by
    /// ``input(_:subject:onThisMachine:dialect:)``.)
    func withholdingKeys(_ input: EnvironmentInput, path: String? = nil) -> EnvironmentInput {
        guard case .file(let subject, _) = input.origin, input.readError == nil else { return input }
        var input = input
        let resolved = ResolvedEnvironment(contract: contract, given: input.values)
        if let path, let key = contract.keys.first(where: {
            guard case .success(let keyPath) = resolved.resolve($0.path) else { return false }
            return normalise(keyPath) == normalise(path)
        }) {
            input.withheldSource = "\(subject) is the key of [[key]] at line \(key.context.line), so every value in it may be key material"
        }
        return input
    }

    /// For `gate` when the environment file systemd read cannot be read here: a value that
    /// took in the next line (a trailing backslash, an open quote) holds that line's `=` or a
    /// newline, so only values with neither are provably their own line.
    static func unproven(_ values: [String: String], because reason: String) -> [String: String] {
        var unproven: [String: String] = [:]
        for (name, value) in values where value.contains("=") || value.contains("\n") {
            unproven[name] = "\(reason), so the value of \(name) cannot be proven to be its own line"
        }
        return unproven
    }

    /// For the process's environment (`gate`): the variables the contract's environment file,
    /// which systemd read to make it, does not set cleanly (a trailing backslash, an open
    /// quote); their values took in other lines there, so they are not shown here either.
    /// Whether a file is a key rather than an environment file: it begins (after blank space)
    /// with a PEM boundary. (An environment file may hold a PEM block in a quoted value over
    /// several lines; such a value is not clean and is withheld on its own.)
    static func isKeyLike(_ bytes: [UInt8]) -> Bool {
        let start = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        return start.starts(with: Array("-----BEGIN".utf8))
    }

    /// Why the values of the process cannot be proven to be their own lines.
    struct Unprovable: Error { var reason: String }

    /// Fails with the reason when the contract names a file that cannot be read.
    func uncleanInFile(_ rootDirectory: RootDirectory, given: [String: String]) -> Result<[String: ClosedRange<Int>], Unprovable> {
        guard let template = contract.environment?.file else { return .success([:]) }
        guard case .success(let path) = ResolvedEnvironment(contract: contract, given: given).resolve(template) else {
            return .failure(Unprovable(reason: "the path of the environment file systemd read cannot be resolved here"))
        }
        let bytes: [UInt8]
        switch rootDirectory.contents(of: path) {
        case .success(let read): bytes = read
        case .failure(let error): return .failure(Unprovable(reason: "the environment file \(path), which systemd read, cannot be read here (\(error))"))
        }
        if Self.isKeyLike(bytes) {
            return .failure(Unprovable(reason: "the environment file \(path), which systemd read, is a PEM file"))
        }
        let file = EnvironmentFile(parsing: bytes, dialect: Self.dialect(of: rootDirectory))
        if let refusal = file.refusal {
            return .failure(Unprovable(reason: "the environment file \(path), which systemd read, is one it refuses now (line \(refusal.line))"))
        }
        var unclean: [String: ClosedRange<Int>] = [:]
        for (name, assignment) in file.effectiveAssignments
        where !assignment.isClean && given[name] != nil {
            unclean[name] = assignment.line...max(assignment.line, assignment.endLine)
        }
        return .success(unclean)
    }

    /// How the systemd installed in the root reads an environment file.
    static func dialect(of rootDirectory: RootDirectory) -> EnvironmentFile.Dialect {
        EnvironmentFile.Dialect(systemd: SystemdVersion.installed(in: rootDirectory))
    }

    /// The environment file as the systemd of `dialect` reads its bytes.
    static func input(
        _ read: Result<[UInt8], HostError>, subject: String, onThisMachine: Bool = false, dialect: EnvironmentFile.Dialect
    ) -> EnvironmentInput {
        let origin = EnvironmentInput.Origin.file(subject: subject, onThisMachine: onThisMachine)
        switch read {
        case .failure(let error):
            var input = EnvironmentInput(values: [:], origin: origin, readError: error.description)
            input.readErrorIsInaccessible = error.isPermissionDenied || error.isInputOutputError
            return input
        case .success(let bytes):
            var input = input(EnvironmentFile(parsing: bytes, dialect: dialect), origin: origin)
            if isKeyLike(bytes) {
                input.withheldSource = "\(subject) is a PEM file (it begins with -----BEGIN), so every value in it may be key material"
            }
            return input
        }
    }

    /// What `file` gives: its values, and its problems as findings. A file systemd refuses
    /// (invalid UTF-8, a NUL byte) gives no value, as systemd takes none, and one error at the
    /// line of the first byte refused.
    static func input(_ file: EnvironmentFile, origin: EnvironmentInput.Origin) -> EnvironmentInput {
        if let refusal = file.refusal {
            return EnvironmentInput(
                values: [:], origin: origin, problems: [.init(line: refusal.line, message: refusal.message, severity: .error)])
        }
        var problems = file.problems.map {
            EnvironmentInput.Problem(line: $0.line, message: $0.message, severity: $0.swallowsRest ? .error : .warning)
        }
        if let line = file.firstOmittedLine {
            problems.append(EnvironmentInput.Problem(
                line: line, message: "and \(file.omittedProblems) more lines systemd ignores, from this line on (only the first \(EnvironmentFile.problemLimit) are listed)",
                severity: .warning))
        }
        var unclean: [String: ClosedRange<Int>] = [:]
        for (name, assignment) in file.effectiveAssignments where !assignment.isClean {
            unclean[name] = assignment.line...max(assignment.line, assignment.endLine)
        }
        // A value a trailing backslash joined to the lines after it is a problem of its own
        // (no syntax error to systemd); named by variable and lines, never shown.
        let joined = file.assignments.filter { $0.isContinued && $0.endLine > $0.line }
        for assignment in joined.prefix(EnvironmentFile.problemLimit) {
            let lines = "lines \(assignment.line)-\(assignment.endLine)"
            problems.append(EnvironmentInput.Problem(
                line: assignment.line,
                message: "the value of \(assignment.name) runs over \(lines): a trailing backslash joins them, and systemd takes them as one value (not shown); remove the backslash",
                severity: .warning))
        }
        if joined.count > EnvironmentFile.problemLimit {
            let first = joined[EnvironmentFile.problemLimit]
            problems.append(EnvironmentInput.Problem(
                line: first.line,
                message: "and \(joined.count - EnvironmentFile.problemLimit) more values that run over several lines, from this line on",
                severity: .warning))
        }
        problems.sort { $0.line < $1.line }
        return EnvironmentInput(values: file.values, origin: origin, problems: problems, unclean: unclean)
    }
}

/// Why an inspection could not run at all.
public struct InspectionError: Error, CustomStringConvertible {
    public let description: String

    static func rootUnavailable(_ root: String, _ reason: String) -> InspectionError {
        InspectionError(description: "cannot open root \(root): \(reason)")
    }
}
