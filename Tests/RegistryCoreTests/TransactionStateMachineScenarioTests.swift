import Foundation
import Testing

@testable import RegistryCore

/// Whole transactions driven message by message, with a manual clock standing in for 24-hour waits.
@Suite struct TransactionStateMachineScenarioTests {
    let id: TransactionIdentifier

    init() throws { id = try TransactionIdentifier("CDM123456") }

    @Test func externalTransferCompletesWhenThePeerAccepts() {
        let clock = ManualTransactionClock()
        var transfer = TestMachine(transaction: id, flow: .externalTransfer)
        #expect(
            transfer.proposalCreated(at: clock.now)
                == .applied([.reserveUnits, .sendProposal, .scheduleTimeout(at: hours(24))]))
        #expect(transfer.proposalAcknowledged() == .applied([]))
        clock.advance(by: .seconds(60))
        #expect(transfer.notified(.checkedNoDiscrepancy) == .applied([]))
        #expect(transfer.state == .waiting(.awaitingAcquiringRegistry))
        #expect(transfer.state.desStatus == .checkedNoDiscrepancy)
        #expect(
            transfer.notified(.accepted)
                == .applied([
                    .commitReservation, .sendNotification(.completed, responseCodes: []), .cancelTimeout,
                    .finished(.completed),
                ]))
        // The ITL repeats its relay: acknowledged and ignored, nothing debited twice.
        #expect(transfer.notified(.accepted) == .ignored(.alreadyFinal(.completed)))
        #expect(transfer.timeoutFired(at: hours(48)) == .ignored(.alreadyFinal(.completed)))
    }

    @Test func peerRejectionReleasesTheReservationAndKeepsTheCodes() {
        var transfer = TestMachine(transaction: id, flow: .externalTransfer)
        _ = transfer.proposalCreated(at: hours(0))
        _ = transfer.proposalAcknowledged()
        _ = transfer.notified(.checkedNoDiscrepancy)
        #expect(
            transfer.notified(.rejected, responseCodes: [5904])
                == .applied([
                    .releaseReservation, .recordResponseCodes([5904]), .cancelTimeout, .finished(.rejected),
                ]))
        #expect(transfer.responseCodes == [5904])
        #expect(transfer.state == .final(.rejected))
    }

    @Test func issuanceIsCreditedWhenTheITLFindsNoDiscrepancyAndTerminatedOnADiscrepancy() {
        var good = TestMachine(transaction: id, flow: .issuance)
        #expect(good.proposalCreated(at: hours(0)) == .applied([.sendProposal, .scheduleTimeout(at: hours(24))]))
        #expect(
            good.notified(.checkedNoDiscrepancy)
                == .applied([
                    .creditUnits, .sendNotification(.completed, responseCodes: []), .cancelTimeout,
                    .finished(.completed),
                ]))
        var bad = TestMachine(transaction: id, flow: .issuance)
        _ = bad.proposalCreated(at: hours(0))
        #expect(
            bad.notified(.checkedDiscrepancy, responseCodes: [5008, 4012])
                == .applied([
                    .recordResponseCodes([5008, 4012]), .cancelTimeout, .finished(.terminated),
                ]))
    }

    @Test func internalTransferCompletesAtOnceWithoutTheITL() {
        var transfer = TestMachine(transaction: id, flow: .internalTransfer)
        #expect(
            transfer.proposalCreated(at: hours(0))
                == .applied([.reserveUnits, .commitReservation, .finished(.completed)]))
        #expect(transfer.deadline == nil)
    }

    @Test func unansweredTransferIsQueriedThenCancelledAndReleased() {
        let clock = ManualTransactionClock()
        var transfer = TestMachine(transaction: id, flow: .externalTransfer)
        _ = transfer.proposalCreated(at: clock.now)
        _ = transfer.proposalAcknowledged()
        clock.advance(by: .seconds(86_400) - .microseconds(1))
        #expect(transfer.timeoutFired(at: clock.now) == .ignored(.timeoutNotDue))
        clock.advance(by: .microseconds(1))
        #expect(
            transfer.timeoutFired(at: clock.now)
                == .applied([.queryTransactionStatus, .scheduleTimeout(at: hours(25))]))
        #expect(transfer.state == .querying(.awaitingITLCheck))
        // The ITL does not know the transaction: wait out the second interval.
        #expect(transfer.statusAnswered(nil) == .applied([]))
        clock.advance(by: .seconds(3_599))
        #expect(transfer.timeoutFired(at: clock.now) == .ignored(.timeoutNotDue))
        clock.advance(by: .seconds(1))
        #expect(
            transfer.timeoutFired(at: clock.now)
                == .applied([
                    .releaseReservation, .sendNotification(.cancelled, responseCodes: []), .finished(.cancelled),
                ]))
        #expect(transfer.deadline == nil)
    }

    @Test func statusQueryRecoversALostCompletionOnTheAcquiringSide() {
        let clock = ManualTransactionClock()
        var incoming = TestMachine(transaction: id, flow: .acquiring)
        #expect(
            incoming.incomingProposalChecked(.accept, at: clock.now)
                == .applied([.sendNotification(.accepted, responseCodes: []), .scheduleTimeout(at: hours(24))]))
        clock.advance(by: .seconds(86_400))
        _ = incoming.timeoutFired(at: clock.now)
        // The ITL still has the transaction at 8: keep waiting, the second deadline stands.
        #expect(incoming.statusAnswered(.accepted) == .applied([]))
        #expect(incoming.deadline == hours(25))
        #expect(incoming.statusAnswered(.completed) == .applied([.creditUnits, .cancelTimeout, .finished(.completed)]))
        // The lost notification turns up later: ignored, nothing credited twice.
        #expect(incoming.notified(.completed) == .ignored(.alreadyFinal(.completed)))
    }

    @Test func statusQueryAfterALostAcknowledgementContinuesTheTransfer() {
        var transfer = TestMachine(transaction: id, flow: .externalTransfer)
        _ = transfer.proposalCreated(at: hours(0))
        _ = transfer.timeoutFired(at: hours(24))
        #expect(transfer.statusAnswered(.proposed) == .applied([]))
        #expect(transfer.state == .querying(.awaitingITLCheck))
        #expect(transfer.notified(.checkedNoDiscrepancy) == .applied([]))
        #expect(transfer.state == .querying(.awaitingAcquiringRegistry))
        #expect(transfer.notified(.accepted).actions.contains(.commitReservation))
    }

    @Test func acquiringRegistryRejectsWithItsCodesAndIgnoresARepeatedProposal() {
        var incoming = TestMachine(transaction: id, flow: .acquiring)
        #expect(incoming.incomingProposalChecked(.reject([]), at: hours(0)) == .refused(.rejectionWithoutReason))
        #expect(incoming.state == .created)
        #expect(
            incoming.incomingProposalChecked(.reject([.accountDoesNotExist, .accountClosed]), at: hours(0))
                == .applied([
                    .recordResponseCodes([5902, 5906]), .sendNotification(.rejected, responseCodes: [5902, 5906]),
                    .finished(.rejected),
                ]))
        #expect(incoming.incomingProposalChecked(.accept, at: hours(1)) == .ignored(.alreadyFinal(.rejected)))
    }

    @Test func terminatedOrCancelledIncomingTransferCreditsNothing() {
        for status in [TransactionStatus.terminated, .cancelled] {
            var incoming = TestMachine(transaction: id, flow: .acquiring)
            _ = incoming.incomingProposalChecked(.accept, at: hours(0))
            let actions = incoming.notified(status).actions
            #expect(!actions.contains(.creditUnits))
            #expect(actions.last == .finished(status))
        }
    }

    @Test func cancellationsCanStayUnreportedToTheITLWhenConfigured() throws {
        let quiet = try TransactionTimeouts(reportsCancellationToITL: false)
        var transfer = TestMachine(transaction: id, flow: .cancellation, timeouts: quiet)
        _ = transfer.proposalCreated(at: hours(0))
        _ = transfer.timeoutFired(at: hours(24))
        #expect(transfer.timeoutFired(at: hours(25)) == .applied([.releaseReservation, .finished(.cancelled)]))
    }

    @Test func timeoutsMustBePositive() {
        #expect(throws: TransactionTimeoutsError.notPositive(field: "untilStatusQuery", .zero)) {
            try TransactionTimeouts(untilStatusQuery: .zero)
        }
        #expect(throws: TransactionTimeoutsError.notPositive(field: "afterStatusQuery", .seconds(-1))) {
            try TransactionTimeouts(afterStatusQuery: .seconds(-1))
        }
    }
}

/// The engine stores the snapshot and resumes from it after a restart.
@Suite struct TransactionStateMachineSnapshotTests {
    typealias Table = TransactionStateMachineTableTests

    @Test(arguments: TransactionFlow.allCases)
    func restoredSnapshotBehavesLikeTheOriginalInEveryState(flow: TransactionFlow) throws {
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        for state in flow.reachableStates {
            var original = try Table.machine(flow, in: state)
            let data = try encoder.encode(original.snapshot)
            var restored = try TestMachine(restoring: decoder.decode(TestMachine.Snapshot.self, from: data))
            #expect(restored.snapshot == original.snapshot)
            // Drive both through the same sequence of every event kind.
            for kind in Table.EventKind.allCases {
                #expect(original.handle(kind.event) == restored.handle(kind.event), "\(flow) \(state) \(kind)")
                #expect(original.snapshot == restored.snapshot)
            }
        }
    }

    @Test func snapshotSurvivesARestartMidTransfer() throws {
        var transfer = TestMachine(transaction: try TransactionIdentifier("CDM42"), flow: .externalTransfer)
        _ = transfer.proposalCreated(at: hours(0))
        _ = transfer.proposalAcknowledged()
        _ = transfer.notified(.checkedNoDiscrepancy)
        let stored = try JSONEncoder().encode(transfer.snapshot)
        var resumed = try TestMachine(restoring: JSONDecoder().decode(TestMachine.Snapshot.self, from: stored))
        #expect(resumed.state == .waiting(.awaitingAcquiringRegistry))
        #expect(resumed.deadline == hours(24))
        #expect(resumed.notified(.accepted).actions.first == .commitReservation)
        #expect(resumed.timeoutFired(at: hours(24)) == .ignored(.alreadyFinal(.completed)))
    }

    @Test func restoringRefusesStatesNoEventsCouldProduce() throws {
        let id = try TransactionIdentifier("CDM7")
        #expect(throws: TransactionSnapshotError.unreachableState(id, .internalTransfer, .waiting(.awaitingITLCheck))) {
            try TestMachine(
                restoring: .init(
                    transaction: id, flow: .internalTransfer, state: .waiting(.awaitingITLCheck), deadline: hours(1),
                    responseCodes: []))
        }
        #expect(throws: TransactionSnapshotError.unreachableState(id, .issuance, .final(.rejected))) {
            try TestMachine(
                restoring: .init(
                    transaction: id, flow: .issuance, state: .final(.rejected), deadline: nil, responseCodes: []))
        }
        #expect(throws: TransactionSnapshotError.deadlineMismatch(id, .waiting(.awaitingITLCheck), hasDeadline: false))
        {
            try TestMachine(
                restoring: .init(
                    transaction: id, flow: .issuance, state: .waiting(.awaitingITLCheck), deadline: nil,
                    responseCodes: []))
        }
        #expect(throws: TransactionSnapshotError.deadlineMismatch(id, .final(.completed), hasDeadline: true)) {
            try TestMachine(
                restoring: .init(
                    transaction: id, flow: .issuance, state: .final(.completed), deadline: hours(3), responseCodes: []))
        }
    }

    @Test func snapshotWithABadTransactionIdentifierDoesNotDecode() throws {
        var transfer = TestMachine(transaction: try TransactionIdentifier("CDM1"), flow: .issuance)
        _ = transfer.proposalCreated(at: hours(0))
        let json = String(decoding: try JSONEncoder().encode(transfer.snapshot), as: UTF8.self)
        let broken = json.replacingOccurrences(of: "CDM1", with: "cdm-1")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TestMachine.Snapshot.self, from: Data(broken.utf8))
        }
    }
}
