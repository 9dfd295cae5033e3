import DES
import Logging
import RegistryCore
import RegistryNet

/// What became of one attempt to deliver a DES request: what the caller (or `OrderedDelivery`) decides on.
public enum DeliveryAttempt: Sendable, Hashable {
    /// The peer answered with a DES response (received or refused: a refusal is an answer, never retried).
    case answered(DESResponse)
    /// The peer answered with a SOAP fault or something that is not a DES response: it has spoken, not retried.
    case fault(String)
    /// Transport failure, time-out or HTTP 5xx without a SOAP body: the peer may be back later, so retry.
    case transient(String)
    /// No directory entry, TLS failure, bad URL: retrying cannot help.
    case failed(String)

    /// The response when the peer answered, else nil.
    public var response: DESResponse? {
        if case .answered(let response) = self { return response }
        return nil
    }
}

/// Sends what a simulator initiates over HTTPS to the peer's URL from the directory, and reads the answer.
///
/// One attempt per call; `OrderedDelivery` adds the retries and the per-recipient order on top of `attempt`.
public struct SimulatorDelivery: Sendable {
    let client: DESHTTPSClient
    let directory: PeerDirectory
    let logger: Logger

    public init(
        client: DESHTTPSClient, directory: PeerDirectory, logger: Logger = Logger(label: "simulators.delivery")
    ) {
        self.client = client
        self.directory = directory
        self.logger = logger
    }

    /// Closes the HTTPS client's pooled connections (call before the process exits).
    public func shutdown() async {
        do { try await client.shutdown() } catch { logger.warning("closing the DES client failed: \(error)") }
    }

    /// Sends one request once and classifies the outcome.
    public func attempt(_ request: DESRequest, to recipient: RegistryCode) async -> DeliveryAttempt {
        guard let entry = directory.entry(forRegistryCode: recipient.rawValue) else {
            return .failed("no directory entry for \(recipient)")
        }
        let reply: DESClientResponse
        do {
            reply = try await client.send(
                to: entry.url, soapAction: request.operation.soapAction, body: DESCodec.encode(request.message))
        } catch {
            return error.isRetryable ? .transient(error.description) : .failed(error.description)
        }
        do {
            return .answered(try DESCodec.decodeResponse(reply.body, operation: request.operation))
        } catch {
            return .fault("\(recipient) answered \(request.operation) with \(error)")
        }
    }

    /// Sends one request once and returns the peer's response (nil when it could not be delivered or read).
    @discardableResult
    public func send(_ request: DESRequest, to recipient: RegistryCode) async -> DESResponse? {
        let outcome = await attempt(request, to: recipient)
        switch outcome {
        case .answered(let response): return response
        case .fault(let detail), .transient(let detail), .failed(let detail):
            logger.warning("\(request.operation) to \(recipient) failed: \(detail)")
            return nil
        }
    }
}
