import Foundation
import RegistryCore
import RegistryPlatform
import Testing

@Suite("Holders' own access: representatives sign in and offer their account's units")
struct HolderPortalTests {
    @Test func keysSignInUntilRevokedOrExpiredAndOnlyHoldingAccountsGetRepresentatives() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let platform = fixture.platform
        let pending = try AccountIdentifier(registry: .cdm, type: .pending, id: 1110)
        #expect(throws: PlatformError.self) { try platform.addRepresentative(account: pending, name: "Ana") }
        #expect(throws: PlatformError.self) {
            try platform.addRepresentative(account: PlatformFixture.holding, name: " ")
        }
        let (representative, key) = try platform.addRepresentative(
            account: PlatformFixture.holding, name: "Ventosa Energy")
        #expect(key.hasPrefix("hk_") && key.count == 35)
        #expect(try platform.signIn(key: "hk_" + String(repeating: "0", count: 32)) == nil)
        #expect(try platform.signIn(key: "not a key") == nil)

        let (token, session) = try #require(try platform.signIn(key: " \(key)\n"))
        #expect(session.representative == representative && session.csrf.count == 32 && token != session.csrf)
        #expect(try platform.holderSession(token: token)?.representative.id == representative.id)
        fixture.clock.advance(by: OnlinePlatform.holderSessionLifetime + 1)
        #expect(try platform.holderSession(token: token) == nil, "a session lasts an hour")

        let (second, _) = try #require(try platform.signIn(key: key))
        _ = try platform.revokeRepresentative(representative.id)
        #expect(try platform.holderSession(token: second) == nil, "revoking ends the sessions")
        #expect(try platform.signIn(key: key) == nil, "and the key")
        #expect(try platform.representatives().first?.revokedAt != nil)
    }

    @Test func aRepresentativeOffersAndWithdrawsTheirOwnAccountsUnitsOnly() async throws {
        let fixture = try await PlatformFixture(units: 1_000)
        defer { fixture.removeFiles() }
        let platform = fixture.platform
        let other = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
        await fixture.registry.deposit(500, into: other)
        let foreign = try await platform.createOffer(
            OfferRequest(
                account: other, seller: "Someone else", quantity: 100,
                pricePerUnit: Money(minorUnits: 300, currency: try CurrencyCode("EUR")),
                validUntil: fixture.now.addingTimeInterval(86_400)))
        let (_, key) = try platform.addRepresentative(account: PlatformFixture.holding, name: "Ventosa Energy")
        let (_, session) = try #require(try platform.signIn(key: key))
        let offer = try await platform.createHolderOffer(
            session, quantity: 250, pricePerUnit: Money(minorUnits: 450, currency: try CurrencyCode("EUR")),
            validUntil: fixture.now.addingTimeInterval(30 * 86_400))
        #expect(offer.account == PlatformFixture.holding && offer.seller == "Ventosa Energy")
        #expect(await fixture.registry.free[PlatformFixture.holding] == 750, "the units are held at once")
        #expect(try platform.holderOffers(session).map(\.id) == [offer.id])
        await #expect(throws: PlatformError.offerNotFound(foreign.id)) {
            try await platform.withdrawHolderOffer(session, offer: foreign.id)
        }
        #expect(try platform.offer(foreign.id)?.status == .open)
        let withdrawn = try await platform.withdrawHolderOffer(session, offer: offer.id)
        #expect(withdrawn.status == .withdrawn)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 1_000)
    }
}

@Suite("Holders' pages over HTTP", .serialized)
struct HolderPagesOverHTTPTests {
    static func cookie(_ answer: LivePlatform.Answer) -> String? {
        answer.header("Set-Cookie")?.split(separator: ";").first.map(String.init)
    }

    static func csrf(_ page: String) -> String? {
        guard let range = page.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix(32))
    }

    @Test func signInOfferWithdrawSignOut() async throws {
        try await LivePlatform.with { live in
            let (_, key) = try live.fixture.platform.addRepresentative(
                account: PlatformFixture.holding, name: "Ventosa Energy")

            let anonymous = try await live.get("/holder")
            #expect(anonymous.status == 200 && anonymous.body.contains("action=\"/holder/sign-in\""))
            #expect(anonymous.header("Cache-Control") == "no-store")
            let wrong = try await live.post(
                "/holder/sign-in", form: [("key", "hk_" + String(repeating: "a", count: 32))])
            #expect(wrong.status == 401 && wrong.body.contains("That key is not valid."))
            #expect(wrong.header("Set-Cookie") == nil)

            let signedIn = try await live.post("/holder/sign-in", form: [("key", key)])
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/holder")
            let setCookie = try #require(signedIn.header("Set-Cookie"))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            #expect(setCookie.contains("Path=/holder") && setCookie.contains("Max-Age=3600"))
            let cookie = try #require(Self.cookie(signedIn))
            let dashboard = try await live.get("/holder", headers: [("Cookie", cookie)])
            #expect(dashboard.body.contains("Signed in as <strong>Ventosa Energy</strong>"))
            let csrf = try #require(Self.csrf(dashboard.body))

            let offerForm = [("quantity", "200"), ("price", "4.50"), ("currency", "eur"), ("validUntil", "2026-12-31")]
            let forged = try await live.post("/holder/offers", form: offerForm, headers: [("Cookie", cookie)])
            #expect(forged.status == 403, "no CSRF token: refused")
            let noSession = try await live.post("/holder/offers", form: offerForm + [("csrf", csrf)])
            #expect(noSession.status == 401, "no cookie: sign in again")
            let badPrice = try await live.post(
                "/holder/offers", form: [("quantity", "200"), ("price", "four"), ("currency", "EUR"),
                    ("validUntil", "2026-12-31"), ("csrf", csrf)], headers: [("Cookie", cookie)])
            #expect(badPrice.status == 422 && badPrice.body.contains("id=\"price-error\""))
            #expect(try live.fixture.platform.offers(OfferFilter()).total == 0, "nothing was offered")

            let offered = try await live.post(
                "/holder/offers", form: offerForm + [("csrf", csrf)], headers: [("Cookie", cookie)])
            #expect(offered.status == 303 && offered.header("Location") == "/holder?done=offered")
            let offer = try #require(try live.fixture.platform.offers(OfferFilter()).offers.first)
            #expect(offer.seller == "Ventosa Energy" && offer.quantity == 200)
            #expect(offer.pricePerUnit.description == "EUR 4.50")
            let listed = try await live.get("/holder?done=offered", headers: [("Cookie", cookie)])
            #expect(listed.body.contains("The offer is open"))
            #expect(listed.body.contains("/holder/offers/\(offer.id)/withdraw"))

            let withdrawn = try await live.post(
                "/holder/offers/\(offer.id)/withdraw", form: [("csrf", csrf)], headers: [("Cookie", cookie)])
            #expect(withdrawn.status == 303)
            #expect(try live.fixture.platform.offer(offer.id)?.status == .withdrawn)
            let again = try await live.post(
                "/holder/offers/\(offer.id)/withdraw", form: [("csrf", csrf)], headers: [("Cookie", cookie)])
            #expect(again.status != 500 && again.status != 303, "a second press is said plainly: \(again.status)")

            let signedOut = try await live.post(
                "/holder/sign-out", form: [("csrf", csrf)], headers: [("Cookie", cookie)])
            #expect(signedOut.status == 303 && signedOut.header("Set-Cookie")?.contains("Max-Age=0") == true)
            let after = try await live.get("/holder", headers: [("Cookie", cookie)])
            #expect(after.body.contains("action=\"/holder/sign-in\""), "the old cookie no longer works")
        }
    }
}
