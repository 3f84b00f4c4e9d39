import Contract
import Testing

/// Finding a unit, its names and drop-ins, and merging its settings, as the manager does.
@Suite struct UnitSearchTests {
    func unit(_ tree: MemoryUnitTree, _ name: String) -> UnitDefinition {
        UnitSearch(listing: tree, searchPath: .debian12).unit(name)
    }

    @Test func theFirstDirectoryWinsAndDropInsApplyByFileName() {
        let tree = MemoryUnitTree()
        tree.file("/lib/systemd/system/app.service", "[Service]\nExecStart=/usr/bin/app\nUser=app\n")
        tree.file("/etc/systemd/system/app.service", "[Service]\nExecStart=/usr/bin/app --etc\nUser=etc\n")
        tree.file("/lib/systemd/system/app.service.d/20-b.conf", "[Service]\nUser=b\n")
        tree.file("/etc/systemd/system/app.service.d/10-a.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/app --a\n")
        tree.file("/run/systemd/system/app.service.d/20-b.conf", "[Service]\nUser=runtime-b\n")
        tree.file("/etc/systemd/system/service.d/05-all.conf", "[Service]\nEnvironment=A=1\n")
        tree.file("/etc/systemd/system/app.service.d/.hidden.conf", "[Service]\nUser=hidden\n")
        tree.file("/etc/systemd/system/app.service.d/30-c.conf~", "[Service]\nUser=backup\n")
        let app = unit(tree, "app.service")
        #expect(app.loadState == .loaded)
        #expect(app.fragmentPath == "/etc/systemd/system/app.service")
        #expect(app.dropInPaths == [
            "/etc/systemd/system/service.d/05-all.conf", "/etc/systemd/system/app.service.d/10-a.conf",
            "/run/systemd/system/app.service.d/20-b.conf",
        ])
        #expect(app.effective("Service", "User").map(\.text) == ["runtime-b"])
        #expect(app.effective("Service", "User").first?.assignment.file == "/run/systemd/system/app.service.d/20-b.conf")
        #expect(app.commands("Service", "ExecStart").map(\.arguments) == [["/usr/bin/app", "--a"]])
        #expect(app.assignments("Service", "ExecStart").map(\.value) == ["/usr/bin/app --etc", "", "/usr/bin/app --a"])
        #expect(app.effective("Service", "Environment").map(\.text) == ["A=1"])
    }

    @Test func masksAliasesTemplatesAndPrefixes() {
        let tree = MemoryUnitTree()
        tree.link("/etc/systemd/system/gone.service", "/dev/null")
        tree.file("/lib/systemd/system/gone.service", "[Service]\nExecStart=/bin/x\n")
        tree.file("/lib/systemd/system/empty.service", "")
        tree.file("/lib/systemd/system/real.service", "[Service]\nExecStart=/bin/real %n\n")
        tree.link("/etc/systemd/system/other.service", "/lib/systemd/system/real.service")
        tree.file("/lib/systemd/system/web-app@.service", "[Service]\nExecStart=/bin/web %i %I %p\n")
        tree.file("/etc/systemd/system/web-.service.d/p.conf", "[Service]\nEnvironment=P=1\n")
        tree.file("/etc/systemd/system/web-app@.service.d/t.conf", "[Service]\nEnvironment=T=1\n")
        tree.file("/etc/systemd/system/web-app@x\\x2dy.service.d/i.conf", "[Service]\nEnvironment=I=1 \"Q=a b\"\n")
        tree.link("/etc/systemd/system/web-app@.service.d/p.conf", "/dev/null")
        #expect(unit(tree, "gone.service").loadState == .masked)
        #expect(unit(tree, "empty.service").loadState == .masked)
        #expect(unit(tree, "nothing.service").loadState == .notFound)
        let alias = unit(tree, "other.service")
        #expect(alias.id?.text == "real.service")
        #expect(alias.aliases == ["other.service"])
        #expect(alias.commands("Service", "ExecStart").first?.arguments == ["/bin/real", "other.service"])
        let instance = unit(tree, "web-app@x\\x2dy.service")
        #expect(instance.fragmentPath == "/lib/systemd/system/web-app@.service")
        #expect(instance.commands("Service", "ExecStart").first?.arguments == ["/bin/web", "x\\x2dy", "x-y", "web-app"])
        #expect(instance.dropInPaths == [
            "/etc/systemd/system/web-app@x\\x2dy.service.d/i.conf", "/etc/systemd/system/web-app@.service.d/p.conf",
            "/etc/systemd/system/web-app@.service.d/t.conf",
        ])
        #expect(instance.effective("Service", "Environment").map(\.text) == ["I=1", "Q=a b", "T=1"])
    }

    @Test func listsResetOnEmptyDependenciesDoNot() {
        let tree = MemoryUnitTree()
        tree.file("/lib/systemd/system/a.service", """
            [Unit]
            After=x.target y.target
            ConditionPathExists=/a
            [Service]
            ReadWritePaths=/var/lib/a "/srv/with space" -/opt/maybe
            EnvironmentFile=-/etc/default/a
            RestartPreventExitStatus=1 2
            Environment=A=1 B=2
            MemoryMax=1G
            """)
        tree.file("/etc/systemd/system/a.service.d/o.conf", """
            [Unit]
            After=
            After=z.target
            ConditionFileNotEmpty=
            [Service]
            ReadWritePaths=
            ReadWritePaths=/var/lib/b
            RestartPreventExitStatus=3
            Environment=A=9
            MemoryMax=2G
            """)
        let a = unit(tree, "a.service")
        #expect(a.effective("Unit", "After").map(\.text) == ["x.target", "y.target", "z.target"])
        #expect(a.effective("Unit", "ConditionPathExists").isEmpty)
        #expect(a.effective("Service", "ReadWritePaths").map(\.text) == ["/var/lib/b"])
        #expect(a.effective("Service", "EnvironmentFile").map(\.optionalPath.ignoreIfMissing) == [true])
        #expect(a.effective("Service", "RestartPreventExitStatus").map(\.text) == ["1", "2", "3"])
        #expect(a.effective("Service", "Environment").map(\.text) == ["A=9", "B=2"])
        #expect(a.effective("Service", "MemoryMax").map(\.text) == ["2G"])
        #expect(a.effective("Service", "Type").isEmpty)
    }

    @Test func badSettingsAndFatalSyntax() {
        let tree = MemoryUnitTree()
        tree.file("/lib/systemd/system/bad.service", "[Service]\nExecStart=relative/path\n")
        tree.file("/lib/systemd/system/ignored.service", "[Service]\nExecStart=-relative/path\nExecStart=/bin/true\n")
        tree.file("/lib/systemd/system/empty-service.service", "[Service]\nType=simple\n")
        tree.file("/lib/systemd/system/broken.service", "[Service]\nExecStart=/bin/true\n[Service\n")
        tree.file("/lib/systemd/system/good.service", "[Service]\nExecStart=/bin/true\n")
        tree.file("/etc/systemd/system/good.service.d/x.conf", "[Service]\nUser=a\n[Bad\nUser=b\n")
        #expect(unit(tree, "bad.service").loadState.name == "bad-setting")
        #expect(unit(tree, "ignored.service").loadState == .loaded)
        #expect(unit(tree, "ignored.service").commands("Service", "ExecStart").map(\.path) == ["/bin/true"])
        #expect(unit(tree, "empty-service.service").loadState.name == "bad-setting")
        #expect(unit(tree, "broken.service").loadState.name == "error")
        let good = unit(tree, "good.service")
        #expect(good.loadState == .loaded)
        #expect(good.effective("Service", "User").map(\.text) == ["a"])
    }

    @Test func wantsDirectoriesAddDependencies() {
        let tree = MemoryUnitTree()
        tree.file("/lib/systemd/system/t.target", "[Unit]\n")
        tree.link("/etc/systemd/system/t.target.wants/a.service", "/lib/systemd/system/a.service")
        tree.link("/lib/systemd/system/t.target.wants/b.service", "/lib/systemd/system/b.service")
        tree.link("/etc/systemd/system/t.target.wants/b.service", "/dev/null")
        tree.file("/etc/systemd/system/t.target.requires/c.service", "")
        #expect(unit(tree, "t.target").wantsLinks == ["a.service"])
        #expect(unit(tree, "t.target").requiresLinks == [])
    }
}
