import Foundation
import TestSupport
import Testing

/// The coverage tables (contracts/coverage.toml, rendered as contracts/COVERAGE.md) proven row by
/// row: every item marked caught with a fault is planted on a fresh example root (the correct
/// root passes, the fault fails with the failures the row names); every item proven by a test
/// names a test that exists. Adding a row adds a test.
@Suite(.enabled(if: runningAsRoot, "example roots carry service ownership"))
struct CoverageTests {
    struct Item: CustomTestStringConvertible, Sendable {
        var guide: String
        var line: Int
        var rule: String
        var status: String
        var contract: String
        var example: [String]
        var setup: String?
        var fault: String?
        var expect: [String]
        var test: String?

        var testDescription: String { "\(guide):\(line) \(rule.prefix(60))" }
    }

    static let dataFile = packageDirectory.path + "/contracts/coverage.toml"

    /// The data file as JSON, through Python's tomllib (the same reader the renderer uses).
    static func load() throws -> (guides: [[String: Any]], items: [Item]) {
        let outcome = try run("/usr/bin/python3", ["-c", "import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))", dataFile])
        guard outcome.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any],
            let guides = object["guide"] as? [[String: Any]]
        else { throw FixtureError(message: "coverage.toml: \(outcome.all)") }
        var byID: [String: [String: Any]] = [:]
        for guide in guides { byID[guide["id"] as? String ?? ""] = guide }
        let items = (object["item"] as? [[String: Any]] ?? []).map { row -> Item in
            let guide = byID[row["guide"] as? String ?? ""] ?? [:]
            return Item(
                guide: row["guide"] as? String ?? "", line: row["line"] as? Int ?? 0, rule: row["rule"] as? String ?? "",
                status: row["status"] as? String ?? "", contract: row["contract"] as? String ?? guide["contract"] as? String ?? "",
                example: row["example"] as? [String] ?? guide["example"] as? [String] ?? [],
                setup: row["setup"] as? String, fault: row["fault"] as? String, expect: row["expect"] as? [String] ?? [],
                test: row["test"] as? String)
        }
        return (guides, items)
    }

    static let planted: [Item] = (try? load().items.filter { $0.status == "caught" && $0.fault != nil }) ?? []

    @Test func theTableIsWellFormedAndRenderedFromIt() throws {
        let (guides, items) = try Self.load()
        #expect(guides.count == 5)
        let ids = Set(guides.compactMap { $0["id"] as? String })
        for item in items {
            #expect(ids.contains(item.guide), "\(item.testDescription): unknown guide")
            #expect(["caught", "pending", "procedure"].contains(item.status), "\(item.testDescription): status \(item.status)")
            #expect(item.line > 0 && !item.rule.isEmpty, "\(item.testDescription)")
            if item.status == "caught" {
                #expect((item.fault != nil && !item.expect.isEmpty) != (item.test != nil),
                        "\(item.testDescription): a caught item has a fault with its expected failures, or a test")
            }
            #expect(FileManager.default.fileExists(atPath: packageDirectory.path + "/contracts/" + item.contract), "\(item.contract)")
        }
        // Each row's line is in its guide, and the guide has that many lines.
        for guide in guides {
            let seed = packageDirectory.path + "/../shared/seeds/" + (guide["seed"] as? String ?? "")
            guard let text = try? String(contentsOfFile: seed, encoding: .utf8) else { continue }
            let count = text.split(separator: "\n", omittingEmptySubsequences: false).count
            for item in items where item.guide == guide["id"] as? String {
                #expect(item.line <= count, "\(item.testDescription): the guide has \(count) lines")
            }
        }
        let rendered = try run("/usr/bin/python3", [packageDirectory.path + "/scripts/coverage-table.py", "--check"])
        #expect(rendered.status == 0, "\(rendered.all)")
    }

    /// A row proven by a test names a test function that exists in Tests/.
    @Test func everyNamedTestExists() throws {
        let items = try Self.load().items.filter { $0.test != nil }
        let sources = try FileManager.default.subpathsOfDirectory(atPath: packageDirectory.path + "/Tests")
            .filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOfFile: packageDirectory.path + "/Tests/" + $0, encoding: .utf8) }
            .joined(separator: "\n")
        for item in items {
            let parts = item.test!.split(separator: "/")
            #expect(parts.count == 2 && sources.contains("struct \(parts[0])") && sources.contains("func \(parts[1])("),
                    "\(item.testDescription): no test \(item.test!)")
        }
    }

    /// Built by the example's make-root.sh, then `script` run with ROOT set.
    static func root(_ item: Item, then scripts: [String]) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("coverage")
        let maker = packageDirectory.path + "/examples/\(item.example[0])/make-root.sh"
        let made = try run("/bin/bash", [maker, directory.path] + item.example.dropFirst())
        guard made.status == 0 else { throw FixtureError(message: "make-root.sh: \(made.all)") }
        for script in scripts {
            let outcome = try run("/bin/bash", ["-c", "set -euo pipefail\n" + script],
                                  environment: ["ROOT": directory.path, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
            guard outcome.status == 0 else { throw FixtureError(message: "\(script): \(outcome.all)") }
        }
        return directory
    }

    func check(_ item: Item, _ root: TemporaryDirectory) throws -> (status: Int32, report: JSONReportView) {
        let contract = packageDirectory.path + "/contracts/" + item.contract
        let outcome = try run(hostcontractExecutable, ["check", contract, "--root", root.path, "--format", "json"])
        return (outcome.status, try JSONReportView(outcome.standardOutput))
    }

    @Test(arguments: planted)
    func theFaultIsCaughtAndTheCorrectRootPasses(_ item: Item) throws {
        let correct = try Self.root(item, then: item.setup.map { [$0] } ?? [])
        let clean = try check(item, correct)
        #expect(clean.status == 0, "the correct root fails: \(clean.report.failures.sorted())")
        let broken = try Self.root(item, then: (item.setup.map { [$0] } ?? []) + [item.fault!])
        let faulty = try check(item, broken)
        #expect(faulty.status == 1, "\(item.fault!): exit \(faulty.status)")
        let missing = Set(item.expect).subtracting(faulty.report.failures)
        #expect(missing.isEmpty, "\(item.fault!) does not fail \(missing.sorted()); it fails \(faulty.report.failures.sorted())")
    }
}
