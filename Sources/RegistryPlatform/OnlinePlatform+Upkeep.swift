import Foundation
import Logging
import RegistryCore

/// What one expiry pass did.
public struct ExpiryReport: Hashable, Sendable {
    /// Orders whose hold ended unpaid.
    public var ordersExpired: Int
    /// Offers whose validity ended.
    public var offersExpired: Int
}

extension OnlinePlatform {
    /// Ends orders whose hold ran out and offers past their validity, and releases what they free for the holder.
    public func expireDue(now: Date) async throws(PlatformError) -> ExpiryReport {
        let orders = try store.expireOrders(now: now)
        var offers = 0
        for id in try store.offersPastValidity(now: now) {
            guard try store.endOffer(id, as: .expired, now: now) != nil else { continue }
            offers += 1
            logger.info("offer \(id) expired")
        }
        if orders.expired > 0 { logger.info("\(orders.expired) orders expired unpaid") }
        if offers > 0 || orders.releasing { await flushReleases() }
        return ExpiryReport(ordersExpired: orders.expired, offersExpired: offers)
    }

    /// `expireDue(now:)` at the platform clock's now.
    public func expireDue() async throws(PlatformError) -> ExpiryReport { try await expireDue(now: now) }

    /// Re-sends paid orders whose cancellation was not accepted yet (idempotent per order) and reads the outcome of
    /// those in progress.
    public func followCancellations() async {
        let orders: [Order]
        do { orders = try store.ordersToFollow() } catch {
            logger.error("cannot read the orders to follow: \(error)")
            return
        }
        for order in orders { await follow(order) }
    }

    /// Start-up: apply expiries, finish releases, re-send paid orders without a transaction, follow the others,
    /// refund what is owed, send the e-mails that are due.
    public func resume() async {
        do { _ = try await expireDue() } catch { logger.error("expiry pass failed: \(error)") }
        await flushReleases()
        await followCancellations()
        await refundOwed()
        await sendMail()
        do { try store.deleteExpiredSessions(now: now) } catch {
            logger.error("expired holder sessions not removed: \(error)")
        }
        sampleMetrics()
    }

    /// Orders by status and the e-mails waiting, for the metrics endpoint.
    func sampleMetrics() {
        do {
            metrics.orders(try store.orderCounts())
            if mail != nil { metrics.mailWaiting(try store.mailWaitingCount()) }
        } catch {
            logger.error("platform metrics not sampled: \(error)")
        }
    }

    /// Gives back the payment of every paid order that got nothing (paid too late, or its cancellation failed);
    /// returns how many were refunded now. The order is owed durably before the provider is asked, and the
    /// provider's idempotency key is the order's, so a refund asked again after a crash moves no money twice. A
    /// refund the provider does not make stays owed and is asked again after 30 s, then doubling up to an hour.
    @discardableResult
    public func refundOwed() async -> Int {
        let owed: [Order]
        do { owed = try store.ordersOwingRefund() } catch {
            logger.error("cannot read the orders owed a refund: \(error)")
            return 0
        }
        var refunded = 0
        for order in owed where await refund(order) { refunded += 1 }
        return refunded
    }

    /// Records a refund made outside the provider (staff returned the money by bank transfer after the provider
    /// kept refusing): the order stops being owed and the buyer's "refunded" e-mail is queued. Only an order owed
    /// a refund can be marked; the note (how it was refunded) becomes its refund id, prefixed `manual: `.
    public func markRefunded(_ id: Int64, note: String) throws(PlatformError) -> Order {
        let text = try FieldRules.text(note, field: "note", maxLength: 200)
        guard let order = try store.order(id: id) else {
            throw .invalidInput(field: "order", "there is no order \(Order.number(id))")
        }
        guard order.status.owesRefund else {
            throw .invalidInput(
                field: "order", "\(order.number) is \(order.status.rawValue), not owed a refund: nothing to mark")
        }
        guard let marked = try store.recordRefund(order: id, refundID: "manual: \(text)", now: now, mail: mail != nil)
        else { throw .invalidInput(field: "order", "\(order.number) changed meanwhile; look again") }
        metrics.refunded()
        logger.notice("order \(order.number): refund recorded by an operator (\(text))")
        return marked
    }

    /// Refunds one owed order; true when the provider made the refund and it is recorded.
    func refund(_ order: Order) async -> Bool {
        guard order.status.owesRefund, let payment = order.paymentID, refundBackoff.isDue(order.id, now: now) else {
            return false
        }
        let reason =
            order.status == .cancellationFailed
            ? "order \(order.number): the registry did not cancel the units"
            : "order \(order.number): paid after the reservation ended, the units were gone"
        let refundID: String
        do {
            refundID = try await payments.refund(
                RefundRequest(key: order.refundKey, payment: payment, amount: order.amount, reason: reason))
        } catch {
            let next = refundBackoff.failed(order.id, now: now)
            let when = Self.timestamp(next)
            logger.warning("order \(order.number): refund of \(order.amount) not made, next attempt \(when): \(error)")
            return false
        }
        do {
            // nil: another pass (the webhook's and the periodic one can meet) recorded it first.
            guard try store.recordRefund(order: order.id, refundID: refundID, now: now, mail: mail != nil) != nil
            else { return false }
        } catch {
            // The provider made it: the next pass asks again with the same key and records the same refund.
            logger.error("order \(order.number): refund \(refundID) made but not recorded: \(error)")
            return false
        }
        refundBackoff.succeeded(order.id)
        metrics.refunded()
        logger.notice("order \(order.number): \(order.amount) refunded (\(refundID))")
        return true
    }

    /// The periodic task: `resume()`'s passes every `interval` until the task is cancelled.
    public func maintain(every interval: Duration) async {
        while !Task.isCancelled {
            await resume()
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Moves one paid order on: asks the registry to cancel (if not yet accepted), then reads the outcome.
    func follow(_ order: Order) async {
        var transaction = order.transaction
        if order.status == .paid {
            do {
                guard let offer = try store.offer(order.offerID) else {
                    logger.error("order \(order.number): its offer \(order.offerID) is missing")
                    return
                }
                let started = try await startCancellation(order, hold: offer.units.hold)
                try store.recordTransaction(order: order.id, started)
                transaction = started
                logger.info("order \(order.number): cancellation \(started) started")
            } catch {
                logger.warning("order \(order.number): cancellation not started, will retry: \(error)")
                return
            }
        }
        guard let transaction else { return }
        let outcome: CancellationOutcome?
        do { outcome = try await registry.cancellationOutcome(transaction) } catch {
            logger.warning("order \(order.number): cannot read the outcome of \(transaction): \(error)")
            return
        }
        do {
            switch outcome {
            case .completed:
                try store.completeOrder(order.id, now: now, mail: mail != nil)
                logger.info("order \(order.number): cancellation \(transaction) completed")
            case .failed(let reason):
                try store.failCancellation(order.id, reason: reason, now: now)
                logger.warning("order \(order.number): cancellation \(transaction) failed, refund due: \(reason)")
                if let failed = try store.order(id: order.id) { _ = await refund(failed) }
            case .inProgress:
                break
            case nil:
                logger.error("order \(order.number): the registry does not know transaction \(transaction)")
            }
        } catch {
            logger.error("order \(order.number): outcome of \(transaction) not recorded: \(error)")
        }
    }

    private func startCancellation(_ order: Order, hold: TransactionIdentifier) async throws(PlatformError)
        -> TransactionIdentifier
    {
        do {
            return try await registry.cancelHeld(
                HeldCancellationRequest(
                    hold: hold, quantity: order.quantity, order: order.number, beneficiary: order.beneficiary,
                    purpose: order.purpose))
        } catch {
            throw .registry(error)
        }
    }

    /// Gives pending releases to the registry, one pass at a time (see `ReleaseQueue`); a failed release stays
    /// pending and is retried by the next pass.
    func flushReleases() async {
        await releases.run { [self] in
            let pending: [Offer]
            do { pending = try store.offersWithPendingReleases() } catch {
                logger.error("cannot read pending releases: \(error)")
                return
            }
            for offer in pending {
                // The reference names the release by what was confirmed before it: it stays the same until this
                // release is recorded, so a retry after a crash is answered from the registry's journal.
                let released: Int64
                do {
                    released = try await registry.releaseHeld(
                        offer.units.hold, quantity: offer.releasing,
                        reference: "offer-\(offer.id)-after-\(offer.released)")
                } catch {
                    logger.warning(
                        "offer \(offer.id): release of \(offer.releasing) units failed, will retry: \(error)")
                    continue
                }
                do { try store.confirmRelease(offer: offer.id, quantity: min(released, offer.releasing)) } catch {
                    logger.error("offer \(offer.id): release of \(released) units not recorded: \(error)")
                }
            }
        }
    }
}
