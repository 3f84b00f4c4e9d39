import Foundation
import TestSupport
import Testing

/// `[[connect]]` against real peers: a listener the test starts, a closed port, a name that
/// cannot resolve, a listener whose accept queue is full (SYNs dropped: a timeout), and a
/// network namespace with no route (`unshare --net`); each failure says which it was.
@Suite(.serialized, .enabled(if: runningAsRoot, "unshare --net needs root"))
struct ConnectCheckTests {
    /// A Python TCP listener on 127.0.0.1 that never accepts; with `full`, its accept queue is
    /// filled first so that the kernel drops further connection attempts.
    final class Listener {
        let process = Process()
        let port = Int.random(in: 20_000...60_000)

        init(full: Bool = false) throws {
            let script = """
                import socket, time
                s = socket.socket(); s.bind(("127.0.0.1", \(port))); s.listen(0)
                held = []
                if \(full ? "True" : "False"):
                    for _ in range(8):
                        c = socket.socket(); c.setblocking(False)
                        try: c.connect(("127.0.0.1", \(port)))
                        except BlockingIOError: pass
                        held.append(c)
                    time.sleep(0.5)
                print("ready", flush=True)
                time.sleep(120)
                """
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            guard String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("ready") else {
                throw FixtureError(message: "listener did not start")
            }
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func check(_ entries: String, prefix: [String] = [], extra: [String] = []) throws -> JSONReportView {
        let directory = TemporaryDirectory("connect")
        let contract = directory.write("connect.toml", "contract = \"connect\"\nschema = 1\n\n" + entries)
        let command = prefix.isEmpty ? hostcontractExecutable : prefix[0]
        let arguments = (prefix.isEmpty ? [] : Array(prefix.dropFirst()) + [hostcontractExecutable]) + ["check", contract, "--format", "json"] + extra
        let outcome = try run(command, arguments)
        #expect([0, 1].contains(outcome.status), "\(outcome.all)")
        return try JSONReportView(outcome.standardOutput)
    }

    func outcome(_ report: JSONReportView, _ subject: String) -> (status: String?, actual: String?, message: String) {
        let result = report.results.first { $0["subject"] as? String == subject }
        return (result?["status"] as? String, result?["actual"] as? String, result?["message"] as? String ?? "")
    }

    @Test func eachWayOfFailingIsNamed() throws {
        let open = try Listener()
        let closed = Int.random(in: 20_000...60_000)
        let report = try check("""
            [[connect]]
            address = "127.0.0.1:\(open.port)"

            [[connect]]
            address = "localhost:\(closed)"
            timeout = "2s"

            [[connect]]
            address = "peer.hostcontract-test.invalid:104"

            [[connect]]
            address = "127.0.0.1:\(closed)"
            reachable = false
            """)
        #expect(outcome(report, "127.0.0.1:\(open.port)").status == "pass")
        #expect(outcome(report, "127.0.0.1:\(open.port)").message.contains("connected to 127.0.0.1:\(open.port)"))
        let refused = outcome(report, "localhost:\(closed)")
        #expect(refused.status == "fail" && refused.actual == "refused", "\(refused)")
        #expect(refused.message.contains("nothing listens on port \(closed)"))
        let unresolved = outcome(report, "peer.hostcontract-test.invalid:104")
        #expect(unresolved.status == "fail" && unresolved.actual == "not resolved", "\(unresolved)")
        #expect(outcome(report, "127.0.0.1:\(closed)").status == "pass", "a port that must stay closed is closed")
    }

    /// SYNs the kernel drops (a listener whose accept queue is full) time out within the bound.
    @Test func noAnswerTimesOut() throws {
        let full = try Listener(full: true)
        let started = Date()
        let report = try check("[[connect]]\naddress = \"127.0.0.1:\(full.port)\"\ntimeout = \"700ms\"\n")
        let timedOut = outcome(report, "127.0.0.1:\(full.port)")
        #expect(timedOut.status == "fail" && timedOut.actual == "timed out", "\(timedOut)")
        #expect(timedOut.message.contains("no answer within 700 ms"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// In a network namespace of its own (no interface up, no route), every peer is unreachable.
    @Test func withoutARouteItSaysSo() throws {
        let report = try check("[[connect]]\naddress = \"192.0.2.10:443\"\n", prefix: ["/usr/bin/unshare", "--net"])
        let unreachable = outcome(report, "192.0.2.10:443")
        #expect(unreachable.status == "fail" && unreachable.actual == "unreachable", "\(unreachable)")
        #expect(unreachable.message.contains("no route"))
    }

    @Test func underARootConnectionsAreSkipped() throws {
        let directory = TemporaryDirectory("connect-root")
        let report = try check("[[connect]]\naddress = \"127.0.0.1:9\"\n", extra: ["--root", directory.path])
        #expect(report.results.allSatisfy { $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("--root") == true },
                "\(report.results)")
    }

    @Test func lintRefusesWhatIsNotHostAndPort() throws {
        let directory = TemporaryDirectory("connect-lint")
        let contract = directory.write("bad.toml", """
            contract = "bad"
            schema = 1

            [[connect]]
            address = "db.example.org"

            [[connect]]
            address = "db.example.org:5432"
            timeout = "forever"
            """)
        let outcome = try run(hostcontractExecutable, ["lint", contract])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("bad.toml:5:") && outcome.standardError.contains("is not HOST:PORT"), "\(outcome.all)")
        #expect(outcome.standardError.contains("bad.toml:9:") && outcome.standardError.contains("'forever' is not a time"), "\(outcome.all)")
    }
}
