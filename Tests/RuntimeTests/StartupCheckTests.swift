import Foundation
import Glibc
import Runtime
import TestSupport
import Testing

/// The Swift API applies the trust rule as `gate` does: as root, a contract another user can
/// edit decides nothing.
@Suite(.enabled(if: runningAsRoot, "the trust rule applies only to root"))
struct StartupCheckTests {
    let work = TemporaryDirectory("startup")

    /// A contract that holds on an empty root, in a directory of its own.
    func contract(mode: mode_t) -> (path: String, root: String) {
        let path = work.write("contracts/app.toml", """
            contract = "app"
            schema = 1

            [[directory]]
            path = "/srv"
            """)
        chmod(work.path + "/contracts", 0o755)
        chmod(path, mode)
        let root = work.path + "/root"
        try? FileManager.default.createDirectory(atPath: root + "/srv", withIntermediateDirectories: true)
        return (path, root)
    }

    @Test func aContractOnlyRootCanEditIsTaken() throws {
        let (path, root) = contract(mode: 0o644)
        let report = try StartupCheck(contract: path, root: root, environment: [:]).verify()
        #expect(report.passed)
    }

    @Test func aContractOthersCanEditIsRefused() {
        let (path, root) = contract(mode: 0o666)
        do {
            try StartupCheck(contract: path, root: root, environment: [:]).verify()
            Issue.record("a world-writable contract was taken")
        } catch {
            #expect(error.untrustedReason?.hasPrefix("\(path) is writable by others (mode 0666)") == true, "\(error)")
            #expect(error.description.hasPrefix("contract is not trusted: "), "\(error)")
            #expect(error.failures.isEmpty && error.diagnostics.isEmpty)
        }
    }

    @Test func theExplicitOptionTakesItAnyway() throws {
        let (path, root) = contract(mode: 0o666)
        let report = try StartupCheck(contract: path, root: root, environment: [:], allowUntrustedContract: true).verify()
        #expect(report.passed)
    }
}
