/// Why registryctl could not talk to the daemon; every message names the socket path and says what to check.
public struct AdminClientError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// Connecting failed: the daemon is not running, or the caller may not use the socket.
        case cannotConnect = "cannot-connect"
        /// Reading or writing failed, or the daemon did not answer in time.
        case io
        /// The daemon closed the connection before answering.
        case closedByDaemon = "closed-by-daemon"
        /// The daemon's answer was not a response line of this protocol.
        case malformedResponse = "malformed-response"
    }

    public var kind: Kind
    public var path: String
    public var message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String {
        switch kind {
        case .cannotConnect: "cannot connect to \(path): \(message)"
        case .io: "admin socket \(path): \(message)"
        case .closedByDaemon: "admin socket \(path): the daemon closed the connection \(message)"
        case .malformedResponse: "admin socket \(path): unreadable response: \(message)"
        }
    }
}
