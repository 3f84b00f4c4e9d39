/// Why a captured value or file looks like a secret, judged without showing it: `capture` turns
/// such a variable into `secret = true` and such a file into a `[[key]]`. Each judgement errs on
/// the side of secrecy; a false positive costs a comment, a false negative a leak.
public enum SecretLikeness: Sendable, Equatable {
    /// The variable's name says so (`DJANGO_SECRET_KEY`, `DB_PASSWORD`).
    case name
    /// The value is long and looks random (see ``looksRandom(_:)``).
    case entropy
    /// The value is a URL with credentials before its host (`postgres://app:PASSWORD@db/app`,
    /// a Sentry DSN's `https://KEY@host/1`).
    case credentialsInURL
    /// The file begins with a PEM private key header (`-----BEGIN ... PRIVATE KEY-----`).
    case pemPrivateKey
    /// The file is not readable by others and lies where keys are kept (under a directory named
    /// secrets, vault, keys or private, or named `*.key`).
    case keyLocation

    /// The words of a variable name that mark a secret.
    static let secretWords = ["SECRET", "PASSWORD", "PASSWD", "PASS", "TOKEN", "CREDENTIAL", "PRIVATE", "KEY", "APIKEY"]
    /// Name endings that mark a reference to a secret (a file, an id), not the secret itself.
    static let referenceEndings = ["_ID", "_IDS", "_PATH", "_FILE", "_DIR", "_NAME", "_URL"]
    /// The directory names under which a file that others cannot read is taken for a key.
    public static let keyDirectories: Set<String> = ["secrets", "vault", "keys", "private"]

    /// Why the variable `name` with `value` looks secret, or nil.
    public static func ofVariable(name: String, value: String) -> SecretLikeness? {
        if isSecretName(name) { return .name }
        if hasURLCredentials(value) { return .credentialsInURL }
        if looksRandom(value) { return .entropy }
        return nil
    }

    /// Whether `value` holds a URL whose authority (between `://` and the next `/`, `?` or `#`)
    /// has user information (`USER:PASSWORD@`, `KEY@`).
    public static func hasURLCredentials(_ value: String) -> Bool {
        var rest = Substring(value)
        while let scheme = rest.firstRange(of: "://") {
            let authority = rest[scheme.upperBound...].prefix { !"/?#".contains($0) && !$0.isWhitespace }
            if authority.contains("@") { return true }
            rest = rest[scheme.upperBound...]
        }
        return false
    }

    /// Whether a word of `name` (split at `_`, case ignored) is one of the secret words, or contains
    /// one, unless the name ends as a reference to a secret (`SECRET_KEY_FILE`, `ACCESS_KEY_ID`).
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        if referenceEndings.contains(where: { upper.hasSuffix($0) }) { return false }
        return upper.split(separator: "_").contains { word in
            secretWords.contains { word.contains($0) }
        }
    }

    /// At least 20 characters with at least 3.5 bits of Shannon entropy per character, with a
    /// letter and a digit and no white space. Ordinary words, dotted names and URLs reach 3.5
    /// bits too (`django.db.backends.postgresql`, `https://annotate.example.org`); generated
    /// tokens (hex, base64, random alphanumerics) nearly always hold a digit. A secret named as one
    /// is caught by its name whatever its value.
    public static func looksRandom(_ value: String) -> Bool {
        let scalars = Array(value.unicodeScalars)
        guard scalars.count >= 20 else { return false }
        guard scalars.contains(where: { ("0"..."9").contains($0) }),
            scalars.contains(where: { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }),
            !scalars.contains(where: { $0.properties.isWhitespace })
        else { return false }
        return entropy(scalars) >= 3.5
    }

    /// Shannon entropy in bits per character of the scalars' distribution.
    static func entropy(_ scalars: [Unicode.Scalar]) -> Double {
        var counts: [Unicode.Scalar: Int] = [:]
        for scalar in scalars { counts[scalar, default: 0] += 1 }
        let total = Double(scalars.count)
        var bits = 0.0
        for count in counts.values {
            let p = Double(count) / total
            bits -= p * binaryLogarithm(p)
        }
        return bits
    }

    /// log2 of a positive `x` without the C library (Contract makes no system calls): the binary
    /// exponent plus log2 of the significand, in [1, 2), from the series of atanh.
    static func binaryLogarithm(_ x: Double) -> Double {
        let significand = x.significand
        let t = (significand - 1) / (significand + 1)
        var term = t, sum = 0.0
        for k in stride(from: 1, through: 41, by: 2) {
            sum += term / Double(k)
            term *= t * t
        }
        return Double(x.exponent) + 2 * sum / 0.693_147_180_559_945_3
    }

    /// Why the regular file at `path` (inside the root) looks like a key, from the first line of
    /// its content (at most a few dozen bytes, never more) and whether others may read it.
    public static func ofFile(path: String, firstLine: String?, readableByOthers: Bool) -> SecretLikeness? {
        if let firstLine, isPrivateKeyHeader(firstLine) { return .pemPrivateKey }
        guard !readableByOthers else { return nil }
        let components = path.split(separator: "/")
        if components.dropLast().contains(where: { keyDirectories.contains(String($0)) }) { return .keyLocation }
        if let last = components.last, last.hasSuffix(".key") { return .keyLocation }
        return nil
    }

    /// `-----BEGIN PRIVATE KEY-----`, `-----BEGIN RSA PRIVATE KEY-----`, `-----BEGIN OPENSSH
    /// PRIVATE KEY-----`, `-----BEGIN ENCRYPTED PRIVATE KEY-----` and the like.
    public static func isPrivateKeyHeader(_ line: String) -> Bool {
        let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
        return trimmed.hasPrefix("-----BEGIN ") && trimmed.hasSuffix("PRIVATE KEY-----")
    }

    /// The comment `capture` writes beside the entry.
    public var comment: String {
        switch self {
        case .name: "secret by name; its value and length are not shown"
        case .entropy: "secret by its value's entropy (long and random-looking); its value and length are not shown"
        case .credentialsInURL: "secret: a URL with credentials; its value and length are not shown"
        case .pemPrivateKey: "key: PEM private key; content not read beyond its first line"
        case .keyLocation: "key: not readable by others, kept where keys are kept; content not read"
        }
    }
}
