/// Live counters of one DES endpoint, for the daemon's metrics and for tests (keep-alive shows as many requests on
/// one established connection).
public final class DESHTTPSServerStatistics: Sendable {
    /// A consistent copy of the counters.
    public struct Snapshot: Hashable, Sendable {
        /// Connections whose TLS handshake completed (refused handshakes are in `TLSHandshakeFailureCounter`).
        public var establishedConnections = 0
        public var openConnections = 0
        /// Requests handed to the `DESRequestHandler` (and answered, or still in flight).
        public var dispatchedRequests = 0
        public var requestsInFlight = 0
        /// Requests answered without the handler: wrong path or method, body over the limit.
        public var refusedRequests = 0
    }

    private let state = LockedValue(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func connectionEstablished() {
        state.withLock {
            $0.establishedConnections &+= 1
            $0.openConnections &+= 1
        }
    }

    func connectionClosed() { state.withLock { $0.openConnections &-= 1 } }

    func requestStarted() {
        state.withLock {
            $0.dispatchedRequests &+= 1
            $0.requestsInFlight &+= 1
        }
    }

    func requestFinished() { state.withLock { $0.requestsInFlight &-= 1 } }

    func requestRefused() { state.withLock { $0.refusedRequests &+= 1 } }
}
