import Foundation
import RegistryCore
import RegistryWeb

/// GET `/orders/<token>`: where the buyer's order stands, in plain words, and the attestation once completed.
enum OrderPage {
    static func render(order: Order, offer: Offer?) -> String {
        var main = "<p role=\"status\"><strong>\(HTML.escape(order.status.plainText))</strong></p>"
        switch order.status {
        case .awaitingPayment:
            main += "<p>The units are reserved for you until \(OnlinePlatform.timestamp(order.expiresAt)).</p>"
            if let url = order.paymentURL {
                main += "<p><a href=\"\(HTML.escape(url))\">Pay \(HTML.escape(order.amount.description))</a></p>"
            }
        case .paid, .cancelling:
            main += "<p>Your payment was received. The registry is cancelling the units; reload this page to see "
            main += "when it is done.</p>"
        case .completed:
            main += "<p><a href=\"/orders/\(order.token)/attestation\" download>Download the attestation of "
            main += "voluntary cancellation</a> (a signed HTML document you can print or keep).</p>"
        case .refundDue:
            main += "<p>Your payment of \(HTML.escape(order.amount.description)) arrived after the reservation "
            main += "ended, and the units had been ordered by someone else or the offer had ended. No units were "
            main += "cancelled for you. <strong>You are owed a refund of \(HTML.escape(order.amount.description))"
            main += "</strong>; it is being returned to your payment method (reload this page to see it done).</p>"
        case .cancellationFailed:
            main += "<p>The registry could not cancel the units"
            if let failure = order.failure { main += " (\(HTML.escape(failure)))" }
            main += ". <strong>You are owed a refund of \(HTML.escape(order.amount.description))</strong>; it is "
            main += "being returned to your payment method (reload this page to see it done).</p>"
        case .refunded:
            main += "<p>No units were cancelled for you"
            if let failure = order.failure { main += ": the registry could not cancel them (\(HTML.escape(failure)))" }
            main += ". <strong>Your payment of \(HTML.escape(order.amount.description)) was refunded</strong>"
            if let at = order.refundedAt { main += " on \(OnlinePlatform.timestamp(at))" }
            main += ".</p>"
        case .paymentFailed, .expired:
            if let offer {
                main += "<p>You can <a href=\"/offers/\(offer.id)\">order again from this offer</a>.</p>"
            }
        }
        main += "<h2>Order details</h2><dl>"
        func row(_ term: String, _ value: String) {
            main += "<dt>\(HTML.escape(term))</dt><dd>\(HTML.escape(value))</dd>"
        }
        row("Order", order.number)
        if let offer {
            row("Project", "\(offer.units.projectTitle) (project \(offer.units.project))")
            row("Units", "\(order.quantity) \(offer.units.unitType), vintage \(offer.units.vintage)")
        } else {
            row("Units", String(order.quantity))
        }
        row("Amount", "\(order.amount) (\(order.pricePerUnit) per unit)")
        row("Cancelled on behalf of", order.beneficiary)
        row("Purpose", order.purpose)
        row("Ordered", OnlinePlatform.timestamp(order.createdAt))
        if let paid = order.paidAt { row("Paid", OnlinePlatform.timestamp(paid)) }
        if let transaction = order.transaction { row("Registry transaction", transaction.rawValue) }
        if let completed = order.completedAt { row("Cancelled", OnlinePlatform.timestamp(completed)) }
        if let refund = order.refundID { row("Refund", refund) }
        main += "</dl><p>Keep the address of this page: it is the only way to see your order.</p>"
        return WebPage.layout(
            title: "Order \(order.number)", main: main, navigation: PlatformWeb.navigation(current: nil))
    }
}
