/// A dm-crypt volume as libcryptsetup describes it: the header's type, cipher and key slots, or
/// an active mapping's.
public struct CryptDevice: Sendable, Equatable {
    /// "LUKS2", "LUKS1", "PLAIN", ...
    public var type: String
    /// "aes", "cipher_null", ...
    public var cipher: String
    /// "xts-plain64", ...
    public var mode: String
    public var uuid: String?
    public var activeKeySlots: [Int]
    public var isActive: Bool

    public init(type: String, cipher: String, mode: String, uuid: String?, activeKeySlots: [Int], isActive: Bool) {
        self.type = type
        self.cipher = cipher
        self.mode = mode
        self.uuid = uuid
        self.activeKeySlots = activeKeySlots
        self.isActive = isActive
    }

    /// Reads the LUKS header on a device or image file. The corresponding C functions are
    /// crypt_init(3) and crypt_load(3).
    public static func header(at device: String) -> Result<CryptDevice, HostError> {
        system_crypt_load(device).map { describe($0, mapping: nil) }
    }

    /// Describes the active device-mapper crypt mapping `name`. The corresponding C functions are
    /// crypt_init_by_name(3) and crypt_status(3).
    public static func mapping(named name: String) -> Result<CryptDevice, HostError> {
        system_crypt_init_by_name(name).map { describe($0, mapping: name) }
    }

    /// Reads what libcryptsetup knows of `cd`, then frees it.
    private static func describe(_ cd: OpaquePointer, mapping: String?) -> CryptDevice {
        defer { system_crypt_free(cd) }
        let description = system_crypt_describe(cd)
        let type = description.type ?? "unknown"
        return CryptDevice(
            type: type, cipher: description.cipher ?? "", mode: description.mode ?? "", uuid: description.uuid,
            activeKeySlots: type.hasPrefix("LUKS") ? system_crypt_active_keyslots(cd, type: type) : [],
            isActive: mapping.map { system_crypt_is_active(cd, $0) } ?? false)
    }
}
