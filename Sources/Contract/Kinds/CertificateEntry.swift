/// `[[certificate]]`: a certificate or bundle that parses, is a CA where required, is not close
/// to expiry and matches its private key.
public struct CertificateEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var ca: Bool?
    public var minDaysLeft: Int?
    public var key: Template?
}

extension CertificateEntry {
    static let keys = ["path", "ca", "min_days_left", "key"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> CertificateEntry? {
        let context = r.context(kind: .certificate, ordinal: ordinal)
        let path = r.path()
        let entry = CertificateEntry(
            context: context, path: path ?? Template(literal: "/"), ca: r.bool("ca"),
            minDaysLeft: r.integer("min_days_left", minimum: 0), key: r.path("key", required: false))
        r.finish(allowed: keys + ContractLoader.entryKeys)
        return path == nil ? nil : entry
    }
}

/// What OpenSSL makes of the certificates, never their content.
extension Evaluation {
    func evaluate(_ entry: CertificateEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        let read = recorder.skipReason == nil ? host.certificates(at: path) : .failure(ObservationError("not read"))
        guard case .success(let certificates) = read else {
            let failure: ObservationError? = if case .failure(let error) = read { error } else { nil }
            if let failure, failure.isInaccessible {
                recorder.cannotEvaluate("parse", key: "path", "\(path) cannot be read: \(failure)", expected: "PEM certificates")
            } else {
                recorder.fail("parse", key: "path", "\(path) \(failure?.description ?? "")", expected: "PEM certificates", actual: "none",
                              fix: ShellWords.decision("put the PEM certificate (bundle) at \(host.operatorPath(path))"))
            }
            for (check, present) in [("ca", entry.ca != nil), ("validity", true), ("min_days_left", entry.minDaysLeft != nil), ("key", entry.key != nil)]
            where present {
                recorder.skip(check, key: check == "validity" ? "path" : check, "\(path) holds no readable certificate")
            }
            return recorder.results
        }
        func describe(_ certificate: CertificateFacts) -> String {
            let days = daysLeft(certificate)
            let left = days >= 0 ? "\(days) days left" : "expired \(-days) days ago"
            return "\(certificate.subject) (issuer \(certificate.issuer), notAfter \(Self.date(certificate.notAfter)), \(left))"
        }
        recorder.pass("parse", key: "path", "\(certificates.count) certificate\(certificates.count == 1 ? "" : "s"): "
                      + certificates.map(\.subject).joined(separator: "; "),
                      expected: "PEM certificates", actual: "\(certificates.count)")
        if entry.ca == true {
            let leaves = certificates.filter { !$0.isAuthority }
            recorder.verify(
                "ca", key: "ca", leaves.isEmpty,
                pass: "every certificate is a CA", fail: "not a CA certificate: " + leaves.map(describe).joined(separator: "; "),
                expected: "CA:TRUE on every certificate", actual: leaves.isEmpty ? "all CAs" : "\(leaves.count) without CA:TRUE",
                fix: ShellWords.decision("remove the certificates that are not CAs from \(host.operatorPath(path))"))
        }
        let now = host.currentTime
        let expired = certificates.filter { $0.notAfter < now }
        let early = certificates.filter { $0.notBefore > now }
        recorder.verify(
            "validity", key: "path", expired.isEmpty && early.isEmpty,
            pass: "every certificate is valid now",
            fail: (expired.map { "expired: " + describe($0) } + early.map { "not valid before \(Self.date($0.notBefore)): \($0.subject)" })
                .joined(separator: "; "),
            expected: "valid now", actual: expired.isEmpty && early.isEmpty ? "valid" : "\(expired.count) expired, \(early.count) not yet valid",
            fix: renewal(expired: expired, early: early, path: path))
        if let minimum = entry.minDaysLeft {
            let soon = certificates.filter { daysLeft($0) < minimum }
            recorder.verify(
                "min_days_left", key: "min_days_left", soon.isEmpty,
                pass: "every certificate has at least \(minimum) days left (first expiry \(certificates.map(\.notAfter).min().map(Self.date) ?? "-"))",
                fail: "fewer than \(minimum) days left: " + soon.map(describe).joined(separator: "; "),
                expected: "at least \(minimum) days", actual: soon.map { "\(daysLeft($0)) days" }.joined(separator: ", "),
                fix: renewal(expired: soon.filter { $0.notAfter < now }, soon: soon, path: path))
        }
        if let keyTemplate = entry.key {
            switch environment.resolve(keyTemplate) {
            case .failure(let missing):
                recorder.skip("key", key: "key", "key depends on ${\(missing.variable)}, \(missing.reason)")
            case .success(let key):
                let matched = host.keyMatches(certificate: path, key: normalise(key))
                if matched == nil, case .failure(let problem) = host.privateKey(at: normalise(key)), problem.isInaccessible {
                    recorder.cannotEvaluate("key", key: "key", "the private key \(key) cannot be read: \(problem)",
                                            expected: "matching private key")
                    return recorder.results
                }
                recorder.verify(
                    "key", key: "key", matched == true,
                    pass: "the private key \(key) belongs to \(certificates[0].subject)",
                    fail: matched == nil ? "the private key \(key) cannot be read as an unencrypted PEM private key"
                        : "the private key \(key) does not belong to \(certificates[0].subject)",
                    expected: "matching private key", actual: matched == nil ? "unreadable" : matched! ? "matches" : "different key",
                    fix: ShellWords.decision("put the private key \(certificates[0].subject) was issued for at \(host.operatorPath(key)), or a certificate for the key there"))
            }
        }
        return recorder.results
    }

    /// What to do about certificates past or near their end: one that has expired is renewed
    /// now, never "before" a date already gone.
    func renewal(expired: [CertificateFacts], early: [CertificateFacts] = [], soon: [CertificateFacts] = [], path: String) -> String {
        let place = host.operatorPath(path)
        if let first = expired.min(by: { $0.notAfter < $1.notAfter }) {
            return ShellWords.decision(
                "renew now: \(first.subject) in \(place) expired on \(Self.date(first.notAfter))"
                    + (expired.count > 1 ? " (and \(expired.count - 1) more)" : ""))
        }
        if let first = early.first {
            return ShellWords.decision(
                "\(first.subject) in \(place) is not valid before \(Self.date(first.notBefore)): check this machine's clock, or replace it with one valid now")
        }
        let end = soon.map(\.notAfter).min().map(Self.date) ?? "-"
        return ShellWords.decision("renew the certificates in \(place) before \(end)")
    }

    func daysLeft(_ certificate: CertificateFacts) -> Int {
        let seconds = certificate.notAfter - host.currentTime
        return Int(seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400))
    }

    /// "2026-11-27" from seconds since the epoch (UTC).
    static func date(_ seconds: Int64) -> String { CalendarDay(secondsSinceEpoch: Int(seconds)).description }
}
