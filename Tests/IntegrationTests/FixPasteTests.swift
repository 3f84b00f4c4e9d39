import Foundation
import TestSupport
import Testing

/// Fixes that work when pasted (issue 12): for every planted fault, `check --root R --format
/// json`, then each printed fix line run as an operator would paste it (`/bin/sh -c`, as root,
/// its paths inside R), then `check` again: every finding whose fix was a command is gone, and
/// no new finding appeared. A fix that needs a decision is not run, and names no command.
///
/// The image's accounts have ids this machine does not give those names (www-data 990 where
/// Debian has 33, backup 991 for 34, staff 995 for 50; lx-annotate, nginx and sensitiveServices
/// do not exist here at all), so a fix that looks a name up on this machine fails or sets the
/// wrong id, and the second check sees it.
@Suite(.enabled(
    if: runningAsRoot && ["/usr/bin/setfacl", "/usr/sbin/usermod", "/usr/sbin/useradd", "/usr/sbin/groupadd", "/usr/bin/gpasswd"]
        .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
    "needs root, setfacl and shadow-utils"))
struct FixPasteTests {
    /// A fault planted by a shell script in a fresh root (`$R`).
    struct Fault: Sendable, CustomTestStringConvertible {
        enum Image: Sendable { case lxAnnotate, paste }
        var name: String
        var image: Image
        var plant: String
        /// Why this fault's fixes are known not to work yet (a file this suite does not own).
        var knownIssue: String? = nil
        /// Whether its findings are the operator's to decide: then no command is printed at all.
        var decides = false

        var testDescription: String { name }
    }

    static let lx = "/etc/secrets/vault/lx-annotate-master.key"
    static let storage = "/var/lib/lx-annotate/data/storage"

    static let faults: [Fault] = [
        // lx-annotate, on the sample root.
        Fault(name: "lx: master key root:root 0400", image: .lxAnnotate, plant: "chown 0:0 $R\(lx) && chmod 0400 $R\(lx)"),
        Fault(name: "lx: master key readable by a named-user entry (the via loop)", image: .lxAnnotate,
              plant: "setfacl -m u:990:r $R\(lx)"),
        Fault(name: "lx: master key group without a name", image: .lxAnnotate, plant: "chgrp 996 $R\(lx)"),
        Fault(name: "lx: master key mode 0644", image: .lxAnnotate, plant: "chmod 0644 $R\(lx)"),
        Fault(name: "lx: LUKS key 0440 and group lx-annotate", image: .lxAnnotate,
              plant: "chgrp 990 $R/etc/secrets/vault/lx-annotate-luks.key && chmod 0440 $R/etc/secrets/vault/lx-annotate-luks.key"),
        Fault(name: "lx: vault group root", image: .lxAnnotate, plant: "chgrp 0 $R/etc/secrets/vault"),
        Fault(name: "lx: nginx not in lx-annotate", image: .lxAnnotate,
              plant: "sed -i 's/^lx-annotate:x:990:nginx$/lx-annotate:x:990:/' $R/etc/group && grep -q '^lx-annotate:x:990:$' $R/etc/group"),
        Fault(name: "lx: lx-annotate not in sensitiveServices", image: .lxAnnotate,
              plant: "sed -i 's/^sensitiveServices:x:989:lx-annotate$/sensitiveServices:x:989:/' $R/etc/group && grep -q '^sensitiveServices:x:989:$' $R/etc/group"),
        Fault(name: "lx: protected media 0755 all the way and nginx out of the group", image: .lxAnnotate,
              plant: "chmod 0755 $R/var/lib/lx-annotate $R/var/lib/lx-annotate/data $R\(storage) && sed -i 's/^lx-annotate:x:990:nginx$/lx-annotate:x:990:/' $R/etc/group"),
        Fault(name: "lx: storage 0770 (nginx could write)", image: .lxAnnotate, plant: "chmod 0770 $R\(storage)"),
        Fault(name: "lx: import 0755", image: .lxAnnotate, plant: "chmod 0755 $R/var/lib/lx-annotate/data/import"),
        Fault(name: "lx: import subdirectory root:root 0700", image: .lxAnnotate,
              plant: "chown 0:0 $R/var/lib/lx-annotate/data/import/sap_import && chmod 0700 $R/var/lib/lx-annotate/data/import/sap_import"),
        Fault(name: "lx: import subdirectory missing", image: .lxAnnotate, plant: "rmdir $R/var/lib/lx-annotate/data/import/sap_import"),
        Fault(name: "lx: storage tree: a file root:root 0666, a directory 0777", image: .lxAnnotate,
              plant: "chown 0:0 $R\(storage)/videos/case-0001.mp4 && chmod 0666 $R\(storage)/videos/case-0001.mp4 && chmod 0777 $R\(storage)/videos"),
        Fault(name: "lx: staticfiles owned by root", image: .lxAnnotate, plant: "chown 0 $R/var/lib/lx-annotate/staticfiles"),
        Fault(name: "lx: environment file lx-annotate:root 0644", image: .lxAnnotate,
              plant: "chown 990:0 $R/var/lib/lx-annotate/.env.systemd && chmod 0644 $R/var/lib/lx-annotate/.env.systemd"),

        // The paste contract, on an image whose names exist here with other ids.
        Fault(name: "paste: directory owner root", image: .paste, plant: "chown 0 $R/srv/app/import"),
        Fault(name: "paste: directory group root", image: .paste, plant: "chgrp 0 $R/srv/app/cache"),
        Fault(name: "paste: directory owner, group and mode", image: .paste, plant: "chown 0:0 $R/srv/app/import && chmod 0700 $R/srv/app/import"),
        Fault(name: "paste: directory mode 0755", image: .paste, plant: "chmod 0755 $R/srv/app"),
        Fault(name: "paste: directory missing", image: .paste, plant: "rmdir $R/srv/app/cache"),
        Fault(name: "paste: file owner and group swapped", image: .paste, plant: "chown 990:0 $R/srv/app/app.env"),
        Fault(name: "paste: file mode 0666", image: .paste, plant: "chmod 0666 $R/srv/app/app.env"),
        Fault(name: "paste: key root:root 0400", image: .paste, plant: "chown 0:0 $R/srv/vault/master.key && chmod 0400 $R/srv/vault/master.key"),
        Fault(name: "paste: key 0644", image: .paste, plant: "chmod 0644 $R/srv/vault/master.key"),
        Fault(name: "paste: key owned by www-data", image: .paste, plant: "chown 990 $R/srv/vault/master.key"),
        Fault(name: "paste: key read through a named-user entry", image: .paste, plant: "setfacl -m u:990:r $R/srv/vault/master.key"),
        Fault(name: "paste: key read through a named-user entry, group bits off", image: .paste,
              plant: "setfacl -m u:990:r,g::-,m::r $R/srv/vault/master.key"),
        Fault(name: "paste: key readable by backup through a named entry", image: .paste, plant: "setfacl -m u:991:rw $R/srv/vault/master.key"),
        Fault(name: "paste: ACL entry missing", image: .paste, plant: "setfacl -b $R/srv/app/shared"),
        Fault(name: "paste: ACL entry too broad", image: .paste, plant: "setfacl -m g:991:rwx $R/srv/app/shared"),
        Fault(name: "paste: ACL mask too narrow", image: .paste, plant: "setfacl -n -m m::r $R/srv/app/shared"),
        Fault(name: "paste: backup not in www-data", image: .paste,
              plant: "sed -i 's/^www-data:x:990:backup$/www-data:x:990:/' $R/etc/group && grep -q '^www-data:x:990:$' $R/etc/group"),
        Fault(name: "paste: www-data not in staff", image: .paste,
              plant: "sed -i 's/^staff:x:995:www-data$/staff:x:995:/' $R/etc/group && grep -q '^staff:x:995:$' $R/etc/group"),
        Fault(name: "paste: backup joined staff, which is www-data's alone", image: .paste,
              plant: "sed -i 's/^staff:x:995:www-data$/staff:x:995:www-data,backup/' $R/etc/group && grep -q '^staff:x:995:www-data,backup$' $R/etc/group"),
        Fault(name: "paste: user backup missing", image: .paste,
              plant: "sed -i '/^backup:/d' $R/etc/passwd && sed -i 's/^www-data:x:990:backup$/www-data:x:990:/' $R/etc/group"),
        Fault(name: "paste: tree: file owner root, directory group root, a link owned by root", image: .paste,
              plant: "chown 0 $R/srv/app/data/sub/f && chgrp 0 $R/srv/app/data/sub && ln -s f $R/srv/app/data/sub/link && chown -h 0:0 $R/srv/app/data/sub/link"),
        Fault(name: "paste: tree: file 0666, directory 0777", image: .paste,
              plant: "chmod 0666 $R/srv/app/data/g && chmod 0777 $R/srv/app/data/sub"),
        Fault(name: "paste: tree top 0775", image: .paste, plant: "chmod 0775 $R/srv/app/data"),
        // Faults whose fixes are the operator's to decide.
        Fault(name: "paste: backup's uid outside the system range", image: .paste,
              plant: "sed -i 's/^backup:x:991:/backup:x:1500:/' $R/etc/passwd && grep -q '^backup:x:1500:' $R/etc/passwd", decides: true),
        Fault(name: "paste: an expired certificate", image: .paste,
              plant: "d=$(mktemp -d) && bash '\(packageDirectory.path)/Tests/Fixtures/pki/make-pki.sh' \"$d\" && cp \"$d/pki/expired.pem\" $R/srv/pki/ca.pem; s=$?; rm -rf \"$d\"; exit $s",
              decides: true),
    ]

    static let pasteContract = """
        contract = "paste"
        schema = 1

        [[directory]]
        path = "/srv/app"
        owner = "www-data"
        group = "www-data"
        mode = "0750"
        subdirs = ["import", "cache"]

        [[directory]]
        path = "/srv/app/shared"
        owner = "www-data"
        group = "www-data"
        mode = "0750"
        acl = ["group:backup:r-x"]

        [[directory]]
        path = "/srv/vault"
        owner = "root"
        group = "staff"
        mode = "0750"

        [[file]]
        path = "/srv/app/app.env"
        owner = "root"
        group = "www-data"
        mode = "0640"

        [[key]]
        path = "/srv/vault/master.key"
        owner = "root"
        group = "staff"
        mode = "0640"
        min_bytes = 32

        [[tree]]
        path = "/srv/app/data"
        owner = "www-data"
        group = "www-data"
        max_dir_mode = "0770"
        max_file_mode = "0660"

        [[user]]
        name = "www-data"
        system = true
        groups = ["staff"]

        [[user]]
        name = "backup"
        system = true
        groups = ["www-data"]

        [[group]]
        name = "staff"
        members = ["www-data"]
        members_only = true

        [[access]]
        principal = "www-data"
        path = "/srv/vault/master.key"
        allow = "r"
        deny = "w"
        via = "group"

        [[access]]
        principal = "backup"
        path = "/srv/vault/master.key"
        deny = "rw"

        [[access]]
        principal = "backup"
        path = "/srv/app/data"
        allow = "rx"
        deny = "w"
        via = "group"

        [[access]]
        principal = "backup"
        path = "/srv/app/shared"
        allow = "rx"
        via = "group"

        [[certificate]]
        path = "/srv/pki/ca.pem"
        min_days_left = 30
        """

    /// The paste image: its own accounts, the tree the contract describes, and a certificate.
    static let pasteImage = """
        set -e
        chmod 0755 "$R"
        mkdir -p "$R/etc" "$R/srv/app/import" "$R/srv/app/cache" "$R/srv/app/shared" "$R/srv/app/data/sub" "$R/srv/vault" "$R/srv/pki"
        printf 'root:x:0:0:root:/root:/bin/sh\\nwww-data:x:990:990:service:/srv/app:/usr/sbin/nologin\\nbackup:x:991:991:reader:/nonexistent:/usr/sbin/nologin\\n' > "$R/etc/passwd"
        printf 'root:x:0:\\nwww-data:x:990:backup\\nbackup:x:991:\\nstaff:x:995:www-data\\n' > "$R/etc/group"
        chmod 0755 "$R/srv" "$R/srv/pki"
        chown 990:990 "$R/srv/app" "$R/srv/app/import" "$R/srv/app/cache" "$R/srv/app/shared" "$R/srv/app/data" "$R/srv/app/data/sub"
        chmod 0750 "$R/srv/app" "$R/srv/app/import" "$R/srv/app/cache" "$R/srv/app/shared" "$R/srv/app/data"
        chmod 0770 "$R/srv/app/data/sub"
        setfacl -m g:991:r-x "$R/srv/app/shared"
        printf 'A=1\\n' > "$R/srv/app/app.env" && chown 0:990 "$R/srv/app/app.env" && chmod 0640 "$R/srv/app/app.env"
        printf 'f\\n' > "$R/srv/app/data/sub/f" && chown 990:990 "$R/srv/app/data/sub/f" && chmod 0660 "$R/srv/app/data/sub/f"
        printf 'g\\n' > "$R/srv/app/data/g" && chown 990:990 "$R/srv/app/data/g" && chmod 0640 "$R/srv/app/data/g"
        chown 0:995 "$R/srv/vault" && chmod 0750 "$R/srv/vault"
        head -c 32 /dev/urandom > "$R/srv/vault/master.key" && chown 0:995 "$R/srv/vault/master.key" && chmod 0640 "$R/srv/vault/master.key"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj /CN=paste-ca \\
            -addext basicConstraints=critical,CA:TRUE -keyout "$R/srv/pki/ca.key" -out "$R/srv/pki/ca.pem" 2>/dev/null
        """

    /// A fresh image with its contract (the contract outside the image).
    struct Image {
        let directory: TemporaryDirectory
        let contract: String
        /// What must live as long as the image: the sample root, or the contract's directory.
        let keep: AnyObject
        var path: String { directory.path }

        init(_ kind: Fault.Image) throws {
            switch kind {
            case .lxAnnotate:
                let sample = try SampleRoot()
                keep = sample
                directory = sample.directory
                contract = packageDirectory.path + "/contracts/lx-annotate.toml"
            case .paste:
                directory = TemporaryDirectory("paste-root")
                let contracts = TemporaryDirectory("paste-contract")
                keep = contracts
                contract = contracts.write("paste.toml", FixPasteTests.pasteContract)
                let made = try FixPasteTests.shell(FixPasteTests.pasteImage, root: directory.path)
                guard made.status == 0 else { throw FixtureError(message: "the paste image: \(made.all)") }
            }
        }
    }

    /// The failed (or unevaluated) checks of a report, by "kind subject check", with their fixes.
    struct Findings {
        var fixes: [String: String?] = [:]
        var messages: [String: String] = [:]
        var order: [String] = []
    }

    static func check(_ image: Image) throws -> Findings {
        let outcome = try hostcontract("check", image.contract, "--root", image.path, "--format", "json", "--allow-untrusted-contract")
        guard [0, 1].contains(outcome.status) else { throw FixtureError(message: "check exited \(outcome.status): \(outcome.all)") }
        var findings = Findings()
        for result in try JSONReportView(outcome.standardOutput).results where ["fail", "error"].contains(result["status"] as? String) {
            let key = "\(result["kind"] ?? "") \(result["subject"] ?? "") \(result["check"] ?? "")"
            if findings.fixes[key] == nil { findings.order.append(key) }
            findings.fixes[key] = .some(result["fix"] as? String)
            findings.messages[key] = result["message"] as? String ?? ""
        }
        return findings
    }

    static func shell(_ script: String, root: String) throws -> ProcessOutcome {
        try run("/bin/sh", ["-c", script], environment: ["R": root, "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"])
    }

    static let decisionMarker = "(decide) "
    /// What a decision must not contain: anything a shell would run.
    static let commandWords = ["chmod ", "chown ", "chgrp ", "setfacl ", "usermod ", "useradd ", "groupadd ", "gpasswd ",
                               "find /", "install -", "openssl ", "cryptsetup ", "&&", ";", "|", "`", "$("]

    @Test(arguments: [Fault.Image.lxAnnotate, .paste])
    func theFaultlessImagesHold(_ kind: Fault.Image) throws {
        let findings = try Self.check(try Image(kind))
        #expect(findings.order.isEmpty, "\(findings.order.map { "\($0): \(findings.messages[$0] ?? "")" })")
    }

    @Test(arguments: faults)
    func everyPrintedFixWorksWhenPasted(_ fault: Fault) throws {
        let image = try Image(fault.image)
        let planted = try Self.shell(fault.plant, root: image.path)
        try #require(planted.status == 0, "planting '\(fault.name)': \(planted.all)")
        let before = try Self.check(image)
        try #require(!before.order.isEmpty, "'\(fault.name)' planted nothing the check sees")

        var problems: [String] = []
        var pasted = Set<String>()
        for key in before.order {
            guard let fix = before.fixes[key] ?? nil else { continue }
            if fix.hasPrefix(Self.decisionMarker) {
                for word in Self.commandWords where fix.contains(word) {
                    problems.append("\(key): a decision shows a command ('\(word)'): \(fix)")
                }
                continue
            }
            guard pasted.insert(fix).inserted else { continue }
            let outcome = try Self.shell(fix, root: image.path)
            if outcome.status != 0 { problems.append("\(key): the fix failed (exit \(outcome.status)): \(fix)\n    \(outcome.all)") }
        }

        let decisions = before.order.filter { (before.fixes[$0] ?? nil)?.hasPrefix(Self.decisionMarker) == true }
        if fault.decides {
            if decisions.isEmpty || !pasted.isEmpty { problems.append("expected only decisions, pasted \(pasted.sorted())") }
        } else if pasted.isEmpty {
            problems.append("no command was printed for it")
        }

        let after = try Self.check(image)
        for key in before.order where after.fixes[key] != nil {
            let fix = before.fixes[key] ?? nil
            if fix?.hasPrefix(Self.decisionMarker) == true { continue }
            problems.append("\(key): still there after pasting '\(fix ?? "(no fix)")': \(after.messages[key] ?? "")")
        }
        for key in after.order where before.fixes[key] == nil {
            problems.append("\(key): new after pasting: \(after.messages[key] ?? "") (fix: \((after.fixes[key] ?? nil) ?? "none"))")
        }
        let report = "fault '\(fault.name)':\n" + problems.joined(separator: "\n")
            + "\nfindings before: \(before.order.map { "\($0) -> \((before.fixes[$0] ?? nil) ?? "none")" }.joined(separator: "\n  "))"
        if let knownIssue = fault.knownIssue {
            withKnownIssue(Comment(rawValue: knownIssue)) { #expect(problems.isEmpty, "\(report)") }
        } else {
            #expect(problems.isEmpty, "\(report)")
        }
    }
}
