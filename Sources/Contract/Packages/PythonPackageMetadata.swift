/// What a distribution's `*.dist-info/METADATA` says of itself (the core metadata
/// specification): its `Name`, `Version` and `Metadata-Version`, read without starting Python,
/// as Python's email parser reads the file for importlib.metadata and pip (email.feedparser with
/// the compat32 policy): header lines up to the first empty line (or the first line that is no
/// header), names matched without regard to case, a line starting with a space or a tab
/// continuing the header above, the first of two equal headers winning. A value is what follows
/// the colon with spaces and tabs before it removed, continuation lines kept, and line ends
/// removed from its end. Only the headers are read, so a long description costs nothing.
public struct PythonPackageMetadata: Sendable {
    /// Where a virtual environment's distributions describe themselves, relative to the
    /// environment (`environment = "/srv/app/.venv"`); `lib64` is a link to `lib` in a venv.
    public static let pathPattern = "lib/python3*/site-packages/*.dist-info/METADATA"

    /// Larger than any METADATA's headers (the description, when a header, included).
    public static let maximumBytes = 16 << 20

    /// The first `Name` header; nil when there is none.
    public let name: String?
    /// The first `Version` header as written; nil when there is none.
    public let versionText: String?
    public let metadataVersion: String?
    public let problems: [PackageDataProblem]

    public init(text: String) {
        var problems: [PackageDataProblem] = []
        guard text.utf8.count <= Self.maximumBytes else {
            name = nil
            versionText = nil
            metadataVersion = nil
            self.problems = [PackageDataProblem(line: nil, message: "not read: is larger than \(Self.maximumBytes >> 20) MiB")]
            return
        }
        // The header block: lines up to an empty line or the first line that is no header
        // (email.feedparser's headerRE: "From ", a name of printable ASCII and a colon, or a
        // leading space or tab).
        var block: [(whole: Substring, content: Substring)] = []
        for line in Self.lines(of: text) {
            let content = line.content
            if content.isEmpty { break }
            let isHeader = content.hasPrefix("From ") || content.hasPrefix(" ") || content.hasPrefix("\t")
                || content.firstIndex(of: ":").map { content[..<$0].unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) } } == true
            if !isHeader {
                problems.append(PackageDataProblem(
                    line: block.count + 1, message: "line is no header and has no empty line before it; the headers end here",
                    severity: .warning))
                break
            }
            block.append(line)
        }
        var headers: [(name: String, value: String, line: Int)] = []
        for (index, line) in block.enumerated() {
            let content = line.content
            if content.hasPrefix(" ") || content.hasPrefix("\t") {
                if headers.isEmpty {
                    problems.append(PackageDataProblem(line: index + 1, message: "continuation line before any header", severity: .warning))
                } else {
                    headers[headers.count - 1].value += line.whole
                }
                continue
            }
            // An mbox envelope line: skipped, except that as the last header line it starts the body.
            if content.hasPrefix("From ") {
                if index > 0, index == block.count - 1 { break }
                continue
            }
            let colon = content.firstIndex(of: ":")!
            if colon == content.startIndex {
                problems.append(PackageDataProblem(line: index + 1, message: "header without a name", severity: .warning))
                continue
            }
            let afterColon = line.whole[line.whole.index(after: colon)...]
            headers.append((String(content[..<colon]), String(afterColon.drop { $0 == " " || $0 == "\t" }), index + 1))
        }
        func first(_ wanted: String) -> String? {
            let matching = headers.filter { $0.name.lowercased() == wanted.lowercased() }
            if matching.count > 1 {
                problems.append(PackageDataProblem(
                    line: matching[1].line, message: "more than one '\(wanted)' header; the first is used", severity: .warning))
            }
            guard var value = matching.first?.value else { return nil }
            while let last = value.unicodeScalars.last, last == "\r" || last == "\n" { value.unicodeScalars.removeLast() }
            return value
        }
        name = first("Name")
        versionText = first("Version")
        metadataVersion = first("Metadata-Version")
        if name == nil { problems.append(PackageDataProblem(line: nil, message: "has no 'Name' header")) }
        if versionText == nil { problems.append(PackageDataProblem(line: nil, message: "has no 'Version' header")) }
        if let versionText, let error = Self.versionProblem(versionText) {
            problems.append(PackageDataProblem(line: headers.first { $0.name.lowercased() == "version" }?.line, message: error))
        }
        self.problems = problems
    }

    /// The version, when `Version` is a PEP 440 version.
    public var version: PythonVersion? { versionText.flatMap { try? PythonVersion($0) } }

    /// The distribution's name, when it has one.
    public var packageName: PythonPackageName? { name.map(PythonPackageName.init) }

    private static func versionProblem(_ text: String) -> String? {
        do {
            _ = try PythonVersion(text)
            return nil
        } catch {
            return error.description
        }
    }

    /// The lines as the email parser splits them (at "\r\n", "\r" or "\n"): each whole, its
    /// end included, and its content without the end; up to the first empty line, where the
    /// headers end.
    private static func lines(of text: String) -> [(whole: Substring, content: Substring)] {
        var lines: [(whole: Substring, content: Substring)] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            let scalar = scalars[index]
            guard scalar == "\n" || scalar == "\r" else {
                index = scalars.index(after: index)
                continue
            }
            let contentEnd = index
            var next = scalars.index(after: index)
            if scalar == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
            lines.append((Substring(scalars[start..<next]), Substring(scalars[start..<contentEnd])))
            if contentEnd == start { return lines }
            start = next
            index = next
        }
        if start < scalars.endIndex {
            lines.append((Substring(scalars[start...]), Substring(scalars[start...])))
        }
        return lines
    }
}
