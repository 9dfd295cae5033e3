import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// The ITL relay's message flows, with an in-memory outbound and a hand-moved clock.
@Suite("ITL relay")
struct ITLRelayTests {
    let outbound = RecordingOutbound()
    let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
    let record: ITLHoldingsRecord
    let relay: ITLRelay

    init() throws {
        record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        relay = ITLRelay(
            record: record,
            configuration: ITLRelayConfiguration(
                registries: [.cdm: .operational, "CH": .operational], acquiringResponseTimeout: 3600),
            outbound: outbound, clock: clock.function)
    }

    func notification(
        _ id: String, _ status: TransactionStatus, from: RegistryCode, codes: [Int] = []
    ) throws -> AcceptNotificationRequest {
        AcceptNotificationRequest(
            from: from, to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id(id),
            transactionStatus: status, partyType: from == .cdm ? 1 : 2,
            evaluationResult: codes.map { DESEvaluationResult(responseCode: DESResponseCode($0)) })
    }

    /// Issues CER 1-`last` to CDM through the relay (one recorded block): proposal, 2, then CDM's 4.
    func issue(last: Int64 = 100) async throws {
        let proposal = try Fixture.proposal(
            "CDM1", type: .issuance, acquiring: .cdm, acquiringAccountType: .pending,
            blocks: [try Fixture.cer(1, last)])
        #expect(try await relay.propose(proposal, .cdm) == .received)
        #expect(outbound.take().compactMap(\.notification).map(\.transactionStatus) == [.checkedNoDiscrepancy])
        #expect(try await relay.notify(try notification("CDM1", .completed, from: .cdm), .cdm) == .received)
    }

    func transferProposal(_ id: String = "CDM2") throws -> AcceptProposalRequest {
        try Fixture.proposal(
            id, type: .externalTransfer, acquiring: "CH", acquiringAccountType: .partyHolding,
            blocks: [try Fixture.cer(11, 20)])
    }

    @Test func issuanceIsCheckedThenCompletionUpdatesTheRecord() async throws {
        #expect(try record.holdings(heldBy: .cdm).isEmpty)
        try await issue()
        #expect(try record.holdings(heldBy: .cdm).map(\.block.range) == [try SerialRange(1, 100)])
        #expect(try record.transaction(try Fixture.id("CDM1"))?.status == .completed)
    }

    @Test func acceptedExternalTransferIsRelayedAndCompletedOnBothSides() async throws {
        try await issue()
        #expect(try await relay.propose(try transferProposal(), .cdm) == .received)
        let relayed = outbound.take()
        #expect(relayed.map(\.recipient) == ["CH"])
        guard case .acceptProposal(let toCH) = relayed.first?.request else {
            Issue.record("expected the proposal relayed to CH")
            return
        }
        #expect(toCH.from == .itl && toCH.to == "CH")

        #expect(try await relay.notify(try notification("CDM2", .accepted, from: "CH"), "CH") == .received)
        let toCDM = outbound.take()
        #expect(toCDM.map(\.recipient) == [.cdm])
        #expect(toCDM.first?.notification?.transactionStatus == .accepted)
        // Nothing moves before the transferring registry completes.
        #expect(try record.holdings(heldBy: "CH").isEmpty)

        #expect(try await relay.notify(try notification("CDM2", .completed, from: .cdm), .cdm) == .received)
        let toCHAgain = outbound.take()
        #expect(toCHAgain.map(\.recipient) == ["CH"])
        #expect(toCHAgain.first?.notification?.transactionStatus == .completed)
        #expect(try record.holdings(heldBy: "CH").map(\.block.range) == [try SerialRange(11, 20)])
        #expect(
            try record.holdings(heldBy: .cdm).map(\.block.range) == [try SerialRange(1, 10), try SerialRange(21, 100)])
    }

    @Test func rejectionByTheAcquiringRegistryIsRelayedWithItsCodesAndNothingMoves() async throws {
        try await issue()
        _ = try await relay.propose(try transferProposal(), .cdm)
        _ = outbound.take()
        let rejection = try notification("CDM2", .rejected, from: "CH", codes: [5902])
        #expect(try await relay.notify(rejection, "CH") == .received)
        let toCDM = try #require(outbound.take().first?.notification)
        #expect(toCDM.transactionStatus == .rejected)
        #expect(toCDM.evaluationResult.map(\.responseCode.rawValue) == [5902])
        #expect(try record.transaction(try Fixture.id("CDM2"))?.status == .rejected)
        #expect(try record.holdings(heldBy: "CH").isEmpty)
        // A late 4 for a final transaction is acknowledged and ignored.
        #expect(try await relay.notify(try notification("CDM2", .completed, from: .cdm), .cdm) == .received)
        #expect(try record.holdings(heldBy: "CH").isEmpty)
    }

    @Test func failedChecksAreNotifiedWithStatus3AndTheFindings() async throws {
        try await issue()
        let proposal = try Fixture.proposal(
            "CDM3", type: .externalTransfer, acquiring: "CH", acquiringAccountType: .partyHolding,
            blocks: [try Fixture.cer(90, 120)])
        #expect(try await relay.propose(proposal, .cdm) == .received)
        let sent = outbound.take()
        #expect(sent.map(\.recipient) == [.cdm])
        let toCDM = try #require(sent.first?.notification)
        #expect(toCDM.transactionStatus == .checkedDiscrepancy)
        #expect(toCDM.evaluationResult.map(\.responseCode.rawValue) == [5201])
        #expect(toCDM.evaluationResult.first?.unitBlockIdentifiers?.first?.range == (try SerialRange(90, 120)))
        #expect(try record.transaction(try Fixture.id("CDM3"))?.status == .checkedDiscrepancy)
    }

    @Test func aRepeatedProposalIdentifierIsRefusedAndTheFirstTransactionContinues() async throws {
        try await issue()
        _ = try await relay.propose(try transferProposal(), .cdm)
        _ = outbound.take()
        let repeated = try await relay.propose(try transferProposal(), .cdm)
        #expect(repeated == .refused([DESResponseCode(5002)]))
        #expect(outbound.take().isEmpty)
        #expect(try record.transaction(try Fixture.id("CDM2"))?.status == .checkedNoDiscrepancy)
    }

    @Test func unitsInFlightCannotBeProposedAgain() async throws {
        try await issue()
        _ = try await relay.propose(try transferProposal(), .cdm)
        _ = outbound.take()
        _ = try await relay.propose(try transferProposal("CDM7"), .cdm)
        let toCDM = try #require(outbound.take().first?.notification)
        #expect(toCDM.evaluationResult.map(\.responseCode.rawValue) == [5202])
    }

    @Test func concurrentProposalsOfTheSameUnitsRelayExactlyOne() async throws {
        try await issue()
        let relay = self.relay
        let ids = (10..<20).map { "CDM\($0)" }
        try await withThrowingTaskGroup(of: DESResult.self) { group in
            for id in ids { group.addTask { try await relay.propose(try self.transferProposal(id), .cdm) } }
            for try await result in group { #expect(result == .received) }
        }
        let sent = outbound.take()
        // Applied one after the other even when committed together: the first reserves, the rest find 5202.
        #expect(sent.filter { $0.recipient == "CH" }.count == 1)
        let refusals = sent.compactMap(\.notification).filter { $0.transactionStatus == .checkedDiscrepancy }
        #expect(refusals.count == ids.count - 1)
        #expect(refusals.allSatisfy { $0.evaluationResult.map(\.responseCode.rawValue) == [5202] })
        #expect(try record.openTransactions().filter { $0.status == .checkedNoDiscrepancy }.count == 1)
    }

    @Test func aProposalTheAcquiringRegistryLeavesUnansweredIsCancelledToBoth() async throws {
        try await issue()
        _ = try await relay.propose(try transferProposal(), .cdm)
        _ = outbound.take()
        clock.advance(by: 3000)
        #expect(try await relay.cancelUnanswered().isEmpty)
        clock.advance(by: 601)
        #expect(try await relay.cancelUnanswered() == [try Fixture.id("CDM2")])
        let sent = outbound.take()
        #expect(Set(sent.map(\.recipient)) == [.cdm, "CH"])
        #expect(sent.allSatisfy { $0.notification?.transactionStatus == .cancelled })
        #expect(try record.transaction(try Fixture.id("CDM2"))?.status == .cancelled)
        // The late answer changes nothing; the units are free again.
        #expect(try await relay.notify(try notification("CDM2", .accepted, from: "CH"), "CH") == .received)
        #expect(outbound.take().isEmpty)
        _ = try await relay.propose(try transferProposal("CDM8"), .cdm)
        #expect(outbound.take().map(\.recipient) == ["CH"])
    }

    @Test func transactionStatusIsAnsweredFromTheLogToPartiesOnly() async throws {
        try await issue()
        let query = GetTransactionStatusRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CDM1"))
        let answer = try await relay.status(query, .cdm)
        #expect(answer.resultIdentifier == 1 && answer.transactionStatus == .completed)
        var stranger = query
        stranger.from = "CH"
        let refused = try await relay.status(stranger, "CH")
        #expect(refused.resultIdentifier == 0 && refused.responseCodes == [ITLRelay.unknownTransaction])
    }

    @Test func aNotificationFromAnotherSenderThanItsCertificateIsRefused() async throws {
        try await issue()
        _ = try await relay.propose(try transferProposal(), .cdm)
        _ = outbound.take()
        let forged = try await relay.notify(try notification("CDM2", .accepted, from: "CH"), .cdm)
        #expect(forged == .refused([.senderMismatch]))
        #expect(try record.transaction(try Fixture.id("CDM2"))?.status == .checkedNoDiscrepancy)
    }
}
