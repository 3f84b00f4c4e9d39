import Foundation
import TestSupport
import Testing

/// `directives = { limit_req = { matches = "^zone=upload " } }` through the built binary, on a
/// configuration the real nginx accepts: the upload location rate-limited by the wrong zone
/// (inherited from its server) is a finding naming the file and line; with its own limit_req
/// in the upload zone it holds.
@Suite(.enabled(if: runningAsRoot && nginxInstalled, "needs root and nginx"))
struct NginxArgumentRuleTests {
    static let configuration = """
        user www-data;
        events {}
        http {
            limit_req_zone $binary_remote_addr zone=upload:10m rate=1r/s;
            limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
            server {
                listen 8080;
                server_name hub.example.org;
                limit_req zone=api burst=10;
                location /upload/ {
                    client_max_body_size 2g;
                }
            }
        }

        """

    static let contract = """
        contract = "upload"
        schema = 1

        [nginx]
        config = "/etc/nginx/nginx.conf"
        server_name = "hub.example.org"

        [[nginx.location]]
        path = "/upload/"
        directives = { limit_req = { matches = "^zone=upload " }, client_max_body_size = { matches = '^\\d+[gG]$' } }

        [[nginx.server]]
        directives = { limit_req = { present = true } }
        """

    @Test func theWrongZoneIsAFindingAndTheRightOneHolds() throws {
        let root = TemporaryDirectory("nginx-matches")
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n")
        root.write("etc/group", "root:x:0:\nwww-data:x:33:\n")
        let file = root.write("etc/nginx/nginx.conf", Self.configuration)
        let contract = root.write("upload.toml", Self.contract)
        #expect(try nginxAccepts(root: root.path).status == 0)

        let outcome = try hostcontract("check", contract, "--root", root.path, "--format", "json", "--allow-untrusted-contract")
        #expect(outcome.status == 1, "\(outcome.all)")
        let report = try JSONReportView(outcome.standardOutput)
        #expect(report.failures == ["nginx /upload/ limit_req"])
        let finding = try #require(report.results(subject: "/upload/", check: "limit_req").first)
        #expect(finding["message"] as? String
            == "location /upload/ at /etc/nginx/nginx.conf:10 has limit_req zone=api burst=10 (/etc/nginx/nginx.conf:9) (inherited from the server at /etc/nginx/nginx.conf:6), none matching '^zone=upload '")
        #expect(finding["line"] as? Int == 10)
        #expect(report.results(subject: "/upload/", check: "client_max_body_size").first?["status"] as? String == "pass")
        #expect(report.results(subject: "hub.example.org", check: "limit_req").first?["status"] as? String == "pass")

        try Self.configuration.replacing("client_max_body_size 2g;", with: "client_max_body_size 2g;\n            limit_req zone=upload burst=5 nodelay;")
            .write(toFile: file, atomically: false, encoding: .utf8)
        #expect(try nginxAccepts(root: root.path).status == 0)
        let holds = try hostcontract("check", contract, "--root", root.path, "--allow-untrusted-contract")
        #expect(holds.status == 0, "\(holds.all)")
    }
}
