import Foundation
import MetricsTestKit
import RegistryCore
import RegistryPlatform
import RegistryTestSupport
import Testing

/// Records what it is given; can refuse everything, as a mail server that is down.
actor RecordingMailTransport: MailTransport {
    private(set) var sent: [MailMessage] = []
    private var down = false

    func setDown(_ value: Bool) { down = value }

    func send(_ message: MailMessage) async throws(MailError) {
        if down { throw MailError("cannot connect to the mail server 127.0.0.1:25: connection refused") }
        sent.append(message)
    }
}

@Suite("E-mails to buyers")
struct PlatformMailTests {
    @Test func aCompletedOrderSendsPaymentReceivedThenUnitsCancelledOnceEach() async throws {
        let mail = RecordingMailTransport()
        let fixture = try await PlatformFixture(mail: mail)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 30)
        try await fixture.deliver(.succeeded, for: order)
        #expect(try await fixture.order(order).status == .completed)
        await fixture.platform.resume()
        await fixture.platform.resume()

        let sent = await mail.sent
        #expect(sent.map(\.subject) == ["Order \(order.number): payment received", "Order \(order.number): units cancelled"])
        #expect(sent.allSatisfy { $0.to == "ana@example.org" })
        let link = fixture.platform.orderURL(order)
        #expect(sent[0].body.contains("USD 375.00") && sent[0].body.contains(link))
        #expect(sent[0].body.contains("30 CER of project"))
        #expect(sent[1].body.contains("\(link)/attestation") && sent[1].body.contains("on behalf of Ana Díaz"))
        #expect(try fixture.platform.store.mailQueue().allSatisfy { $0.sentAt != nil && $0.attempts == 1 })
    }

    @Test func aMailTheServerDoesNotTakeIsTriedAgainLaterAndThenNotAgain() async throws {
        let mail = RecordingMailTransport()
        let fixture = try await PlatformFixture(mail: mail)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 5)
        await mail.setDown(true)
        try await fixture.deliver(.succeeded, for: order)
        await fixture.platform.sendMail()
        var queue = try fixture.platform.store.mailQueue()
        #expect(queue.count == 2 && queue.allSatisfy { $0.sentAt == nil && $0.attempts == 1 })
        #expect(queue.allSatisfy { $0.lastError?.contains("connection refused") == true })
        #expect(queue.allSatisfy { $0.nextAttemptAt == fixture.now.addingTimeInterval(60) })

        await mail.setDown(false)
        await fixture.platform.sendMail()
        #expect(await mail.sent.isEmpty, "not due before its next attempt")
        fixture.clock.advance(by: 61)
        await fixture.platform.sendMail()
        await fixture.platform.sendMail()
        #expect(await mail.sent.count == 2)
        queue = try fixture.platform.store.mailQueue()
        #expect(queue.allSatisfy { $0.sentAt != nil && $0.attempts == 2 && $0.lastError == nil })
    }

    @Test func aRefundedOrderSaysWhyAndWhichRefund() async throws {
        let mail = RecordingMailTransport()
        let provider = ScriptedRefundProvider()
        let fixture = try await PlatformFixture(units: 100, provider: provider, mail: mail)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 10)
        await fixture.registry.rejectCancellation(of: order.number, reason: "ITL response code 7122")
        try await fixture.deliver(.succeeded, for: order)
        await fixture.platform.resume()
        let sent = await mail.sent
        #expect(sent.map(\.subject) == ["Order \(order.number): payment received", "Order \(order.number): refunded"])
        #expect(sent.last?.body.contains("could not cancel them (ITL response code 7122)") == true)
        #expect(sent.last?.body.contains("USD 125.00 was refunded (refund re_\(order.refundKey))") == true)
    }

    @Test func withoutMailNothingIsQueued() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 5)
        try await fixture.deliver(.succeeded, for: order)
        await fixture.platform.resume()
        #expect(try fixture.platform.store.mailQueue().isEmpty)
    }

    @Test func theMailsReachAnSMTPServer() async throws {
        let server = try await FakeSMTPServer.start()
        let transport = SMTPMailTransport(host: "127.0.0.1", port: server.port, from: "platform@registry.example")
        let fixture = try await PlatformFixture(mail: transport)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let order = try await fixture.purchase(offer, quantity: 5)
        try await fixture.deliver(.succeeded, for: order)
        await fixture.platform.resume()
        await server.stop()
        #expect(server.sessions.count == 2)
        #expect(server.sessions.allSatisfy { $0.commands.contains("RCPT TO:<ana@example.org>") && $0.data != nil })
        #expect(try fixture.platform.store.mailQueue().allSatisfy { $0.sentAt != nil })
    }

    @Test func ordersByStatusRefundsAndTheMailQueueAreMeasured() async throws {
        let backend = TestMetrics()
        let mail = RecordingMailTransport()
        let provider = ScriptedRefundProvider()
        let fixture = try await PlatformFixture(
            units: 100, provider: provider, mail: mail, metrics: PlatformMetrics(factory: backend))
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let sold = try await fixture.purchase(offer, quantity: 10)
        let failing = try await fixture.purchase(offer, quantity: 5)
        _ = try await fixture.purchase(offer, quantity: 1)
        await fixture.registry.rejectCancellation(of: failing.number, reason: "ITL response code 7122")
        await mail.setDown(true)
        try await fixture.deliver(.succeeded, for: sold)
        try await fixture.deliver(.succeeded, for: failing)
        await fixture.platform.resume()

        func orders(_ status: OrderStatus) throws -> Double? {
            try backend.expectGauge(PlatformMetrics.Name.orders, [("status", status.rawValue)]).lastValue
        }
        #expect(try orders(.completed) == 1 && orders(.refunded) == 1 && orders(.awaitingPayment) == 1)
        #expect(try orders(.cancellationFailed) == 0, "every status is reported, zeros included")
        #expect(backend.counterTotal(label: PlatformMetrics.Name.refunds) == 1)
        #expect(try backend.expectGauge(PlatformMetrics.Name.mailWaiting).lastValue == 4)
        #expect(backend.counterTotal(label: PlatformMetrics.Name.mailFailures) == 4)

        await mail.setDown(false)
        fixture.clock.advance(by: 61)
        await fixture.platform.resume()
        #expect(backend.counterTotal(label: PlatformMetrics.Name.mailSent) == 4)
        #expect(try backend.expectGauge(PlatformMetrics.Name.mailWaiting).lastValue == 0)
    }
}
