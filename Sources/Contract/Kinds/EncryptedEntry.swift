/// `[[encrypted]]`: the filesystem holding `path` is backed by an active dm-crypt mapping.
public struct EncryptedEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case luks1, luks2, any
    }

    public var context: EntryContext
    public var path: Template
    public var type: Kind
}

extension EncryptedEntry {
    static let keys = ["path", "type"]

    static func read(_ r: TableReader, ordinal: Int, patterns: any PatternEngine) -> EncryptedEntry? {
        let context = r.context(kind: .encrypted, ordinal: ordinal)
        let path = r.path()
        let type = r.choice("type", as: EncryptedEntry.Kind.self) ?? .any
        r.finish(allowed: keys + ContractLoader.entryKeys)
        guard let path else { return nil }
        return EncryptedEntry(context: context, path: path, type: type)
    }
}

/// The mapping must be of the required type and use a real cipher.
extension Evaluation {
    func evaluate(_ entry: EncryptedEntry) -> [CheckResult] {
        var (path, recorder) = start(entry.context, path: entry.path)
        let wanted = entry.type == .any ? "dm-crypt" : entry.type.rawValue.uppercased()
        let facts: EncryptionFacts = recorder.skipReason == nil ? host.encryption(of: path) : .unavailable("")
        switch facts {
        case .unavailable(let reason):
            for check in ["encrypted", "type", "cipher"] { recorder.skip(check, key: check == "type" ? "type" : "path", reason) }
        case .unencrypted(let reason):
            recorder.fail("encrypted", key: "path", "\(path) is \(reason)", expected: wanted, actual: "not encrypted",
                          fix: ShellWords.decision("move \(path) onto a \(entry.type == .luks1 ? "LUKS1" : "LUKS2") volume mounted there: the data cannot be encrypted in place without a backup"))
            recorder.skip("type", key: "type", "\(path) is not on dm-crypt")
            recorder.skip("cipher", key: "path", "\(path) is not on dm-crypt")
        case .encrypted(let storage):
            recorder.verify(
                "encrypted", key: "path", storage.isActive,
                pass: "\(path) is on dm-crypt mapping \(storage.mapping): \(storage.chain)",
                fail: "dm-crypt mapping \(storage.mapping) under \(path) is not active",
                expected: "active mapping", actual: storage.isActive ? "active" : "inactive")
            let typeMatches = entry.type == .any || storage.type.lowercased() == entry.type.rawValue
            recorder.verify(
                "type", key: "type", typeMatches,
                pass: "mapping \(storage.mapping) is \(storage.type)",
                fail: "mapping \(storage.mapping) is \(storage.type), contract requires \(wanted)",
                expected: wanted, actual: storage.type,
                fix: ShellWords.decision("re-encrypt the volume of mapping \(storage.mapping) as \(wanted), or format it anew as \(wanted) and restore the data"))
            let real = storage.cipher != "cipher_null" && !storage.cipher.isEmpty
            let cipher = storage.mode.isEmpty ? storage.cipher : storage.cipher + "-" + storage.mode
            recorder.verify(
                "cipher", key: "path", real,
                pass: "mapping \(storage.mapping) encrypts with \(cipher)",
                fail: "mapping \(storage.mapping) uses \(cipher.isEmpty ? "no cipher" : cipher): the data is not encrypted",
                expected: "a real cipher", actual: cipher.isEmpty ? "none" : cipher,
                fix: ShellWords.decision("make the volume of mapping \(storage.mapping) anew with a real cipher (aes-xts-plain64) and restore the data: this one stores it in the clear"))
        }
        return recorder.results
    }
}
