import Foundation

/// A payment service the platform sends buyers to. It reports the result asynchronously through the signed webhook
/// (`POST /payments/webhook`), never through the buyer's browser, which could lie.
public protocol PaymentProvider: Sendable {
    /// Starts a payment for an order; the buyer is then sent to `CreatedPayment.redirectURL`.
    func createPayment(_ request: PaymentRequest) async throws(PaymentProviderError) -> CreatedPayment

    /// Gives a succeeded payment back in full and returns the provider's refund id. Idempotent by
    /// `RefundRequest.key` (the providers' idempotency key): asked again with the same key, after a crash between
    /// the refund and its recording, the provider answers the refund it already made and moves no money twice.
    /// Throws when no refund was made (provider unreachable, or it refused): the platform asks again later.
    func refund(_ request: RefundRequest) async throws(PaymentProviderError) -> String
}

/// A full refund of an order's payment.
public struct RefundRequest: Hashable, Sendable {
    /// The idempotency key: one refund per order, ever (`PLT-42-refund`).
    public var key: String
    /// The provider's payment id (`CreatedPayment.id`).
    public var payment: String
    public var amount: Money
    /// Why, for the provider's records and the buyer's statement.
    public var reason: String

    public init(key: String, payment: String, amount: Money, reason: String) {
        self.key = key
        self.payment = payment
        self.amount = amount
        self.reason = reason
    }
}

public struct PaymentRequest: Hashable, Sendable {
    /// The platform's order number (`PLT-42`).
    public var order: String
    public var amount: Money
    /// What the buyer's statement shows.
    public var description: String
    /// Where the provider sends the buyer back: the order page.
    public var returnURL: String

    public init(order: String, amount: Money, description: String, returnURL: String) {
        self.order = order
        self.amount = amount
        self.description = description
        self.returnURL = returnURL
    }
}

public struct CreatedPayment: Hashable, Sendable {
    /// The provider's payment id; webhook events name it.
    public var id: String
    public var redirectURL: String

    public init(id: String, redirectURL: String) {
        self.id = id
        self.redirectURL = redirectURL
    }
}

public struct PaymentProviderError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A payment result as the provider's webhook reports it, JSON `{"id", "type", "payment"}`.
public struct PaymentEvent: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case succeeded = "payment.succeeded"
        case failed = "payment.failed"
    }

    /// The event's own id: a replay carries the same one and is ignored.
    public var id: String
    public var kind: Kind
    /// The provider's payment id (`CreatedPayment.id`).
    public var payment: String

    public init(id: String, kind: Kind, payment: String) {
        self.id = id
        self.kind = kind
        self.payment = payment
    }

    enum CodingKeys: String, CodingKey {
        case id
        case kind = "type"
        case payment
    }
}
