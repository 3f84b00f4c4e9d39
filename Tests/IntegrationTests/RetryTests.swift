import Foundation
import TestSupport
import Testing

/// `check --retry-timeout` and `gate --wait`: re-checking until the contract holds (a directory
/// that appears a second later, as a volume unlocked late) or time runs out, with one report.
@Suite struct RetryTests {
    func contract(_ directory: TemporaryDirectory, requiring path: String) -> String {
        directory.write("late.toml", "contract = \"late\"\nschema = 1\n\n[[directory]]\npath = \"\(path)\"\ncreate = false\n")
    }

    /// Creates `path` after `delay` seconds, in the background.
    func createLater(_ path: String, after delay: Double) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sleep \(delay); mkdir -p '\(path)'"]
        try process.run()
        return process
    }

    @Test func checkWaitsForWhatAppearsLate() throws {
        let directory = TemporaryDirectory("retry")
        let late = directory.path + "/late/volume"
        let file = contract(directory, requiring: late)
        #expect(try run(hostcontractExecutable, ["check", file]).status == 1, "without retrying, it is missing")
        let maker = try createLater(late, after: 1)
        defer { maker.waitUntilExit() }
        let started = Date()
        let outcome = try run(hostcontractExecutable, ["check", file, "--retry-timeout", "20s", "--sleep", "200ms", "--format", "json"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(elapsed >= 0.8 && elapsed < 15, "\(elapsed) s")
        // One report on standard output, not one per attempt.
        #expect(try JSONReportView(outcome.standardOutput).passed)
    }

    @Test func checkGivesUpAtTheTimeoutWithTheLastReport() throws {
        let directory = TemporaryDirectory("retry-never")
        let file = contract(directory, requiring: directory.path + "/never")
        let started = Date()
        let outcome = try run(hostcontractExecutable, ["check", file, "--retry-timeout", "1500ms", "--sleep", "300ms", "--format", "json"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(outcome.status == 1)
        #expect(elapsed >= 1.1 && elapsed < 6, "\(elapsed) s")
        #expect(try JSONReportView(outcome.standardOutput).failures == ["directory \(directory.path)/never exists"])
    }

    @Test func gateWaitsThenRunsTheCommandOrRefuses() throws {
        let directory = TemporaryDirectory("gate-wait")
        let late = directory.path + "/late"
        let file = contract(directory, requiring: late)
        let marker = directory.path + "/ran"
        let maker = try createLater(late, after: 1)
        defer { maker.waitUntilExit() }
        let waited = try run(hostcontractExecutable, ["gate", file, "--allow-untrusted-contract", "--wait", "20s", "--sleep", "200ms",
                                                     "--", "/usr/bin/touch", marker])
        #expect(waited.status == 0, "\(waited.all)")
        #expect(FileManager.default.fileExists(atPath: marker))

        let never = contract(directory, requiring: directory.path + "/never")
        let started = Date()
        let refused = try run(hostcontractExecutable, ["gate", never, "--allow-untrusted-contract", "--wait", "1s", "--sleep", "250ms",
                                                      "--", "/usr/bin/touch", directory.path + "/not-run"])
        #expect(refused.status == 78)
        #expect(Date().timeIntervalSince(started) >= 0.7)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/not-run"))
    }

    @Test func aBadDurationIsBadUsage() throws {
        let directory = TemporaryDirectory("retry-usage")
        let file = contract(directory, requiring: "/")
        #expect(try run(hostcontractExecutable, ["check", file, "--retry-timeout", "soon"]).status == 2)
        #expect(try run(hostcontractExecutable, ["gate", file, "--wait", "-1s", "--", "/bin/true"]).status == 2)
    }
}
