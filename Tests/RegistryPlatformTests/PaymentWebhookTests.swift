import Foundation
import RegistryCore
import RegistryPlatform
import Testing

@Suite("Payment webhook: signatures, replays, declines, late payments, rejected cancellations")
struct PaymentWebhookTests {
    @Test func aPaidOrderIsCancelledAndCompletes() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 30)
        #expect(order.status == .awaitingPayment && order.amount.description == "USD 375.00")
        #expect(try fixture.offerNow(offer).held == 30)

        let receipt = try await fixture.deliver(.succeeded, for: order)
        #expect(receipt.status == 200)
        let done = try await fixture.order(order)
        #expect(done.status == .completed && done.transaction != nil)
        let now = try fixture.offerNow(offer)
        #expect(now.sold == 30 && now.held == 0 && now.available(at: fixture.now) == 70)
        #expect(await fixture.registry.cancellations[order.number]?.quantity == 30)
        let attestation = try #require(try await fixture.platform.attestation(token: order.token))
        #expect(attestation.document.contains("on behalf of Ana Díaz"))
    }

    @Test func aReplayedEventChangesNothingAndCancelsOnce() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 10)
        let (body, header) = try fixture.signedEvent(.succeeded, for: order, id: "evt_once")
        #expect(await fixture.platform.receiveWebhook(body: body, signatureHeader: header).status == 200)
        let calls = await fixture.registry.cancelHeldCalls
        let replay = await fixture.platform.receiveWebhook(body: body, signatureHeader: header)
        #expect(replay.status == 200 && replay.message.contains("already processed"))
        #expect(await fixture.registry.cancelHeldCalls == calls)
        #expect(await fixture.registry.totalCancelled == 10)
        #expect(try fixture.offerNow(offer).sold == 10)
    }

    @Test func unsignedForgedAndStaleWebhooksAreRefusedAndChangeNothing() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 10)
        let (body, header) = try fixture.signedEvent(.succeeded, for: order, id: "evt_x")
        let forger = WebhookSignature(secret: Array("not-the-shared-secret-at-all".utf8))
        var tampered = body
        tampered[tampered.count - 2] ^= 0x01
        let cases: [(String, [UInt8], String?)] = [
            ("unsigned", body, nil),
            ("empty", body, ""),
            ("malformed", body, "v1=abc"),
            ("forged", body, forger.header(for: body, at: fixture.now)),
            ("tampered body", tampered, header),
            (
                "stale", body,
                WebhookSignature(secret: PlatformFixture.secret)
                    .header(for: body, at: fixture.now.addingTimeInterval(-301))
            ),
            (
                "from the future", body,
                WebhookSignature(secret: PlatformFixture.secret)
                    .header(for: body, at: fixture.now.addingTimeInterval(301))
            ),
        ]
        for (name, sentBody, sentHeader) in cases {
            let receipt = await fixture.platform.receiveWebhook(body: sentBody, signatureHeader: sentHeader)
            #expect(receipt.status == 400, "\(name)")
        }
        #expect(try await fixture.order(order).status == .awaitingPayment)
        #expect(await fixture.registry.cancelHeldCalls == 0)
        // The refused event id was not recorded: the genuine delivery still works.
        #expect(await fixture.platform.receiveWebhook(body: body, signatureHeader: header).status == 200)
        #expect(try await fixture.order(order).status == .completed)
    }

    @Test func aDeclinedPaymentEndsTheOrderAndItsUnitsGoBackToTheOffer() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 60)
        #expect(try fixture.offerNow(offer).available(at: fixture.now) == 40)
        #expect(try await fixture.deliver(.failed, for: order).status == 200)
        #expect(try await fixture.order(order).status == .paymentFailed)
        #expect(try fixture.offerNow(offer).available(at: fixture.now) == 100)
        #expect(await fixture.registry.cancelHeldCalls == 0)
    }

    @Test func aLatePaymentTakesTheUnitsAgainWhenTheyAreStillFree() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 25)
        fixture.clock.advance(by: 30 * 60)
        #expect(try await fixture.platform.expireDue().ordersExpired == 1)
        #expect(try await fixture.order(order).status == .expired)
        #expect(try fixture.offerNow(offer).available(at: fixture.now) == 100)

        #expect(try await fixture.deliver(.succeeded, for: order).status == 200)
        #expect(try await fixture.order(order).status == .completed)
        #expect(try fixture.offerNow(offer).sold == 25)
        #expect(await fixture.registry.totalCancelled == 25)
    }

    @Test func aLatePaymentWhenTheUnitsAreGoneIsRefundDue() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let late = try await fixture.purchase(offer, quantity: 80)
        fixture.clock.advance(by: 31 * 60)
        _ = try await fixture.platform.expireDue()
        let other = try await fixture.purchase(offer, quantity: 90)
        try await fixture.deliver(.succeeded, for: other)

        let receipt = try await fixture.deliver(.succeeded, for: late)
        #expect(receipt.status == 200)
        let refused = try await fixture.order(late)
        #expect(refused.status == .refundDue && refused.paidAt != nil)
        #expect(refused.status.plainText.contains("Refund due"))
        let state = try fixture.offerNow(offer)
        #expect(state.sold == 90 && state.available(at: fixture.now) == 10)
        #expect(await fixture.registry.totalCancelled == 90)
        #expect(await fixture.registry.cancellations[late.number] == nil)
    }

    @Test func aCancellationTheRegistryRejectsIsFailedRefundDueAndTheUnitsAreTheHoldersAgain() async throws {
        let fixture = try await PlatformFixture(units: 100)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 15)
        await fixture.registry.rejectCancellation(of: order.number, reason: "ITL response code 7122")
        try await fixture.deliver(.succeeded, for: order)
        let failed = try await fixture.order(order)
        #expect(failed.status == .cancellationFailed && failed.failure == "ITL response code 7122")
        #expect(failed.status.owesRefund)
        let state = try fixture.offerNow(offer)
        #expect(state.sold == 0 && state.returned == 15 && state.available(at: fixture.now) == 85)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 15)
        #expect(try await fixture.platform.attestation(token: order.token) == nil)
        // Withdrawing releases exactly what the hold still has: 85, not the 15 the registry already returned.
        _ = try await fixture.platform.withdrawOffer(offer.id)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 100)
        #expect(await fixture.registry.holds[offer.units.hold]?.remaining == 0)
    }

    @Test func paidOrdersWithoutATransactionAreResentAndFollowedOnResume() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 5)
        await fixture.registry.setUnreachable(true)
        #expect(try await fixture.deliver(.succeeded, for: order).status == 200)
        #expect(try fixture.platform.store.order(token: order.token)?.status == .paid)

        await fixture.registry.setUnreachable(false)
        await fixture.registry.setCompleteAtOnce(false)
        await fixture.platform.resume()
        let cancelling = try #require(try fixture.platform.store.order(token: order.token))
        #expect(cancelling.status == .cancelling)
        let transaction = try #require(cancelling.transaction)
        await fixture.platform.resume()
        #expect(await fixture.registry.cancellations.count == 1)

        await fixture.registry.complete(transaction)
        // Viewing the order page follows the cancellation.
        #expect(try await fixture.order(order).status == .completed)
        #expect(await fixture.registry.totalCancelled == 5)
    }

    @Test func aReopenedStoreKeepsOrdersAndEvents() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 5)
        let (body, header) = try fixture.signedEvent(.succeeded, for: order, id: "evt_durable")
        _ = await fixture.platform.receiveWebhook(body: body, signatureHeader: header)
        let reopened = try PlatformStore(path: fixture.platform.store.path)
        #expect(try reopened.order(token: order.token)?.status == .completed)
        #expect(try reopened.offer(offer.id)?.sold == 5)
    }

    @Test func anEventForAnUnknownPaymentIsNotRecordedSoARedeliveryCounts() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 5)
        let signer = WebhookSignature(secret: PlatformFixture.secret)
        let unknown = Array(#"{"id":"evt_a","type":"payment.succeeded","payment":"sim_nobody"}"#.utf8)
        let first = await fixture.platform.receiveWebhook(
            body: unknown, signatureHeader: signer.header(for: unknown, at: fixture.now))
        #expect(first.status == 404)
        let payment = try #require(order.paymentID)
        let known = Array(#"{"id":"evt_a","type":"payment.succeeded","payment":"\#(payment)"}"#.utf8)
        let second = await fixture.platform.receiveWebhook(
            body: known, signatureHeader: signer.header(for: known, at: fixture.now))
        #expect(second.status == 200 && !second.message.contains("already processed"))
        #expect(try await fixture.order(order).status == .completed)
    }

    @Test func anEventTypeThePlatformDoesNotActOnIsAcknowledgedAndChangesNothing() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 5)
        let payment = try #require(order.paymentID)
        let body = Array(#"{"id":"evt_r","type":"payment.refunded","payment":"\#(payment)"}"#.utf8)
        let receipt = await fixture.platform.receiveWebhook(
            body: body,
            signatureHeader: WebhookSignature(secret: PlatformFixture.secret).header(for: body, at: fixture.now))
        #expect(receipt.status == 200 && receipt.message.contains("not acted on"))
        #expect(try await fixture.order(order).status == .awaitingPayment)
        #expect(try fixture.offerNow(offer).held == 5)
    }

    @Test func resumeAppliesExpiriesThatFellDueWhileThePlatformWasDown() async throws {
        let fixture = try await PlatformFixture(units: 100)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100, validDays: 1)
        let order = try await fixture.purchase(offer, quantity: 40)
        fixture.clock.advance(by: 2 * 86_400)
        await fixture.platform.resume()
        #expect(try await fixture.order(order).status == .expired)
        let ended = try fixture.offerNow(offer)
        #expect(ended.status == .expired && ended.released == 100 && ended.held == 0)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 100)
    }

}
