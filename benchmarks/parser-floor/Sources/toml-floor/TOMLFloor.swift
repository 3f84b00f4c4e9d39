import ArgumentParser
import Glibc
import TOMLKit

/// `toml-floor gate CONTRACT [--root DIR] -- COMMAND...` or `toml-floor lint CONTRACT`: parsed as
/// hostcontract parses them, then the contract file read and parsed by TOMLKit, and every key and
/// value of it visited once, and nothing else: the floor the required stack (swift-argument-parser,
/// TOMLKit, the static Swift runtime) sets under loading a contract.
@main
struct TOMLFloor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toml-floor", version: "0", subcommands: [Gate.self, Lint.self])
}

struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gate")

    @Argument var contract: String
    @Option var root: String = "/"
    @Flag var allowUntrustedContract = false
    @Option var wait: String?
    @Option var sleep: String = "1"
    @Argument(parsing: .postTerminator) var command: [String] = []

    func run() throws { try visitContract(at: contract) }
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint")

    @Argument var contract: String

    func run() throws { try visitContract(at: contract) }
}

struct Unreadable: Error {}

/// Reads the file, parses it, and visits every value; exits 1 when the count is zero.
func visitContract(at path: String) throws {
    guard let file = fopen(path, "r") else { throw Unreadable() }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes += buffer[0..<count]
    }
    let table = try TOMLTable(string: String(decoding: bytes, as: UTF8.self))
    var values = 0
    func visit(_ value: TOMLValueConvertible) {
        values += 1
        if let table = value.table {
            for key in table.keys { if let child = table[key] { visit(child) } }
        } else if let array = value.array {
            for element in array { visit(element) }
        } else {
            _ = value.string ?? value.int.map(String.init) ?? value.bool.map(String.init)
        }
    }
    visit(table)
    if values == 0 { throw Unreadable() }
}
