import Foundation
import RegistryCore
import RegistryPlatform
import Testing

@Suite("Input rules: amounts, currencies, buyers' fields")
struct InputRulesTests {
    @Test func amountsAreReadInTheCurrencysMinorUnits() throws {
        let usd = try CurrencyCode("USD")
        let jpy = try CurrencyCode("JPY")
        let kwd = try CurrencyCode("KWD")
        #expect(try Money(parsing: "12.5", currency: usd, field: "price").minorUnits == 1_250)
        #expect(try Money(parsing: "12", currency: usd, field: "price").minorUnits == 1_200)
        #expect(try Money(parsing: "0.07", currency: usd, field: "price").minorUnits == 7)
        #expect(try Money(parsing: "1500", currency: jpy, field: "price").minorUnits == 1_500)
        #expect(try Money(parsing: "1.234", currency: kwd, field: "price").minorUnits == 1_234)
        #expect(Money(minorUnits: 1_234, currency: kwd).description == "KWD 1.234")
        #expect(Money(minorUnits: 5, currency: usd).description == "USD 0.05")
        #expect(Money(minorUnits: 1_500, currency: jpy).description == "JPY 1500")
        for bad in ["12.505", "", "abc", "1,5", "-3", "12.", ".5", "99999999999999999999"] {
            let error = #expect(throws: PlatformError.self) { try Money(parsing: bad, currency: usd, field: "price") }
            #expect(error?.field == "price", "\(bad)")
        }
        #expect(throws: PlatformError.self) { try Money(parsing: "1.5", currency: jpy, field: "price") }
        // Price x quantity that does not fit is refused, never trapped.
        #expect(Money(minorUnits: Int64.max / 2, currency: usd).times(3) == nil)
    }

    @Test func badBuyerInputIsRefusedNamingTheFieldAndHoldsNothing() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        let cases: [(String, Int64, String, String, String)] = [
            ("quantity", 0, "Ana", "Offset", "ana@example.org"),
            ("quantity", -3, "Ana", "Offset", "ana@example.org"),
            ("beneficiary", 1, "  ", "Offset", "ana@example.org"),
            ("beneficiary", 1, String(repeating: "x", count: 201), "Offset", "ana@example.org"),
            ("purpose", 1, "Ana", "line\u{7}bell", "ana@example.org"),
            ("email", 1, "Ana", "Offset", "ana.example.org"),
            ("email", 1, "Ana", "Offset", "ana@localhost"),
            ("email", 1, "Ana", "Offset", "ana@@example.org"),
            ("email", 1, "Ana", "Offset", "an a@example.org"),
            ("email", 1, "Ana", "Offset", "ana@-example.org"),
        ]
        for (field, quantity, beneficiary, purpose, email) in cases {
            let error = await #expect(throws: PlatformError.self) {
                _ = try await fixture.platform.purchase(
                    PurchaseRequest(
                        offerID: offer.id, quantity: quantity, beneficiary: beneficiary, purpose: purpose,
                        email: email))
            }
            #expect(error?.field == field, "\(field): \(email)")
        }
        #expect(try fixture.offerNow(offer).held == 0)
        let accepted = try await fixture.platform.purchase(
            PurchaseRequest(
                offerID: offer.id, quantity: 1, beneficiary: " Ana ", purpose: "Offset",
                email: "ana.díaz+co2@example.org".replacingOccurrences(of: "í", with: "i")))
        #expect(accepted.beneficiary == "Ana")
    }

    @Test func ordersOfUnknownOrClosedOffersAreRefused() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let unknown = await #expect(throws: PlatformError.self) {
            _ = try await fixture.platform.purchase(
                PurchaseRequest(offerID: 99, quantity: 1, beneficiary: "A", purpose: "B", email: "a@example.org"))
        }
        #expect(unknown == .offerNotFound(99))
        let offer = try await fixture.offer(quantity: 10)
        _ = try await fixture.platform.withdrawOffer(offer.id)
        let closed = await #expect(throws: PlatformError.self) { _ = try await fixture.purchase(offer, quantity: 1) }
        #expect(closed == .offerClosed(offer.id, .withdrawn))
    }

    @Test func orderTokensAre128RandomBitsInHex() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 100)
        var tokens = Set<String>()
        for _ in 0..<20 {
            let order = try await fixture.purchase(offer, quantity: 1)
            #expect(order.token.count == 32 && order.token.allSatisfy(\.isHexDigit))
            tokens.insert(order.token)
        }
        #expect(tokens.count == 20)
        #expect(try await fixture.platform.order(token: "../../etc/passwd") == nil)
    }
}
