/// The kind of a systemd unit, named by the suffix of its name (`.service`, `.socket`, ...).
///
/// The table is systemd's `unit_type_table` (src/basic/unit-def.c, v252); which types may have
/// aliases and templates follows `unit_type_may_alias` and `unit_type_may_template`
/// (src/basic/unit-file.c).
public enum UnitType: String, CaseIterable, Sendable {
    case service, socket, target, device, mount, automount, swap, timer, path, slice, scope

    /// The sections a unit file of this type may hold: `[Unit]`, the type's own section and
    /// `[Install]` (the `sections` string of each unit vtable in src/core/*.c). Settings in any
    /// other section are ignored with a warning, except in sections named `X-...`.
    public var sections: [String] {
        let own = rawValue.prefix(1).uppercased() + rawValue.dropFirst()
        return ["Unit", own, "Install"]
    }

    /// Whether the manager needs a unit file to load a unit of this type (`fragment_required` in
    /// each type's load function); devices, slices and scopes exist without one, and mounts and
    /// swaps may when /proc/self/mountinfo or /proc/swaps has them.
    public var needsUnitFile: Bool { ![.device, .slice, .scope, .mount, .swap].contains(self) }

    /// Whether a symbolic link may give a unit of this type another name.
    public var mayAlias: Bool { [.service, .socket, .target, .device, .timer, .path].contains(self) }

    /// Whether a unit of this type may be a template (`name@.type`) or an instance of one.
    public var mayTemplate: Bool { [.service, .socket, .target, .timer, .path].contains(self) }
}
