/// How a DES endpoint listens: address, path and the limits that protect it from peers that misbehave.
public struct DESHTTPSServerConfiguration: Hashable, Sendable {
    /// Address to bind, e.g. "127.0.0.1" or "0.0.0.0".
    public var host: String
    /// Port to bind; 0 lets the kernel choose (tests), `DESHTTPSServer.port` reports it.
    public var port: Int
    /// The one path that accepts POSTs (DES endpoints are one SOAP URL each); other paths get 404.
    public var path: String
    /// The largest request body accepted; larger ones get 413 without being buffered (a DES message with thousands of
    /// unit blocks is well under a megabyte).
    public var maximumBodyBytes: Int
    /// A connection with no traffic at all for this long is closed (also bounds stalled TLS handshakes).
    public var idleTimeout: Duration
    /// How long `shutdown()` lets in-flight requests finish before it closes their connections anyway.
    public var shutdownGracePeriod: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 0, path: String = "/des", maximumBodyBytes: Int = 4 << 20,
        idleTimeout: Duration = .seconds(60), shutdownGracePeriod: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.path = path
        self.maximumBodyBytes = maximumBodyBytes
        self.idleTimeout = idleTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
