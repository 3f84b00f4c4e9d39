@testable import Contract
import Testing

/// `systemctl is-enabled` decided offline. Vectors transcribed from systemd's
/// src/test/test-install-root.c (v252: `basic_mask_and_enable`, `indirect`, `static_instance`,
/// `linked_units`) and src/test/test-unit-file.c (`unit_validate_alias_symlink_and_warn`); those
/// tests use the upstream search path (no /lib/systemd/system).
@Suite struct UnitEnablementTests {
    func state(_ tree: MemoryUnitTree, _ name: String) -> String {
        switch UnitEnablement(listing: tree, searchPath: .upstream).state(of: name) {
        case .success(let state): return state.rawValue
        case .failure: return "error"
        }
    }

    @Test func basicMaskAndEnable() {
        let tree = MemoryUnitTree()
        #expect(state(tree, "a.service") == "error")
        tree.file("/usr/lib/systemd/system/a.service", "[Install]\nWantedBy=multi-user.target\n")
        #expect(state(tree, "a.service") == "disabled")
        tree.link("/usr/lib/systemd/system/b.service", "a.service")
        #expect(state(tree, "b.service") == "alias")
        tree.link("/usr/lib/systemd/system/c.service", "/usr/lib/systemd/system/a.service")
        #expect(state(tree, "c.service") == "alias")
        tree.link("/usr/lib/systemd/system/d.service", "c.service")
        #expect(state(tree, "d.service") == "alias")
        tree.link("/etc/systemd/system/a.service", "/dev/null")
        for name in ["a", "b", "c", "d"] { #expect(state(tree, "\(name).service") == "masked") }
        let unmasked = MemoryUnitTree()
        unmasked.file("/usr/lib/systemd/system/a.service", "[Install]\nWantedBy=multi-user.target\n")
        unmasked.link("/usr/lib/systemd/system/b.service", "a.service")
        unmasked.link("/etc/systemd/system/multi-user.target.wants/a.service", "/usr/lib/systemd/system/a.service")
        #expect(state(unmasked, "a.service") == "enabled")
        #expect(state(unmasked, "b.service") == "alias")
    }

    @Test func indirect() {
        let tree = MemoryUnitTree()
        tree.file("/usr/lib/systemd/system/indirecta.service", "[Install]\nAlso=indirectb.service\n")
        tree.file("/usr/lib/systemd/system/indirectb.service", "[Install]\nWantedBy=multi-user.target\n")
        tree.link("/usr/lib/systemd/system/indirectc.service", "indirecta.service")
        #expect(state(tree, "indirecta.service") == "indirect")
        #expect(state(tree, "indirectb.service") == "disabled")
        #expect(state(tree, "indirectc.service") == "alias")
        tree.link("/etc/systemd/system/multi-user.target.wants/indirectb.service", "/usr/lib/systemd/system/indirectb.service")
        #expect(state(tree, "indirectb.service") == "enabled")
    }

    @Test func staticInstance() {
        let tree = MemoryUnitTree()
        #expect(state(tree, "static-instance@foo.service") == "error")
        tree.file("/usr/lib/systemd/system/static-instance@.service", "[Install]\nWantedBy=multi-user.target\n")
        #expect(state(tree, "static-instance@.service") == "disabled")
        #expect(state(tree, "static-instance@foo.service") == "disabled")
        tree.link("/usr/lib/systemd/system/static-instance@foo.service", "static-instance@.service")
        #expect(state(tree, "static-instance@.service") == "disabled")
        #expect(state(tree, "static-instance@foo.service") == "static")
    }

    @Test func linkedUnits() {
        let tree = MemoryUnitTree()
        tree.file("/opt/linked.service", "[Install]\nWantedBy=multi-user.target\n")
        tree.file("/opt/linked2.service", "[Install]\nWantedBy=multi-user.target\n")
        tree.file("/opt/linked3.service", "[Install]\nWantedBy=multi-user.target\n")
        tree.link("/etc/systemd/system/linked.service", "/opt/linked.service")
        tree.link("/etc/systemd/system/linked2.service", "/opt/linked2.service")
        tree.link("/etc/systemd/system/multi-user.target.wants/linked2.service", "/opt/linked2.service")
        #expect(state(tree, "linked.service") == "linked")
        #expect(state(tree, "linked2.service") == "enabled")
        #expect(state(tree, "linked3.service") == "error")
    }

    @Test func staticGeneratedTransientAndRuntime() {
        let tree = MemoryUnitTree()
        tree.file("/usr/lib/systemd/system/plain.service", "[Service]\nExecStart=/bin/true\n")
        tree.file("/run/systemd/generator/gen.service", "[Install]\nWantedBy=a.target\n")
        tree.file("/run/systemd/transient/tr.service", "[Service]\n")
        tree.file("/usr/lib/systemd/system/rt.service", "[Install]\nWantedBy=a.target\n")
        tree.link("/run/systemd/system/a.target.wants/rt.service", "/usr/lib/systemd/system/rt.service")
        tree.link("/run/systemd/system/mr.service", "/dev/null")
        tree.file("/usr/lib/systemd/system/mr.service", "[Service]\n")
        tree.file("/usr/lib/systemd/system/empty.service", "")
        #expect(state(tree, "plain.service") == "static")
        #expect(state(tree, "gen.service") == "generated")
        #expect(state(tree, "tr.service") == "transient")
        #expect(state(tree, "rt.service") == "enabled-runtime")
        #expect(state(tree, "mr.service") == "masked-runtime")
        #expect(state(tree, "empty.service") == "masked")
    }

    @Test func aliasLinksFromTheInstallSectionEnable() {
        let tree = MemoryUnitTree()
        tree.file("/usr/lib/systemd/system/x.service", "[Install]\nAlias=y.service\n")
        tree.link("/etc/systemd/system/y.service", "/usr/lib/systemd/system/x.service")
        #expect(state(tree, "x.service") == "enabled")
        tree.link("/etc/systemd/system/z.service", "/usr/lib/systemd/system/x.service")
        let other = MemoryUnitTree()
        other.file("/usr/lib/systemd/system/x.service", "[Install]\nWantedBy=a.target\n")
        other.link("/etc/systemd/system/z.service", "/usr/lib/systemd/system/x.service")
        #expect(state(other, "x.service") == "indirect")
    }

    @Test func validateAliasSymlinkVectors() {
        #expect(UnitSearch.isValidAlias(from: "a.service", to: "b.service"))
        #expect(!UnitSearch.isValidAlias(from: "a.service", to: "b.socket"))
        #expect(!UnitSearch.isValidAlias(from: "a.service", to: "b.foobar"))
        #expect(UnitSearch.isValidAlias(from: "a@.service", to: "b@.service"))
        #expect(!UnitSearch.isValidAlias(from: "a@.service", to: "b@.socket"))
        #expect(!UnitSearch.isValidAlias(from: "a@XXX.service", to: "b@YYY.service"))
        #expect(!UnitSearch.isValidAlias(from: "a@XXX.service", to: "b@YYY.socket"))
        #expect(!UnitSearch.isValidAlias(from: "a@.service", to: "b@YYY.service"))
        #expect(UnitSearch.isValidAlias(from: "a@XXX.service", to: "b@XXX.service"))
        #expect(UnitSearch.isValidAlias(from: "a@XXX.service", to: "b@.service"))
        #expect(!UnitSearch.isValidAlias(from: "a@.service", to: "b.service"))
        #expect(!UnitSearch.isValidAlias(from: "a.service", to: "b@.service"))
        #expect(!UnitSearch.isValidAlias(from: "a@.slice", to: "b.slice"))
        #expect(!UnitSearch.isValidAlias(from: "a.slice", to: "b.slice"))
    }
}
