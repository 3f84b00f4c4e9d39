import Foundation
import TestSupport
import Testing

/// The [nginx] rules of the lx-annotate contract on real configurations that the real nginx
/// accepts: each fault the guides warn about, in its own root, reported with file and line.
@Suite(.enabled(if: runningAsRoot && nginxInstalled, "needs root and nginx"))
struct NginxRuleTests {
    let site = "/etc/nginx/conf.d/lx-annotate.conf"

    func edit(_ root: SampleRoot, _ from: String, _ to: String) throws {
        let path = root.at(site)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(from), "fixture lacks \(from)")
        try text.replacing(from, with: to).write(toFile: path, atomically: false, encoding: .utf8)
    }

    func nginxFailures(_ root: SampleRoot) throws -> (Int32, JSONReportView) {
        let outcome = try hostcontract("check", "contracts/lx-annotate.toml", "--root", root.path, "--only", "nginx", "--format", "json")
        return (outcome.status, try JSONReportView(outcome.standardOutput))
    }

    @Test(arguments: ["", "mtls"])
    func theSampleConfigurationIsRealAndHolds(_ variant: String) throws {
        let root = variant.isEmpty ? try SampleRoot() : try SampleRoot(role: "central_hub", mtls: true)
        let accepted = try nginxAccepts(root: root.path)
        #expect(accepted.status == 0, "\(accepted.all)")
        let (status, report) = try nginxFailures(root)
        #expect(status == 0, "\(report.failures)")
        #expect(report.results.count >= 16)
    }

    @Test func protectedMediaWithoutInternal() throws {
        let root = try SampleRoot()
        try edit(root, "        internal;\n", "")
        #expect(try nginxAccepts(root: root.path).status == 0)
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        // Without internal, the location hands out the protected root's storage to anyone.
        #expect(report.failures == ["nginx /protected_media/ internal", "nginx /var/lib/lx-annotate/data exposure"])
        let finding = try #require(report.results(subject: "/protected_media/", check: "internal").first)
        #expect((finding["message"] as? String)?.contains("location /protected_media/ at \(site):15 lacks internal") == true)
        let exposure = try #require(report.results(subject: "/var/lib/lx-annotate/data", check: "exposure").first)
        #expect((exposure["message"] as? String)?.contains("location /protected_media/ at \(site):15 serves /var/lib/lx-annotate/data/storage") == true, "\(exposure)")
    }

    @Test func protectedMediaAliasedElsewhere() throws {
        let root = try SampleRoot()
        try edit(root, "alias /var/lib/lx-annotate/data/storage/;", "alias /var/lib/lx-annotate/data/;")
        #expect(try nginxAccepts(root: root.path).status == 0)
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        #expect(report.failures == ["nginx /protected_media/ alias"])
        let finding = try #require(report.results(subject: "/protected_media/", check: "alias").first)
        #expect(finding["expected"] as? String == "/var/lib/lx-annotate/data/storage/")
        #expect((finding["message"] as? String)?.contains("\(site):17") == true)
    }

    @Test func aliasTraversal() throws {
        let root = try SampleRoot()
        try edit(root, "location /protected_media/ {", "location /protected_media {")
        #expect(try nginxAccepts(root: root.path).status == 0)
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        #expect(report.failures == ["nginx /protected_media/ alias_traversal"])
        let finding = try #require(report.results(subject: "/protected_media/", check: "alias_traversal").first)
        #expect((finding["message"] as? String)?.contains("location /protected_media at \(site):15 has no trailing '/'") == true)
        #expect((finding["message"] as? String)?.contains("/protected_media../ reaches the parent") == true)
    }

    @Test func aMissingLocation() throws {
        let root = try SampleRoot()
        try edit(root, "    location /static/ {\n        alias /var/lib/lx-annotate/staticfiles/;\n    }\n", "")
        #expect(try nginxAccepts(root: root.path).status == 0)
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        #expect(report.failures == ["nginx /static/ location"])
        let finding = try #require(report.results(subject: "/static/", check: "location").first)
        #expect((finding["message"] as? String)?.contains("no location /static/ in any server (server at \(site):1)") == true)
    }

    @Test func mutualTLSRequiredButVerificationOff() throws {
        let root = try SampleRoot(role: "central_hub", mtls: true)
        try edit(root, "ssl_verify_client optional;", "ssl_verify_client off;")
        #expect(try nginxAccepts(root: root.path).status == 0)
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        #expect(report.failures == ["nginx server ssl_verify_client"])
        let finding = try #require(report.results(subject: "server", check: "ssl_verify_client").first)
        #expect((finding["message"] as? String)?.contains("ssl_verify_client off (\(site):6)") == true)
        #expect((finding["message"] as? String)?.hasSuffix("hub transfer intake must sit behind client-certificate verification") == true)
    }

    @Test func theWorkerUserOutsideTheServiceGroupCannotReadTheAliases() throws {
        let root = try SampleRoot()
        try "root:x:0:\nlx-annotate:x:990:\nnginx:x:991:\nsensitiveServices:x:989:lx-annotate\n"
            .write(toFile: root.at("/etc/group"), atomically: false, encoding: .utf8)
        #expect(try nginxAccepts(root: root.path).status == 0)
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        #expect(report.failures == ["nginx /static/ worker_access", "nginx /protected_media/ worker_access"])
        let finding = try #require(report.results(subject: "/protected_media/", check: "worker_access").first)
        #expect(finding["message"] as? String == "nginx (the nginx worker, user directive at /etc/nginx/nginx.conf:1) cannot read /var/lib/lx-annotate/data/storage/ (alias at \(site):17): cannot search /var/lib/lx-annotate: other has ---, and nginx is not in group lx-annotate")
    }

    @Test func aSyntaxErrorIsAFindingAndTheRestIsChecked() throws {
        let root = try SampleRoot()
        try edit(root, "proxy_set_header Connection \"upgrade\";", "proxy_set_header Connection \"upgrade;")
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        let syntax = report.results.filter { $0["check"] as? String == "syntax" }
        #expect(!syntax.isEmpty)
        // nginx reads the rest of the file into the quote and fails at its end, line 35 (the
        // last line, 34, ends with a newline); the finding says where the quote opened.
        #expect(syntax.first?["message"] as? String == "\(site):35: unexpected end of file, expecting \";\" or \"}\" (the double quote opened on line 32 is not closed)")
        #expect(try nginxAccepts(root: root.path).standardError.contains("unexpected end of file, expecting \";\" or \"}\" in \(site):35"))
        // What comes before the error is still checked.
        #expect(report.results(subject: "/protected_media/", check: "internal").first?["status"] as? String == "pass")
    }

    /// A directive whose `;` is missing before the location's `}` was read as if it had one;
    /// nginx -t rejects it, and so does hostcontract, at the line nginx names.
    @Test func aMissingSemicolonBeforeTheClosingBraceIsAFinding() throws {
        let root = try SampleRoot()
        try edit(root, "alias /var/lib/lx-annotate/staticfiles/;\n    }", "alias /var/lib/lx-annotate/staticfiles/ }")
        let accepted = try nginxAccepts(root: root.path)
        #expect(accepted.status != 0)
        #expect(accepted.standardError.contains("unexpected \"}\" in \(site):7"), "\(accepted.all)")
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        let syntax = report.results.filter { $0["check"] as? String == "syntax" }.compactMap { $0["message"] as? String }
        #expect(syntax == ["\(site):7: unexpected \"}\""])
        // The location is still read, its alias with it.
        #expect(report.results(subject: "/static/", check: "alias").first?["status"] as? String == "pass")
    }

    /// A `;` missing before a block: the directive takes the block's name as arguments.
    @Test func aMissingSemicolonBeforeABlockIsAFinding() throws {
        let root = try SampleRoot()
        try edit(root, "client_max_body_size 2g;", "client_max_body_size 2g")
        let accepted = try nginxAccepts(root: root.path)
        #expect(accepted.standardError.contains("directive \"client_max_body_size\" is not terminated by \";\" in \(site):6"), "\(accepted.all)")
        let (status, report) = try nginxFailures(root)
        #expect(status == 1)
        let syntax = report.results.filter { $0["check"] as? String == "syntax" }.compactMap { $0["message"] as? String }
        #expect(syntax == ["\(site):6: directive \"client_max_body_size\" is not terminated by \";\""])
    }

    @Test func anUnreadableIncludeIsAFinding() throws {
        let root = try SampleRoot()
        let main = root.at("/etc/nginx/nginx.conf")
        let text = try String(contentsOfFile: main, encoding: .utf8)
        try text.replacing("include /etc/nginx/conf.d/*.conf;", with: "include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/missing.conf;")
            .write(toFile: main, atomically: false, encoding: .utf8)
        let (_, report) = try nginxFailures(root)
        let syntax = try #require(report.results.first { $0["check"] as? String == "syntax" })
        #expect((syntax["message"] as? String)?.hasPrefix("/etc/nginx/nginx.conf:13: include /etc/nginx/missing.conf cannot be read: no such file or directory") == true)
    }
}
