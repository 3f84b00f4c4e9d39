import Foundation
import TestSupport
import Testing

/// contracts/edm-annotator.toml on the guide's own nginx site.
@Suite(.enabled(if: runningAsRoot && nginxInstalled, "needs root and nginx"))
struct EDMContractTests {
    let site = "/etc/nginx/sites-enabled/edm-annotator"

    func check(_ root: EDMRoot) throws -> (Int32, JSONReportView) {
        let outcome = try hostcontract("check", "contracts/edm-annotator.toml", "--root", root.path, "--format", "json")
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
        #expect((finding["message"] as? String)?.contains("location /api/ at \(site):12 lacks proxy_set_header Upgrade $http_upgrade") == true)
    }

    @Test func theAudioAliasPointsElsewhere() throws {
        let root = try EDMRoot()
        try root.edit(site, "alias /srv/edm/audio/;", "alias /srv/edm/annotations/;")
        let (status, report) = try check(root)
        #expect(status == 1)
        // nginx would also need to read the annotations, which only edm may.
        #expect(report.failures == ["nginx /audio/ alias", "nginx /audio/ worker_access"])
    }

    @Test func aMissingAudioDirectoryAndABadLogLevel() throws {
        let root = try EDMRoot()
        try FileManager.default.removeItem(atPath: root.at("/srv/edm/audio"))
        try root.edit("/etc/edm-annotator/edm.env", "EDM_LOG_LEVEL=INFO", "EDM_LOG_LEVEL=verbose")
        let (status, report) = try check(root)
        #expect(status == 1)
        #expect(report.failures.isSuperset(of: ["variable EDM_AUDIO_DIR exists", "variable EDM_LOG_LEVEL one_of", "access /srv/edm/audio read"]))
        let level = try #require(report.results(subject: "EDM_LOG_LEVEL", check: "one_of").first)
        #expect(level["message"] as? String == "EDM_LOG_LEVEL is 'verbose', which is not one of 'DEBUG', 'INFO', 'WARNING', 'ERROR'")
    }
}
