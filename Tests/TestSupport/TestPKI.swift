import Foundation

/// Certificates made with the real openssl at test time: a server CA and a server certificate
/// for `annotate.test` and 127.0.0.1, a client CA with a client certificate, a rogue CA with a
/// client certificate of its own, and an unrelated CA that trusts nothing here.
public final class TestPKI: @unchecked Sendable {
    public let directory = TemporaryDirectory("pki")
    public var path: String { directory.path }
    public func file(_ name: String) -> String { path + "/" + name }

    public init() throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        let script = """
            set -e
            cd "$1"
            ca() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$1" \\
                     -keyout "$1.key" -out "$1.pem" 2>/dev/null; }
            leaf() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \\
                       -keyout "$1.key" -out "$1.csr" 2>/dev/null
                     printf '%s\\n' "$3" > "$1.ext"
                     openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \\
                       -extfile "$1.ext" -out "$1.pem" 2>/dev/null; }
            ca server-ca; ca client-ca; ca rogue-ca; ca other-ca
            leaf server server-ca "subjectAltName=DNS:annotate.test,IP:127.0.0.1"
            leaf client client-ca "extendedKeyUsage=clientAuth"
            leaf rogue rogue-ca "extendedKeyUsage=clientAuth"
            chmod 0644 *.key
            """
        let outcome = try run("/bin/sh", ["-c", script, "pki", path])
        guard outcome.status == 0 else { throw FixtureError(message: "openssl failed: \(outcome.all)") }
    }
}
