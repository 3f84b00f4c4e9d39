/// A Python distribution's version as PEP 440 defines it and `packaging.version.Version`
/// (packaging 26) reads, normalises and orders it: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`,
/// with the spellings PEP 440 normalises (`v1.0`, `1.0-1` = `1.0.post1`, `1.0alpha` = `1.0a0`,
/// `1.0-pre.2` = `1.0rc2`, `1.0.DEV` = `1.0.dev0`, `1.0+Ubuntu-1` = `1.0+ubuntu.1`, any case,
/// white space around it). Numbers have any length, as Python's int (but, as Python refuses to
/// convert more than 4300 digits, a longer number is invalid).
///
/// Two versions are equal when PEP 440 orders them equal: `1.0` = `1.0.0` = `v1.0`. Reading
/// (`PythonVersion+Reading.swift`) follows packaging's regular expression, possessive
/// quantifiers included, so what it accepts is what packaging accepts.
public struct PythonVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The text as written.
    public private(set) var text: String
    let epoch: Numeral
    let release: [Numeral]
    let pre: PreRelease?
    let post: Numeral?
    let dev: Numeral?
    let local: [LocalPart]?

    /// `a1`, `b2`, `rc3`: the kind orders a < b < rc.
    struct PreRelease: Hashable, Sendable {
        var kind: Kind
        var number: Numeral

        enum Kind: Int, Hashable, Sendable {
            case alpha, beta, candidate

            var label: String { ["a", "b", "rc"][rawValue] }
        }
    }

    /// One dot-separated part of a local version label: numbers compare as numbers and sort
    /// after words, words compare as text (`+abc` < `+abd` < `+1` < `+2` < `+10`).
    enum LocalPart: Hashable, Sendable, Comparable, CustomStringConvertible {
        case word(String)
        case number(Numeral)

        static func < (left: LocalPart, right: LocalPart) -> Bool {
            switch (left, right) {
            case (.word(let a), .word(let b)): a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
            case (.number(let a), .number(let b)): a < b
            case (.word, .number): true
            case (.number, .word): false
            }
        }

        var description: String {
            switch self {
            case .word(let word): word
            case .number(let number): number.description
            }
        }
    }

    /// Why a text is not a PEP 440 version.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "'\(text)' is not a PEP 440 version: \(reason)" }
    }

    init(text: String? = nil, epoch: Numeral = .zero, release: [Numeral], pre: PreRelease? = nil, post: Numeral? = nil,
         dev: Numeral? = nil, local: [LocalPart]? = nil) {
        self.epoch = epoch
        self.release = release
        self.pre = pre
        self.post = post
        self.dev = dev
        self.local = local
        self.text = ""
        self.text = text ?? description
    }

    /// A pre-release or a development release (`1.0a1`, `1.0.dev3`, `1.0rc1.post1`).
    public var isPrerelease: Bool { pre != nil || dev != nil }
    public var isPostRelease: Bool { post != nil }
    public var isDevelopmentRelease: Bool { dev != nil }
    /// The local version label, normalised (`cpu`, `ubuntu.1`); nil when there is none.
    public var localLabel: String? { local.map { $0.map(\.description).joined(separator: ".") } }

    /// The normalised form, as `str(Version(text))` gives it: `1!2.0rc1.post2.dev3+abc.5`.
    public var description: String {
        var text = epoch.isZero ? "" : "\(epoch)!"
        text += release.map(\.description).joined(separator: ".")
        if let pre { text += pre.kind.label + pre.number.description }
        if let post { text += ".post\(post)" }
        if let dev { text += ".dev\(dev)" }
        if let localLabel { text += "+" + localLabel }
        return text
    }

    /// Without its local label, as `Version.public` gives it.
    public var publicVersion: String { description.split(separator: "+", maxSplits: 1).first.map(String.init) ?? "" }

    // MARK: Order (packaging's _cmpkey)

    /// The release without trailing zeros: `1.0.0` orders as `1`.
    var trimmedRelease: ArraySlice<Numeral> {
        var end = release.count
        while end > 0, release[end - 1].isZero { end -= 1 }
        return release[..<end]
    }

    /// dev-only releases before a, b and rc; a release without a pre-release after them.
    private var preRank: Int {
        if pre == nil, post == nil, dev != nil { return -1 }
        return pre.map(\.kind.rawValue) ?? 3
    }

    /// -1, 0 or 1 as the epoch, release and pre-release part order the two (post, dev and local
    /// left out): what `>V` compares to exclude V's post-releases.
    static func compareThroughPreRelease(_ a: PythonVersion, _ b: PythonVersion) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let x = a.trimmedRelease, y = b.trimmedRelease
        if x != y { return x.lexicographicallyPrecedes(y) ? -1 : 1 }
        if a.preRank != b.preRank { return a.preRank < b.preRank ? -1 : 1 }
        let m = a.pre?.number ?? .zero, n = b.pre?.number ?? .zero
        return m == n ? 0 : (m < n ? -1 : 1)
    }

    /// The order of the public versions, the local label left out.
    static func comparePublic(_ a: PythonVersion, _ b: PythonVersion) -> Int {
        let through = compareThroughPreRelease(a, b)
        if through != 0 { return through }
        let x = (a.post == nil ? 0 : 1, a.post ?? .zero, a.dev == nil ? 1 : 0, a.dev ?? .zero)
        let y = (b.post == nil ? 0 : 1, b.post ?? .zero, b.dev == nil ? 1 : 0, b.dev ?? .zero)
        if x == y { return 0 }
        return x < y ? -1 : 1
    }

    static func compare(_ a: PythonVersion, _ b: PythonVersion) -> Int {
        let publicOrder = comparePublic(a, b)
        if publicOrder != 0 { return publicOrder }
        switch (a.local, b.local) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let x?, let y?): return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
        }
    }

    public static func < (left: PythonVersion, right: PythonVersion) -> Bool { compare(left, right) < 0 }
    public static func == (left: PythonVersion, right: PythonVersion) -> Bool { compare(left, right) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        hasher.combine(Array(trimmedRelease))
        hasher.combine(preRank)
        hasher.combine(pre?.number)
        hasher.combine(post)
        hasher.combine(dev)
        hasher.combine(local)
    }
}
