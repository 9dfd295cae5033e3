import DES
import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

@Suite("Engine: reconciliation and ITL notices")
struct EngineReconciliationTests {
    private func ask(_ fixture: EngineFixture, _ request: DESRequest) async throws -> DESResult {
        let response = try #require(try await fixture.engine.handle(request, authenticatedSender: .itl))
        guard let result = (response.message as? any DESResultResponse)?.result else {
            Issue.record("no result in \(response)")
            return .refused([])
        }
        return result
    }

    private func initiate(_ fixture: EngineFixture, _ id: String) async throws {
        let result = try await ask(
            fixture,
            .initiateReconciliation(
                InitiateReconciliationRequest(
                    from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: id,
                    snapshotDateTime: fixture.clock.now.date)))
        #expect(result.isReceived)
    }

    private func provideTotals(_ fixture: EngineFixture, _ id: String, byAccount: Bool = false) async throws
        -> [DESTotal]
    {
        let result = try await ask(
            fixture,
            .provideTotals(
                ProvideTotalsRequest(
                    from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: id,
                    reconciliationSnapshotDateTime: fixture.clock.now.date, reconciliationStatus: 1,
                    byAccountFlag: byAccount ? 1 : nil)))
        #expect(result.isReceived)
        await fixture.sender.deliverDue()
        let sent = fixture.itl.requests { request -> ReceiveTotalsRequest? in
            if case .receiveTotals(let totals) = request, totals.reconciliationIdentifier == id { return totals }
            return nil
        }
        return try #require(sent.last).totals
    }

    @Test("totals come from a snapshot: a transfer after initiation does not move them")
    func totalsFromTheSnapshot() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 1000)
        try await initiate(fixture, "R1")
        _ = try await fixture.forward(300, of: issuance, to: EngineFixture.holder)  // after the snapshot
        let totals = try await provideTotals(fixture, "R1")
        let byType = Dictionary(grouping: totals, by: \.accountType).mapValues { $0.reduce(0) { $0 + $1.unitCount } }
        #expect(byType[.pending] == 980)
        #expect(byType[.partyHolding] == 20, "the Adaptation Fund's 2%; the forward came after the snapshot")
        let now = try await provideTotals(fixture, "R1")
        #expect(now == totals, "the snapshot does not move while transactions flow")
        try await initiate(fixture, "R2")
        let later = try await provideTotals(fixture, "R2", byAccount: true)
        #expect(later.contains { $0.accountType == .partyHolding && $0.accountIdentifier == 5001 && $0.unitCount == 300 })
    }

    @Test("unit blocks are streamed in messages of the configured size and cover every held serial")
    func unitBlocksInChunks() async throws {
        let fixture = try await EngineFixture(maximumBlocksPerMessage: 2)
        let issuance = try await fixture.issue(count: 1000)
        for _ in 0..<3 { _ = try await fixture.forward(10, of: issuance, to: EngineFixture.holder) }
        let japan = try await fixture.forward(7, of: issuance, to: EngineFixture.japan)  // reserved: still here
        try await initiate(fixture, "R3")
        let result = try await ask(
            fixture,
            .provideUnitBlocks(
                ProvideUnitBlocksRequest(
                    from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R3",
                    reconciliationSnapshotDateTime: fixture.clock.now.date, unitBlockRequests: [])))
        #expect(result.isReceived)
        await fixture.sender.deliverDue()
        let messages = fixture.itl.requests { request -> ReceiveUnitBlocksRequest? in
            if case .receiveUnitBlocks(let blocks) = request { return blocks }
            return nil
        }
        #expect(messages.count >= 2 && messages.allSatisfy { $0.unitBlocks.count <= 2 })
        let units = messages.flatMap(\.unitBlocks).reduce(0) { $0 + $1.range.count }
        #expect(units == 1000, "every issued serial is held here at the snapshot (the 7 reserved too)")
        #expect(try await fixture.state(japan.identifier) != nil)
    }

    @Test("audit trail lists the completed ITL transactions of the window touching the blocks")
    func auditTrail() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        try await fixture.notify(forward.identifier, .accepted)
        try await initiate(fixture, "R4")
        let result = try await ask(
            fixture,
            .provideAuditTrail(
                ProvideAuditTrailRequest(
                    from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R4",
                    auditTrailBeginDateTime: EngineFixture.start.addingTimeInterval(-60),
                    auditTrailEndDateTime: fixture.clock.now.date.addingTimeInterval(60))))
        #expect(result.isReceived)
        await fixture.sender.deliverDue()
        let trail = try #require(
            fixture.itl.requests { request -> ReceiveAuditTrailRequest? in
                if case .receiveAuditTrail(let trail) = request { return trail }
                return nil
            }.first)
        #expect(Set(trail.transactions.map(\.transactionType)) == [.issuance, .externalTransfer])
        let transfer = try #require(trail.transactions.first { $0.transactionType == .externalTransfer })
        #expect(transfer.transactionBlocks.reduce(0) { $0 + $1.block.quantity } == 10)
    }

    @Test("an inconsistent result raises an alert that holds ITL transactions until an operator clears it")
    func inconsistentResultHolds() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        try await initiate(fixture, "R5")
        let result = try await ask(
            fixture,
            .receiveReconciliationResult(
                ReceiveReconciliationResultRequest(
                    from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R5",
                    reconciliationStatus: 4, responseCodes: [DESResponseCode(7001)])))
        #expect(result.isReceived)
        #expect(try await fixture.engine.openReconciliationAlerts().map(\.identifier) == ["R5"])
        await #expect {
            _ = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        } throws: { error in
            if case EngineError.heldByReconciliation = error { return true }
            return false
        }
        let local = try await fixture.forward(10, of: issuance, to: EngineFixture.holder)
        #expect(local.state == .final(.completed), "local moves are not held")
        _ = try await fixture.engine.clearReconciliationAlert("R5", note: "ITL record corrected by hand")
        _ = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        #expect(try fixture.store.reconciliation("R5")?.clearedNote == "ITL record corrected by hand")
    }

    @Test("questions about a reconciliation never initiated here are refused with 5008")
    func unknownReconciliation() async throws {
        let fixture = try await EngineFixture()
        let result = try await ask(
            fixture,
            .provideTotals(
                ProvideTotalsRequest(
                    from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "NOPE",
                    reconciliationSnapshotDateTime: Date(), reconciliationStatus: 1)))
        #expect(result.responseCodes == [RegistryEngine.unknownReconciliation])
    }

    private func notice(_ type: Int, id: Int64, status: Int = 1, target: Int64? = nil) -> DESRequest {
        .acceptITLNotice(
            AcceptITLNoticeRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, messageContent: "notice \(id)",
                messageDate: Date(), notificationType: type, notificationIdentifier: id, notificationStatus: status,
                projectNumber: "\(EngineFixture.project)", unitType: .cer, targetValue: target, targetDate: nil,
                lulucfActivity: nil, commitPeriod: .second,
                actionDueDate: try? CalendarDate(parsing: "2022-06-30"), unitBlockIdentifiers: nil))
    }

    @Test("excess issuance (6): the quantity leaves the pending account for CDM-240 carrying the notice id")
    func excessIssuanceNotice() async throws {
        let fixture = try await EngineFixture()
        try await fixture.issue(count: 1000)
        #expect(try await ask(fixture, notice(6, id: 900, target: 50)).isReceived)
        let stored = try #require(try fixture.store.notice(900))
        #expect(stored.taskOpen == false)
        await fixture.sender.deliverDue()
        let proposal = try #require(fixture.itl.proposals().last)
        #expect(proposal.proposedTransaction.notificationIdentifier == 900)
        #expect(proposal.proposedTransaction.acquiringRegistryAccountType == .excessIssuanceCancellation)
        try await fixture.notify(proposal.proposedTransaction.transactionIdentifier, .checkedNoDiscrepancy)
        #expect(try fixture.balance(.cdmTerminal(.excessIssuanceCancellation, period: .second)) == 50)
        #expect(try fixture.balance(.cdmPending) == 930)
        try fixture.expectVerified()
    }

    @Test("more excess than pending: what is pending is cancelled, the rest becomes an operator task")
    func excessBeyondPending() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(90, of: issuance, to: EngineFixture.holder)
        #expect(try await ask(fixture, notice(6, id: 901, target: 30)).isReceived)
        let stored = try #require(try fixture.store.notice(901))
        #expect(stored.taskOpen)
        #expect(stored.action.contains("22 units of project 1001 still to cancel"), "\(stored.action)")
        let closed = try await fixture.engine.closeNoticeTask(901, note: "holder cancelled 22 units")
        #expect(closed.taskOpen == false)
    }

    @Test("impending expiry (3) is an operator task; an update (10) changes the stored notice; type 1 needs nothing")
    func tasksUpdatesAndOtherTypes() async throws {
        let fixture = try await EngineFixture()
        #expect(try await ask(fixture, notice(3, id: 902)).isReceived)
        #expect(try fixture.store.notice(902)?.taskOpen == true)
        #expect(try await ask(fixture, notice(10, id: 902, status: 3)).isReceived)
        let updated = try #require(try fixture.store.notice(902))
        #expect(updated.status == 3 && updated.type == 3 && updated.taskOpen == false)
        #expect(try await ask(fixture, notice(1, id: 903)).isReceived)
        #expect(try fixture.store.notice(903)?.action.hasPrefix("no action") == true)
    }
}
