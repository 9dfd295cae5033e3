import Foundation
import Logging
import RegistryCore

/// What the webhook endpoint answers the provider: 400 for anything not signed right (nothing changed), 200 once
/// the event is durably processed or recognised as a replay, 500 when the database failed (the provider retries).
public struct WebhookReceipt: Hashable, Sendable {
    public var status: Int
    public var message: String
}

/// A webhook body read loosely first, so an event type the platform does not know is acknowledged, not refused.
struct PaymentEventEnvelope: Decodable {
    var id: String
    var type: String
    var payment: String
}

extension OnlinePlatform {
    /// Orders units of an offer: checks the buyer's input, takes the units in one write transaction (no oversell),
    /// then starts the payment. The returned order carries the URL the buyer is sent to.
    public func purchase(_ request: PurchaseRequest) async throws(PlatformError) -> Order {
        guard request.quantity > 0 else {
            throw .invalidInput(field: "quantity", "must be a positive number of units")
        }
        let beneficiary = try FieldRules.text(request.beneficiary, field: "beneficiary", maxLength: 200)
        let purpose = try FieldRules.text(request.purpose, field: "purpose", maxLength: 500)
        let email = try FieldRules.email(request.email)
        let now = self.now
        let order = try store.reserve(
            request, beneficiary: beneficiary, purpose: purpose, email: email, token: Self.newToken(), now: now,
            expiresAt: now.addingTimeInterval(configuration.holdDuration))
        let offer = try store.offer(order.offerID)
        let units = offer.map { "\($0.units.unitType) of project \($0.units.project)" } ?? "units"
        let payment: CreatedPayment
        do {
            payment = try await payments.createPayment(
                PaymentRequest(
                    order: order.number, amount: order.amount,
                    description: "Voluntary cancellation of \(order.quantity) \(units), order \(order.number)",
                    returnURL: orderURL(order)))
        } catch {
            logger.warning("order \(order.number): the payment could not be created: \(error)")
            if try store.endOrder(order: order.id, as: .paymentFailed, now: self.now) { await flushReleases() }
            throw .payment(error.description)
        }
        logger.info("order \(order.number): \(order.quantity) units of offer \(order.offerID) held until payment")
        return try store.attachPayment(order: order.id, paymentID: payment.id, url: payment.redirectURL)
    }

    /// An order by its page token; a paid order's cancellation is followed first, so the page shows the news.
    public func order(token: String) async throws(PlatformError) -> Order? {
        guard Self.isToken(token), let order = try store.order(token: token) else { return nil }
        guard order.status == .paid || order.status == .cancelling else { return order }
        await follow(order)
        return try store.order(token: token)
    }

    /// The signed attestation of a completed order, as the registry issued it.
    public func attestation(token: String) async throws(PlatformError) -> (order: Order, document: String)? {
        guard let order = try await self.order(token: token), order.status == .completed,
            let transaction = order.transaction
        else { return nil }
        let document: String?
        do { document = try await registry.attestationDocument(for: transaction) } catch { throw .registry(error) }
        return document.map { (order, $0) }
    }

    /// The order page's address.
    public func orderURL(_ order: Order) -> String { "\(configuration.baseURL)/orders/\(order.token)" }

    /// Processes one webhook request: signature first (nothing is read or changed for an unsigned or forged
    /// request), then the event exactly once, durably, and only then the registry is asked to cancel.
    public func receiveWebhook(body: [UInt8], signatureHeader: String?) async -> WebhookReceipt {
        do {
            try signature.verify(header: signatureHeader, body: body, now: now)
        } catch {
            logger.warning("webhook refused: \(error)")
            return WebhookReceipt(status: 400, message: error.description)
        }
        let envelope: PaymentEventEnvelope
        do {
            envelope = try JSONDecoder().decode(PaymentEventEnvelope.self, from: Data(body))
        } catch {
            return WebhookReceipt(status: 400, message: "the body is not a payment event: \(error)")
        }
        guard (1...200).contains(envelope.id.utf8.count), (1...200).contains(envelope.payment.utf8.count) else {
            return WebhookReceipt(status: 400, message: "event and payment ids must be 1 to 200 bytes")
        }
        // Providers send event types the platform does not act on: acknowledged, or they would be sent for days.
        guard let kind = PaymentEvent.Kind(rawValue: envelope.type) else {
            return WebhookReceipt(status: 200, message: "event type '\(envelope.type)' is not acted on")
        }
        let event = PaymentEvent(id: envelope.id, kind: kind, payment: envelope.payment)
        let effect: PaymentEffect
        do {
            effect = try store.applyPayment(event: event, now: now, mail: mail != nil)
        } catch .orderNotFound {
            // Possibly ahead of the order's own commit: nothing recorded, the provider delivers again later.
            logger.warning("webhook event \(event.id): no order has payment \(event.payment)")
            return WebhookReceipt(status: 404, message: "no order has payment \(event.payment); nothing changed")
        } catch {
            logger.error("webhook event \(event.id) not recorded: \(error)")
            return WebhookReceipt(status: 500, message: "the event could not be recorded; send it again")
        }
        switch effect {
        case .replayed:
            return WebhookReceipt(status: 200, message: "event \(event.id) was already processed")
        case .ignored(let reason):
            logger.notice("webhook event \(event.id) changes nothing: \(reason)")
            return WebhookReceipt(status: 200, message: reason)
        case .paid(let order):
            logger.info("order \(order.number) paid")
            await follow(order)
            return WebhookReceipt(status: 200, message: "order \(order.number) paid")
        case .refundDue(let order):
            logger.warning("order \(order.number) paid after its hold ended and the units were gone: refund due")
            let refunded = await refund(order)
            return WebhookReceipt(
                status: 200, message: "order \(order.number): refund \(refunded ? "made" : "due")")
        case .failed(let order, let releasing):
            logger.info("order \(order.number): payment failed")
            if releasing { await flushReleases() }
            return WebhookReceipt(status: 200, message: "order \(order.number): payment failed")
        }
    }

    /// 128 random bits, hex: the order page's unguessable address.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for _ in 0..<2 {
            let word = generator.next() as UInt64
            for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((word >> UInt64(shift)) & 0xf)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isToken(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
