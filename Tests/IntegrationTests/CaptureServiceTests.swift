import Foundation
import TestSupport
import Testing

/// `hostcontract capture --nginx` and `--unit` against the example roots, with the real binary:
/// the [nginx] locations and [[unit]] entries written lint, hold on the root they were captured
/// from, and fail on each fault planted afterwards; what the contract format cannot express is
/// reported, not written; no key content reaches any output.
@Suite(.enabled(if: runningAsRoot, "sample roots need chown"))
struct CaptureServiceTests {
    static let site = "/etc/nginx/conf.d/lx-annotate.conf"
    static let units = [
        "lx-annotate.service", "lx-annotate-watcher.service", "lx-annotate-sap-import.path", "lx-annotate-sap-import.service",
    ]

    let output = TemporaryDirectory("capture-service")

    func capture(root: String, _ arguments: [String], status expected: Int32 = 0) throws -> (contract: String, outcome: ProcessOutcome) {
        let contract = output.path + "/captured-\(UUID().uuidString).toml"
        let outcome = try run(hostcontractExecutable, ["capture", "--root", root, "--output", contract] + arguments)
        #expect(outcome.status == expected, "\(outcome.all)")
        return (contract, outcome)
    }

    func lintAndCheck(_ contract: String, root: String) throws -> (Int32, JSONReportView) {
        let lint = try hostcontract("lint", contract)
        #expect(lint.status == 0, "\(lint.all)")
        let outcome = try hostcontract("check", contract, "--root", root, "--format", "json")
        return (outcome.status, try JSONReportView(outcome.standardOutput))
    }

    /// The lx-annotate sample with its nginx configuration and units, and the paths and
    /// environment file the units' cross-checks look for in the contract.
    func capturedSample(mtls: Bool = false) throws -> (SampleRoot, String, ProcessOutcome) {
        let root = try SampleRoot(mtls: mtls)
        let (contract, outcome) = try capture(
            root: root.path,
            ["--env-file", CaptureTests.environmentFile, "--nginx", "/etc/nginx/nginx.conf"]
                + Self.units.flatMap { ["--unit", $0] } + CaptureTests.samplePaths)
        return (root, contract, outcome)
    }

    func edit(_ root: SampleRoot, _ path: String, _ from: String, _ to: String) throws {
        let text = try String(contentsOfFile: root.at(path), encoding: .utf8)
        #expect(text.contains(from), "\(path) lacks \(from)")
        try text.replacing(from, with: to).write(toFile: root.at(path), atomically: false, encoding: .utf8)
    }

    @Test func theCapturedServicesLintAndHold() throws {
        let (root, contract, _) = try capturedSample()
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        let (status, report) = try lintAndCheck(contract, root: root.path)
        #expect(status == 0, "\(report.failures)\n\(text)")
        #expect(report.failures.isEmpty)
        #expect(text.contains("""
            # from /etc/systemd/system/lx-annotate.service
            [[unit]]
            name = "lx-annotate.service"
            enabled = true
            properties = { Type = "simple", User = "lx-annotate", Group = "lx-annotate", WorkingDirectory = "/home/lx-annotate/lx-annotate-wheel", EnvironmentFile = "/var/lib/lx-annotate/.env.systemd", Restart = "on-failure", ProtectSystem = "strict", ReadWritePaths = "/var/lib/lx-annotate" }
            """))
        #expect(text.contains("""
            [[unit]]
            name = "lx-annotate-sap-import.path"
            enabled = true
            properties = { PathExistsGlob = "/var/lib/lx-annotate/data/import/sap_import/*.zip", Unit = "lx-annotate-sap-import.service" }
            """))
        // A static unit (no [Install]) has no enabled rule.
        #expect(text.contains("# systemctl is-enabled: static, so no enabled rule\n[[unit]]\nname = \"lx-annotate-sap-import.service\"\nproperties = {"))
        #expect(text.contains("""
            [nginx]
            config = "/etc/nginx/nginx.conf"
            server_name = "annotate.example.org"
            """))
        #expect(text.contains("""
            # location /protected_media/ at \(Self.site):15
            [[nginx.location]]
            path = "/protected_media/"
            directives = { internal = true, alias = "/var/lib/lx-annotate/data/storage/" }
            """))
        #expect(text.contains("path = \"/static/\"\ndirectives = { alias = \"/var/lib/lx-annotate/staticfiles/\" }"))
        #expect(text.contains("path = \"/\"\ndirectives = { proxy_pass = \"http://127.0.0.1:8000\" }"))
        #expect(report.results(subject: "/protected_media/", check: "internal").count == 1)
        #expect(report.results(subject: "lx-annotate.service", check: "enabled").count == 1)
    }

    /// Each fault planted after the capture fails exactly the checks it concerns.
    @Test(arguments: ["remove internal", "change alias", "disable unit", "change user"])
    func aPlantedFaultFailsTheCapturedServices(fault: String) throws {
        let (root, contract, _) = try capturedSample()
        let expected: Set<String>
        switch fault {
        case "remove internal":
            try edit(root, Self.site, "        internal;\n", "")
            expected = ["nginx /protected_media/ internal"]
        case "change alias":
            try edit(root, Self.site, "alias /var/lib/lx-annotate/data/storage/;", "alias /var/lib/lx-annotate/data/;")
            expected = ["nginx /protected_media/ alias"]
        case "disable unit":
            // What `systemctl --root R disable lx-annotate.service` does: remove the wants link.
            root.remove("/etc/systemd/system/multi-user.target.wants/lx-annotate.service")
            expected = ["unit lx-annotate.service enabled"]
        default:
            try edit(root, "/etc/systemd/system/lx-annotate-watcher.service", "User=lx-annotate\n", "User=lx-watcher\n")
            expected = ["unit lx-annotate-watcher.service User", "unit lx-annotate-watcher.service user"]
        }
        let outcome = try hostcontract("check", contract, "--root", root.path, "--format", "json")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(outcome.status == 1)
        #expect(report.failures == expected)
    }

    /// With mTLS, nginx names its certificates and keys: capture writes no ssl directive and no
    /// key content, and the contract still holds.
    @Test func keyPathsInTheNginxConfigurationAreNotRead() throws {
        let (root, contract, outcome) = try capturedSample(mtls: true)
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        for output in [text, outcome.all] {
            #expect(!output.contains("PRIVATE KEY"))
            #expect(!output.contains("ssl_"))
            #expect(!output.contains("server.key"))
        }
        let (status, report) = try lintAndCheck(contract, root: root.path)
        #expect(status == 0, "\(report.failures)\n\(text)")
    }

    /// A regex location, a named one and a path found twice are reported on standard error and
    /// left out; the rest holds.
    @Test func locationsTheFormatCannotNameAreReported() throws {
        let root = try SampleRoot()
        try edit(root, Self.site, "    location / {\n", """
                location ~* \\.map$ {
                    return 404;
                }

                location @django {
                    proxy_pass http://127.0.0.1:8000;
                }

                location /static/ {
                    return 404;
                }

                location / {

            """)
        let (contract, outcome) = try capture(root: root.path, ["--nginx", "/etc/nginx/nginx.conf"])
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        #expect(outcome.standardError.contains("location ~* \\.map$ at \(Self.site):"))
        #expect(outcome.standardError.contains("a regex location; skipped"))
        #expect(outcome.standardError.contains("location @django at \(Self.site):"))
        #expect(outcome.standardError.contains("location /static/ appears 2 times"))
        #expect(!text.contains("/static/"))
        #expect(!text.contains(".map"))
        #expect(!text.contains("@django"))
        #expect(text.contains("path = \"/protected_media/\""))
        let (status, report) = try lintAndCheck(contract, root: root.path)
        #expect(status == 0, "\(report.failures)\n\(text)")
    }

    /// A unit that is not there, or a name that is not a unit's, is bad usage; a .path unit
    /// whose watched directory is not among the PATHs is noted (check would report it).
    @Test func aMissingUnitIsBadUsage() throws {
        let root = try SampleRoot()
        let (_, missing) = try capture(root: root.path, ["--unit", "nowhere.service"], status: 2)
        #expect(missing.standardError.contains("\"nowhere.service\" is not in systemd's unit search path"))
        let (_, invalid) = try capture(root: root.path, ["--unit", "no-type"], status: 2)
        #expect(invalid.standardError.contains("is not a unit name"))
        let (_, unreadable) = try capture(root: root.path, ["--nginx", "/etc/nginx/absent.conf"], status: 2)
        #expect(unreadable.standardError.contains("does not exist"))
        let (_, watched) = try capture(root: root.path, ["--unit", "lx-annotate-sap-import.path"])
        #expect(watched.standardError.contains(
            "unit lx-annotate-sap-import.path watches /var/lib/lx-annotate/data/import/sap_import/*.zip: give /var/lib/lx-annotate/data/import/sap_import (or a directory above it) as a PATH too"))
    }

    /// The EDM annotator root: two server blocks (HTTPS and the redirect) with one server name,
    /// vendor units under /usr/lib, a timer.
    @Test func theEDMRootCapturedHoldsAndFailsOnAChangedAlias() throws {
        let root = try EDMRoot()
        let units = ["edm-annotator-backend.service", "nginx.service", "certbot.timer", "certbot.service"]
        let (contract, _) = try capture(root: root.path, ["--nginx", "/etc/nginx/nginx.conf"] + units.flatMap { ["--unit", $0] })
        let text = try String(contentsOfFile: contract, encoding: .utf8)
        #expect(text.contains("server_name = \"annotator.example.com\""))
        #expect(text.contains("path = \"/audio/\"\ndirectives = { alias = \"/srv/edm/audio/\" }"))
        #expect(text.contains("path = \"/\"\ndirectives = { root = \"/srv/edm/frontend/dist\" }"))
        #expect(text.contains("name = \"certbot.timer\"\nenabled = true\nproperties = { OnCalendar = \"*-*-* 00,12:00:00\", Persistent = \"true\" }"))
        #expect(text.contains("# from /usr/lib/systemd/system/nginx.service\n[[unit]]\nname = \"nginx.service\"\nenabled = true"))
        #expect(!text.contains("htpasswd"))
        let (status, report) = try lintAndCheck(contract, root: root.path)
        #expect(status == 0, "\(report.failures)\n\(text)")
        try root.edit("/etc/nginx/sites-available/edm-annotator", "alias /srv/edm/audio/;", "alias /srv/edm/;")
        let changed = try hostcontract("check", contract, "--root", root.path, "--format", "json")
        #expect(changed.status == 1)
        #expect(try JSONReportView(changed.standardOutput).failures == ["nginx /audio/ alias"])
    }
}
