import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// The tmpfiles.d rendering rules that follow systemd-tmpfiles' unsafe-transition guard (the
/// real systemd-tmpfiles runs the fragments in the integration tests).
@Suite struct TmpfilesFragmentTests {
    func render(_ text: String, _ values: [String: String] = [:]) throws -> (text: String, notes: [String]) {
        let contract = try #require(ContractLoader.load(text: text, file: "app.toml", patterns: .pcre2).contract)
        return TmpfilesFragment(contract: contract, environment: ResolvedEnvironment(contract: contract, given: values)).render()
    }

    static let header = """
        contract = "app"
        schema = 1

        [[directory]]
        path = "/var/lib/app"
        owner = "app"
        group = "app"
        mode = "0750"

        """

    @Test func linesAtAndBelowAMountPointInAServiceOwnedDirectoryTolerateFailure() throws {
        let (text, notes) = try render(Self.header + """
            [[directory]]
            path = "/var/lib/app/data"
            owner = "app"
            group = "app"
            mode = "0750"
            create = false

            [[directory]]
            path = "/var/lib/app/data/import"
            owner = "app"
            group = "app"
            mode = "0770"
            acl = ["group:nginx:r-x"]

            [[directory]]
            path = "/var/lib/app/static"
            owner = "app"
            group = "app"
            mode = "0755"
            """)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == [
            "d /var/lib/app 0750 app app -",
            "z- /var/lib/app/data 0750 app app -",
            "d- /var/lib/app/data/import 0770 app app -",
            "a+- /var/lib/app/data/import - - - - group:nginx:r-x",
            "d /var/lib/app/static 0755 app app -",
        ])
        #expect(text.contains("# Mount points inside a directory owned by an unprivileged user: /var/lib/app/data.\n"))
        #expect(notes == [
            "app.toml: /var/lib/app/data and the lines below it may fail until the volume mounted there is owned by app "
                + "(systemd-tmpfiles refuses the unsafe path transition from /var/lib/app, owned by app, to a fresh filesystem's "
                + "root, owned by root); hostcontract provision gives it its owner",
        ])
    }

    @Test func anEncryptedPathCountsAsAMountPoint() throws {
        let (text, _) = try render(Self.header + """
            [[directory]]
            path = "/var/lib/app/data"
            owner = "app"
            group = "app"
            mode = "0750"

            [[encrypted]]
            path = "/var/lib/app/data"
            type = "luks2"
            """)
        #expect(text.contains("\nd- /var/lib/app/data 0750 app app -\n"))
    }

    @Test func aMountPointInARootOwnedDirectoryIsAppliedAsItIs() throws {
        let (text, notes) = try render("""
            contract = "app"
            schema = 1

            [[directory]]
            path = "/srv/data"
            owner = "app"
            group = "app"
            mode = "0750"
            create = false

            [[directory]]
            path = "/srv/data/import"
            owner = "app"
            group = "app"
            mode = "0770"
            """)
        // systemd-tmpfiles may always move from a root-owned directory: it gives the volume its owner itself.
        #expect(text.contains("\nz /srv/data 0750 app app -\nd /srv/data/import 0770 app app -\n"))
        #expect(!text.contains("Mount points inside"))
        #expect(notes.isEmpty)
    }

    @Test func aMountPointDeclaredForRootInAServiceOwnedDirectoryIsLeftOutNotTolerated() throws {
        let (text, _) = try render(Self.header + """
            [[directory]]
            path = "/var/lib/app/data"
            owner = "root"
            group = "root"
            mode = "0755"
            create = false
            """)
        #expect(text.contains("# left out: /var/lib/app (owned by app) -> /var/lib/app/data (owned by root) is an unsafe path transition"))
        #expect(text.contains("\n# z /var/lib/app/data 0755 root root -\n"))
        #expect(!text.contains("z- "))
    }
}
