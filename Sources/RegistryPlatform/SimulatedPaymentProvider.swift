import AsyncHTTPClient
import Foundation
import NIOCore

/// A payment provider for tests and demonstrations that behaves like a real one on the wire: its pay page (served
/// by the platform under `/simulated-payments/<id>`) has Pay and Decline buttons, and the result reaches the
/// platform only as a signed webhook, a real HTTP POST to `<base URL>/payments/webhook`.
public actor SimulatedPaymentProvider: PaymentProvider {
    public enum State: String, Hashable, Sendable {
        case open
        case paid
        case declined
        case refunded
    }

    /// A payment as the simulated provider knows it.
    public struct Payment: Hashable, Sendable {
        public var id: String
        public var request: PaymentRequest
        public var state: State
    }

    /// What settling a payment sent: the event and the exact body, so a test can replay it.
    public struct Settlement: Hashable, Sendable {
        public var event: PaymentEvent
        public var body: [UInt8]
        /// The webhook's answer: its HTTP status and text.
        public var status: Int
        public var answer: String
        public var returnURL: String
    }

    private var payments: [String: Payment] = [:]
    /// Refund ids by idempotency key, and the refunds made (payment id -> refund id).
    private var refundsByKey: [String: String] = [:]
    public private(set) var refunds: [String: String] = [:]
    private let baseURL: String
    private let signature: WebhookSignature
    private let clock: @Sendable () -> Date

    /// `baseURL` is the platform's (the pay page and the webhook live there); `secret` is the webhook secret the
    /// platform checks; `clock` signs the timestamps (the platform's own clock in tests that move time).
    public init(baseURL: String, secret: [UInt8], clock: @escaping @Sendable () -> Date = { Date() }) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.signature = WebhookSignature(secret: secret)
        self.clock = clock
    }

    public var webhookURL: String { "\(baseURL)/payments/webhook" }

    public func createPayment(_ request: PaymentRequest) async throws(PaymentProviderError) -> CreatedPayment {
        guard request.amount.minorUnits > 0 else { throw PaymentProviderError("the amount must be positive") }
        let id = "sim_" + OnlinePlatform.newToken()
        payments[id] = Payment(id: id, request: request, state: .open)
        return CreatedPayment(id: id, redirectURL: "\(baseURL)/simulated-payments/\(id)")
    }

    public func payment(_ id: String) -> Payment? { payments[id] }

    /// Refunds a paid payment in full, once: the same key answers the same refund; another key for a payment
    /// already refunded, a payment never paid or a different amount is refused, as a real provider would.
    public func refund(_ request: RefundRequest) async throws(PaymentProviderError) -> String {
        if let existing = refundsByKey[request.key] {
            guard refunds[request.payment] == existing else {
                throw PaymentProviderError("refund key \(request.key) was used for another payment")
            }
            return existing
        }
        guard var payment = payments[request.payment] else {
            throw PaymentProviderError("there is no payment \(request.payment)")
        }
        guard payment.state == .paid else {
            throw PaymentProviderError("payment \(request.payment) is \(payment.state), not paid: nothing to refund")
        }
        guard request.amount == payment.request.amount else {
            throw PaymentProviderError(
                "refund of \(request.amount) for payment \(request.payment) of \(payment.request.amount): only full "
                    + "refunds")
        }
        let id = "re_" + OnlinePlatform.newToken()
        payment.state = .refunded
        payments[request.payment] = payment
        refundsByKey[request.key] = id
        refunds[request.payment] = id
        return id
    }

    /// The buyer pressed Pay (`succeeded`) or Decline: records it and POSTs the signed event to the platform.
    public func settle(_ id: String, succeeded: Bool) async throws(PaymentProviderError) -> Settlement {
        guard var payment = payments[id] else { throw PaymentProviderError("there is no payment \(id)") }
        guard payment.state == .open else { throw PaymentProviderError("payment \(id) is already \(payment.state)") }
        payment.state = succeeded ? .paid : .declined
        payments[id] = payment
        let event = PaymentEvent(
            id: "evt_" + OnlinePlatform.newToken(), kind: succeeded ? .succeeded : .failed, payment: id)
        let body: [UInt8]
        do { body = Array(try JSONEncoder().encode(event)) } catch {
            throw PaymentProviderError("the event could not be encoded: \(error)")
        }
        let (status, answer) = try await deliver(body)
        return Settlement(
            event: event, body: body, status: status, answer: answer, returnURL: payment.request.returnURL)
    }

    /// POSTs `body` to the webhook, signed now; retried twice on a network error or 5xx, as providers do.
    public func deliver(_ body: [UInt8]) async throws(PaymentProviderError) -> (status: Int, answer: String) {
        guard let url = URL(string: webhookURL) else { throw PaymentProviderError("bad webhook URL \(webhookURL)") }
        var lastProblem = ""
        for attempt in 0..<3 {
            if attempt > 0 { try? await Task.sleep(for: .milliseconds(200 * attempt)) }
            // AsyncHTTPClient, not URLSession: its requests never hold a thread of the concurrency pool, which the
            // platform answering this very webhook may need (in tests both run in one process).
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: WebhookSignature.headerName, value: signature.header(for: body, at: clock()))
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                let status = Int(response.status.code)
                let answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
                if status >= 500 || status == 0 {
                    lastProblem = "HTTP \(status): \(answer)"
                    continue
                }
                return (status, answer)
            } catch {
                lastProblem = "\(error)"
            }
        }
        throw PaymentProviderError("the webhook \(webhookURL) could not be delivered: \(lastProblem)")
    }
}
