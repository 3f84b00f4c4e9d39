import CCurl
import CLinux
import Glibc

/// libcurl, loaded with dlopen(3) the first time a contract asks for an HTTP request.
///
/// libcurl brings its TLS, HTTP/2, IDN and authentication libraries with it: linked, every
/// `gate` start would load them. Loaded on demand, it costs nothing to contracts without
/// `[[http]]` entries, and a host without it reports those entries as not inspectable.
internal struct CurlLibrary: @unchecked Sendable {
    /// The shared object name of libcurl's ABI 4 (Debian's libcurl4, built with OpenSSL).
    static let soname = "libcurl.so.4"

    typealias Initialize = @convention(c) () -> UnsafeMutableRawPointer?
    typealias Perform = @convention(c) (UnsafeMutableRawPointer?) -> CURLcode
    typealias Cleanup = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias ListAppend = @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?
    typealias ListFree = @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
    typealias Describe = @convention(c) (CURLcode) -> UnsafePointer<CChar>?
    typealias GlobalInitialize = @convention(c) (CLong) -> CURLcode

    let initialize: Initialize
    let perform: Perform
    let cleanup: Cleanup
    let listAppend: ListAppend
    let listFree: ListFree
    let describe: Describe
    /// curl_easy_setopt and curl_easy_getinfo, variadic: called through CCurl's typed wrappers.
    let setOption: UnsafeMutableRawPointer
    let getInformation: UnsafeMutableRawPointer

    /// The library, or why it could not be loaded (not installed, or missing a symbol).
    static let shared: Result<CurlLibrary, HostError> = load()

    private static func load() -> Result<CurlLibrary, HostError> {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(.refused("libcurl is not installed (\(soname): apt install libcurl4)"))
        }
        var missing: [String] = []
        func address(_ name: String) -> UnsafeMutableRawPointer? {
            guard let found = dlsym(handle, name) else {
                missing.append(name)
                return nil
            }
            return found
        }
        func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
            address(name).map { unsafeBitCast($0, to: type) }
        }
        let found = (
            symbol("curl_global_init", as: GlobalInitialize.self), symbol("curl_easy_init", as: Initialize.self),
            symbol("curl_easy_perform", as: Perform.self), symbol("curl_easy_cleanup", as: Cleanup.self),
            symbol("curl_slist_append", as: ListAppend.self), symbol("curl_slist_free_all", as: ListFree.self),
            symbol("curl_easy_strerror", as: Describe.self), address("curl_easy_setopt"), address("curl_easy_getinfo"))
        guard missing.isEmpty, let globalInitialize = found.0, let initialize = found.1, let perform = found.2,
              let cleanup = found.3, let listAppend = found.4, let listFree = found.5, let describe = found.6,
              let setOption = found.7, let getInformation = found.8
        else {
            dlclose(handle)
            return .failure(.refused("\(soname) lacks \(missing.joined(separator: ", "))"))
        }
        // Once, before any handle: sets up OpenSSL. CURL_GLOBAL_DEFAULT is SSL | WIN32.
        let status = globalInitialize(CLong(CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32))
        guard status == CURLE_OK else {
            return .failure(.refused("libcurl could not start: \(String(cString: describe(status)!))"))
        }
        return .success(CurlLibrary(
            initialize: initialize, perform: perform, cleanup: cleanup, listAppend: listAppend, listFree: listFree,
            describe: describe, setOption: setOption, getInformation: getInformation))
    }
}
