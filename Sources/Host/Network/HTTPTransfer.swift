import CCurl
import CLinux
import Glibc

/// One HTTP(S) request through libcurl, with a deadline and bounds on what is kept: the status,
/// the last response's header lines and at most `bodyLimit` bytes of its body. Nothing from the
/// environment changes it: no proxy variables, no `.netrc`, no cookies, only `http` and `https`.
public enum HTTPTransfer {
    public struct Request: Sendable {
        public var url: String
        public var method: String
        /// `Name: value` lines sent as they are.
        public var headers: [String]
        /// Connect to this host or `HOST:PORT` instead of the URL's, keeping the URL's name for
        /// the Host header, SNI and certificate verification (curl's `--connect-to ::HOST:PORT`).
        public var connectTo: String?
        /// The CA certificates that verify the server; nil for the system's store.
        public var caFile: String?
        public var clientCertificate: String?
        public var clientKey: String?
        public var timeoutMilliseconds: Int
        public var followRedirects: Bool
        public var bodyLimit: Int
        public var userAgent: String

        public init(
            url: String, method: String = "GET", headers: [String] = [], connectTo: String? = nil, caFile: String? = nil,
            clientCertificate: String? = nil, clientKey: String? = nil, timeoutMilliseconds: Int = 5000,
            followRedirects: Bool = false, bodyLimit: Int = 1 << 20, userAgent: String = "hostcontract"
        ) {
            self.url = url
            self.method = method
            self.headers = headers
            self.connectTo = connectTo
            self.caFile = caFile
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
            self.timeoutMilliseconds = timeoutMilliseconds
            self.followRedirects = followRedirects
            self.bodyLimit = bodyLimit
            self.userAgent = userAgent
        }
    }

    public struct Response: Sendable {
        public var status: Int
        /// The last response's header fields, names as sent, values without surrounding blanks.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// The body went over the limit: only its first `bodyLimit` bytes were read.
        public var bodyCut: Bool
        /// More than ``HTTPTransfer/headerLimit`` fields came: only the first were kept.
        public var headersCut: Bool
        /// The address that answered.
        public var address: String
    }

    /// Why no response came, in libcurl's words (which name hosts and files, never contents).
    public enum Failure: Sendable, Equatable {
        case unresolved(String)
        case refused(String)
        case unreachable(String)
        case timedOut(String)
        /// The server's certificate did not verify against the CA file or store.
        case untrustedServer(String)
        /// The TLS handshake failed or the server ended it with an alert (a client certificate
        /// it requires was not sent or not accepted).
        case handshake(String)
        /// The client certificate, its key or the CA file could not be used.
        case localCertificate(String)
        /// The server closed the connection without a response.
        case nothingReceived(String)
        case failed(String)
    }

    public enum Outcome: Sendable {
        case response(Response)
        case failed(Failure)
    }

    public static let headerLimit = 256

    public static func perform(_ request: Request) -> Result<Outcome, HostError> {
        let library: CurlLibrary
        switch CurlLibrary.shared {
        case .success(let loaded): library = loaded
        case .failure(let error): return .failure(error)
        }
        guard let handle = library.initialize() else { return .failure(.refused("libcurl could not make a handle")) }
        defer { library.cleanup(handle) }
        let collector = Collector(bodyLimit: request.bodyLimit)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var lists: [UnsafeMutablePointer<curl_slist>?] = []
        defer { for list in lists { library.listFree(list) } }
        var kept: [UnsafeMutablePointer<CChar>] = []
        defer { for text in kept { free(text) } }

        var problem: String? = nil
        func set(_ option: CURLoption, _ value: Int) {
            if hc_curl_setopt_long(library.setOption, handle, option, value) != CURLE_OK, problem == nil {
                problem = "libcurl refused option \(option.rawValue)"
            }
        }
        func set(_ option: CURLoption, text: String) {
            guard let copy = strdup(text) else { return }
            kept.append(copy)
            if hc_curl_setopt_pointer(library.setOption, handle, option, copy) != CURLE_OK, problem == nil {
                problem = "libcurl refused option \(option.rawValue)"
            }
        }
        func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
            if hc_curl_setopt_pointer(library.setOption, handle, option, pointer) != CURLE_OK, problem == nil {
                problem = "libcurl refused option \(option.rawValue)"
            }
        }
        func list(_ lines: [String]) -> UnsafeMutablePointer<curl_slist>? {
            var list: UnsafeMutablePointer<curl_slist>? = nil
            for line in lines { list = library.listAppend(list, line) }
            lists.append(list)
            return list
        }

        set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        set(CURLOPT_URL, text: request.url)
        set(CURLOPT_PROTOCOLS_STR, text: "http,https")
        set(CURLOPT_REDIR_PROTOCOLS_STR, text: "http,https")
        set(CURLOPT_PROXY, text: "")
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_NOPROGRESS, 1)
        set(CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds)
        set(CURLOPT_CONNECTTIMEOUT_MS, request.timeoutMilliseconds)
        set(CURLOPT_USERAGENT, text: request.userAgent)
        set(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        set(CURLOPT_MAXREDIRS, 5)
        switch request.method {
        case "GET": break
        case "HEAD": set(CURLOPT_NOBODY, 1)
        default: set(CURLOPT_CUSTOMREQUEST, text: request.method)
        }
        if !request.headers.isEmpty { set(CURLOPT_HTTPHEADER, pointer: list(request.headers)) }
        if let target = request.connectTo {
            set(CURLOPT_CONNECT_TO, pointer: list(["::" + (target.hasSuffix("]") || !target.contains(":") ? target + ":" : target)]))
        }
        if let caFile = request.caFile { set(CURLOPT_CAINFO, text: caFile) }
        if let certificate = request.clientCertificate { set(CURLOPT_SSLCERT, text: certificate) }
        if let key = request.clientKey { set(CURLOPT_SSLKEY, text: key) }

        let context = Unmanaged.passUnretained(collector).toOpaque()
        let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, context in
            let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
            return collector.body(data, size * count)
        }
        let header: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, context in
            let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
            return collector.header(data, size * count)
        }
        set(CURLOPT_WRITEFUNCTION, pointer: unsafeBitCast(write, to: UnsafeRawPointer.self))
        set(CURLOPT_WRITEDATA, pointer: context)
        set(CURLOPT_HEADERFUNCTION, pointer: unsafeBitCast(header, to: UnsafeRawPointer.self))
        set(CURLOPT_HEADERDATA, pointer: context)
        if let problem { return .failure(.refused(problem)) }

        let code = withExtendedLifetime(collector) { library.perform(handle) }
        let written = String(cString: errorBuffer)
        let detail = written.isEmpty ? String(cString: library.describe(code)!) : written
        if code != CURLE_OK && !(code == CURLE_WRITE_ERROR && collector.bodyCut) {
            return .success(.failed(failure(code, Self.printable(detail))))
        }
        var status = 0
        _ = hc_curl_getinfo_long(library.getInformation, handle, CURLINFO_RESPONSE_CODE, &status)
        var address: UnsafeMutablePointer<CChar>? = nil
        _ = hc_curl_getinfo_text(library.getInformation, handle, CURLINFO_PRIMARY_IP, &address)
        return .success(.response(Response(
            status: status, headers: collector.headers, body: collector.bodyBytes, bodyCut: collector.bodyCut,
            headersCut: collector.headersCut,
            address: address.map { String(cString: $0) } ?? "")))
    }

    private static func failure(_ code: CURLcode, _ detail: String) -> Failure {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST: return .unresolved(detail)
        case CURLE_COULDNT_CONNECT:
            if detail.contains("No route") || detail.contains("unreachable") { return .unreachable(detail) }
            return detail.contains("refused") || detail.contains("Couldn't connect") ? .refused(detail) : .failed(detail)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut(detail)
        case CURLE_PEER_FAILED_VERIFICATION: return .untrustedServer(detail)
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE: return .localCertificate(detail)
        case CURLE_SSL_CONNECT_ERROR: return .handshake(detail)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            return detail.contains("alert") || detail.contains("SSL") ? .handshake(detail) : .failed(detail)
        case CURLE_GOT_NOTHING: return .nothingReceived(detail)
        default: return .failed(detail)
        }
    }

    /// libcurl's message as printable ASCII, at most 300 characters.
    static func printable(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.prefix(300).map { (0x20..<0x7f).contains($0.value) ? $0 : "?" }))
        return cleaned.trimmingCharacters(in: " \n")
    }

    /// What the callbacks collect, bounded.
    private final class Collector {
        let bodyLimit: Int
        var bodyBytes: [UInt8] = []
        var bodyCut = false
        var headers: [(name: String, value: String)] = []
        var headersCut = false

        init(bodyLimit: Int) {
            self.bodyLimit = bodyLimit
        }

        func body(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
            guard let data, count > 0 else { return count }
            let room = bodyLimit - bodyBytes.count
            data.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                bodyBytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: min(room, count)))
            }
            if count > room {
                bodyCut = true
                return 0  // stops the transfer: what is over the limit is never read
            }
            return count
        }

        func header(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
            guard let data, count > 0 else { return count }
            let line = data.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                String(decoding: UnsafeBufferPointer(start: bytes, count: min(count, 8192)), as: UTF8.self)
            }
            if line.hasPrefix("HTTP/") {
                headers = []  // a new response: after a redirect, or after 100 Continue
                headersCut = false
                return count
            }
            guard let colon = line.firstIndex(of: ":") else { return count }
            guard headers.count < HTTPTransfer.headerLimit else {
                headersCut = true
                return count
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
            headers.append((name, value))
            return count
        }
    }
}

private extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, set.unicodeScalars.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.unicodeScalars.contains(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
