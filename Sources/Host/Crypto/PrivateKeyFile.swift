import COnDemand
import CLinux
import Glibc

/// What a PEM private key is, never what it holds: its algorithm and size, or why it cannot be
/// used. The corresponding C function is PEM_read_bio_PrivateKey(3).
public struct PrivateKeyFile: Sendable, Equatable {
    /// "RSA", "EC", "ED25519", ...
    public var algorithm: String
    public var bits: Int

    public enum Problem: Error, Sendable, Equatable {
        /// PEM with a passphrase: the service cannot read it unattended.
        case encrypted
        /// Not a PEM private key at all.
        case unreadable
        /// libcrypto cannot be loaded here.
        case unavailable(String)
    }

    /// Parses `bytes` as a PEM private key.
    public static func parse(_ bytes: [UInt8]) -> Result<PrivateKeyFile, Problem> {
        if case .failure(let error) = system_crypto_open() { return .failure(.unavailable(error.description)) }
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let loaded: PrivateKeyFile?? = system_with_memory_bio(bytes) { bio in
            guard let key = system_pem_read_private_key(bio) else { return nil }
            defer { ondemand_EVP_PKEY_free(key) }
            let name = ondemand_EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "key \(ondemand_EVP_PKEY_get_base_id(key))"
            return PrivateKeyFile(algorithm: name.uppercased(), bits: Int(ondemand_EVP_PKEY_get_bits(key)))
        }
        system_openssl_clear_errors()
        if let key = loaded ?? nil { return .success(key) }
        if text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED") { return .failure(.encrypted) }
        return .failure(.unreadable)
    }

    /// "RSA 2048".
    public var description: String { "\(algorithm) \(bits)" }
}
