import Foundation
import Logging

extension OnlinePlatform {
    /// Sends the queued e-mails that are due, one pass at a time. A message the server did not take is tried again
    /// after 1, 2, 4, ... minutes (at most an hour apart), for as long as it takes; a message taken is marked sent
    /// (if that mark fails, the next pass sends it again: at least once, never silently dropped).
    public func sendMail() async {
        guard let mail else { return }
        await mailPasses.run { [self] in
            let due: [PlatformMailItem]
            do { due = try store.dueMail(now: now) } catch {
                logger.error("cannot read the mail queue: \(error)")
                return
            }
            for item in due {
                let message: MailMessage
                do {
                    guard let order = try store.order(id: item.orderID) else {
                        throw PlatformError.store("mail \(item.id): its order \(item.orderID) is missing")
                    }
                    message = composeMail(item.kind, order: order, offer: try store.offer(order.offerID))
                } catch {
                    logger.error("mail \(item.id) cannot be written: \(error)")
                    try? store.recordMailFailure(item.id, error: "\(error)", nextAttemptAt: retryTime(item))
                    continue
                }
                do {
                    try await mail.send(message)
                } catch {
                    let what = "mail \(item.id) (\(item.kind.rawValue), \(Order.number(item.orderID)))"
                    logger.warning("\(what) not sent, attempt \(item.attempts + 1): \(error)")
                    metrics.mailFailed()
                    try? store.recordMailFailure(item.id, error: "\(error)", nextAttemptAt: retryTime(item))
                    continue
                }
                metrics.mailSent()
                do { try store.markMailSent(item.id, now: now) } catch {
                    logger.error("mail \(item.id) sent but not marked: it will be sent again: \(error)")
                }
            }
        }
    }

    private func retryTime(_ item: PlatformMailItem) -> Date {
        now.addingTimeInterval(min(3_600, 60 * pow(2, Double(min(item.attempts, 10)))))
    }

    /// The e-mail of `kind` for the order as it is now: plain text with the order's (or attestation's) link.
    func composeMail(_ kind: PlatformMailKind, order: Order, offer: Offer?) -> MailMessage {
        let units =
            offer.map { offer in
                let units = offer.units
                return "\(order.quantity) \(units.unitType) of project \(units.project) (\(units.projectTitle))"
            } ?? "\(order.quantity) units"
        let link = orderURL(order)
        let signature = "\n\n-- \nThe CDM registry's online voluntary cancellation platform\n\(configuration.baseURL)\n"
        switch kind {
        case .received:
            return MailMessage(
                to: order.email, subject: "Order \(order.number): payment received",
                body: """
                    We received your payment of \(order.amount) for order \(order.number): \(units), to be \
                    cancelled on behalf of \(order.beneficiary).

                    Your order, and its attestation once the units are cancelled, are here. Keep this link: it \
                    is the only way back to the order.
                    \(link)
                    """ + signature)
        case .completed:
            var body = """
                The \(units) of order \(order.number) are voluntarily cancelled on behalf of \(order.beneficiary)
                """
            if let transaction = order.transaction { body += " (registry transaction \(transaction))" }
            body += """
                .

                Your attestation of voluntary cancellation (a signed document to print or keep):
                \(link)/attestation

                The order: \(link)
                """
            return MailMessage(
                to: order.email, subject: "Order \(order.number): units cancelled", body: body + signature)
        case .refunded:
            var body = "No units were cancelled for order \(order.number)"
            if let failure = order.failure { body += ": the registry could not cancel them (\(failure))" }
            body += ". Your payment of \(order.amount) was refunded"
            if let refund = order.refundID { body += " (refund \(refund))" }
            body += ".\n\nThe order: \(link)"
            return MailMessage(to: order.email, subject: "Order \(order.number): refunded", body: body + signature)
        }
    }
}
