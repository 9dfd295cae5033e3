import Foundation
import RegistryCore
import RegistryPlatform
import Testing

@Suite("No oversell: concurrent buyers of one offer")
struct NoOversellTests {
    enum Attempt: Sendable {
        case ordered(Order)
        case refused(available: Int64)
    }

    @Test func fiftyBuyersOfThirtyEachShareAThousandUnitsExactly() async throws {
        let fixture = try await PlatformFixture(units: 1_000)
        defer { fixture.removeFiles() }
        let offer = try await fixture.offer(quantity: 1_000)

        let attempts = try await withThrowingTaskGroup(of: Attempt.self) { group in
            for buyer in 0..<50 {
                group.addTask {
                    do throws(PlatformError) {
                        return .ordered(
                            try await fixture.platform.purchase(
                                PurchaseRequest(
                                    offerID: offer.id, quantity: 30, beneficiary: "Buyer \(buyer)",
                                    purpose: "Offsetting", email: "buyer\(buyer)@example.org")))
                    } catch .notEnoughUnits(let available) {
                        return .refused(available: available)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let orders = attempts.compactMap { if case .ordered(let order) = $0 { order } else { nil } }
        let refusals = attempts.compactMap { if case .refused(let available) = $0 { available } else { nil } }
        #expect(orders.count == 33)
        #expect(refusals.count == 17)
        // Refused buyers are told what is left: 10 once all 33 orders were in.
        #expect(refusals.allSatisfy { $0 == 10 })

        // A buyer told "only 10 units are available" may order 10.
        let last = try await fixture.purchase(offer, quantity: 10)
        let none = await #expect(throws: PlatformError.self) { _ = try await fixture.purchase(offer, quantity: 1) }
        #expect(none == .notEnoughUnits(available: 0))

        // Everyone pays at once; every sold unit is cancelled exactly once.
        await withTaskGroup(of: Void.self) { group in
            for order in orders + [last] {
                group.addTask { _ = try? await fixture.deliver(.succeeded, for: order) }
            }
        }
        let state = try fixture.offerNow(offer)
        #expect(state.sold == 1_000 && state.held == 0 && state.available(at: fixture.now) == 0)
        #expect(await fixture.registry.totalCancelled == 1_000)
        #expect(await fixture.registry.cancelledPerHold[offer.units.hold] == 1_000)
        #expect(await fixture.registry.cancellations.count == 34)
        for order in orders + [last] { #expect(try await fixture.order(order).status == .completed) }
    }
}
