/// `[[key]]`: a secret file. Always a regular file, never readable by other, content never shown.
public struct KeyEntry: Sendable, Hashable {
    public enum Format: String, Sendable, CaseIterable {
        case raw
        case pemPrivateKey = "pem-private-key"
        case pemCertificate = "pem-certificate"
    }

    public var context: EntryContext
    public var path: Template
    public var owner: Template?
    public var group: Template?
    public var mode: FileMode?
    public var minBytes: Int?
    public var format: Format?
    /// For `pem-private-key`: the key's size in bits at least.
    public var minBits: Int?
    /// The path may be a symbolic link (certbot's `live/NAME/privkey.pem` into `archive/`): the
    /// final target is checked, and every link on the way must be owned by root.
    public var follow: Bool = false
}

extension KeyEntry {
    static let keys = ["path", "owner", "group", "mode", "min_bytes", "format", "min_bits", "follow"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> KeyEntry? {
        let context = r.context(kind: .key, ordinal: ordinal)
        let path = r.path()
        let mode = r.mode("mode")
        if let mode, mode.rawValue & 0o004 != 0 {
            r.error("mode", "a key must not be readable by other, but '\(mode)' grants it")
        }
        let format = r.choice("format", as: KeyEntry.Format.self)
        let minBits = r.integer("min_bits", minimum: 1)
        if minBits != nil, let format, format != .pemPrivateKey {
            r.error("min_bits", "min_bits applies to format 'pem-private-key' only")
        }
        let entry = KeyEntry(
            context: context, path: path ?? Template(literal: "/"),
            owner: r.principal("owner"), group: r.principal("group"), mode: mode,
            minBytes: r.integer("min_bytes", minimum: 1), format: format, minBits: minBits,
            follow: r.bool("follow") ?? false)
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return path == nil ? nil : entry
    }
}

/// The key's `format`: what OpenSSL makes of it, never its content.
extension Evaluation {
    func evaluate(_ entry: KeyEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        // A key must be a regular file itself: a final symbolic link is not followed, unless
        // `follow` says the path is a link (certbot's live/ into archive/) and every link on
        // the way is root's, so only root can point it elsewhere.
        let state = recorder.skipReason == nil ? inspect(path, followFinal: entry.follow) : .missing
        if entry.follow, recorder.skipReason == nil {
            let links = host.linksFollowed(to: path)
            let foreign = links.filter { $0.facts.userID != 0 }
            recorder.verify(
                "links", key: "follow", foreign.isEmpty,
                pass: links.isEmpty ? "no symbolic link on the way" : "every symbolic link on the way is owned by root",
                fail: foreign.map { "\($0.path) is a symbolic link owned by \(userName($0.facts.userID)), who can point the key elsewhere" }
                    .joined(separator: "; "),
                expected: "links owned by root", actual: foreign.map(\.path).joined(separator: ", "),
                fix: foreign.map { ShellWords.command("chown", "-h", "root:root", host.operatorPath($0.path)) }.joined(separator: " && "))
        }
        var facts: PathFacts? = nil
        switch state {
        case .present(let found) where found.kind == .regular:
            facts = found
            recorder.pass("exists", key: "path", "\(path) is a regular file", expected: "regular file", actual: "regular file")
        case .present(let found):
            recorder.fail(
                "exists", key: "path",
                "\(path) is a \(found.kind.rawValue); a key must be a regular file, not a \(found.kind.rawValue)",
                expected: "regular file", actual: found.kind.rawValue,
                fix: ShellWords.decision("replace \(host.operatorPath(path)) with the key file itself"))
        default:
            recorder.fail(
                "exists", key: "path", describe(state, path: path), state: state, expected: "regular file", actual: actual(state),
                fix: ShellWords.decision("install the key at \(host.operatorPath(path))"))
        }
        checkOwnership(&recorder, facts: facts, path: path, owner: entry.owner, group: entry.group, mode: entry.mode)
        if let facts {
            let other = FileMode(rawValue: facts.mode.rawValue & 0o007)
            recorder.verify(
                "other", facts.mode.rawValue & 0o004 == 0,
                pass: "not readable by other", fail: "readable by other (mode \(facts.mode)); a key never is",
                expected: "no read for other", actual: "other has \(AccessRights(rawValue: UInt8(other.rawValue)))",
                fix: ShellWords.command("chmod", "o-rwx", host.operatorPath(path)))
        } else {
            recorder.skip("other", "\(path) is not a regular file")
        }
        if let minBytes = entry.minBytes {
            // Never the size itself: for a raw key that is the secret's length.
            if let facts {
                recorder.verify(
                    "min_bytes", key: "min_bytes", facts.size >= Int64(minBytes),
                    pass: "holds at least \(minBytes) bytes", fail: "holds fewer than \(minBytes) bytes",
                    expected: "at least \(minBytes) bytes", actual: facts.size >= Int64(minBytes) ? "enough" : "fewer",
                    fix: ShellWords.decision("replace \(host.operatorPath(path)) with a key of at least \(minBytes) bytes"))
            } else {
                recorder.skip("min_bytes", key: "min_bytes", "\(path) is not a regular file")
            }
        }
        checkFormat(&recorder, entry, path: path, readable: facts != nil)
        return recorder.results
    }

    func checkFormat(_ recorder: inout Recorder, _ entry: KeyEntry, path: String, readable: Bool) {
        guard let format = entry.format else { return }
        guard readable else {
            recorder.skip("format", key: "format", "\(path) is not a regular file", expected: format.rawValue)
            if entry.minBits != nil { recorder.skip("min_bits", key: "min_bits", "\(path) is not a regular file") }
            return
        }
        switch format {
        case .raw:
            recorder.pass("format", key: "format", "raw key material", expected: "raw", actual: "raw")
        case .pemPrivateKey:
            switch host.privateKey(at: path) {
            case .success(let key):
                recorder.pass("format", key: "format", "\(key.algorithm) \(key.bits) private key", expected: format.rawValue,
                              actual: "\(key.algorithm) \(key.bits)")
                if let minBits = entry.minBits {
                    recorder.verify(
                        "min_bits", key: "min_bits", key.bits >= minBits,
                        pass: "\(key.algorithm) \(key.bits) private key has at least \(minBits) bits",
                        fail: "\(key.algorithm) \(key.bits) private key is shorter than \(minBits) bits",
                        expected: "at least \(minBits) bits", actual: "\(key.algorithm) \(key.bits)",
                        fix: ShellWords.decision("replace \(host.operatorPath(path)) with a new private key of at least \(max(minBits, 2048)) bits, and its certificates with ones for the new key"))
                }
            case .failure(let problem) where problem.isInaccessible:
                recorder.cannotEvaluate("format", key: "format", "\(path) cannot be read: \(problem)", expected: format.rawValue)
                if entry.minBits != nil { recorder.skip("min_bits", key: "min_bits", "\(path) cannot be read") }
            case .failure(let problem):
                recorder.fail("format", key: "format", "\(path) \(problem)", expected: format.rawValue, actual: "not usable",
                              fix: ShellWords.decision("put an unencrypted PEM private key at \(host.operatorPath(path))"))
                if entry.minBits != nil { recorder.skip("min_bits", key: "min_bits", "\(path) is not a usable private key") }
            }
        case .pemCertificate:
            switch host.certificates(at: path) {
            case .success(let certificates):
                recorder.pass("format", key: "format", "certificate \(certificates[0].subject)", expected: format.rawValue,
                              actual: "\(certificates.count) certificate\(certificates.count == 1 ? "" : "s")")
            case .failure(let problem) where problem.isInaccessible:
                recorder.cannotEvaluate("format", key: "format", "\(path) cannot be read: \(problem)", expected: format.rawValue)
            case .failure(let problem):
                recorder.fail("format", key: "format", "\(path) \(problem)", expected: format.rawValue, actual: "no certificate",
                              fix: ShellWords.decision("put the PEM certificate at \(host.operatorPath(path))"))
            }
        }
    }
}
