/// One HTTP(S) request a contract asks the host to make, and how it ended; what
/// ``NetworkObserver/exchange(_:)`` takes and answers.
public enum HTTPExchange {
    /// The most header fields of one response an HTTP library keeps.
    public static let headerLimit = 256

    public struct Request: Sendable, Equatable {
        public var url: String
        public var method: String
        /// `Name: value` lines; values may hold secrets and are never shown.
        public var headers: [String]
        /// A host or `HOST:PORT` to connect to instead of the URL's (the URL's name still goes
        /// into the Host header, SNI and certificate verification).
        public var connectTo: String?
        public var caFile: String?
        public var clientCertificate: String?
        public var clientKey: String?
        public var timeoutMilliseconds: Int
        public var followRedirects: Bool
        /// The most of the body read; a longer body is cut there (and ``Response/bodyCut`` says so).
        public var bodyLimit: Int

        public init(
            url: String, method: String = "GET", headers: [String] = [], connectTo: String? = nil, caFile: String? = nil,
            clientCertificate: String? = nil, clientKey: String? = nil, timeoutMilliseconds: Int = 5000,
            followRedirects: Bool = false, bodyLimit: Int = 1 << 20
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
        }
    }

    public struct HeaderField: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct Response: Sendable, Equatable {
        public var status: Int
        public var headers: [HeaderField]
        public var body: [UInt8]
        public var bodyCut: Bool
        /// More header fields came than were kept.
        public var headersCut: Bool
        /// The address that answered.
        public var address: String

        public init(
            status: Int, headers: [HeaderField] = [], body: [UInt8] = [], bodyCut: Bool = false, headersCut: Bool = false,
            address: String = ""
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.bodyCut = bodyCut
            self.headersCut = headersCut
            self.address = address
        }
    }

    /// Why no response came; each with the HTTP library's words.
    public enum Failure: Sendable, Equatable {
        case unresolved(String)
        case refused(String)
        case unreachable(String)
        case timedOut(String)
        /// The server's certificate did not verify.
        case untrustedServer(String)
        /// The TLS handshake failed, or the server ended the connection with a TLS alert.
        case handshake(String)
        /// The client certificate, its key or the CA file could not be used.
        case localCertificate(String)
        /// The server closed the connection without a response.
        case nothingReceived(String)
        case failed(String)
    }

    public enum Outcome: Sendable, Equatable {
        case response(Response)
        case failed(Failure)
    }
}
