import Foundation
import RegistryCore
import RegistryPlatform
import Testing

@Suite("Browsing: filters, sort and pages of open offers")
struct OfferBrowsingTests {
    /// Five offers from five accounts with different facts and prices.
    static func catalogue() async throws -> (PlatformFixture, [Offer]) {
        let fixture = try await PlatformFixture(units: 0)
        let rows: [(InMemoryRegistry.Facts, Int64, Int64, String)] = [
            (.init(project: 1, type: "Wind", host: "MX", vintage: 2019), 400, 1_250, "USD"),
            (.init(project: 2, type: "Hydro", host: "BR", vintage: 2015), 900, 800, "USD"),
            (
                .init(project: 3, type: "Wind", host: "IN", unitType: .tcer, period: .first, vintage: 2011), 50, 300,
                "USD"
            ),
            (.init(project: 4, type: "Solar", host: "IN", vintage: 2021), 700, 2_000, "USD"),
            (.init(project: 5, type: "Wind", host: "MX", vintage: 2020), 100, 1_000, "EUR"),
        ]
        var offers: [Offer] = []
        for (index, row) in rows.enumerated() {
            let account = try AccountIdentifier(
                registry: .cdm, type: .entityHolding, id: Int64(100 + index), commitmentPeriod: 2)
            await fixture.registry.setFacts(row.0, for: account)
            await fixture.registry.deposit(row.1, into: account)
            offers.append(
                try await fixture.platform.createOffer(
                    OfferRequest(
                        account: account, seller: "Seller \(index)", quantity: row.1,
                        pricePerUnit: Money(minorUnits: row.2, currency: try CurrencyCode(row.3)),
                        validUntil: fixture.now.addingTimeInterval(86_400))))
        }
        return (fixture, offers)
    }

    static func projects(_ listing: OfferListing) -> [Int] { listing.offers.map(\.units.project) }

    @Test func eachFilterKeepsOnlyMatchingOffers() async throws {
        let (fixture, _) = try await Self.catalogue()
        defer { fixture.removeFiles() }
        let platform = fixture.platform
        let usd = try CurrencyCode("USD")
        #expect(Self.projects(try platform.offers(OfferFilter(projectType: "Wind"))).sorted() == [1, 3, 5])
        #expect(Self.projects(try platform.offers(OfferFilter(hostParty: "IN"))).sorted() == [3, 4])
        #expect(Self.projects(try platform.offers(OfferFilter(unitType: .tcer))) == [3])
        #expect(Self.projects(try platform.offers(OfferFilter(commitmentPeriod: .second))).sorted() == [1, 2, 4, 5])
        #expect(Self.projects(try platform.offers(OfferFilter(vintage: 2015))) == [2])
        let range = OfferFilter(
            minimumPrice: Money(minorUnits: 800, currency: usd), maximumPrice: Money(minorUnits: 1_250, currency: usd))
        // EUR 10.00 is in the numeric range but another currency: left out.
        #expect(Self.projects(try platform.offers(range)).sorted() == [1, 2])
        #expect(
            Self.projects(try platform.offers(OfferFilter(projectType: "Wind", hostParty: "MX"))).sorted() == [1, 5])
    }

    @Test func sortsByPriceQuantityOrVintageEitherWay() async throws {
        let (fixture, _) = try await Self.catalogue()
        defer { fixture.removeFiles() }
        let platform = fixture.platform
        func sorted(_ key: OfferSort.Key, descending: Bool) throws -> [Int] {
            Self.projects(try platform.offers(OfferFilter(sort: OfferSort(key: key, descending: descending))))
        }
        // Prices compare within a currency; currencies in alphabetical order (EUR before USD).
        #expect(try sorted(.price, descending: false) == [5, 3, 2, 1, 4])
        #expect(try sorted(.price, descending: true) == [5, 4, 1, 2, 3])
        #expect(try sorted(.quantity, descending: true) == [2, 4, 1, 5, 3])
        #expect(try sorted(.vintage, descending: false) == [3, 2, 1, 5, 4])
        #expect(try sorted(.vintage, descending: true) == [4, 5, 1, 2, 3])
    }

    @Test func sortingByQuantityUsesWhatIsAvailableNow() async throws {
        let (fixture, offers) = try await Self.catalogue()
        defer { fixture.removeFiles() }
        // 880 of project 2's 900 units are held by an order: 20 left, fewer than project 3's 50.
        _ = try await fixture.purchase(offers[1], quantity: 880)
        let listing = try fixture.platform.offers(OfferFilter(sort: OfferSort(key: .quantity)))
        #expect(Self.projects(listing) == [2, 3, 5, 1, 4])
    }

    @Test func pagesDoNotOverlapAndCountEveryMatch() async throws {
        let (fixture, _) = try await Self.catalogue()
        defer { fixture.removeFiles() }
        var seen: [Int] = []
        for page in 1...3 {
            let listing = try fixture.platform.offers(
                OfferFilter(sort: OfferSort(key: .vintage), page: page, pageSize: 2))
            #expect(listing.total == 5 && listing.pageCount == 3)
            seen += Self.projects(listing)
        }
        #expect(seen == [3, 2, 1, 5, 4])
        #expect(try fixture.platform.offers(OfferFilter(page: 4, pageSize: 2)).offers.isEmpty)
    }

    @Test func offersWithNothingAvailableOrEndedAreNotListed() async throws {
        let (fixture, offers) = try await Self.catalogue()
        defer { fixture.removeFiles() }
        _ = try await fixture.purchase(offers[2], quantity: 50)
        _ = try await fixture.platform.withdrawOffer(offers[3].id)
        let listing = try fixture.platform.offers(OfferFilter())
        #expect(Self.projects(listing).sorted() == [1, 2, 5])
        #expect(try fixture.platform.facets().hostParties == ["BR", "MX"])
    }
}
