import Foundation
import RegistryCore
import RegistryPlatform
import Testing

/// A provider that records refunds by idempotency key, like a real one, and can be switched off.
actor ScriptedRefundProvider: PaymentProvider {
    private(set) var refundCalls: [RefundRequest] = []
    /// Money actually moved: one entry per refund made (a repeated key moves nothing).
    private(set) var refundsMade: [String: RefundRequest] = [:]
    private var down = false

    func setDown(_ value: Bool) { down = value }

    func createPayment(_ request: PaymentRequest) async throws(PaymentProviderError) -> CreatedPayment {
        let id = "pay_\(request.order)"
        return CreatedPayment(id: id, redirectURL: "https://pay.example.org/\(id)")
    }

    func refund(_ request: RefundRequest) async throws(PaymentProviderError) -> String {
        refundCalls.append(request)
        if down { throw PaymentProviderError("the provider is unreachable") }
        if refundsMade[request.key] == nil { refundsMade[request.key] = request }
        return "re_\(request.key)"
    }
}

@Suite("Refunds of orders that got nothing")
struct RefundTests {
    @Test func aCancellationTheRegistryRejectsIsRefundedOnceWithTheOrdersKey() async throws {
        let provider = ScriptedRefundProvider()
        let fixture = try await PlatformFixture(units: 100, provider: provider)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 15)
        await fixture.registry.rejectCancellation(of: order.number, reason: "ITL response code 7122")
        try await fixture.deliver(.succeeded, for: order)

        let refunded = try await fixture.order(order)
        #expect(refunded.status == .refunded && !refunded.status.owesRefund)
        #expect(refunded.refundID == "re_\(order.number)-refund" && refunded.refundedAt == fixture.now)
        #expect(refunded.failure == "ITL response code 7122", "the reason stays on the order")
        let made = await provider.refundsMade
        #expect(made.count == 1)
        #expect(made[order.refundKey]?.amount == order.amount && made[order.refundKey]?.payment == order.paymentID)
        // Later passes find nothing owed: no call at all.
        await fixture.platform.resume()
        #expect(await fixture.platform.refundOwed() == 0)
        #expect(await provider.refundCalls.count == 1)
        #expect(try fixture.offerNow(offer).returned == 15, "the units are the holder's again")
    }

    @Test func aRefundTheProviderDoesNotMakeStaysOwedUntilAPassMakesIt() async throws {
        let provider = ScriptedRefundProvider()
        let fixture = try await PlatformFixture(units: 100, provider: provider)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 10)
        await fixture.registry.rejectCancellation(of: order.number, reason: "ITL response code 7122")
        await provider.setDown(true)
        try await fixture.deliver(.succeeded, for: order)
        #expect(try await fixture.order(order).status == .cancellationFailed)
        #expect(await fixture.platform.refundOwed() == 0)
        #expect(await provider.refundCalls.count == 1, "not asked again before 30 s")
        fixture.clock.advance(by: 31)
        #expect(await fixture.platform.refundOwed() == 0)
        #expect(await provider.refundCalls.count == 2)
        #expect(try await fixture.order(order).status == .cancellationFailed)

        await provider.setDown(false)
        #expect(await fixture.platform.refundOwed() == 0, "the second failure doubled the wait to a minute")
        fixture.clock.advance(by: 61)
        #expect(await fixture.platform.refundOwed() == 1)
        #expect(try await fixture.order(order).status == .refunded)
        #expect(await provider.refundsMade.count == 1)
        #expect(await provider.refundCalls.map(\.key) == Array(repeating: order.refundKey, count: 3))
    }

    @Test func aRefundMadeButNotRecordedIsRecordedAgainWithoutMovingMoneyTwice() async throws {
        let provider = ScriptedRefundProvider()
        let fixture = try await PlatformFixture(provider: provider)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let late = try await fixture.purchase(offer, quantity: 80)
        fixture.clock.advance(by: 31 * 60)
        _ = try await fixture.platform.expireDue()
        _ = try await fixture.platform.withdrawOffer(offer.id)
        // The provider was asked and made the refund, then the platform stopped before recording it.
        await provider.setDown(true)
        try await fixture.deliver(.succeeded, for: late)
        #expect(try await fixture.order(late).status == .refundDue)
        await provider.setDown(false)
        _ = try await provider.refund(
            RefundRequest(
                key: late.refundKey, payment: try #require(late.paymentID), amount: late.amount, reason: "crash"))

        fixture.clock.advance(by: 31)
        await fixture.platform.resume()
        let refunded = try await fixture.order(late)
        #expect(refunded.status == .refunded && refunded.refundID == "re_\(late.refundKey)")
        #expect(await provider.refundsMade.count == 1)
    }

    @Test func theSimulatedProviderRefundsOnlyAPaidPaymentInFullAndOnce() async throws {
        let provider = SimulatedPaymentProvider(baseURL: "http://127.0.0.1:9", secret: PlatformFixture.secret)
        let amount = Money(minorUnits: 5_000, currency: try CurrencyCode("EUR"))
        let payment = try await provider.createPayment(
            PaymentRequest(order: "PLT-1", amount: amount, description: "test", returnURL: "http://127.0.0.1:9/"))
        let request = RefundRequest(key: "PLT-1-refund", payment: payment.id, amount: amount, reason: "test")
        await #expect(throws: PaymentProviderError.self) { try await provider.refund(request) }
        #expect(await provider.refunds.isEmpty, "an open payment has nothing to give back")
    }
}

@Suite("Refunds made outside the provider")
struct ManualRefundTests {
    @Test func anOrderTheProviderCannotRefundIsMarkedRefundedByAnOperatorOnce() async throws {
        let provider = ScriptedRefundProvider()
        let mail = RecordingMailTransport()
        let fixture = try await PlatformFixture(units: 100, provider: provider, mail: mail)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 10)
        let other = try await fixture.purchase(offer, quantity: 10)
        await fixture.registry.rejectCancellation(of: order.number, reason: "ITL response code 7122")
        await provider.setDown(true)
        try await fixture.deliver(.succeeded, for: order)
        try await fixture.deliver(.succeeded, for: other)

        #expect(throws: PlatformError.self, "an order not owed a refund") {
            try fixture.platform.markRefunded(other.id, note: "bank transfer 2024-03-02")
        }
        #expect(throws: PlatformError.self, "a note is required") {
            try fixture.platform.markRefunded(order.id, note: " ")
        }
        let marked = try fixture.platform.markRefunded(order.id, note: "bank transfer 2024-03-02")
        #expect(marked.status == .refunded && marked.refundID == "manual: bank transfer 2024-03-02")
        #expect(throws: PlatformError.self, "only once") {
            try fixture.platform.markRefunded(order.id, note: "again")
        }
        // The provider is never asked again for it, and the buyer is told.
        await provider.setDown(false)
        #expect(await fixture.platform.refundOwed() == 0)
        #expect(await provider.refundsMade.isEmpty)
        await fixture.platform.sendMail()
        #expect(await mail.sent.last?.body.contains("(refund manual: bank transfer 2024-03-02)") == true)
    }
}
