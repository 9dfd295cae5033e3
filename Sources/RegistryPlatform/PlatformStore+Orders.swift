import Foundation
import GRDB
import RegistryCore

/// What a verified payment event did to its order.
enum PaymentEffect: Hashable, Sendable {
    /// The event id was processed before: nothing changed.
    case replayed
    /// Recorded, but it changes nothing (the order already moved on).
    case ignored(String)
    /// The order is paid (durably): its cancellation is to be started.
    case paid(Order)
    /// Paid too late, units gone: the order says a refund is due.
    case refundDue(Order)
    /// Payment failed: the order ended; `releasing` is true when its units are to go back to the holder.
    case failed(Order, releasing: Bool)
}

extension PlatformStore {
    /// Takes `request.quantity` units of the offer for a new order, in ONE write transaction that checks
    /// offered - sold - held - released >= quantity (issue 7: no oversell, whatever the concurrency).
    func reserve(
        _ request: PurchaseRequest, beneficiary: String, purpose: String, email: String, token: String, now: Date,
        expiresAt: Date
    ) throws(PlatformError) -> Order {
        try write { db in
            guard let offer = try Self.fetchOffer(db, id: request.offerID) else {
                throw PlatformError.offerNotFound(request.offerID)
            }
            guard offer.status == .open, now < offer.validUntil else {
                throw PlatformError.offerClosed(offer.id, offer.status == .open ? .expired : offer.status)
            }
            let available = offer.available(at: now)
            guard request.quantity <= available else { throw PlatformError.notEnoughUnits(available: available) }
            guard let amount = offer.pricePerUnit.times(request.quantity) else {
                throw PlatformError.invalidInput(field: "quantity", "the total amount is too large")
            }
            try db.execute(
                sql: """
                    INSERT INTO orders (token, offer_id, quantity, price_minor, currency, amount_minor, beneficiary,
                        purpose, email, status, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token, offer.id, request.quantity, offer.pricePerUnit.minorUnits,
                    offer.pricePerUnit.currency.rawValue, amount.minorUnits, beneficiary, purpose, email,
                    OrderStatus.awaitingPayment.rawValue, now.timeIntervalSince1970, expiresAt.timeIntervalSince1970,
                ])
            let id = db.lastInsertedRowID
            try db.execute(
                sql: "UPDATE offers SET held = held + ? WHERE id = ?", arguments: [request.quantity, offer.id])
            guard let order = try Self.fetchOrder(db, where: "id = ?", [id]) else {
                throw PlatformError.store("the order just inserted cannot be read back")
            }
            return order
        }
    }

    /// The provider's payment for an order awaiting payment.
    func attachPayment(order id: Int64, paymentID: String, url: String) throws(PlatformError) -> Order {
        try write { db in
            try db.execute(
                sql: "UPDATE orders SET payment_id = ?, payment_url = ? WHERE id = ?",
                arguments: [paymentID, url, id])
            guard let order = try Self.fetchOrder(db, where: "id = ?", [id]) else { throw PlatformError.orderNotFound }
            return order
        }
    }

    public func order(token: String) throws(PlatformError) -> Order? {
        try read { db in try Self.fetchOrder(db, where: "token = ?", [token]) }
    }

    public func order(id: Int64) throws(PlatformError) -> Order? {
        try read { db in try Self.fetchOrder(db, where: "id = ?", [id]) }
    }

    /// All orders of an offer, oldest first.
    public func orders(offer id: Int64) throws(PlatformError) -> [Order] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE offer_id = ? ORDER BY id", arguments: [id]).map {
                row in try Self.order(from: row)
            }
        }
    }

    /// Ends an order awaiting payment; its units go back to the offer, or to `releasing` when the offer ended.
    /// Returns true when units are to be released to the holder.
    func endOrder(order id: Int64, as status: OrderStatus, now: Date) throws(PlatformError) -> Bool {
        try write { db in try Self.endAwaitingOrder(db, id: id, as: status, now: now) }
    }

    static func endAwaitingOrder(_ db: Database, id: Int64, as status: OrderStatus, now: Date) throws -> Bool {
        guard
            let order = try fetchOrder(db, where: "id = ? AND status = ?", [id, OrderStatus.awaitingPayment.rawValue]),
            let offer = try fetchOffer(db, id: order.offerID)
        else { return false }
        try db.execute(
            sql: "UPDATE orders SET status = ?, ended_at = ? WHERE id = ?",
            arguments: [status.rawValue, now.timeIntervalSince1970, id])
        let toHolder = offer.status != .open
        try db.execute(
            sql: "UPDATE offers SET held = held - ?, releasing = releasing + ? WHERE id = ?",
            arguments: [order.quantity, toHolder ? order.quantity : 0, offer.id])
        return toHolder
    }

    /// Ends every order whose hold ran out by `now`. Returns true when some units are to go back to holders.
    func expireOrders(now: Date) throws(PlatformError) -> (expired: Int, releasing: Bool) {
        try write { db in
            let due = try Int64.fetchAll(
                db, sql: "SELECT id FROM orders WHERE status = ? AND expires_at <= ?",
                arguments: [OrderStatus.awaitingPayment.rawValue, now.timeIntervalSince1970])
            var releasing = false
            for id in due {
                if try Self.endAwaitingOrder(db, id: id, as: .expired, now: now) { releasing = true }
            }
            return (due.count, releasing)
        }
    }

    /// Applies a verified payment event exactly once (its id is recorded in the same transaction).
    /// `mail`: queue the buyer's "payment received" e-mail with the change.
    func applyPayment(event: PaymentEvent, now: Date, mail: Bool = false) throws(PlatformError) -> PaymentEffect {
        try write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO payment_events (event_id, payment_id, kind, received_at) "
                    + "VALUES (?, ?, ?, ?)",
                arguments: [event.id, event.payment, event.kind.rawValue, now.timeIntervalSince1970])
            guard db.changesCount == 1 else { return .replayed }
            guard let order = try Self.fetchOrder(db, where: "payment_id = ?", [event.payment]) else {
                // Not recorded: the transaction is rolled back, so a redelivery is processed once the order is known.
                throw PlatformError.orderNotFound
            }
            switch event.kind {
            case .succeeded:
                let effect = try Self.applySuccess(db, order: order, now: now)
                switch effect {
                case .paid, .refundDue: if mail { try Self.queueMail(db, order: order.id, .received, now: now) }
                default: break
                }
                return effect
            case .failed:
                guard order.status == .awaitingPayment else {
                    return .ignored(
                        "order \(order.number) is \(order.status.rawValue); a failed payment changes nothing")
                }
                let releasing = try Self.endAwaitingOrder(db, id: order.id, as: .paymentFailed, now: now)
                return .failed(try Self.fetchOrder(db, where: "id = ?", [order.id]) ?? order, releasing: releasing)
            }
        }
    }

    private static func applySuccess(_ db: Database, order: Order, now: Date) throws -> PaymentEffect {
        let time = now.timeIntervalSince1970
        switch order.status {
        case .awaitingPayment:
            // Still held for this order (even if its expiry has not been applied yet): the units are its own.
            try db.execute(
                sql: "UPDATE offers SET held = held - ?, sold = sold + ? WHERE id = ?",
                arguments: [order.quantity, order.quantity, order.offerID])
        case .expired, .paymentFailed:
            // A late payment takes the units again only if the offer still has them free.
            guard let offer = try fetchOffer(db, id: order.offerID), order.quantity <= offer.available(at: now) else {
                try db.execute(
                    sql: "UPDATE orders SET status = ?, paid_at = ?, ended_at = ? WHERE id = ?",
                    arguments: [OrderStatus.refundDue.rawValue, time, time, order.id])
                return .refundDue(try fetchOrder(db, where: "id = ?", [order.id]) ?? order)
            }
            try db.execute(
                sql: "UPDATE offers SET sold = sold + ? WHERE id = ?", arguments: [order.quantity, order.offerID])
        default:
            return .ignored("order \(order.number) is already \(order.status.rawValue)")
        }
        try db.execute(
            sql: "UPDATE orders SET status = ?, paid_at = ?, ended_at = NULL WHERE id = ?",
            arguments: [OrderStatus.paid.rawValue, time, order.id])
        guard let paid = try fetchOrder(db, where: "id = ?", [order.id]) else {
            throw PlatformError.store("order \(order.number) vanished")
        }
        return .paid(paid)
    }

    /// Paid orders whose cancellation is not finished: re-sent or followed.
    func ordersToFollow() throws(PlatformError) -> [Order] { try orders(in: [.paid, .cancelling]) }

    /// The latest orders, newest first, of one status or all: what operators list.
    public func recentOrders(status: OrderStatus?, limit: Int) throws(PlatformError) -> [Order] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM orders \(status == nil ? "" : "WHERE status = ?") ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(status.map { [$0.rawValue] } ?? []) + [limit]
            ).map { row in try Self.order(from: row) }
        }
    }

    /// How many orders there are in each status.
    public func orderCounts() throws(PlatformError) -> [OrderStatus: Int] {
        try read { db in
            var counts: [OrderStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM orders GROUP BY status") {
                if let status = OrderStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    /// The orders in one of `statuses`, oldest first.
    private func orders(in statuses: [OrderStatus]) throws(PlatformError) -> [Order] {
        let marks = statuses.map { _ in "?" }.joined(separator: ", ")
        return try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM orders WHERE status IN (\(marks)) ORDER BY id",
                arguments: StatementArguments(statuses.map(\.rawValue))
            ).map { row in try Self.order(from: row) }
        }
    }

    /// The registry accepted the cancellation request under `transaction`.
    func recordTransaction(order id: Int64, _ transaction: TransactionIdentifier) throws(PlatformError) {
        try write { db in
            try db.execute(
                sql: "UPDATE orders SET status = ?, transaction_id = ? WHERE id = ? AND status = ?",
                arguments: [OrderStatus.cancelling.rawValue, transaction.rawValue, id, OrderStatus.paid.rawValue])
        }
    }

    func completeOrder(_ id: Int64, now: Date, mail: Bool = false) throws(PlatformError) {
        try write { db in
            try db.execute(
                sql: "UPDATE orders SET status = ?, completed_at = ?, ended_at = ? WHERE id = ? AND status = ?",
                arguments: [
                    OrderStatus.completed.rawValue, now.timeIntervalSince1970, now.timeIntervalSince1970, id,
                    OrderStatus.cancelling.rawValue,
                ])
            if mail, db.changesCount == 1 { try Self.queueMail(db, order: id, .completed, now: now) }
        }
    }

    /// The registry or ITL rejected the cancellation: the units are back in the holder's account.
    func failCancellation(_ id: Int64, reason: String, now: Date) throws(PlatformError) {
        try write { db in
            guard
                let order = try Self.fetchOrder(
                    db, where: "id = ? AND status = ?", [id, OrderStatus.cancelling.rawValue])
            else { return }
            try db.execute(
                sql: "UPDATE orders SET status = ?, failure = ?, ended_at = ? WHERE id = ?",
                arguments: [OrderStatus.cancellationFailed.rawValue, reason, now.timeIntervalSince1970, id])
            try db.execute(
                sql: "UPDATE offers SET sold = sold - ?, returned = returned + ? WHERE id = ?",
                arguments: [order.quantity, order.quantity, order.offerID])
        }
    }

    /// Paid orders that got nothing and whose payment has not gone back yet, oldest first.
    func ordersOwingRefund() throws(PlatformError) -> [Order] {
        try orders(in: OrderStatus.allCases.filter(\.owesRefund)).filter { $0.paymentID != nil }
    }

    /// The provider refunded the order's payment as `refundID`; returns the order as it now is, or nil when it was
    /// no longer owed (refunded meanwhile by another pass or an operator: it keeps its first refund).
    @discardableResult
    func recordRefund(order id: Int64, refundID: String, now: Date, mail: Bool = false) throws(PlatformError)
        -> Order?
    {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE orders SET status = ?, refund_id = ?, refunded_at = ?
                    WHERE id = ? AND status IN (?, ?) AND refund_id IS NULL
                    """,
                arguments: [
                    OrderStatus.refunded.rawValue, refundID, now.timeIntervalSince1970, id,
                    OrderStatus.refundDue.rawValue, OrderStatus.cancellationFailed.rawValue,
                ])
            guard db.changesCount == 1 else { return nil }
            if mail { try Self.queueMail(db, order: id, .refunded, now: now) }
            return try Self.fetchOrder(db, where: "id = ?", [id])
        }
    }
}
