import Foundation
import TestSupport
import Testing

/// contracts/edm-annotator.toml on the guide's own nginx site.
@Suite(.enabled(if: runningAsRoot && nginxInstalled, "needs root and nginx"))
struct EDMContractTests {
    let site = "/etc/nginx/sites-enabled/edm-annotator"

    func check(_ root: EDMRoot, environmentFile: String? = nil) throws -> (Int32, JSONReportView) {
        let outcome = try run(hostcontractExecutable, ["check", packageDirectory.path + "/contracts/edm-annotator.toml", "--root", root.path,
                                                       "--format", "json"] + (environmentFile.map { ["--env-file", $0] } ?? []))
        return (outcome.status, try JSONReportView(outcome.standardOutput))
    }

    @Test func theGuidesSiteIsRealAndHolds() throws {
        let root = try EDMRoot()
        let accepted = try nginxAccepts(root: root.path)
        #expect(accepted.status == 0, "\(accepted.all)")
        let (status, report) = try check(root)
        #expect(status == 0, "\(report.failures)")
        #expect(report.results.count > 30)
    }

    @Test func missingWebSocketUpgradeHeaders() throws {
        let root = try EDMRoot()
        try root.edit(site, "        proxy_set_header Upgrade $http_upgrade;\n", "")
        #expect(try nginxAccepts(root: root.path).status == 0)
        let (status, report) = try check(root)
        #expect(status == 1)
        #expect(report.failures == ["nginx /api/ proxy_set_header"])
        let finding = try #require(report.results(subject: "/api/", check: "proxy_set_header").first)
        #expect((finding["message"] as? String)?.contains("location /api/ at \(site):14 lacks proxy_set_header Upgrade $http_upgrade") == true)
    }

    @Test func theAudioAliasPointsElsewhere() throws {
        let root = try EDMRoot()
        try root.edit(site, "alias /srv/edm/audio/;", "alias /srv/edm/annotations/;")
        let (status, report) = try check(root)
        #expect(status == 1)
        // nginx would also need to read the annotations, which only edm may.
        #expect(report.failures == ["nginx /audio/ alias", "nginx /audio/ worker_access"])
    }

    /// The backend's variables are the unit's Environment= lines (the guide uses no environment
    /// file): a level the backend does not know is found in the unit file, by line.
    @Test func aMissingAudioDirectoryAndABadLogLevel() throws {
        let root = try EDMRoot()
        let unit = "/etc/systemd/system/edm-annotator-backend.service"
        try FileManager.default.removeItem(atPath: root.at("/srv/edm/audio"))
        try root.edit(unit, "EDM_LOG_LEVEL=INFO", "EDM_LOG_LEVEL=verbose")
        let (status, report) = try check(root)
        #expect(status == 1)
        #expect(report.failures.isSuperset(of: ["variable EDM_AUDIO_DIR exists", "file \(unit) forbid", "access /srv/edm/audio read"]))
        let level = try #require(report.results(subject: unit, check: "forbid").first { $0["status"] as? String == "fail" })
        #expect((level["message"] as? String)?.hasPrefix("line 12 matches forbidden pattern 'EDM_LOG_LEVEL=") == true, "\(level)")
    }

    /// Option 2 of the guide's access control (lines 242-249): an IP allowlist in place of basic
    /// authentication, chosen with EDM_ACCESS_CONTROL=allowlist in an --env-file.
    @Test func anAllowlistInsteadOfBasicAuthentication() throws {
        let root = try EDMRoot()
        try root.edit(site, "    auth_basic \"EDM Annotator\";\n    auth_basic_user_file /etc/nginx/.htpasswd;\n",
                      "    allow 192.168.1.0/24;\n    allow 10.0.0.0/8;\n    deny all;\n")
        try FileManager.default.removeItem(atPath: root.at("/etc/nginx/.htpasswd"))
        #expect(try nginxAccepts(root: root.path).status == 0)
        let choice = root.directory.write("access-control.env", "EDM_ACCESS_CONTROL=allowlist\n")
        let (status, report) = try check(root, environmentFile: choice)
        #expect(status == 0, "\(report.failures)")
        #expect(report.results(subject: "/api/", check: "deny").first?["status"] as? String == "pass")
        // Without the choice the contract asks for basic authentication, which this site lacks.
        let (basic, basicReport) = try check(root)
        #expect(basic == 1)
        #expect(basicReport.failures.isSuperset(of: ["nginx / auth_basic", "nginx /api/ auth_basic", "nginx /audio/ auth_basic", "file /etc/nginx/.htpasswd exists"]),
                "\(basicReport.failures)")
        // An allowlist without `deny all` lets everyone in.
        try root.edit(site, "    deny all;\n", "")
        let (open, openReport) = try check(root, environmentFile: choice)
        #expect(open == 1)
        #expect(openReport.failures == ["nginx / deny", "nginx /api/ deny", "nginx /audio/ deny"], "\(openReport.failures)")
    }

    /// A host that follows the guide's unit has no environment file, and the contract asks for none.
    @Test func theGuidesUnitNeedsNoEnvironmentFile() throws {
        let root = try EDMRoot()
        #expect(!FileManager.default.fileExists(atPath: root.at("/etc/edm-annotator")))
        let (status, report) = try check(root)
        #expect(status == 0, "\(report.failures)")
        #expect(report.results.allSatisfy { $0["kind"] as? String != "environment" })
    }
}
