import COnDemand
import CLinux
import Glibc

/// The certificates of a PEM file (one or a bundle), as OpenSSL reads them: subject, issuer,
/// validity, whether each is a CA. The corresponding C function is PEM_read_bio_X509(3).
public struct CertificateBundle: Sendable, Equatable {
    public struct Certificate: Sendable, Equatable {
        public var subject: String
        public var issuer: String
        /// Seconds since the epoch.
        public var notBefore: Int64
        public var notAfter: Int64
        /// ondemand_X509_check_ca(3): the CA basic constraint (or a v1 self-signed root).
        public var isAuthority: Bool
    }

    public var certificates: [Certificate]

    /// Parses every certificate in `bytes`; nil when there is none.
    public static func parse(_ bytes: [UInt8]) -> Result<CertificateBundle?, HostError> {
        if case .failure(let error) = system_crypto_open() { return .failure(error) }
        let certificates: [Certificate]? = system_with_memory_bio(bytes) { bio in
            var found: [Certificate] = []
            while let certificate = system_pem_read_x509(bio) {
                defer { ondemand_X509_free(certificate) }
                found.append(Certificate(
                    subject: name(ondemand_X509_get_subject_name(certificate)), issuer: name(ondemand_X509_get_issuer_name(certificate)),
                    notBefore: seconds(ondemand_X509_get0_notBefore(certificate)), notAfter: seconds(ondemand_X509_get0_notAfter(certificate)),
                    isAuthority: ondemand_X509_check_ca(certificate) > 0))
            }
            return found
        }
        system_openssl_clear_errors()
        guard let certificates, !certificates.isEmpty else { return .success(nil) }
        return .success(CertificateBundle(certificates: certificates))
    }

    /// Whether the private key in `key` belongs to the first certificate in `certificate`. The
    /// corresponding C function is ondemand_X509_check_private_key(3).
    public static func matches(certificate: [UInt8], key: [UInt8]) -> Bool? {
        guard case .success = system_crypto_open() else { return nil }
        let result: Bool?? = system_with_memory_bio(certificate) { certificateBio in
            guard let x509 = system_pem_read_x509(certificateBio) else { return nil }
            defer { ondemand_X509_free(x509) }
            let matched: Bool?? = system_with_memory_bio(key) { keyBio in
                guard let pkey = system_pem_read_private_key(keyBio) else { return nil }
                defer { ondemand_EVP_PKEY_free(pkey) }
                return ondemand_X509_check_private_key(x509, pkey) == 1
            }
            return matched ?? nil
        }
        system_openssl_clear_errors()
        return result ?? nil
    }

    /// A name in the one-line RFC 2253 form ("CN=hub CA,O=Example").
    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = ondemand_BIO_new(ondemand_BIO_s_mem()) else { return "?" }
        defer { ondemand_BIO_free(bio) }
        guard ondemand_X509_NAME_print_ex(bio, name, 0, rfc2253) >= 0 else { return "?" }
        var pointer: UnsafeMutablePointer<CChar>? = nil
        let length = ondemand_BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// XN_FLAG_RFC2253, which Swift cannot import (a macro of macros): ASN1_STRFLGS_RFC2253 (0x317)
    /// | XN_FLAG_SEP_COMMA_PLUS (1 << 16) | XN_FLAG_DN_REV (1 << 20) | XN_FLAG_DUMP_UNKNOWN_FIELDS (1 << 24).
    static let rfc2253: UInt = 0x317 | (1 << 16) | (1 << 20) | (1 << 24)

    static func seconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
        guard let time else { return 0 }
        var broken = tm()
        guard ondemand_ASN1_TIME_to_tm(time, &broken) == 1 else { return 0 }
        return Int64(timegm(&broken))
    }
}
