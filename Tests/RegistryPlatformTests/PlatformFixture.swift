import Foundation
import Logging
import RegistryCore
import RegistryPlatform
import RegistryWeb
import Testing

/// A clock tests move by hand, so holds and offers expire without sleeping.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// A platform over a fresh store file, the in-memory registry and the simulated provider.
struct PlatformFixture {
    static let secret = Array("test-webhook-secret-0123456789".utf8)
    static let holding = try! AccountIdentifier(registry: .cdm, type: .entityHolding, id: 77, commitmentPeriod: 2)

    let directory: URL
    let clock: TestClock
    let registry: InMemoryRegistry
    let payments: SimulatedPaymentProvider
    let platform: OnlinePlatform

    /// `provider`: the platform's payment provider instead of the simulated one (`payments` still exists).
    init(
        baseURL: String = "http://127.0.0.1:9", units: Int64 = 10_000, holdMinutes: Double = 30,
        paymentOrigins: [String] = [], provider: (any PaymentProvider)? = nil, mail: (any MailTransport)? = nil,
        metrics: PlatformMetrics = PlatformMetrics()
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("platform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = TestClock()
        registry = InMemoryRegistry()
        await registry.deposit(units, into: Self.holding)
        let clock = self.clock
        payments = SimulatedPaymentProvider(baseURL: baseURL, secret: Self.secret, clock: { clock.now })
        let store = try PlatformStore(path: directory.appendingPathComponent("platform.sqlite").path)
        var logger = Logger(label: "platform-test")
        logger.logLevel = .critical
        platform = try OnlinePlatform(
            store: store, registry: registry, payments: provider ?? payments,
            configuration: PlatformConfiguration(
                baseURL: baseURL, webhookSecret: Self.secret, holdDuration: holdMinutes * 60,
                paymentOrigins: paymentOrigins, clock: { clock.now }),
            mail: mail, metrics: metrics, logger: logger)
    }

    var now: Date { clock.now }

    /// An offer of the holding account's units, valid for 30 days.
    func offer(
        quantity: Int64 = 1_000, cents: Int64 = 1_250, currency: String = "USD", validDays: Double = 30
    ) async throws -> Offer {
        try await platform.createOffer(
            OfferRequest(
                account: Self.holding, seller: "Ventosa Energy", quantity: quantity,
                pricePerUnit: Money(minorUnits: cents, currency: try CurrencyCode(currency)),
                validUntil: now.addingTimeInterval(validDays * 86_400)))
    }

    func purchase(_ offer: Offer, quantity: Int64) async throws -> Order {
        try await platform.purchase(
            PurchaseRequest(
                offerID: offer.id, quantity: quantity, beneficiary: "Ana Díaz", purpose: "Offsetting 2025 flights",
                email: "ana@example.org"))
    }

    /// A webhook body for `order`'s payment, signed now with the shared secret.
    func signedEvent(_ kind: PaymentEvent.Kind, for order: Order, id: String = "evt_\(UUID().uuidString)")
        throws -> (body: [UInt8], header: String)
    {
        let payment = try #require(order.paymentID)
        let body = Array(try JSONEncoder().encode(PaymentEvent(id: id, kind: kind, payment: payment)))
        return (body, WebhookSignature(secret: Self.secret).header(for: body, at: now))
    }

    /// Delivers a signed event straight to the platform (the HTTP path is covered by the end-to-end suite).
    @discardableResult
    func deliver(_ kind: PaymentEvent.Kind, for order: Order) async throws -> WebhookReceipt {
        let (body, header) = try signedEvent(kind, for: order)
        return await platform.receiveWebhook(body: body, signatureHeader: header)
    }

    func order(_ order: Order) async throws -> Order { try #require(try await platform.order(token: order.token)) }

    func offerNow(_ offer: Offer) throws -> Offer { try #require(try platform.offer(offer.id)) }

    func removeFiles() { try? FileManager.default.removeItem(at: directory) }
}
