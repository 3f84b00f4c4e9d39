import Foundation
import TestSupport
import Testing

/// `[[port]]` against real listeners the tests start (Python servers as a given user, on
/// loopback, on every address, IPv6, UDP), with `ss` as the oracle for what the kernel lists.
@Suite(.serialized, .enabled(if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/ss"), "needs root and ss"))
struct PortCheckTests {
    /// A Python listener started as `user` (nobody unless given) on `address`, until deinit, on
    /// a port the kernel chose free (a port picked at random may be another socket's, an
    /// ephemeral one of a connection the other tests make).
    final class Listener {
        let process = Process()
        let port: Int

        init(address: String, transport: String = "tcp", user: String = "nobody") throws {
            let family = address.contains(":") ? "AF_INET6" : "AF_INET"
            let kind = transport == "tcp" ? "SOCK_STREAM" : "SOCK_DGRAM"
            let script = """
                import socket, sys, time
                s = socket.socket(socket.\(family), socket.\(kind))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("\(address)", 0))
                \(transport == "tcp" ? "s.listen(5)" : "")
                print("ready", s.getsockname()[1], flush=True)
                time.sleep(120)
                """
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(user)", "--regid=nogroup", "--clear-groups", "/usr/bin/python3", "-c", script]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            // The first line, however the writes come.
            var data = Data()
            while !data.contains(UInt8(ascii: "\n")) {
                let more = output.fileHandleForReading.availableData
                if more.isEmpty { break }
                data += more
            }
            let line = String(decoding: data, as: UTF8.self)
            let words = line.split(whereSeparator: \.isWhitespace)
            guard words.count == 2, words[0] == "ready", let port = Int(words[1]) else {
                throw FixtureError(message: "listener on \(address) did not start: \(line)")
            }
            self.port = port
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func check(_ entries: String) throws -> JSONReportView {
        let directory = TemporaryDirectory("ports")
        let contract = directory.write("ports.toml", "contract = \"ports\"\nschema = 1\n\n" + entries)
        let outcome = try run(hostcontractExecutable, ["check", contract, "--format", "json"])
        #expect([0, 1, 3].contains(outcome.status), "\(outcome.all)")
        return try JSONReportView(outcome.standardOutput)
    }

    func status(_ report: JSONReportView, _ check: String) -> String? {
        report.results.first { $0["check"] as? String == check }?["status"] as? String
    }

    @Test func aLoopbackListenerHoldsItsRules() throws {
        let listener = try Listener(address: "127.0.0.1")
        let report = try check("""
            [[port]]
            listen = "127.0.0.1:\(listener.port)"
            only = true
            user = "nobody"
            process = "python3"
            """)
        #expect(report.failures.isEmpty, "\(report.results)")
        for check in ["listening", "only", "user", "process"] { #expect(status(report, check) == "pass", "\(check): \(report.results)") }
    }

    /// The classic finding: the backend on 0.0.0.0 where the contract says loopback. It is
    /// listening (a wildcard accepts on 127.0.0.1), but not only there.
    @Test func aWildcardListenerIsNotLoopbackOnly() throws {
        let listener = try Listener(address: "0.0.0.0")
        let report = try check("""
            [[port]]
            listen = "127.0.0.1:\(listener.port)"
            only = true
            user = "root"
            """)
        #expect(status(report, "listening") == "pass")
        #expect(Set(report.failures) == ["port tcp 127.0.0.1:\(listener.port) only", "port tcp 127.0.0.1:\(listener.port) user"], "\(report.results)")
        let only = try #require(report.results.first { $0["check"] as? String == "only" })
        #expect((only["message"] as? String)?.contains("0.0.0.0:\(listener.port)") == true)
        #expect((only["message"] as? String)?.contains("every address of the host") == true)
        #expect((only["fix"] as? String)?.hasPrefix("(decide) bind the service to 127.0.0.1:\(listener.port)") == true)
    }

    @Test func ipv6AndUDPAndAPortThatMustBeClosed() throws {
        let six = try Listener(address: "::1")
        let datagram = try Listener(address: "127.0.0.1", transport: "udp")
        let report = try check("""
            [[port]]
            listen = "[0:0:0:0:0:0:0:1]:\(six.port)"
            only = true

            [[port]]
            listen = "127.0.0.1:\(datagram.port)"
            protocol = "udp"

            [[port]]
            listen = "*:\(datagram.port)"
            listening = false

            [[port]]
            listen = "*:\(six.port)"
            protocol = "udp"
            listening = false
            """)
        // ::1 written in full is ::1; the UDP listener does not count for TCP, nor the TCP one for UDP.
        #expect(report.failures.isEmpty, "\(report.results)")
        #expect(report.results.count == 5)
        let closed = try check("[[port]]\nlisten = \"*:\(six.port)\"\nlistening = false\n")
        #expect(closed.failures == ["port tcp *:\(six.port) listening"], "\(closed.results)")
        let message = closed.results.first?["message"] as? String ?? ""
        #expect(message.contains("[::1]:\(six.port) (user nobody, python3"), "\(message)")
    }

    /// Under --root there is no running host to ask: every port check is skipped with the reason.
    @Test func underARootPortsAreSkipped() throws {
        let directory = TemporaryDirectory("ports-root")
        let contract = directory.write("ports.toml", "contract = \"ports\"\nschema = 1\n\n[[port]]\nlisten = \"127.0.0.1:5000\"\nonly = true\n")
        let outcome = try run(hostcontractExecutable, ["check", contract, "--root", directory.path, "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.results.allSatisfy { $0["status"] as? String == "skip" && ($0["message"] as? String)?.contains("--root") == true })
    }

    /// `ss` is the oracle: every TCP and UDP socket it lists as listening, on every address,
    /// is found by a `[[port]]` check with the same address, user and (where ss names one) process.
    @Test func everyListenerSsShowsIsSeen() throws {
        let listeners = [try Listener(address: "127.0.0.1"), try Listener(address: "0.0.0.0", user: "daemon"),
                         try Listener(address: "::"), try Listener(address: "127.0.0.1", transport: "udp")]
        let ports = listeners.map(\.port)
        var entries: [String] = []
        var expected: [(String, String, String?)] = []
        for (flag, transport) in [("-tlnpeH", "tcp"), ("-ulnpeH", "udp")] {
            let ss = try run("/usr/bin/ss", [flag])
            for line in ss.standardOutput.split(separator: "\n") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard fields.count >= 5 else { continue }
                var local = fields[3]
                // Only this test's listeners: other suites start and stop servers meanwhile.
                guard ports.contains(where: { local.hasSuffix(":\($0)") }) else { continue }
                if local.hasPrefix("*:") { local = "0.0.0.0:" + local.dropFirst(2) }
                if local.hasPrefix("[::ffff:") { continue }
                local = local.replacingOccurrences(of: "%lo", with: "")
                let uid = line.range(of: "uid:").map { String(line[$0.upperBound...].prefix { $0.isNumber }) }
                let process = line.range(of: "users:((\"").map { String(line[$0.upperBound...].prefix { $0 != "\"" }) }
                let user = uid.flatMap { uid in try? run("/usr/bin/id", ["-nu", uid]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) }
                entries.append("[[port]]\nlisten = \"\(local)\"\nprotocol = \"\(transport)\"\nonly = false\n"
                    + (user.map { "user = \"\($0)\"\n" } ?? "") + (process.map { "process = \"\($0)\"\n" } ?? ""))
                expected.append(("\(transport) \(local)", user ?? "", process))
            }
        }
        #expect(expected.count == listeners.count, "ss listed \(expected)")
        let report = try check(entries.joined(separator: "\n"))
        for (subject, user, process) in expected {
            let results = report.results.filter { $0["subject"] as? String == subject }
            #expect(results.first { $0["check"] as? String == "listening" }?["status"] as? String == "pass", "\(subject): \(results)")
            if !user.isEmpty {
                #expect(results.first { $0["check"] as? String == "user" }?["status"] as? String == "pass", "\(subject): \(results)")
            }
            if process != nil {
                #expect(results.first { $0["check"] as? String == "process" }?["status"] as? String == "pass", "\(subject): \(results)")
            }
        }
        print("port oracle: \(expected.count) sockets ss lists, all seen with their user and process")
        _ = listeners
    }
}
