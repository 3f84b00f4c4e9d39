import CAcl
import CCryptsetup
import CLinux
import COnDemand
import CPCRE2
import Glibc

// The libc and Linux calls Host makes, one wrapper each, with the C call's arguments.
// Every other file in Host goes through these; no other module calls libc.

/// openat2(2) resolving inside `dirfd` (RESOLVE_IN_ROOT and friends).
internal func system_openat2(
    _ dirfd: CInt, _ path: String, _ flags: CInt, _ mode: mode_t = 0, _ resolve: UInt64
) -> CInt {
    hostcontract_openat2(dirfd, path, UInt64(UInt32(bitPattern: flags)), UInt64(mode), resolve)
}

/// openat(2).
internal func system_openat(_ dirfd: CInt, _ path: String, _ flags: CInt) -> CInt {
    openat(dirfd, path, flags)
}

/// openat(2) of a name as the directory holds it (NUL-terminated bytes, UTF-8 or not).
internal func system_openat(_ dirfd: CInt, name: [CChar], _ flags: CInt) -> CInt {
    openat(dirfd, name, flags)
}

/// open(2).
internal func system_open(_ path: String, _ flags: CInt) -> CInt {
    open(path, flags)
}

/// geteuid(2): the owner of what this process creates.
internal func system_geteuid() -> uid_t {
    geteuid()
}

/// getcwd(3): the working directory, or nil when it cannot be named (removed, too long).
internal func system_getcwd() -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return String(cString: buffer)
}

/// stat(2).
internal func system_stat(_ path: String, _ buffer: inout stat) -> CInt {
    stat(path, &buffer)
}

/// dirfd(3).
internal func system_dirfd(_ directory: OpaquePointer) -> CInt {
    dirfd(directory)
}

/// open(2) with O_CREAT and a mode.
internal func system_open3(_ path: String, _ flags: CInt, _ mode: mode_t) -> CInt {
    open(path, flags, mode)
}

/// write(2).
internal func system_write(_ fd: CInt, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// fsync(2).
internal func system_fsync(_ fd: CInt) -> CInt {
    fsync(fd)
}

/// rename(2).
internal func system_rename(_ old: String, _ new: String) -> CInt {
    rename(old, new)
}

/// unlink(2).
internal func system_unlink(_ path: String) -> CInt {
    unlink(path)
}

/// mkdirat(2).
internal func system_mkdirat(_ dirfd: CInt, _ name: String, _ mode: mode_t) -> CInt {
    mkdirat(dirfd, name, mode)
}

/// fchownat(2).
internal func system_fchownat(_ dirfd: CInt, _ name: String, _ uid: uid_t, _ gid: gid_t, _ flags: CInt) -> CInt {
    fchownat(dirfd, name, uid, gid, flags)
}

/// fstat(2).
internal func system_fstat(_ fd: CInt, _ buffer: inout stat) -> CInt {
    fstat(fd, &buffer)
}

/// fstatat(2).
internal func system_fstatat(_ dirfd: CInt, _ path: String, _ buffer: inout stat, _ flags: CInt) -> CInt {
    fstatat(dirfd, path, &buffer, flags)
}

/// fstatat(2) of a name as the directory holds it (NUL-terminated bytes, UTF-8 or not).
internal func system_fstatat(_ dirfd: CInt, name: [CChar], _ buffer: inout stat, _ flags: CInt) -> CInt {
    fstatat(dirfd, name, &buffer, flags)
}

/// read(2).
internal func system_read(_ fd: CInt, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// close(2).
internal func system_close(_ fd: CInt) -> CInt {
    close(fd)
}

/// readlinkat(2).
internal func system_readlinkat(
    _ dirfd: CInt, _ path: String, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int
) -> Int {
    readlinkat(dirfd, path, buffer, size)
}

/// fdopendir(3).
internal func system_fdopendir(_ fd: CInt) -> OpaquePointer? {
    fdopendir(fd)
}

/// readdir(3).
internal func system_readdir(_ directory: OpaquePointer) -> UnsafeMutablePointer<dirent>? {
    readdir(directory)
}

/// The name of a readdir(3) entry.
internal func system_dirent_name(_ entry: UnsafeMutablePointer<dirent>) -> String {
    withUnsafePointer(to: entry.pointee.d_name) { pointer in
        pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
}

/// The name of a directory entry as the directory holds it: NUL-terminated bytes, which need
/// not be UTF-8 (a String would replace what is not, and name another file).
internal func system_dirent_name_bytes(_ entry: UnsafeMutablePointer<dirent>) -> [CChar] {
    withUnsafePointer(to: entry.pointee.d_name) { pointer in
        pointer.withMemoryRebound(to: CChar.self, capacity: 256) { Array(UnsafeBufferPointer(start: $0, count: strlen($0) + 1)) }
    }
}

/// Every name in the directory open at `fd` but `.` and `..`; takes ownership of `fd`.
internal func system_directory_names(_ fd: CInt) -> Result<[String], HostError> {
    guard let directory = system_fdopendir(fd) else {
        let error = HostError(errno: system_errno)
        _ = system_close(fd)
        return .failure(error)
    }
    defer { _ = system_closedir(directory) }
    var names: [String] = []
    while let entry = system_readdir(directory) {
        let name = system_dirent_name(entry)
        if name != "." && name != ".." { names.append(name) }
    }
    return .success(names)
}

/// closedir(3).
internal func system_closedir(_ directory: OpaquePointer) -> CInt {
    closedir(directory)
}

/// getpwnam_r(3).
internal func system_getpwnam_r(
    _ name: String, _ record: inout passwd, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int,
    _ result: inout UnsafeMutablePointer<passwd>?
) -> CInt {
    getpwnam_r(name, &record, buffer, size, &result)
}

/// getpwuid_r(3).
internal func system_getpwuid_r(
    _ uid: uid_t, _ record: inout passwd, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int,
    _ result: inout UnsafeMutablePointer<passwd>?
) -> CInt {
    getpwuid_r(uid, &record, buffer, size, &result)
}

/// setpwent(3): starts (or restarts) the enumeration of every user.
internal func system_setpwent() {
    setpwent()
}

/// getpwent_r(3): the next user of the enumeration; ENOENT at its end.
internal func system_getpwent_r(
    _ record: inout passwd, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int, _ result: inout UnsafeMutablePointer<passwd>?
) -> CInt {
    getpwent_r(&record, buffer, size, &result)
}

/// endpwent(3): ends the enumeration of users.
internal func system_endpwent() {
    endpwent()
}

/// getgrnam_r(3).
internal func system_getgrnam_r(
    _ name: String, _ record: inout group, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int,
    _ result: inout UnsafeMutablePointer<group>?
) -> CInt {
    getgrnam_r(name, &record, buffer, size, &result)
}

/// getgrgid_r(3).
internal func system_getgrgid_r(
    _ gid: gid_t, _ record: inout group, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int,
    _ result: inout UnsafeMutablePointer<group>?
) -> CInt {
    getgrgid_r(gid, &record, buffer, size, &result)
}

/// getgrouplist(3).
internal func system_getgrouplist(
    _ user: String, _ group: gid_t, _ groups: UnsafeMutablePointer<gid_t>, _ count: inout CInt
) -> CInt {
    getgrouplist(user, group, groups, &count)
}

/// getxattr(2) asking only for the size of attribute `name` (no value copied).
internal func system_getxattr_size(_ path: String, _ name: String) -> Int {
    hostcontract_getxattr_size(path, name)
}

/// getxattrat(2) (Linux 6.13) asking only for the size of attribute `name` of `path` looked up
/// from `dirfd`; ENOSYS on an older kernel.
internal func system_getxattrat_size(_ dirfd: CInt, _ path: String, _ flags: CInt, _ name: String) -> Int {
    hostcontract_getxattrat_size(dirfd, path, flags, name)
}

/// acl_get_file(3).
internal func system_acl_get_file(_ path: String, _ type: acl_type_t) -> acl_t? {
    acl_get_file(path, type)
}

/// acl_set_file(3).
internal func system_acl_set_file(_ path: String, _ type: acl_type_t, _ acl: acl_t) -> CInt {
    acl_set_file(path, type, acl)
}

/// acl_from_text(3).
internal func system_acl_from_text(_ text: String) -> acl_t? {
    acl_from_text(text)
}

/// acl_get_entry(3).
internal func system_acl_get_entry(_ acl: acl_t, _ which: CInt, _ entry: inout acl_entry_t?) -> CInt {
    acl_get_entry(acl, which, &entry)
}

/// acl_get_tag_type(3).
internal func system_acl_get_tag_type(_ entry: acl_entry_t, _ tag: inout acl_tag_t) -> CInt {
    acl_get_tag_type(entry, &tag)
}

/// acl_get_qualifier(3); the caller frees the result with system_acl_free.
internal func system_acl_get_qualifier(_ entry: acl_entry_t) -> UnsafeMutableRawPointer? {
    acl_get_qualifier(entry)
}

/// acl_get_permset(3) and acl_get_perm(3): the entry's permissions as r=4, w=2, x=1.
internal func system_acl_entry_permissions(_ entry: acl_entry_t) -> UInt8? {
    var permset: acl_permset_t?
    guard acl_get_permset(entry, &permset) == 0, let permset else { return nil }
    var bits: UInt8 = 0
    if acl_get_perm(permset, acl_perm_t(ACL_READ)) == 1 { bits |= 4 }
    if acl_get_perm(permset, acl_perm_t(ACL_WRITE)) == 1 { bits |= 2 }
    if acl_get_perm(permset, acl_perm_t(ACL_EXECUTE)) == 1 { bits |= 1 }
    return bits
}

/// acl_free(3).
internal func system_acl_free(_ object: UnsafeMutableRawPointer?) {
    _ = acl_free(object)
}

/// readlinkat(2) into a String.
internal func system_readlink(_ dirfd: CInt, _ name: String) -> Result<String, HostError> {
    var buffer = [CChar](repeating: 0, count: 4097)
    return valueOrErrno { system_readlinkat(dirfd, name, &buffer, 4096) }.map { count in
        String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// fnmatch(3).
internal func system_fnmatch(_ pattern: String, _ name: String, _ flags: CInt) -> CInt {
    fnmatch(pattern, name, flags)
}

/// libcrypto, loaded the first time it is needed (COnDemand), or why it cannot be.
internal func system_crypto_open() -> Result<Void, HostError> {
    ondemand_crypto_open() == 0 ? .success(()) : .failure(.refused(String(cString: ondemand_crypto_problem())))
}

/// libsystemd, loaded the first time it is needed (COnDemand), or why it cannot be.
internal func system_systemd_open() -> Result<Void, HostError> {
    ondemand_systemd_open() == 0 ? .success(()) : .failure(.refused(String(cString: ondemand_systemd_problem())))
}

/// BIO_new_mem_buf(3) over `bytes`, handed to `body`, then BIO_free(3). Call only after
/// ``system_crypto_open()`` succeeded, as every OpenSSL function here.
internal func system_with_memory_bio<T>(_ bytes: [UInt8], _ body: (OpaquePointer) -> T) -> T? {
    bytes.withUnsafeBytes { buffer -> T? in
        guard let bio = ondemand_BIO_new_mem_buf(buffer.baseAddress, CInt(buffer.count)) else { return nil }
        defer { ondemand_BIO_free(bio) }
        return body(bio)
    }
}

/// A pem_password_cb(3) that supplies no passphrase, so an encrypted key fails to load instead
/// of prompting on the terminal.
internal let system_no_passphrase: @convention(c) (UnsafeMutablePointer<CChar>?, CInt, CInt, UnsafeMutableRawPointer?) -> CInt = { _, _, _, _ in 0 }

/// PEM_read_bio_PrivateKey(3) with no passphrase.
internal func system_pem_read_private_key(_ bio: OpaquePointer) -> OpaquePointer? {
    ondemand_PEM_read_bio_PrivateKey(bio, nil, system_no_passphrase, nil)
}

/// PEM_read_bio_X509(3): the next certificate of the bundle.
internal func system_pem_read_x509(_ bio: OpaquePointer) -> OpaquePointer? {
    ondemand_PEM_read_bio_X509(bio, nil, system_no_passphrase, nil)
}

/// ERR_clear_error(3), after an expected failure, so no stale error is reported later.
internal func system_openssl_clear_errors() { ondemand_ERR_clear_error() }

/// A PCRE2 callout function, pcre2_callout(3): 0 continues the match, a negative value ends it
/// with that value.
internal typealias system_pcre2_callout = @convention(c) (UnsafeMutablePointer<pcre2_callout_block_8>?, UnsafeMutableRawPointer?) -> CInt

/// pcre2_compile(3) of `pattern` in a compile context that bounds its length and the nesting of
/// its parentheses (pcre2_set_max_pattern_length(3), pcre2_set_parens_nest_limit(3)); nil with
/// PCRE2's error code and the offset (in bytes) where it stopped on failure.
internal func system_pcre2_compile(
    _ pattern: UnsafeBufferPointer<UInt8>, _ options: UInt32, maximumLength: Int, nestLimit: UInt32,
    _ error: inout CInt, _ offset: inout Int
) -> OpaquePointer? {
    guard let context = pcre2_compile_context_create_8(nil) else {
        error = PCRE2_ERROR_NOMEMORY
        return nil
    }
    defer { pcre2_compile_context_free_8(context) }
    _ = pcre2_set_max_pattern_length_8(context, maximumLength)
    _ = pcre2_set_parens_nest_limit_8(context, nestLimit)
    return system_pcre2_address(pattern) { pcre2_compile_8($0, pattern.count, options, &error, &offset, context) }
}

/// pcre2_code_free(3).
internal func system_pcre2_code_free(_ code: OpaquePointer) { pcre2_code_free_8(code) }

/// pcre2_get_error_message(3): PCRE2's words for an error code.
internal func system_pcre2_error_message(_ code: CInt) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = pcre2_get_error_message_8(code, &buffer, buffer.count)
    return count < 0 ? "error \(code)" : String(decoding: buffer.prefix(Int(count)), as: UTF8.self)
}

/// pcre2_match(3) of `code` on `subject` with `options`, with match data of its own
/// (pcre2_match_data_create(3)) and a match context (pcre2_match_context_create(3)) carrying the
/// limits (pcre2_set_match_limit(3), pcre2_set_depth_limit(3), pcre2_set_heap_limit(3), the last
/// in KiB) and `callout` with `data` (pcre2_set_callout(3)); both are freed before it returns.
/// Returns pcre2_match's result: 0 or more for a match, PCRE2_ERROR_NOMATCH, or another error.
internal func system_pcre2_match(
    _ code: OpaquePointer, _ subject: UnsafeBufferPointer<UInt8>, options: UInt32,
    matchLimit: UInt32, depthLimit: UInt32, heapLimit: UInt32,
    callout: system_pcre2_callout, data: UnsafeMutableRawPointer
) -> CInt {
    guard let context = pcre2_match_context_create_8(nil) else { return PCRE2_ERROR_NOMEMORY }
    defer { pcre2_match_context_free_8(context) }
    guard let matchData = pcre2_match_data_create_8(1, nil) else { return PCRE2_ERROR_NOMEMORY }
    defer { pcre2_match_data_free_8(matchData) }
    _ = pcre2_set_match_limit_8(context, matchLimit)
    _ = pcre2_set_depth_limit_8(context, depthLimit)
    _ = pcre2_set_heap_limit_8(context, heapLimit)
    _ = pcre2_set_callout_8(context, callout, data)
    return system_pcre2_address(subject) { pcre2_match_8(code, $0, subject.count, 0, options, matchData, context) }
}

/// The address of `bytes` for PCRE2, which wants one even for no bytes.
private func system_pcre2_address<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>) -> T) -> T {
    if let base = bytes.baseAddress { return body(base) }
    var nothing: UInt8 = 0
    return withUnsafePointer(to: &nothing) { body($0) }
}

/// libcryptsetup's `-errno` returns as a typed error.
internal func cryptsetupResult(_ code: CInt) -> Result<Void, HostError> {
    code >= 0 ? .success(()) : .failure(HostError(errno: -code))
}

/// crypt_init(3) and crypt_load(3) of a LUKS header on `device` (a block device or an image file).
internal func system_crypt_load(_ device: String) -> Result<OpaquePointer, HostError> {
    CryptsetupLibrary.shared.flatMap { library in
        var cd: OpaquePointer? = nil
        if case .failure(let error) = cryptsetupResult(library.initialize(&cd, device)) { return .failure(error) }
        guard let cd else { return .failure(HostError(errno: ENOMEM)) }
        if case .failure(let error) = cryptsetupResult(library.load(cd, nil, nil)) {
            library.free(cd)
            return .failure(error)
        }
        return .success(cd)
    }
}

/// crypt_init_by_name(3): an active device-mapper crypt mapping.
internal func system_crypt_init_by_name(_ name: String) -> Result<OpaquePointer, HostError> {
    CryptsetupLibrary.shared.flatMap { library in
        var cd: OpaquePointer? = nil
        if case .failure(let error) = cryptsetupResult(library.initializeByName(&cd, name)) { return .failure(error) }
        guard let cd else { return .failure(HostError(errno: ENOMEM)) }
        return .success(cd)
    }
}

// The calls below take a device that system_crypt_load or system_crypt_init_by_name returned,
// so the library is loaded.
private var cryptsetup: CryptsetupLibrary {
    guard case .success(let library) = CryptsetupLibrary.shared else { preconditionFailure("libcryptsetup not loaded") }
    return library
}

/// crypt_get_type(3), crypt_get_cipher(3), crypt_get_cipher_mode(3), crypt_get_uuid(3).
internal func system_crypt_describe(_ cd: OpaquePointer) -> (type: String?, cipher: String?, mode: String?, uuid: String?) {
    let library = cryptsetup
    return (library.type(cd).map { String(cString: $0) }, library.cipher(cd).map { String(cString: $0) },
            library.cipherMode(cd).map { String(cString: $0) }, library.uuid(cd).map { String(cString: $0) })
}

/// crypt_keyslot_max(3) and crypt_keyslot_status(3): the key slots in use.
internal func system_crypt_active_keyslots(_ cd: OpaquePointer, type: String) -> [Int] {
    let library = cryptsetup
    let maximum = library.keyslotMax(type)
    guard maximum > 0 else { return [] }
    return (0..<maximum).filter {
        let status = library.keyslotStatus(cd, $0)
        return status == CRYPT_SLOT_ACTIVE || status == CRYPT_SLOT_ACTIVE_LAST
    }.map(Int.init)
}

/// crypt_status(3): whether the mapping is active.
internal func system_crypt_is_active(_ cd: OpaquePointer, _ name: String) -> Bool {
    let status = cryptsetup.status(cd, name)
    return status == CRYPT_ACTIVE || status == CRYPT_BUSY
}

/// crypt_free(3).
internal func system_crypt_free(_ cd: OpaquePointer) { cryptsetup.free(cd) }

/// sd_notify(3); returns the -errno convention of libsystemd. Without NOTIFY_SOCKET there is
/// no manager to tell (sd_notify returns 0 then too), and libsystemd is not loaded.
internal func system_sd_notify(_ state: String) -> CInt {
    guard getenv("NOTIFY_SOCKET") != nil else { return 0 }
    guard case .success = system_systemd_open() else { return -ENOSYS }
    return ondemand_sd_notify(0, state)
}

/// sd_journal_sendv(3) with one iovec per FIELD=value.
internal func system_sd_journal_sendv(_ fields: [String]) -> CInt {
    guard case .success = system_systemd_open() else { return -ENOSYS }
    let strings = fields.map { strdup($0) }
    defer { for string in strings { free(string) } }
    var vectors = strings.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: $0.map { strlen($0) } ?? 0) }
    return ondemand_sd_journal_sendv(&vectors, CInt(vectors.count))
}

/// sd_pid_get_user_unit(3) for this process, then sd_pid_get_unit(3): the unit systemd started
/// it as, read from its own cgroup; nil outside any unit. The user unit first: under a user
/// manager the system unit is the manager's own (`user@1000.service`).
internal func system_sd_own_unit() -> String? {
    guard case .success = system_systemd_open() else { return nil }
    for lookup in [ondemand_sd_pid_get_user_unit, ondemand_sd_pid_get_unit] {
        var unit: UnsafeMutablePointer<CChar>?
        guard lookup(0, &unit) >= 0, let unit else { continue }
        defer { free(unit) }
        return String(cString: unit)
    }
    return nil
}

/// setenv(3).
internal func system_setenv(_ name: String, _ value: String) -> CInt {
    setenv(name, value, 1)
}

/// execvp(3); returns only on failure.
internal func system_execvp(_ arguments: [String]) -> CInt {
    var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return execvp(arguments[0], &pointers)
}

/// The calling thread's errno.
internal var system_errno: CInt { errno }

/// strerror(3).
internal func system_strerror(_ code: CInt) -> String {
    String(cString: strerror(code))
}

/// Runs a libc call that returns -1 (or a negative value) and sets errno on failure,
/// retrying on EINTR, and turns the failure into a typed error.
internal func valueOrErrno<I: FixedWidthInteger>(_ call: () -> I) -> Result<I, HostError> {
    while true {
        let value = call()
        if value >= 0 { return .success(value) }
        let code = system_errno
        if code == EINTR { continue }
        return .failure(HostError(errno: code))
    }
}

/// The ActiveState, SubState and LoadState of a unit, from the system manager over D-Bus: one
/// connection (sd_bus_open_system(3)), the unit's object path (ondemand_sd_bus_path_encode(3)), three
/// property reads (ondemand_sd_bus_get_property_string(3)).
internal func system_unit_states(_ name: String) -> Result<(active: String, sub: String, load: String), HostError> {
    if case .failure(let error) = system_systemd_open() { return .failure(error) }
    var bus: OpaquePointer? = nil
    let opened = ondemand_sd_bus_open_system(&bus)
    guard opened >= 0, let bus else { return .failure(HostError(errno: -opened)) }
    defer { ondemand_sd_bus_flush_close_unref(bus) }
    var path: UnsafeMutablePointer<CChar>? = nil
    let encoded = ondemand_sd_bus_path_encode("/org/freedesktop/systemd1/unit", name, &path)
    guard encoded >= 0, let path else { return .failure(HostError(errno: -encoded)) }
    defer { free(path) }
    func property(_ property: String) -> Result<String, HostError> {
        var error = sd_bus_error(name: nil, message: nil, _need_free: 0)
        var value: UnsafeMutablePointer<CChar>? = nil
        defer { ondemand_sd_bus_error_free(&error) }
        let code = ondemand_sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit", property, &error, &value)
        guard code >= 0, let value else { return .failure(HostError(errno: -code)) }
        defer { free(value) }
        return .success(String(cString: value))
    }
    return property("ActiveState").flatMap { active in
        property("SubState").flatMap { sub in property("LoadState").map { (active, sub, $0) } }
    }
}

/// sd_booted(3): whether systemd is the init system (its runtime directory exists).
internal func system_sd_booted() -> CInt {
    guard case .success = system_systemd_open() else { return 0 }
    return ondemand_sd_booted()
}

// The tree walk's calls take a name as readdir(3) hands it (a pointer into the dirent), so no
// entry is copied or allocated on the way.

/// fstatat(2) of a name in a directory entry.
@inline(__always)
internal func system_fstatat(_ dirfd: CInt, _ name: UnsafePointer<CChar>, _ buffer: inout stat, _ flags: CInt) -> CInt {
    fstatat(dirfd, name, &buffer, flags)
}

/// openat(2) of a name in a directory entry.
@inline(__always)
internal func system_openat(_ dirfd: CInt, _ name: UnsafePointer<CChar>, _ flags: CInt) -> CInt {
    openat(dirfd, name, flags)
}

/// fchownat(2) of a name in a directory entry (with AT_SYMLINK_NOFOLLOW, a link's own owner).
@inline(__always)
internal func system_fchownat(_ dirfd: CInt, _ name: UnsafePointer<CChar>, _ uid: uid_t, _ gid: gid_t, _ flags: CInt) -> CInt {
    fchownat(dirfd, name, uid, gid, flags)
}

/// fchmodat2(2) of a name in a directory entry with AT_SYMLINK_NOFOLLOW (a symbolic link is
/// refused, EOPNOTSUPP); where the kernel lacks the call (ENOSYS, before Linux 6.6), fchmodat(2),
/// which follows a link: call it only on a name that cannot become one.
@inline(__always)
internal func system_fchmodat(_ dirfd: CInt, _ name: UnsafePointer<CChar>, _ mode: mode_t) -> CInt {
    let result = hostcontract_fchmodat2(dirfd, name, UInt32(mode), AT_SYMLINK_NOFOLLOW)
    if result == 0 || errno != ENOSYS { return result }
    return fchmodat(dirfd, name, mode, 0)
}

/// Whether a readdir(3) entry may name a directory: its d_type says so, or says nothing
/// (DT_UNKNOWN, on file systems that do not fill it in). A hint only: the name may change.
@inline(__always)
internal func system_dirent_may_be_directory(_ entry: UnsafeMutablePointer<dirent>) -> Bool {
    let type = entry.pointee.d_type
    return type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN)
}

/// fstatfs(2): the type of the file system the file open at `fd` is on (its magic number,
/// as statfs(2) lists them); nil when it cannot say.
internal func system_fstatfs_type(_ fd: CInt) -> Int? {
    let type = hostcontract_fstatfs_type(fd)
    return type == 0 ? nil : Int(type)
}

/// The address of a readdir(3) entry's NUL-terminated name, valid until the next readdir.
@inline(__always)
internal func system_dirent_name_pointer(_ entry: UnsafeMutablePointer<dirent>) -> UnsafePointer<CChar> {
    UnsafeRawPointer(entry).advanced(by: MemoryLayout<dirent>.offset(of: \.d_name)!).assumingMemoryBound(to: CChar.self)
}

/// fchmod(2).
internal func system_fchmod(_ fd: CInt, _ mode: mode_t) -> CInt {
    fchmod(fd, mode)
}

/// fchmodat2(2) with AT_EMPTY_PATH: the mode of the file open at `fd` itself, an O_PATH
/// descriptor included; where the kernel lacks the call (ENOSYS), chmod(2) of /proc/self/fd/N,
/// which names the same inode (as systemd-tmpfiles does).
internal func system_fchmod_empty_path(_ fd: CInt, _ mode: mode_t) -> CInt {
    let result = hostcontract_fchmodat2(fd, "", UInt32(mode), hostcontract_AT_EMPTY_PATH)
    if result == 0 || errno != ENOSYS { return result }
    return chmod("/proc/self/fd/\(fd)", mode)
}

/// fchownat(2) with AT_EMPTY_PATH: the owner of the file open at `fd` itself (a symbolic link
/// opened with O_PATH|O_NOFOLLOW is changed as a link).
internal func system_fchown_empty_path(_ fd: CInt, _ uid: uid_t, _ gid: gid_t) -> CInt {
    fchownat(fd, "", uid, gid, hostcontract_AT_EMPTY_PATH)
}

/// sched_getaffinity(2): the CPUs this process may run on; nil when it cannot say.
internal func system_available_cpus() -> Int? {
    let count = hostcontract_available_cpus()
    return count > 0 ? Int(count) : nil
}

/// getenv(3).
internal func system_getenv(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
