import ArgumentParser
import Host

/// Where the executable writes: standard output or standard error.
struct FileHandleStream {
    let descriptor: Int32

    static let standardOutput = FileHandleStream(descriptor: 1)
    static let standardError = FileHandleStream(descriptor: 2)

    func write(_ text: String) { Terminal.write(text, to: descriptor) }
}

/// Where a report goes: `--output FILE`, written atomically, or standard output (no
/// `--output`, or `--output -`).
struct Output {
    /// The file, or nil for standard output.
    let file: String?

    init(_ option: String?) { file = option == "-" ? nil : option }

    var isStandardOutput: Bool { file == nil }

    /// Writes `text`; a file that cannot be written is exit 2.
    func deliver(_ text: String) throws {
        guard let file else {
            FileHandleStream.standardOutput.write(text)
            return
        }
        if case .failure(let error) = writeFileAtomically(file, Array(text.utf8)) {
            FileHandleStream.standardError.write("hostcontract: cannot write \(file): \(error)\n")
            throw ExitCode(2)
        }
    }

    /// The text of the report this one will replace, if there is one to read (at most 1 MiB).
    func previousText() -> String? {
        guard let file, case .success(let bytes) = readHostFile(file, limit: 1 << 20) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
