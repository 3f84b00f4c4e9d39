/// `[[encrypted]]`: the filesystem holding `path` is backed by an active dm-crypt mapping.
public struct EncryptedEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case luks1, luks2, any
    }

    public var context: EntryContext
    public var path: Template
    public var type: Kind
}

/// `[[certificate]]`: a certificate or bundle that parses, is a CA where required, is not close
/// to expiry and matches its private key.
public struct CertificateEntry: Sendable, Hashable {
    public var context: EntryContext
    public var path: Template
    public var ca: Bool?
    public var minDaysLeft: Int?
    public var key: Template?
}
