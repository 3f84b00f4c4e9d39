import ArgumentParser
import Host

/// Where the executable writes: standard output or standard error.
struct FileHandleStream {
    let descriptor: Int32

    static let standardOutput = FileHandleStream(descriptor: 1)
    static let standardError = FileHandleStream(descriptor: 2)

    func write(_ text: String) { Terminal.write(text, to: descriptor) }

    var isTerminal: Bool { Terminal.isTerminal(descriptor) }
}

/// Writes a rendered report to `--output` (atomically) or standard output.
func deliver(_ text: String, to output: String?) throws {
    guard let output else {
        FileHandleStream.standardOutput.write(text)
        return
    }
    if case .failure(let error) = writeFileAtomically(output, Array(text.utf8)) {
        FileHandleStream.standardError.write("hostcontract: cannot write \(output): \(error)\n")
        throw ExitCode(2)
    }
}
