import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RegistryCore
import RegistryPlatform
import RegistryWeb
import Testing

/// The server needs its handler before its port is known, the platform needs the port (its base URL) first: this
/// handler is set once both exist.
final class LateBoundHandler: WebHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var inner: (any WebHandler)?

    func bind(_ handler: any WebHandler) { lock.withLock { inner = handler } }

    func respond(to request: WebRequest) async -> WebResponse {
        guard let handler = lock.withLock({ inner }) else { return .error(status: 503, message: "not ready") }
        return await handler.respond(to: request)
    }
}

/// A platform behind a real listener on 127.0.0.1 (port chosen by the kernel) and an HTTP client that does not
/// follow redirects, so each step of the buyer's path is checked.
struct LivePlatform {
    let fixture: PlatformFixture
    let server: WebServer
    let client: HTTPClient
    let base: String

    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    static func start() async throws -> LivePlatform {
        let handler = LateBoundHandler()
        var logger = Logger(label: "platform-http-test")
        logger.logLevel = .critical
        let server = try await WebServer.start(host: "127.0.0.1", port: 0, handler: handler, logger: logger)
        let base = "http://127.0.0.1:\(server.port)"
        let fixture = try await PlatformFixture(baseURL: base)
        handler.bind(PlatformWeb(platform: fixture.platform, simulatedPayments: fixture.payments, logger: logger))
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        return LivePlatform(fixture: fixture, server: server, client: client, base: base)
    }

    /// Runs `body` against a fresh live platform and always stops it afterwards.
    static func with(_ body: (LivePlatform) async throws -> Void) async throws {
        let live = try await start()
        do { try await body(live) } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    func stop() async {
        try? await client.shutdown()
        await server.shutdown()
        fixture.removeFiles()
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request)
    }

    func post(_ path: String, form: [(String, String)], headers: [(String, String)] = []) async throws -> Answer {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await post(
            path, body: Array(body.utf8), headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers)
    }

    func post(_ path: String, body: [UInt8], headers: [(String, String)]) async throws -> Answer {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> Answer {
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes))
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

@Suite("Purchase over HTTP with the simulated provider", .serialized)
struct PurchaseOverHTTPTests {
    static let buyer = [
        ("beneficiary", "Ana Díaz & Co."), ("purpose", "Offsetting 2025 flights"), ("email", "ana@example.org"),
    ]

    @Test func aBuyerOrdersPaysAndDownloadsTheAttestation() async throws {
        try await LivePlatform.with { live in
            let offer = try await live.fixture.offer(quantity: 1_000)

            let listing = try await live.get("/?type=Wind&sort=price&order=asc")
            #expect(listing.status == 200)
            #expect(listing.body.contains("href=\"/offers/\(offer.id)\""))
            #expect(listing.body.contains("Wind farm &lt;Ventosa&gt;"))
            #expect(listing.body.contains("<form method=\"get\" action=\"/\""))
            #expect(listing.body.contains("<label for=\"host\">") && listing.body.contains("<legend>"))

            let page = try await live.get("/offers/\(offer.id)")
            #expect(page.status == 200 && page.body.contains("action=\"/offers/\(offer.id)/orders\""))

            let ordered = try await live.post("/offers/\(offer.id)/orders", form: [("quantity", "30")] + Self.buyer)
            #expect(ordered.status == 303)
            let payURL = try #require(ordered.header("Location"))
            #expect(payURL.hasPrefix("\(live.base)/simulated-payments/sim_"))
            #expect(try live.fixture.offerNow(offer).held == 30)

            let payPage = try await live.get(payURL)
            #expect(payPage.status == 200 && payPage.body.contains("USD 375.00"))
            #expect(payPage.body.contains("value=\"pay\"") && payPage.body.contains("value=\"decline\""))

            // Pressing Pay makes the provider POST the signed webhook to the platform, then sends the buyer back.
            let paid = try await live.post(payURL, form: [("decision", "pay")])
            #expect(paid.status == 303)
            let orderURL = try #require(paid.header("Location"))
            #expect(orderURL.hasPrefix("\(live.base)/orders/"))
            let token = String(orderURL.split(separator: "/").last ?? "")
            #expect(token.count == 32)

            // Pressing Pay again changes nothing: the same order, one cancellation.
            let again = try await live.post(payURL, form: [("decision", "pay")])
            #expect(again.status == 303 && again.header("Location") == orderURL)

            let orderPage = try await live.get(orderURL)
            #expect(orderPage.status == 200)
            #expect(orderPage.body.contains("Completed: the units are cancelled"))
            #expect(orderPage.body.contains("href=\"/orders/\(token)/attestation\""))
            #expect(orderPage.header("Cache-Control") == "no-store")

            let attestation = try await live.get("/orders/\(token)/attestation")
            #expect(attestation.status == 200)
            #expect(
                attestation.header("Content-Disposition")?.hasPrefix("attachment; filename=\"attestation-PLT-") == true)
            #expect(
                attestation.body.contains("30 CERs cancelled on behalf of Ana Díaz &amp; Co.")
                    || attestation.body.contains("30 CERs cancelled on behalf of Ana Díaz & Co."))
            #expect(await live.fixture.registry.totalCancelled == 30)
            #expect(try live.fixture.offerNow(offer).sold == 30)
        }
    }

    @Test func declineOnThePayPageEndsTheOrderAndFreesTheUnits() async throws {
        try await LivePlatform.with { live in
            let offer = try await live.fixture.offer(quantity: 100)
            let ordered = try await live.post("/offers/\(offer.id)/orders", form: [("quantity", "100")] + Self.buyer)
            let payURL = try #require(ordered.header("Location"))
            #expect(try live.fixture.offerNow(offer).available(at: live.fixture.now) == 0)

            let declined = try await live.post(payURL, form: [("decision", "decline")])
            #expect(declined.status == 303)
            let orderPage = try await live.get(try #require(declined.header("Location")))
            #expect(orderPage.body.contains("Payment failed or declined"))
            #expect(try live.fixture.offerNow(offer).available(at: live.fixture.now) == 100)
            #expect(await live.fixture.registry.cancelHeldCalls == 0)
        }
    }

    @Test func aPaidOrderTheRegistryCannotCancelIsRefundedThroughTheProvider() async throws {
        try await LivePlatform.with { live in
            let offer = try await live.fixture.offer(quantity: 100)
            await live.fixture.registry.rejectCancellation(of: "PLT-1", reason: "ITL response code 7122")
            let ordered = try await live.post("/offers/\(offer.id)/orders", form: [("quantity", "20")] + Self.buyer)
            let payURL = try #require(ordered.header("Location"))
            let paymentID = String(payURL.split(separator: "/").last ?? "")
            let paid = try await live.post(payURL, form: [("decision", "pay")])
            let orderPage = try await live.get(try #require(paid.header("Location")))
            #expect(orderPage.body.contains("Refunded: no units were cancelled, and your payment was returned"))
            #expect(orderPage.body.contains("the registry could not cancel them (ITL response code 7122)"))
            #expect(orderPage.body.contains("Your payment of USD 250.00 was refunded</strong> on "))
            #expect(await live.fixture.payments.payment(paymentID)?.state == .refunded)
            #expect(await live.fixture.payments.refunds[paymentID] != nil)
            let payPage = try await live.get(payURL)
            #expect(payPage.body.contains("This payment is refunded."))
            #expect(await live.fixture.registry.totalCancelled == 0)
        }
    }

    @Test func aRefusedOrderReRendersTheFormWithTheMessageNextToTheField() async throws {
        try await LivePlatform.with { live in
            let offer = try await live.fixture.offer(quantity: 100)
            let badEmail = try await live.post(
                "/offers/\(offer.id)/orders",
                form: [("quantity", "5"), ("beneficiary", "Ana"), ("purpose", "Offset"), ("email", "ana.example.org")])
            #expect(badEmail.status == 422)
            #expect(badEmail.body.contains("aria-describedby=\"email-hint email-error\" aria-invalid=\"true\""))
            #expect(badEmail.body.contains("<p id=\"email-error\" class=\"error\">email: &#39;ana.example.org&#39;"))
            #expect(badEmail.body.contains("value=\"Offset\""))

            let tooMany = try await live.post("/offers/\(offer.id)/orders", form: [("quantity", "101")] + Self.buyer)
            #expect(tooMany.status == 409)
            #expect(tooMany.body.contains("only 100 units are available"))
            #expect(tooMany.body.contains("id=\"quantity-error\""))
            #expect(try live.fixture.offerNow(offer).held == 0)
            #expect(await live.fixture.payments.payment("none") == nil)
        }
    }

    @Test func theWebhookEndpointRefusesUnsignedAndForgedRequestsWith400() async throws {
        try await LivePlatform.with { live in
            let offer = try await live.fixture.offer(quantity: 100)
            let order = try await live.fixture.purchase(offer, quantity: 10)
            let (body, header) = try live.fixture.signedEvent(.succeeded, for: order)
            let json = [("Content-Type", "application/json")]
            let unsigned = try await live.post("/payments/webhook", body: body, headers: json)
            #expect(unsigned.status == 400 && unsigned.body.contains("no Payment-Signature header"))
            let forged = String(header.dropLast(4)) + "0000"
            let bad = try await live.post(
                "/payments/webhook", body: body, headers: json + [("Payment-Signature", forged)])
            #expect(bad.status == 400)
            #expect(try live.fixture.platform.store.order(token: order.token)?.status == .awaitingPayment)

            let good = try await live.post(
                "/payments/webhook", body: body, headers: json + [("Payment-Signature", header)])
            #expect(good.status == 200)
            let replay = try await live.post(
                "/payments/webhook", body: body, headers: json + [("Payment-Signature", header)])
            #expect(replay.status == 200)
            #expect(await live.fixture.registry.cancellations.count == 1)
            #expect(try await live.fixture.order(order).status == .completed)
        }
    }

    @Test func unknownPagesAndTokensAre404() async throws {
        try await LivePlatform.with { (live: LivePlatform) async throws in
            #expect(try await live.get("/orders/00000000000000000000000000000000").status == 404)
            #expect(try await live.get("/orders/not-a-token").status == 404)
            #expect(try await live.get("/offers/999").status == 404)
            #expect(try await live.get("/offers/abc").status == 404)
            #expect(try await live.get("/simulated-payments/sim_x").status == 404)
            #expect(try await live.get("/?unit=AAU").status == 400)
        }
    }
}
