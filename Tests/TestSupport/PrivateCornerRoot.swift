import Foundation

/// A small root that holds its contract, with one corner only root may enter: every path is as
/// the contract declares, but a user other than root cannot inspect all of them. Run as root,
/// `check` passes; run as nobody (``asNobody(_:)``), some checks cannot be evaluated.
public final class PrivateCornerRoot: @unchecked Sendable {
    public let directory = TemporaryDirectory("private-corner")
    public var path: String { directory.path + "/root" }
    public var contract: String { directory.path + "/corner.toml" }

    public init() throws {
        let script = """
            set -e
            r='\(directory.path)/root'
            mkdir -p "$r/srv/open" "$r/srv/private" "$r/srv/tree/inner"
            chmod 0755 '\(directory.path)' "$r" "$r/srv" "$r/srv/open" "$r/srv/tree"
            chmod 0700 "$r/srv/private" "$r/srv/tree/inner"
            echo 'LEVEL=info' > "$r/srv/private/app.conf"
            echo 'LEVEL=info' > "$r/srv/open/app.env"
            echo 'data' > "$r/srv/tree/inner/file"
            chmod 0640 "$r/srv/private/app.conf" "$r/srv/tree/inner/file"
            chmod 0600 "$r/srv/open/app.env"
            """
        let outcome = try run("/bin/sh", ["-c", script])
        guard outcome.status == 0 else { throw FixtureError(message: outcome.all) }
        directory.write("corner.toml", """
            contract = "corner"
            schema = 1

            [[directory]]
            path = "/srv/open"
            mode = "0755"

            [[directory]]
            path = "/srv/private"
            mode = "0700"

            [[file]]
            path = "/srv/private/app.conf"
            mode = "0640"

            [[file]]
            path = "/srv/open/app.env"
            mode = "0600"
            forbid = ['^DEBUG=']

            [[tree]]
            path = "/srv/tree"
            max_file_mode = "0644"
            """)
    }

    /// The host path of `path` inside the root.
    public func at(_ path: String) -> String { self.path + path }

    /// The checks a user other than root cannot evaluate here, as "kind subject check".
    public static let unevaluated: Set<String> = [
        "file /srv/private/app.conf exists", "file /srv/open/app.env forbid", "tree /srv/tree readable",
    ]
}

/// Runs the built `hostcontract` as nobody (uid and gid 65534, no supplementary groups), from
/// the package directory.
public func hostcontractAsNobody(_ arguments: [String]) throws -> ProcessOutcome {
    try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", hostcontractExecutable] + arguments)
}
