import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// The ITL's reconciliation driver against an in-process registry that follows cdm-registryd's contract.
@Suite("ITL reconciliation driver")
struct ITLReconciliationDriverTests {
    @Test func matchingTotalsAreConfirmedWithoutAskingForBlocks() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(blocks: [try ReconciliationFixture.held(1, 100)])
        let driver = try ReconciliationFixture.driver(record, registry)
        let id = try await driver.start(registry: .cdm)
        let ended = try #require(try await driver.finished(id))
        #expect(ended.status == .confirmed)
        #expect(ended.phase == .totals)
        #expect(ended.differences == ITLReconciliationDifferences())
        #expect(ended.endedAt != nil)
        #expect(registry.requests(.provideUnitBlocks).isEmpty)
        #expect(registry.results.map(\.reconciliationStatus) == [0])
        #expect(registry.results.first?.reconciliationIdentifier == id)
        #expect(ended.resultAcknowledged == true)
    }

    @Test func cancelledUnitsCompareAgainstTheRegistrysCancellationAccounts() async throws {
        let (relay, record) = try await ReconciliationFixture.recordWithIssuance()
        let cancellation = try Fixture.proposal(
            "CDM2", type: .cancellation, acquiring: .cdm, acquiringAccountType: .voluntaryCancellation,
            blocks: [try Fixture.cer(1, 10)])
        #expect(try await relay.propose(cancellation, .cdm) == .received)
        #expect(try await relay.notify(try ReconciliationFixture.completion("CDM2"), .cdm) == .received)
        let registry = FakeReconcilingRegistry(blocks: [
            try ReconciliationFixture.held(1, 10, in: .voluntaryCancellation),
            try ReconciliationFixture.held(11, 100),
        ])
        let driver = try ReconciliationFixture.driver(record, registry)
        let ended = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(ended.status == .confirmed)

        // The same units reported as held (not cancelled) differ from the ITL record.
        registry.blocks = [try ReconciliationFixture.held(1, 100)]
        let second = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(second.status == .unitBlocksInconsistent)
        #expect(second.differences.totals.contains { $0.cancelled && $0.itl == 10 && $0.registry == 0 })
    }

    @Test func hiddenSerialsGoThroughBlocksAndAuditTrailToResultFour() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let trail = DESAuditTransaction(
            transactionIdentifier: try Fixture.id("CDM1"), transactionType: .issuance,
            transactionStatusDateTime: Date(timeIntervalSince1970: 1_700_000_000), transferringRegistryCode: .cdm,
            acquiringRegistryCode: .cdm, transactionBlocks: [DESTransactionUnitBlock(block: try Fixture.cer(1, 100))])
        let registry = FakeReconcilingRegistry(
            blocks: [
                try ReconciliationFixture.held(1, 20), try ReconciliationFixture.held(21, 50),
                try ReconciliationFixture.held(51, 100),
            ],
            trail: [trail])
        let faults = ITLRecordFaults()
        faults.set(ITLRecordFault(hidden: try SerialRange(1, 10)), for: .cdm)
        let driver = try ReconciliationFixture.driver(record, registry, faults: faults)
        let id = try await driver.start(registry: .cdm)
        let ended = try #require(try await driver.finished(id))

        #expect(ended.status == .unitBlocksInconsistent)
        #expect(ended.phase == .auditTrail)
        #expect(ended.differences.totals == [.init(unitType: 5, cancelled: false, itl: 90, registry: 100)])
        #expect(
            ended.differences.blocks == [
                .init(
                    originatingRegistry: "CDM", first: 1, last: 10, unitType: 5, cancelled: false,
                    side: "registryOnly")
            ])
        #expect(
            ended.responseCodes == [ITLReconciliationCode.heldTotalsDiffer, ITLReconciliationCode.unitsUnknownToITL])
        #expect(ended.auditTrail == ["CDM1"])
        // Three blocks came in two receiveUnitBlocks messages and were accumulated.
        guard case .provideAuditTrail(let asked) = try #require(registry.requests(.provideAuditTrail).first) else {
            Issue.record("no provideAuditTrail")
            return
        }
        let expected = DESUnitBlockIdentifier(range: try SerialRange(1, 10), originatingRegistry: .cdm)
        #expect(asked.unitBlockIdentifiers == [expected])
        #expect(asked.auditTrailEndDateTime == ended.snapshot)
        #expect(asked.auditTrailBeginDateTime == ended.snapshot.addingTimeInterval(-7 * 86_400))
        #expect(registry.results.map(\.reconciliationStatus) == [4])
        #expect(registry.results.first?.responseCodes == ended.responseCodes)
        #expect(try driver.log.reconciliation(id) == ended)
    }

    @Test func phantomUnitsShowAsMissingInTheRegistry() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(blocks: [try ReconciliationFixture.held(1, 100)])
        let faults = ITLRecordFaults()
        faults.set(ITLRecordFault(phantom: try SerialRange(200, 204)), for: .cdm)
        let driver = try ReconciliationFixture.driver(record, registry, faults: faults)
        let ended = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(ended.status == .unitBlocksInconsistent)
        #expect(ended.differences.blocks.map(\.side) == ["itlOnly"])
        #expect(ended.differences.blocks.first.map { [$0.first, $0.last] } == [200, 204])
        #expect(ended.responseCodes.contains(ITLReconciliationCode.unitsMissingInRegistry))

        faults.clear()
        let clean = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(clean.status == .confirmed)
    }

    @Test func totalsThatContradictAgreeingBlocksEndWithStatusThree() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(blocks: [try ReconciliationFixture.held(1, 100)])
        registry.totalsSkew = 1
        let driver = try ReconciliationFixture.driver(record, registry)
        let ended = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(ended.status == .totalsInconsistent)
        #expect(ended.phase == .unitBlocks)
        #expect(ended.responseCodes.contains(ITLReconciliationCode.totalsContradictBlocks))
        #expect(registry.requests(.provideAuditTrail).isEmpty)
        #expect(registry.results.map(\.reconciliationStatus) == [3])
    }

    @Test func unitsInTransactionsInFlightAtTheSnapshotAreNotADifference() async throws {
        let (relay, record) = try await ReconciliationFixture.recordWithIssuance()
        // CDM proposed CER 91-100 to CH and CH accepted: CDM has debited, the ITL has not seen the 4 yet.
        let transfer = try Fixture.proposal(
            "CDM3", type: .externalTransfer, acquiring: "CH", acquiringAccountType: .partyHolding,
            blocks: [try Fixture.cer(91, 100)])
        #expect(try await relay.propose(transfer, .cdm) == .received)
        let accepted = AcceptNotificationRequest(
            from: "CH", to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CDM3"),
            transactionStatus: .accepted, partyType: 2, evaluationResult: [])
        #expect(try await relay.notify(accepted, "CH") == .received)
        let registry = FakeReconcilingRegistry(blocks: [try ReconciliationFixture.held(1, 90)])
        let driver = try ReconciliationFixture.driver(record, registry)
        let ended = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(ended.status == .confirmed)
        #expect(ended.phase == .unitBlocks)
        #expect(ended.differences.totals == [.init(unitType: 5, cancelled: false, itl: 100, registry: 90)])
        #expect(ended.differences.blocks.isEmpty)
    }

    @Test func aSilentPhaseTimesOutWithTheStatusKnownSoFar() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(blocks: [try ReconciliationFixture.held(1, 100)])
        registry.silentOn = [.provideTotals]
        let driver = try ReconciliationFixture.driver(record, registry, phaseTimeout: .milliseconds(300))
        let ended = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(ended.status == .totalsInconsistent)
        #expect(ended.responseCodes == [ITLReconciliationCode.phaseTimedOut])
        #expect(registry.results.map(\.reconciliationStatus) == [3])
    }

    @Test func aDeniedStartIsStatusSevenAndGetsNoResult() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(blocks: [])
        registry.denyStart = true
        let driver = try ReconciliationFixture.driver(record, registry)
        let ended = try #require(try await driver.finished(try await driver.start(registry: .cdm)))
        #expect(ended.status == .startRequestDenied)
        #expect(ended.responseCodes == [DESResponseCode(7001)])
        #expect(registry.results.isEmpty)
        #expect(registry.requests(.provideTotals).isEmpty)
    }

    @Test func receiveMessagesForUnknownReconciliationsOrOtherSendersAreRefused() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(blocks: [try ReconciliationFixture.held(1, 100)])
        registry.silentOn = [.provideTotals]
        let driver = try ReconciliationFixture.driver(record, registry, phaseTimeout: .seconds(5))
        let unknown = ReceiveTotalsRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "ITL-R999", totals: [])
        let notRunning = DESResult.refused([ITLReconciliationCode.unknownReconciliation])
        #expect(await driver.receiveTotals(unknown, sender: .cdm) == notRunning)

        let id = try await driver.start(registry: .cdm)
        var fromCH = unknown
        fromCH.reconciliationIdentifier = id
        fromCH.from = "CH"
        #expect(await driver.receiveTotals(fromCH, sender: .cdm) == .refused([.senderMismatch]))
        #expect(await driver.receiveTotals(fromCH, sender: "CH") == notRunning)
        let trail = ReceiveAuditTrailRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: id, transactions: [])
        // Once the driver has asked for totals, an audit trail is out of phase.
        while registry.requests(.provideTotals).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let outOfPhase = DESResult.refused([ITLReconciliationCode.unexpectedPhase])
        #expect(await driver.receiveAuditTrail(trail, sender: .cdm) == outOfPhase)
        await #expect(throws: ITLReconciliationError.self) { _ = try await driver.start(registry: .cdm) }
        var totals = unknown
        totals.reconciliationIdentifier = id
        totals.totals = registry.totals()
        #expect(await driver.receiveTotals(totals, sender: .cdm) == .received)
        #expect(await driver.receiveTotals(totals, sender: .cdm) == outOfPhase)
        let ended = try #require(try await driver.finished(id))
        #expect(ended.status == .confirmed)
        #expect(await driver.receiveTotals(totals, sender: .cdm) == notRunning)
    }

    @Test func aReconciliationInterruptedByARestartIsEndedWhenTheLogOpens() async throws {
        let (_, record) = try await ReconciliationFixture.recordWithIssuance()
        let log = try ITLReconciliationLog(record: record)
        let running = try log.create(registry: .cdm, snapshot: Date(), at: Date())
        let reopened = try ITLReconciliationLog(record: record)
        let ended = try #require(try reopened.reconciliation(running.identifier))
        #expect(ended.status == .totalsInconsistent)
        #expect(ended.endedAt != nil)
        #expect(ended.detail.contains("restart"))
        #expect(try reopened.create(registry: .cdm, snapshot: Date(), at: Date()).identifier == "ITL-R2")
    }
}
