import Foundation
import RegistryCore

/// Where an order stands, from the buyer's point of view.
public enum OrderStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Its units are held on the offer until `expiresAt`; the buyer is at the payment provider.
    case awaitingPayment = "awaiting-payment"
    /// Paid (recorded durably before anything else); the cancellation has not been accepted by the registry yet.
    case paid
    /// The registry is cancelling the units (transaction known, ITL answer pending).
    case cancelling
    /// Cancelled; the attestation is available.
    case completed
    /// The payment failed or was declined; the units went back to the offer.
    case paymentFailed = "payment-failed"
    /// Nobody paid before the hold ended; the units went back to the offer.
    case expired
    /// Paid after the hold ended, and the units had gone meanwhile: the buyer is owed the amount back.
    case refundDue = "refund-due"
    /// The registry or ITL rejected the cancellation: the units went back to the holder, the buyer is owed a refund.
    case cancellationFailed = "cancellation-failed"
    /// The payment of a `refund-due` or `cancellation-failed` order went back to the buyer (`refundID`).
    case refunded

    /// Orders that hold units on their offer.
    public var holdsUnits: Bool { self == .awaitingPayment }
    /// Orders whose units count as sold.
    public var isSold: Bool { self == .paid || self == .cancelling || self == .completed }
    /// The buyer paid and gets nothing: the platform refunds the payment (and the page says a refund is due until
    /// the provider made it).
    public var owesRefund: Bool { self == .refundDue || self == .cancellationFailed }

    /// What the order page says, in plain words.
    public var plainText: String {
        switch self {
        case .awaitingPayment: "Awaiting payment"
        case .paid: "Paid; the cancellation is being started"
        case .cancelling: "Paid; the registry is cancelling the units"
        case .completed: "Completed: the units are cancelled"
        case .paymentFailed: "Payment failed or declined; nothing was charged for these units"
        case .expired: "Expired: no payment arrived in time"
        case .refundDue: "Refund due: the payment arrived after the reservation ended and the units were gone"
        case .cancellationFailed: "Failed, refund due: the registry did not cancel the units"
        case .refunded: "Refunded: no units were cancelled, and your payment was returned"
        }
    }
}

/// A buyer's purchase of units from one offer.
public struct Order: Hashable, Sendable {
    public var id: Int64
    /// The order page's secret: 128 random bits, hex. Whoever has the link sees the order.
    public var token: String
    public var offerID: Int64
    public var quantity: Int64
    public var pricePerUnit: Money
    public var amount: Money
    public var beneficiary: String
    public var purpose: String
    public var email: String
    public var status: OrderStatus
    public var createdAt: Date
    /// When the hold on the offer ends if no payment arrived.
    public var expiresAt: Date
    public var paymentID: String?
    public var paymentURL: String?
    public var paidAt: Date?
    /// The registry's cancellation transaction, once started.
    public var transaction: TransactionIdentifier?
    public var completedAt: Date?
    /// Why the cancellation failed, as the registry said it.
    public var failure: String?
    public var endedAt: Date?
    /// The provider's refund, once made (status `refunded`).
    public var refundID: String?
    public var refundedAt: Date?

    /// The platform's order number, as the registry records it (the idempotency key of `cancelHeld`).
    public var number: String { Order.number(id) }

    static func number(_ id: Int64) -> String { "PLT-\(id)" }

    /// The refund's idempotency key at the provider: one refund per order, whoever asks and however often.
    public var refundKey: String { "\(number)-refund" }
}

/// What a buyer asks for on an offer's page.
public struct PurchaseRequest: Hashable, Sendable {
    public var offerID: Int64
    public var quantity: Int64
    public var beneficiary: String
    public var purpose: String
    public var email: String

    public init(offerID: Int64, quantity: Int64, beneficiary: String, purpose: String, email: String) {
        self.offerID = offerID
        self.quantity = quantity
        self.beneficiary = beneficiary
        self.purpose = purpose
        self.email = email
    }
}
