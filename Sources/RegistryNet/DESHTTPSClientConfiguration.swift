/// How this party calls its peers' DES endpoints.
public struct DESHTTPSClientConfiguration: Hashable, Sendable {
    /// TCP connect plus TLS handshake; a peer that does not answer in this time is reported as a timeout.
    public var connectTimeout: Duration
    /// The whole exchange, from queueing the request to the last byte of the answer.
    public var requestTimeout: Duration
    /// Answers larger than this are refused (`DESClientError.Kind.responseTooLarge`), never buffered whole.
    public var maximumResponseBytes: Int
    /// Keep-alive connections kept per peer (the outbox sends to few peers, often). HTTP/1.1 carries one exchange
    /// per connection at a time and each DES answer waits for the peer's durable commit, so this bounds the messages
    /// in flight per peer: 32 matches the outbox's window (8 capped the end-to-end benchmark at about 240 transfers
    /// per second with a third of the CPU idle; 32 gave 320-330/s, 64 no more).
    public var maximumConnectionsPerPeer: Int
    /// An idle pooled connection is closed after this long.
    public var idleConnectionTimeout: Duration

    public init(
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30),
        maximumResponseBytes: Int = 4 << 20, maximumConnectionsPerPeer: Int = 32,
        idleConnectionTimeout: Duration = .seconds(60)
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumConnectionsPerPeer = maximumConnectionsPerPeer
        self.idleConnectionTimeout = idleConnectionTimeout
    }
}
