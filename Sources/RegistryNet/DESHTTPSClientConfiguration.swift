/// How this party calls its peers' DES endpoints.
public struct DESHTTPSClientConfiguration: Hashable, Sendable {
    /// TCP connect plus TLS handshake; a peer that does not answer in this time is reported as a timeout.
    public var connectTimeout: Duration
    /// The whole exchange, from queueing the request to the last byte of the answer.
    public var requestTimeout: Duration
    /// Answers larger than this are refused (`DESClientError.Kind.responseTooLarge`), never buffered whole.
    public var maximumResponseBytes: Int
    /// Keep-alive connections kept per peer (the outbox sends to few peers, often).
    public var maximumConnectionsPerPeer: Int
    /// An idle pooled connection is closed after this long.
    public var idleConnectionTimeout: Duration

    public init(
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30),
        maximumResponseBytes: Int = 4 << 20, maximumConnectionsPerPeer: Int = 8,
        idleConnectionTimeout: Duration = .seconds(60)
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumConnectionsPerPeer = maximumConnectionsPerPeer
        self.idleConnectionTimeout = idleConnectionTimeout
    }
}
