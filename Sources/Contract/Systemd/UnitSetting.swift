/// How systemd 252 combines the assignments of one setting across a unit file and its drop-ins,
/// taken from the parser each setting has in src/core/load-fragment-gperf.gperf.in and
/// src/shared/install.c.
///
/// The table below is explicit: it names the settings a contract is likely to check, and every
/// list setting among the common ones. A setting it does not name is read as ``Merge/lastWins``
/// with the whole value as its item and no specifiers, which is right for systemd's scalar
/// settings (Type=, MemoryMax=, Restart=, PrivateTmp=, ...).
///
/// | merge | settings |
/// |---|---|
/// | last wins, empty resets to the default | User, Group, Type, Restart, MemoryMax (and every other `Memory*`, `CPU*`, `IO*`, `Tasks*`), WorkingDirectory, RootDirectory, PIDFile, UMask, DynamicUser, Description, DefaultInstance, Slice, ... |
/// | list, empty resets | Exec* (commands), Environment (a later `NAME=` replaces an earlier one), EnvironmentFile, PassEnvironment, UnsetEnvironment, ReadWritePaths, ReadOnlyPaths, InaccessiblePaths, ExecPaths, NoExecPaths, BindPaths, BindReadOnlyPaths, TemporaryFileSystem, SupplementaryGroups, RestartPreventExitStatus, RestartForceExitStatus, SuccessExitStatus, CapabilityBoundingSet, AmbientCapabilities, SystemCallFilter, SystemCallArchitectures, RestrictAddressFamilies, StateDirectory, RuntimeDirectory, CacheDirectory, LogsDirectory, ConfigurationDirectory, LoadCredential, SetCredential, DeviceAllow, IPAddressAllow, IPAddressDeny, Documentation, Condition* and Assert* (an empty one resets every condition, of any kind), WantedBy, RequiredBy, Alias |
/// | list, empty does nothing | After, Before, Wants, Requires, Requisite, BindsTo, PartOf, Upholds, Conflicts, OnFailure, OnSuccess, PropagatesReloadTo, ReloadPropagatedFrom, PropagatesStopTo, StopPropagatedFrom, JoinsNamespaceOf, RequiresMountsFor, Sockets, Also |
///
/// Caveats kept as systemd has them but not modelled: CapabilityBoundingSet= and
/// AmbientCapabilities= with `~` invert the set collected so far; SystemCallFilter= takes its
/// allow or deny sense from its first assignment; an invalid value of a last-wins setting is
/// ignored by systemd (the previous value stays), while this table takes it as the last one.
/// The `[Install]` settings are as `systemctl enable` and `is-enabled` read them; the manager
/// ignores them.
public struct UnitSetting: Hashable, Sendable {
    public enum Merge: Hashable, Sendable {
        /// The last assignment holds; an empty one restores the default.
        case lastWins
        /// Each assignment adds its items; an empty one empties the list.
        case list
        /// Each assignment adds its items; an empty one adds nothing.
        case listWithoutReset
    }

    /// How one assignment's value becomes items.
    public enum Items: Hashable, Sendable {
        /// The whole value is one item.
        case whole
        /// The value is split into words (see ``UnitWords``).
        case words(UnitWords.Options)
        /// The value holds commands (see ``UnitCommand``).
        case commands
        /// `NAME=VALUE` words; a later assignment of a name replaces the earlier one in place.
        case environment
    }

    public let section: String
    public let key: String
    public let merge: Merge
    public let items: Items
    /// The specifier table the parser resolves with, nil when it resolves none.
    public let specifiers: UnitSpecifiers.Table?
    /// Settings that an empty assignment of this one empties together (Condition*, Assert*).
    public let resetGroup: String?

    public init(section: String, key: String, merge: Merge, items: Items, specifiers: UnitSpecifiers.Table?, resetGroup: String? = nil) {
        self.section = section
        self.key = key
        self.merge = merge
        self.items = items
        self.specifiers = specifiers
        self.resetGroup = resetGroup
    }

    /// Whether each item is an absolute path, after a `-` (ignore if missing) and, for the
    /// namespace paths, a `+` (inside RootDirectory=): systemd simplifies it (`path_simplify`:
    /// `//` and `/./` collapsed, a trailing `/` dropped) and ignores an item that is not absolute.
    public var isPathList: Bool {
        Self.execSections.contains(section)
            && ["EnvironmentFile", "ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths"].contains(key)
    }

    /// The sections that hold the execution, cgroup and kill settings.
    static let execSections = ["Service", "Socket", "Mount", "Swap"]
    static let cgroupSections = ["Service", "Socket", "Mount", "Swap", "Slice", "Scope"]

    /// The setting `key` in `section`: from the table, a `Condition*`/`Assert*` rule, or a
    /// last-wins scalar when neither knows it.
    public static func named(_ key: String, in section: String) -> UnitSetting {
        if let known = table[Key(section: section, key: key)] { return known }
        if section == "Unit", key.hasPrefix("Condition") || key.hasPrefix("Assert") {
            let group = key.hasPrefix("Condition") ? "Condition" : "Assert"
            return UnitSetting(section: section, key: key, merge: .list, items: .whole, specifiers: .full, resetGroup: group)
        }
        return UnitSetting(section: section, key: key, merge: .lastWins, items: .whole, specifiers: nil)
    }

    struct Key: Hashable {
        let section: String
        let key: String
    }

    static let table: [Key: UnitSetting] = {
        var settings: [UnitSetting] = []
        func add(_ sections: [String], _ keys: [String], _ merge: Merge, _ items: Items, _ specifiers: UnitSpecifiers.Table?) {
            for section in sections {
                for key in keys {
                    settings.append(UnitSetting(section: section, key: key, merge: merge, items: items, specifiers: specifiers))
                }
            }
        }
        let unquoted = Items.words([.unquote])
        // [Unit]
        add(["Unit"], ["Description"], .lastWins, .whole, .full)
        add(["Unit"], ["Documentation"], .list, unquoted, .full)
        add(["Unit"], ["Requires", "Requisite", "Wants", "BindsTo", "PartOf", "Upholds", "Conflicts", "Before", "After",
                       "OnFailure", "OnSuccess", "PropagatesReloadTo", "ReloadPropagatedFrom", "PropagatesStopTo",
                       "StopPropagatedFrom", "JoinsNamespaceOf"], .listWithoutReset, .words([.retainEscape]), .name)
        add(["Unit"], ["RequiresMountsFor"], .listWithoutReset, unquoted, .full)
        // [Install], as install.c reads it.
        add(["Install"], ["WantedBy", "RequiredBy", "Alias"], .list, .words([.unquote, .retainEscape]), nil)
        add(["Install"], ["Also"], .listWithoutReset, .words([]), .name)
        add(["Install"], ["DefaultInstance"], .lastWins, .whole, .name)
        // [Service] and the other types that run processes.
        add(["Service"], ["ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost"],
            .list, .commands, .full)
        add(["Socket"], ["ExecStartPre", "ExecStartPost", "ExecStopPre", "ExecStopPost"], .list, .commands, .full)
        add(["Mount"], ["ExecMount", "ExecUnmount", "ExecRemount"], .list, .commands, .full)
        add(["Swap"], ["ExecActivate", "ExecDeactivate"], .list, .commands, .full)
        add(["Service"], ["Sockets"], .listWithoutReset, .words([]), .name)
        add(["Service"], ["RestartPreventExitStatus", "RestartForceExitStatus", "SuccessExitStatus"], .list, .words([]), nil)
        add(["Service"], ["PIDFile"], .lastWins, .whole, .full)
        add(execSections, ["User", "Group", "WorkingDirectory", "RootDirectory", "RootImage"], .lastWins, .whole, .full)
        add(execSections, ["Environment"], .list, .environment, .full)
        add(execSections, ["EnvironmentFile"], .list, .whole, .full)
        add(execSections, ["PassEnvironment"], .list, unquoted, .full)
        add(execSections, ["UnsetEnvironment"], .list, .words([.unquote, .unescape]), .full)
        add(execSections, ["SupplementaryGroups"], .list, .words([]), .full)
        add(execSections, ["ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths",
                           "BindPaths", "BindReadOnlyPaths", "TemporaryFileSystem"], .list, unquoted, .full)
        add(execSections, ["StateDirectory", "RuntimeDirectory", "CacheDirectory", "LogsDirectory", "ConfigurationDirectory"],
            .list, .words([.unquote, .retainEscape]), .full)
        add(execSections, ["CapabilityBoundingSet", "AmbientCapabilities", "SystemCallFilter", "SystemCallLog"], .list, .words([]), nil)
        add(execSections, ["SystemCallArchitectures", "RestrictAddressFamilies"], .list, unquoted, nil)
        add(execSections, ["LoadCredential", "LoadCredentialEncrypted", "SetCredential", "SetCredentialEncrypted"], .list, .whole, .full)
        add(cgroupSections, ["DeviceAllow"], .list, .whole, .full)
        add(cgroupSections, ["IPAddressAllow", "IPAddressDeny"], .list, .words([]), nil)
        return Dictionary(settings.map { (Key(section: $0.section, key: $0.key), $0) }, uniquingKeysWith: { first, _ in first })
    }()
}
