/// Why a DES call did not deliver an answer, classified so the engine's outbox can decide: retry later, or give up
/// and raise it to an operator.
public struct DESClientError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Refused, unreachable, reset or closed before an answer: the peer is down or restarting.
        case connectionFailed
        /// No connection or no complete answer within the configured time.
        case timeout
        /// The TLS handshake failed: certificates or CA misconfigured on one side. Retrying will not fix it.
        case tlsFailure
        /// The peer answered with an HTTP error that is not a SOAP fault (see `DESHTTPSClient.send`).
        case httpStatus(Int)
        /// The answer was larger than `maximumResponseBytes`.
        case responseTooLarge
        /// The URL cannot be used (not https, no host).
        case invalidURL
        /// The client was shut down before or during the call.
        case clientShutDown
        case other
    }

    public var kind: Kind
    /// The underlying error or the peer's answer, for the log.
    public var detail: String
    /// The answer's body when `kind` is `.httpStatus`, so an operator can read what the peer said.
    public var body: [UInt8]

    public init(kind: Kind, detail: String, body: [UInt8] = []) {
        self.kind = kind
        self.detail = detail
        self.body = body
    }

    /// Whether sending the same message again later may succeed: transient network trouble and overloaded or
    /// restarting peers yes; TLS, bad URLs, refusals such as 403/404/413 no (they need a human).
    public var isRetryable: Bool {
        switch kind {
        case .connectionFailed, .timeout: true
        case .httpStatus(let status): status == 408 || status == 429 || (500...599).contains(status)
        case .tlsFailure, .responseTooLarge, .invalidURL, .clientShutDown, .other: false
        }
    }

    public var description: String {
        let name: String
        switch kind {
        case .connectionFailed: name = "connection failed"
        case .timeout: name = "timed out"
        case .tlsFailure: name = "TLS failure"
        case .httpStatus(let status): name = "HTTP status \(status)"
        case .responseTooLarge: name = "response too large"
        case .invalidURL: name = "invalid URL"
        case .clientShutDown: name = "client shut down"
        case .other: name = "failed"
        }
        return "DES call \(name): \(detail)"
    }
}
