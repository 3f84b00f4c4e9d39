import CCryptsetup
import CLinux
import Glibc

/// libcryptsetup, loaded with dlopen(3) the first time a contract asks about encrypted storage.
///
/// libcryptsetup pulls in a long chain of libraries (device-mapper, json-c, argon2, blkid, ...):
/// linking it would make every `gate` start pay for loading them, and a host without it could
/// run no check at all. Loaded on demand, it costs nothing to contracts without `[[encrypted]]`
/// entries, and a host without it reports those entries as not inspectable.
internal struct CryptsetupLibrary: @unchecked Sendable {
    /// The shared object name of libcryptsetup's ABI 12 (Debian's libcryptsetup12).
    static let soname = "libcryptsetup.so.12"

    typealias Init = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, UnsafePointer<CChar>?) -> CInt
    typealias Load = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> CInt
    typealias Text = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    typealias KeyslotMax = @convention(c) (UnsafePointer<CChar>?) -> CInt
    typealias KeyslotStatus = @convention(c) (OpaquePointer?, CInt) -> crypt_keyslot_info
    typealias Status = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> crypt_status_info
    typealias Free = @convention(c) (OpaquePointer?) -> Void

    let initialize: Init
    let load: Load
    let initializeByName: Init
    let type: Text
    let cipher: Text
    let cipherMode: Text
    let uuid: Text
    let keyslotMax: KeyslotMax
    let keyslotStatus: KeyslotStatus
    let status: Status
    let free: Free

    /// The library, or why it could not be loaded (not installed, or missing a symbol).
    static let shared: Result<CryptsetupLibrary, HostError> = load()

    private static func load() -> Result<CryptsetupLibrary, HostError> {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(.refused("libcryptsetup is not installed (\(soname): apt install libcryptsetup12)"))
        }
        var missing: [String] = []
        func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
            guard let address = dlsym(handle, name) else {
                missing.append(name)
                return nil
            }
            return unsafeBitCast(address, to: type)
        }
        let library = (
            symbol("crypt_init", as: Init.self), symbol("crypt_load", as: Load.self),
            symbol("crypt_init_by_name", as: Init.self), symbol("crypt_get_type", as: Text.self),
            symbol("crypt_get_cipher", as: Text.self), symbol("crypt_get_cipher_mode", as: Text.self),
            symbol("crypt_get_uuid", as: Text.self), symbol("crypt_keyslot_max", as: KeyslotMax.self),
            symbol("crypt_keyslot_status", as: KeyslotStatus.self), symbol("crypt_status", as: Status.self),
            symbol("crypt_free", as: Free.self))
        guard missing.isEmpty, let initialize = library.0, let load = library.1, let initializeByName = library.2,
              let type = library.3, let cipher = library.4, let cipherMode = library.5, let uuid = library.6,
              let keyslotMax = library.7, let keyslotStatus = library.8, let status = library.9, let free = library.10
        else {
            dlclose(handle)
            return .failure(.refused("\(soname) lacks \(missing.joined(separator: ", "))"))
        }
        return .success(CryptsetupLibrary(
            initialize: initialize, load: load, initializeByName: initializeByName, type: type, cipher: cipher,
            cipherMode: cipherMode, uuid: uuid, keyslotMax: keyslotMax, keyslotStatus: keyslotStatus, status: status,
            free: free))
    }
}
