/// The bounds a public listener keeps so that no client can exhaust it: sizes, time and connections.
///
/// A value type like NIO's `NIOHTTPDecoderLimitConfiguration`: read once from configuration and passed down.
public struct WebServerLimits: Sendable, Hashable {
    /// Request bodies above this get 413; only forms are posted, so 1 MiB is generous.
    public var maximumBodyBytes: Int
    /// The request line and headers together; above this the request is refused with 431 and the connection closed.
    public var maximumHeaderBytes: Int
    /// A connection with no request in progress and nothing read for this long is closed.
    public var idleTimeout: Duration
    /// Connections beyond this are answered 503 and closed at once, so memory and tasks stay bounded.
    public var maximumConnections: Int
    /// The listen queue length handed to the kernel.
    public var backlog: Int

    public init(
        maximumBodyBytes: Int = 1 << 20, maximumHeaderBytes: Int = 16 * 1024, idleTimeout: Duration = .seconds(30),
        maximumConnections: Int = 512, backlog: Int = 256
    ) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumHeaderBytes = maximumHeaderBytes
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.backlog = backlog
    }

    /// The first limit that cannot work, named, or nil when all are usable.
    public var problem: String? {
        if maximumBodyBytes < 0 { return "maximumBodyBytes \(maximumBodyBytes) is negative" }
        if maximumHeaderBytes < 1024 { return "maximumHeaderBytes \(maximumHeaderBytes) is below 1024" }
        if idleTimeout <= .zero { return "idleTimeout \(idleTimeout) is not positive" }
        if maximumConnections < 1 { return "maximumConnections \(maximumConnections) is below 1" }
        if backlog < 1 { return "backlog \(backlog) is below 1" }
        return nil
    }
}
