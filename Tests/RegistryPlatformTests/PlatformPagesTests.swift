import Foundation
import Logging
import RegistryCore
import RegistryPlatform
import RegistryWeb
import Testing

@Suite("Pages: what the buyer reads, rendered in process")
struct PlatformPagesTests {
    static func web(_ fixture: PlatformFixture) -> PlatformWeb {
        var logger = Logger(label: "platform-pages-test")
        logger.logLevel = .critical
        return PlatformWeb(platform: fixture.platform, simulatedPayments: fixture.payments, logger: logger)
    }

    static func get(_ web: PlatformWeb, _ path: String, query: [String: String] = [:]) async -> (Int, String) {
        let response = await web.respond(
            to: WebRequest(method: "GET", path: path.split(separator: "/").map(String.init), query: query))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func theOfferPageAllowsTheOrderFormToRedirectToThePaymentProvider() async throws {
        let fixture = try await PlatformFixture(paymentOrigins: ["https://pay.example.com"])
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 10)
        let response = await Self.web(fixture).respond(
            to: WebRequest(method: "GET", path: ["offers", String(offer.id)]))
        let policy = try #require(response.header("Content-Security-Policy"))
        #expect(policy.contains("form-action 'self' https://pay.example.com;"))
        #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"))
    }

    @Test func aBadPaymentOriginIsRefusedAtStart() async throws {
        await #expect(throws: PlatformError.self) {
            _ = try await PlatformFixture(paymentOrigins: ["https://pay.example.com; script-src *"])
        }
    }

    @Test func aRefundDueOrderSaysSoPlainly() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 10)
        let late = try await fixture.purchase(offer, quantity: 10)
        fixture.clock.advance(by: 3_600)
        _ = try await fixture.platform.expireDue()
        _ = try await fixture.platform.withdrawOffer(offer.id)
        try await fixture.deliver(.succeeded, for: late)
        let (status, body) = await Self.get(Self.web(fixture), "/orders/\(late.token)")
        #expect(status == 200)
        #expect(body.contains("Refund due: the payment arrived after the reservation ended"))
        #expect(body.contains("You are owed a refund of USD 125.00"))
        #expect(!body.contains("attestation\""))
    }

    @Test func theListingPagesKeepTheFiltersInTheirLinks() async throws {
        let fixture = try await PlatformFixture(units: 100)
        defer { fixture.removeFiles() }
        for _ in 0..<21 { _ = try await fixture.offer(quantity: 1) }
        let web = Self.web(fixture)
        let (status, first) = await Self.get(web, "/", query: ["type": "Wind", "sort": "vintage"])
        #expect(status == 200)
        #expect(first.contains("21 offers found; page 1 of 2."))
        #expect(first.contains("href=\"/?page=2&amp;sort=vintage&amp;type=Wind\" rel=\"next\""))
        #expect(first.contains("<option value=\"Wind\" selected>Wind</option>"))
        let (_, second) = await Self.get(web, "/", query: ["type": "Wind", "sort": "vintage", "page": "2"])
        #expect(second.contains("page 2 of 2") && second.contains("rel=\"prev\""))
    }

    @Test func aBadFilterIsAnsweredWith400AndTheMessageNextToTheField() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let (status, body) = await Self.get(Self.web(fixture), "/", query: ["min": "5"])
        #expect(status == 400)
        #expect(body.contains("id=\"currency-error\""))
        #expect(body.contains("choose the currency the price range is in"))
    }
}
