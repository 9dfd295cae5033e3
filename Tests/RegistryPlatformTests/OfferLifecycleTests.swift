import Foundation
import RegistryCore
import RegistryPlatform
import Testing

@Suite("Offers: create, withdraw, expire, and what goes back to the holder")
struct OfferLifecycleTests {
    @Test func creatingAnOfferHoldsTheUnitsAndRecordsTheRegistrysFacts() async throws {
        let fixture = try await PlatformFixture(units: 5_000)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 1_200)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 3_800)
        let stored = try fixture.offerNow(offer)
        #expect(stored.quantity == 1_200)
        #expect(stored.units.project == InMemoryRegistry.project)
        #expect(stored.units.projectType == "Wind" && stored.units.hostParty == "MX" && stored.units.vintage == 2019)
        #expect(stored.pricePerUnit.description == "USD 12.50")
        #expect(stored.available(at: fixture.now) == 1_200)
        #expect(await fixture.registry.holds[stored.units.hold]?.remaining == 1_200)
    }

    @Test(arguments: [
        ("quantity", Int64(0), Int64(100), 30.0),
        ("quantity", Int64(-5), Int64(100), 30.0),
        ("price", Int64(10), Int64(0), 30.0),
        ("price", Int64(10), Int64(-1), 30.0),
        ("valid until", Int64(10), Int64(100), -1.0),
    ])
    func badOfferInputIsRefusedNamingTheFieldAndHoldsNothing(
        field: String, quantity: Int64, cents: Int64, days: Double
    ) async throws {
        let fixture = try await PlatformFixture(units: 500)
        defer { fixture.removeFiles() }
        let error = await #expect(throws: PlatformError.self) {
            _ = try await fixture.offer(quantity: quantity, cents: cents, validDays: days)
        }
        #expect(error?.field == field)
        #expect(await fixture.registry.holds.isEmpty)
        #expect(try fixture.platform.offers(OfferFilter()).total == 0)
    }

    @Test func aCurrencyThatIsNotThreeCapitalLettersIsRefused() throws {
        for bad in ["usd", "US", "EURO", "U$D", ""] {
            #expect(throws: PlatformError.self) { try CurrencyCode(bad) }
        }
        #expect(try CurrencyCode("EUR").rawValue == "EUR")
    }

    @Test func pendingAccountUnitsNeedTheIssuanceAndTheInstructingParticipant() async throws {
        let fixture = try await PlatformFixture()
        defer { fixture.removeFiles() }
        let pending = try AccountIdentifier(registry: .cdm, type: .pending, id: 1, commitmentPeriod: 2)
        let request = OfferRequest(
            account: pending, seller: "Ventosa", quantity: 10,
            pricePerUnit: Money(minorUnits: 100, currency: try CurrencyCode("EUR")),
            validUntil: fixture.now.addingTimeInterval(3_600))
        let error = await #expect(throws: PlatformError.self) { _ = try await fixture.platform.createOffer(request) }
        #expect(error?.field == "issuance")
        #expect(await fixture.registry.holds.isEmpty)
    }

    @Test func aRegistryRefusalLeavesNoOffer() async throws {
        let fixture = try await PlatformFixture(units: 50)
        defer { fixture.removeFiles() }
        let error = await #expect(throws: PlatformError.self) { _ = try await fixture.offer(quantity: 51) }
        #expect(error?.description.contains("holds only 50 free units") == true)
        #expect(try fixture.platform.offers(OfferFilter()).total == 0)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 50)
    }

    @Test func withdrawingReleasesTheUnsoldButKeepsUnitsOfOrdersAwaitingPaymentUntilTheyEnd() async throws {
        let fixture = try await PlatformFixture(units: 1_000)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 1_000)
        let sold = try await fixture.purchase(offer, quantity: 100)
        try await fixture.deliver(.succeeded, for: sold)
        let awaiting = try await fixture.purchase(offer, quantity: 40)

        let withdrawn = try await fixture.platform.withdrawOffer(offer.id)
        #expect(withdrawn.status == .withdrawn)
        #expect(withdrawn.released == 860 && withdrawn.held == 40 && withdrawn.sold == 100)
        #expect(await fixture.registry.releasedPerHold[offer.units.hold] == 860)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 860)
        #expect(try fixture.platform.offers(OfferFilter()).total == 0)

        // The awaiting order's hold runs out: its 40 units go to the holder, not back to the ended offer.
        fixture.clock.advance(by: 31 * 60)
        let report = try await fixture.platform.expireDue()
        #expect(report.ordersExpired == 1)
        #expect(try await fixture.order(awaiting).status == .expired)
        #expect(await fixture.registry.releasedPerHold[offer.units.hold] == 900)
        #expect(try fixture.offerNow(offer).released == 900)
        #expect(await fixture.registry.totalCancelled == 100)

        let again = await #expect(throws: PlatformError.self) { _ = try await fixture.platform.withdrawOffer(offer.id) }
        #expect(again == .offerClosed(offer.id, .withdrawn))
    }

    @Test func anOfferPastItsValidityExpiresAndReleasesWhatIsUnsold() async throws {
        let fixture = try await PlatformFixture(units: 300)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 300, validDays: 1)
        let order = try await fixture.purchase(offer, quantity: 20)
        try await fixture.deliver(.succeeded, for: order)
        fixture.clock.advance(by: 86_400)
        // Past its validity an offer takes no orders even before the expiry pass ran.
        let refused = await #expect(throws: PlatformError.self) { _ = try await fixture.purchase(offer, quantity: 1) }
        #expect(refused == .offerClosed(offer.id, .expired))

        let report = try await fixture.platform.expireDue()
        #expect(report.offersExpired == 1)
        let expired = try fixture.offerNow(offer)
        #expect(expired.status == .expired && expired.released == 280 && expired.sold == 20)
        #expect(await fixture.registry.free[PlatformFixture.holding] == 280)
        #expect(try await fixture.platform.expireDue().offersExpired == 0)
        #expect(await fixture.registry.releasedPerHold[offer.units.hold] == 280)
    }
}
