import DES
import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

@Suite("Engine: transactions through the ITL")
struct EngineTransactionTests {
    @Test("issuance is proposed with the Adaptation Fund's share and credited only on status 2, then reported 4")
    func issuanceCreditsOnCheck() async throws {
        let fixture = try await EngineFixture()
        let order = try EngineFixture.order(count: 1000)
        let summary = try await fixture.engine.propose(.issuance(order))
        #expect(try fixture.balance(.cdmPending) == 0, "nothing is credited before the ITL's check")
        await fixture.sender.deliverDue()
        let proposal = try #require(fixture.itl.proposals().first)
        #expect(proposal.proposedTransaction.transactionType == .issuance)
        #expect(proposal.proposedTransaction.proposalUnitBlocks.map(\.block.range.count) == [20, 980])
        #expect(proposal.proposedTransaction.proposalUnitBlocks.map(\.acquiringAccountType) == [.partyHolding, .pending])
        #expect(try await fixture.state(summary.identifier) == .waiting(.awaitingITLCheck))

        #expect(try await fixture.notify(summary.identifier, .checkedNoDiscrepancy).isReceived)
        #expect(try fixture.balance(.cdmPending) == 980)
        #expect(try fixture.balance(.adaptationFund) == 20)
        #expect(try await fixture.state(summary.identifier) == .final(.completed))
        await fixture.sender.deliverDue()
        #expect(fixture.itl.notifications(of: summary.identifier) == [.completed])
        #expect(try fixture.store.outbox(limit: 10).isEmpty)
        try fixture.expectVerified()
    }

    @Test("a forward to Japan reserves, commits on 8 Accepted, reports 4 and the units are recorded as in JP")
    func externalForwardCompletes() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 1000)
        let forward = try await fixture.forward(300, of: issuance, to: EngineFixture.japan)
        #expect(try fixture.balance(.cdmPending) == 680, "the forwarded units are reserved at once")
        await fixture.sender.deliverDue()
        let proposal = try #require(fixture.itl.proposals().last)
        #expect(proposal.proposedTransaction.acquiringRegistryCode == "JP")
        #expect(proposal.proposedTransaction.proposalUnitBlocks.reduce(0) { $0 + $1.block.quantity } == 300)

        try await fixture.notify(forward.identifier, .checkedNoDiscrepancy)
        #expect(try await fixture.state(forward.identifier) == .waiting(.awaitingAcquiringRegistry))
        try await fixture.notify(forward.identifier, .accepted)
        #expect(try await fixture.state(forward.identifier) == .final(.completed))
        #expect(try fixture.store.reservation(forward.identifier) == nil)
        #expect(try fixture.balance(.cdmPending) == 680)
        await fixture.sender.deliverDue()
        #expect(fixture.itl.notifications(of: forward.identifier) == [.completed])
        try fixture.expectVerified()
    }

    @Test("6 Rejected releases the reservation: the units and the forwarding allowance are back")
    func rejectionReleases() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 1000)
        let forward = try await fixture.forward(300, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        try await fixture.notify(forward.identifier, .checkedNoDiscrepancy)
        try await fixture.notify(forward.identifier, .rejected, codes: [5902])
        #expect(try await fixture.state(forward.identifier) == .final(.rejected))
        #expect(try await fixture.engine.summary(of: forward.identifier)?.responseCodes == [5902])
        #expect(try fixture.balance(.cdmPending) == 980)
        #expect(try fixture.store.issuance(issuance)?.forwarded == 0)
        try fixture.expectVerified()
    }

    @Test("status 3 (discrepancy) terminates and releases; nothing is reported back")
    func discrepancyTerminates() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        try await fixture.notify(forward.identifier, .checkedDiscrepancy, codes: [5201])
        #expect(try await fixture.state(forward.identifier) == .final(.terminated))
        #expect(try fixture.balance(.cdmPending) == 98)
        await fixture.sender.deliverDue()
        #expect(fixture.itl.notifications(of: forward.identifier).isEmpty)
        try fixture.expectVerified()
    }

    @Test("a voluntary cancellation reserves into 230 and is booked on status 2")
    func voluntaryCancellation() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let internalForward = try await fixture.forward(50, of: issuance, to: EngineFixture.holder)
        #expect(internalForward.state == .final(.completed), "a forward within the registry completes at once")
        #expect(fixture.itl.proposals().count == 1, "type 10 is never sent to the ITL")
        let cancellation = try await fixture.engine.propose(
            .cancellation(
                CancellationOrder(
                    sources: [EngineFixture.holder], to: EngineFixture.voluntary, quantity: 20,
                    beneficiary: "Town of Example", purpose: "2025 emissions")))
        await fixture.sender.deliverDue()
        #expect(fixture.itl.proposals().last?.proposedTransaction.transactionType == .cancellation)
        try await fixture.notify(cancellation.identifier, .checkedNoDiscrepancy)
        #expect(try fixture.balance(EngineFixture.voluntary) == 20)
        #expect(try fixture.balance(EngineFixture.holder) == 30)
        guard case .cancellation(let request) = try await fixture.engine.request(of: cancellation.identifier) else {
            Issue.record("the request is stored with the transaction")
            return
        }
        #expect(request.beneficiary == "Town of Example")
        try fixture.expectVerified()
    }

    @Test("a voluntary cancellation of two projects' units is refused before reserving, saying how to split it")
    func voluntaryCancellationOfOneProject() async throws {
        let fixture = try await EngineFixture()
        try await fixture.engine.perform(
            .registerProject(
                Project(
                    number: 1002, title: "Lima Solar", hostParty: "PE", projectType: "Solar",
                    isLeastDevelopedCountry: false, modalities: [EngineFixture.participant])))
        let wind = try await fixture.issue(count: 100)
        let solar = try await fixture.issue(project: 1002, first: 1001, count: 100)
        _ = try await fixture.forward(30, of: wind, to: EngineFixture.holder)
        _ = try await fixture.forward(40, of: solar, to: EngineFixture.holder)
        let journalBefore = try fixture.store.journalTail(limit: 1)
        func cancel(_ quantity: Int64) async throws -> TransactionSummary {
            try await fixture.engine.propose(
                .cancellation(
                    CancellationOrder(
                        sources: [EngineFixture.holder], to: EngineFixture.voluntary, quantity: quantity,
                        beneficiary: nil, purpose: nil)))
        }
        await #expect {
            _ = try await cancel(50)
        } throws: { error in
            guard case EngineError.invalidRequest(let message) = error else { return false }
            return message.contains("30 of project 1001, then 20 of project 1002") && message.contains("cancel 30")
        }
        #expect(try fixture.store.journalTail(limit: 1) == journalBefore, "nothing was written")
        #expect(try fixture.balance(EngineFixture.holder) == 70)
        // Split as the message says: each part is one project's, and completes.
        for quantity: Int64 in [30, 20] {
            let part = try await cancel(quantity)
            await fixture.sender.deliverDue()
            try await fixture.notify(part.identifier, .checkedNoDiscrepancy)
            #expect(try await fixture.state(part.identifier) == .final(.completed))
        }
        #expect(try fixture.balance(EngineFixture.voluntary) == 50)
        // Other cancellation accounts carry no attestation: mixed units go (mandatory cancellation, 250).
        let excess = try await fixture.engine.propose(
            .cancellation(
                CancellationOrder(
                    sources: [EngineFixture.holder], to: .cdmTerminal(.mandatoryCancellation, period: .second), quantity: 20,
                    beneficiary: nil, purpose: nil)))
        #expect(excess.state != .final(.rejected))
        try fixture.expectVerified()
    }

    @Test("a peer rule refuses before anything is reserved: CP1 units to Switzerland after 2015-04-30")
    func ruleRefusesBeforeReservation() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100, period: .first)
        let journalBefore = try fixture.store.journalTail(limit: 1)
        await #expect {
            _ = try await fixture.forward(10, of: issuance, to: EngineFixture.swiss)
        } throws: { error in
            guard case EngineError.ruleRefused(let refusal) = error else { return false }
            return refusal.description.contains("CH") || refusal.source.isEmpty == false
        }
        #expect(try fixture.store.journalTail(limit: 1) == journalBefore, "nothing was written")
        #expect(try fixture.store.engineTransactions(.all, limit: 10).count == 1, "only the issuance exists")
    }

    @Test("the ledger's refusal creates no transaction (more units than held)")
    func ledgerRefusalCreatesNothing() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        await #expect(throws: EngineError.self) {
            _ = try await fixture.forward(1000, of: issuance, to: EngineFixture.japan)
        }
        #expect(try fixture.store.engineTransactions(.inFlight, limit: 10).isEmpty)
        #expect(try fixture.store.outbox(limit: 10).isEmpty)
        try fixture.expectVerified()
    }

    @Test("an operator cancel releases and tells the ITL 7; a final transaction cannot be cancelled")
    func operatorCancel() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        let cancelled = try await fixture.engine.cancel(forward.identifier)
        #expect(cancelled.state == .final(.cancelled))
        #expect(try fixture.balance(.cdmPending) == 98)
        await fixture.sender.deliverDue()
        #expect(fixture.itl.notifications(of: forward.identifier) == [.cancelled])
        await #expect(throws: EngineError.self) { _ = try await fixture.engine.cancel(forward.identifier) }
    }
}
