/// A socket that accepts connections or datagrams, as the running kernel lists it.
public struct ListeningSocket: Sendable, Equatable {
    public var transport: NetworkEndpoint.Transport
    public var endpoint: NetworkEndpoint
    /// The socket's owner (the uid the kernel records for it).
    public var userID: UInt32
    /// The processes holding it; empty when they could not be seen.
    public var holders: [Holder]

    public struct Holder: Sendable, Equatable {
        public var pid: Int32
        /// `comm`, the kernel's name of the process.
        public var command: String
        /// The executable's path, when it could be read.
        public var executable: String?

        public init(pid: Int32, command: String, executable: String?) {
            self.pid = pid
            self.command = command
            self.executable = executable
        }

        /// "gunicorn (pid 812)".
        public var description: String { "\(executable.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? command) (pid \(pid))" }
    }

    public init(transport: NetworkEndpoint.Transport, endpoint: NetworkEndpoint, userID: UInt32, holders: [Holder]) {
        self.transport = transport
        self.endpoint = endpoint
        self.userID = userID
        self.holders = holders
    }
}

/// The sockets of a running host, or why they cannot be known.
public struct SocketObservation: Sendable {
    public var sockets: [ListeningSocket]
    /// Whether every process's descriptors could be read (so an empty holder list means none).
    public var holdersComplete: Bool

    public init(sockets: [ListeningSocket], holdersComplete: Bool) {
        self.sockets = sockets
        self.holdersComplete = holdersComplete
    }
}
