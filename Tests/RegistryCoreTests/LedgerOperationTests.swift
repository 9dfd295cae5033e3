import Foundation
import Testing

@testable import RegistryCore

@Suite struct LedgerOperationTests {
    typealias F = LedgerFixture

    @Test func standardAccountsAreOpen() throws {
        let ledger = try Ledger.cdmRegistry()
        #expect(ledger.accounts.count == 20)
        #expect(ledger.account(.cdmPending)?.state == .open)
        #expect(ledger.account(.adaptationFund)?.kind == .permanentHolding)
        #expect(ledger.account(.cdmTerminal(.lCERReplacementNonSubmission, period: .first)) != nil)
        #expect(ledger.verify().isEmpty)
    }

    @Test func forwardTakesWholeBlocksAndSplitsOnlyTheLast() throws {
        var fixture = try F()
        // Two issuances of the same project with a gap between them, then a tCER issuance.
        let first = try fixture.issue(number: 1, start: 1, count: 50)  // fund 1, pending 2...50
        try fixture.forward(10, of: first.identifier)
        #expect(fixture.ranges(in: F.holder) == [try SerialRange(2, 11)])
        #expect(fixture.ranges(in: .cdmPending) == [try SerialRange(12, 50)])
        try fixture.forward(5, of: first.identifier)
        // Adjacent blocks with equal attributes in one account merge.
        #expect(fixture.ranges(in: F.holder) == [try SerialRange(2, 16)])
        let moved = try fixture.ledger.perform(
            .transfer(TransferOrder(from: F.holder, to: F.other, quantity: 15)), at: F.time)
        #expect(moved.movements.first?.blocks.map(\.range) == [try SerialRange(2, 16)])
        #expect(fixture.ledger.balance(of: F.holder) == 0 && fixture.ledger.blockCount(in: F.holder) == 0)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func transferSplitsTheLastBlockAndTheRemainderKeepsEveryAttribute() throws {
        var fixture = try F()
        let cers = try fixture.issue(number: 1, start: 1, count: 100)
        let tcers = try fixture.issue(number: 2, start: 1_000, count: 100, type: .tcer)
        try fixture.forward(cers.pendingQuantity, of: cers.identifier)
        try fixture.forward(tcers.pendingQuantity, of: tcers.identifier)
        #expect(fixture.ranges(in: F.holder) == [try SerialRange(3, 100), try SerialRange(1_002, 1_099)])
        try fixture.ledger.perform(.transfer(TransferOrder(from: F.holder, to: F.other, quantity: 100)), at: F.time)
        #expect(fixture.ranges(in: F.other) == [try SerialRange(3, 100), try SerialRange(1_002, 1_003)])
        let remainder = try #require(fixture.ledger.blocks(in: F.holder).first)
        #expect(remainder.range == (try SerialRange(1_004, 1_099)))
        #expect(remainder.attributes == tcers.attributes)
        #expect(remainder.attributes.expiryDate != nil && remainder.attributes.lulucfActivity == 1)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func insufficientUnitsAreRefused() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        try fixture.forward(20, of: record.identifier)
        fixture.expectRefusal(
            .transfer(TransferOrder(from: F.holder, to: F.other, quantity: 21)),
            .insufficientUnits(account: F.holder, requested: 21, available: 20))
        fixture.expectRefusal(
            .transfer(TransferOrder(from: F.holder, to: F.other, quantity: 0)), .nonPositiveQuantity(0))
        fixture.expectRefusal(
            .transfer(TransferOrder(from: F.holder, to: F.holder, quantity: 1)), .sameSourceAndDestination(F.holder))
    }

    @Test func blockedAndClosedAccountsNeitherSendNorReceive() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        try fixture.forward(20, of: record.identifier)
        try fixture.ledger.perform(.setAccountState(F.other, .blocked), at: F.time)
        fixture.expectRefusal(
            .transfer(TransferOrder(from: F.holder, to: F.other, quantity: 1)), .accountBlocked(F.other))
        fixture.expectRefusal(
            .forward(ForwardOrder(issuance: record.identifier, to: F.other, quantity: 1, instructedBy: F.participant)),
            .accountBlocked(F.other))
        try fixture.ledger.perform(.setAccountState(F.holder, .blocked), at: F.time)
        fixture.expectRefusal(
            .transfer(TransferOrder(from: F.holder, to: .adaptationFund, quantity: 1)), .accountBlocked(F.holder))
        fixture.expectRefusal(.setAccountState(F.holder, .closed), .accountNotEmpty(F.holder, quantity: 20))
        try fixture.ledger.perform(.setAccountState(F.other, .closed), at: F.time)
        fixture.expectRefusal(
            .forward(ForwardOrder(issuance: record.identifier, to: F.other, quantity: 1, instructedBy: F.participant)),
            .accountClosed(F.other))
        fixture.expectRefusal(.setAccountState(F.other, .open), .accountClosed(F.other))
        try fixture.ledger.perform(.setAccountState(F.holder, .open), at: F.time)
        try fixture.ledger.perform(
            .transfer(TransferOrder(from: F.holder, to: .adaptationFund, quantity: 1)), at: F.time)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func unitTypesAreLimitedPerAccountType() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100, type: .tcer)
        try fixture.forward(10, of: record.identifier)
        let ccs = AccountIdentifier.cdmTerminal(.ccsNetReversalCancellation, period: .second)
        fixture.expectRefusal(
            .cancel(CancellationOrder(sources: [F.holder], to: ccs, quantity: 5)),
            .unitTypeNotAllowed(.tcer, account: ccs, serials: try SerialRange(3, 7)))
        let lcerReplacement = AccountIdentifier.cdmTerminal(.lCERReplacementExpiry, period: .second)
        fixture.expectRefusal(
            .cancel(CancellationOrder(sources: [F.holder], to: lcerReplacement, quantity: 1)),
            .unitTypeNotAllowed(.tcer, account: lcerReplacement, serials: try SerialRange(3, 3)))
        let tcerReplacement = AccountIdentifier.cdmTerminal(.tCERReplacementExpiry, period: .second)
        try fixture.ledger.perform(
            .cancel(CancellationOrder(sources: [F.holder], to: tcerReplacement, quantity: 4)), at: F.time)
        #expect(fixture.ledger.balance(of: tcerReplacement) == 4)
        // Units only enter cancellation accounts.
        fixture.expectRefusal(
            .cancel(CancellationOrder(sources: [tcerReplacement], to: F.voluntary, quantity: 1)),
            .accountTypeNotAllowed(tcerReplacement, operation: "cancel", role: "source"))
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func issuanceErrors() throws {
        var fixture = try F()
        try fixture.issue(start: 100, count: 100)
        let overlapping = try F.order(number: 2, start: 150, count: 10)
        fixture.expectRefusal(
            .issue(overlapping),
            .serialOverlap(
                requested: overlapping.serials, registry: .cdm, existing: try SerialRange(102, 199),
                location: .account(.cdmPending)))
        fixture.expectRefusal(
            .issue(try F.order(project: 77, start: 1_000, count: 10)), .unknownProject(77))
        fixture.expectRefusal(
            .issue(try F.order(number: 1, start: 1_000, count: 10)),
            .issuanceExists(IssuanceIdentifier(project: F.windProject, number: 1)))
        var noExpiry = try F.order(number: 3, start: 1_000, count: 10, type: .lcer)
        noExpiry.expiryDate = nil
        fixture.expectRefusal(
            .issue(noExpiry), .invalidIssuance(noExpiry.issuance, reason: "lCERs need an expiry date"))
    }

    @Test func serialsStayTakenAfterCancellationOrTransferOut() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        try fixture.forward(98, of: record.identifier)
        try fixture.ledger.perform(
            .cancel(CancellationOrder(sources: [F.holder], to: F.voluntary, quantity: 10)), at: F.time)
        let transaction = try TransactionIdentifier("CDM1")
        try fixture.ledger.perform(
            .reserve(ReservationOrder(transaction: transaction, from: F.holder, destination: .external("CH"),
                                      quantity: 10)), at: F.time)
        try fixture.ledger.perform(.commit(transaction), at: F.time)
        let cancelled = try F.order(number: 2, start: 5, count: 1)
        fixture.expectRefusal(
            .issue(cancelled),
            .serialOverlap(requested: cancelled.serials, registry: .cdm, existing: try SerialRange(3, 12),
                           location: .account(F.voluntary)))
        let transferred = try F.order(number: 2, start: 20, count: 1)
        fixture.expectRefusal(
            .issue(transferred),
            .serialOverlap(requested: transferred.serials, registry: .cdm, existing: try SerialRange(13, 22),
                           location: .external("CH")))
    }

    @Test func forwardingNeedsSOPAdminAndTheModalities() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 101, due: 300)
        fixture.expectRefusal(
            .forward(ForwardOrder(issuance: record.identifier, to: F.holder, quantity: 1, instructedBy: F.participant)),
            .forwardingBeyondRelease(record.identifier, requested: 1, released: 0, alreadyForwarded: 0))
        try fixture.ledger.perform(.paySOPAdmin(SOPAdminPayment(issuance: record.identifier, amount: 100)), at: F.time)
        try fixture.forward(30, of: record.identifier)
        fixture.expectRefusal(
            .forward(ForwardOrder(issuance: record.identifier, to: F.holder, quantity: 3, instructedBy: F.participant)),
            .forwardingBeyondRelease(record.identifier, requested: 3, released: 32, alreadyForwarded: 30))
        fixture.expectRefusal(
            .forward(ForwardOrder(issuance: record.identifier, to: F.holder, quantity: 1, instructedBy: "stranger")),
            .notInModalities("stranger", project: F.windProject))
        let unknown = IssuanceIdentifier(project: F.windProject, number: 9)
        fixture.expectRefusal(
            .forward(ForwardOrder(issuance: unknown, to: F.holder, quantity: 1, instructedBy: F.participant)),
            .unknownIssuance(unknown))
        fixture.expectRefusal(
            .forward(ForwardOrder(issuance: record.identifier, to: F.voluntary, quantity: 1,
                                  instructedBy: F.participant)),
            .accountTypeNotAllowed(F.voluntary, operation: "forward", role: "destination"))
        try fixture.forward(2, of: record.identifier)
        #expect(try #require(fixture.ledger.issuance(record.identifier)).forwarded == 32)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func voluntaryCancellationRecordsBeneficiaryAndPurpose() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100, due: 100)
        try fixture.ledger.perform(.paySOPAdmin(SOPAdminPayment(issuance: record.identifier, amount: 50)), at: F.time)
        // From the pending account, within the released quantity, on a third party's behalf.
        let order = CancellationOrder(
            sources: [.cdmPending], to: F.voluntary, quantity: 10, issuance: record.identifier,
            instructedBy: F.participant, beneficiary: "City of Valparaiso", purpose: "2020 fleet")
        let entry = try fixture.ledger.perform(.cancel(order), at: F.time)
        guard case .cancel(let recorded) = entry.command else { Issue.record("journal lost the command"); return }
        #expect(recorded.beneficiary == "City of Valparaiso" && recorded.purpose == "2020 fleet")
        #expect(entry.movements.first?.quantity == 10)
        #expect(fixture.ledger.balance(of: F.voluntary) == 10)
        let after = try #require(fixture.ledger.issuance(record.identifier))
        #expect(after.forwarded == 10 && after.inPending == 88)
        fixture.expectRefusal(
            .cancel(CancellationOrder(sources: [.cdmPending], to: F.voluntary, quantity: 40,
                                      issuance: record.identifier,
                                      instructedBy: F.participant)),
            .forwardingBeyondRelease(record.identifier, requested: 40, released: 49, alreadyForwarded: 10))
        fixture.expectRefusal(
            .cancel(CancellationOrder(sources: [.cdmPending], to: F.voluntary, quantity: 1)),
            .issuanceRequired(.cdmPending))
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func excessIssuanceCancelsFromThePendingAccountFirst() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)  // 98 pending: 3...100
        try fixture.forward(90, of: record.identifier)  // 3...92 to the holder, 93...100 remain pending
        let order = CancellationOrder(
            sources: [.cdmPending, F.holder], to: F.excess, quantity: 12, issuance: record.identifier,
            notification: 4711)
        try fixture.ledger.perform(.cancel(order), at: F.time)
        #expect(fixture.ranges(in: F.excess) == [try SerialRange(3, 6), try SerialRange(93, 100)])
        #expect(fixture.ledger.balance(of: .cdmPending) == 0)
        #expect(try #require(fixture.ledger.issuance(record.identifier)).inPending == 0)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func reservedUnitsCannotBeTakenAndReleaseMergesThemBack() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        try fixture.forward(98, of: record.identifier)
        let transaction = try TransactionIdentifier("CDM42")
        let reserve = ReservationOrder(transaction: transaction, from: F.holder, destination: .external("JP"),
                                       quantity: 60)
        try fixture.ledger.perform(.reserve(reserve), at: F.time)
        #expect(fixture.ledger.balance(of: F.holder) == 38)
        #expect(fixture.ledger.reservation(transaction)?.blocks.map(\.range) == [try SerialRange(3, 62)])
        fixture.expectRefusal(
            .transfer(TransferOrder(from: F.holder, to: F.other, quantity: 39)),
            .insufficientUnits(account: F.holder, requested: 39, available: 38))
        fixture.expectRefusal(.reserve(reserve), .reservationExists(transaction))
        #expect(fixture.ledger.verify().isEmpty)
        try fixture.ledger.perform(.release(transaction), at: F.time)
        #expect(fixture.ranges(in: F.holder) == [try SerialRange(3, 100)])
        fixture.expectRefusal(.commit(transaction), .unknownReservation(transaction))
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func externalForwardFromPendingGivesTheReleaseBackOnRelease() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        let transaction = try TransactionIdentifier("CDM43")
        try fixture.ledger.perform(
            .reserve(ReservationOrder(transaction: transaction, from: .cdmPending, destination: .external("CH"),
                                      quantity: 50, issuance: record.identifier, instructedBy: F.participant)),
            at: F.time)
        #expect(try #require(fixture.ledger.issuance(record.identifier)).forwarded == 50)
        try fixture.ledger.perform(.release(transaction), at: F.time)
        let released = try #require(fixture.ledger.issuance(record.identifier))
        #expect(released.forwarded == 0 && released.inPending == 98)
        #expect(fixture.ranges(in: .cdmPending) == [try SerialRange(3, 100)])
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func aSplitReservationIsCommittedAndReleasedOnItsOwn() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        let offer = try TransactionIdentifier("CDM50")
        let sold = try TransactionIdentifier("CDM51")
        try fixture.ledger.perform(
            .reserve(ReservationOrder(transaction: offer, from: .cdmPending, destination: .account(F.voluntary),
                                      quantity: 60, issuance: record.identifier, instructedBy: F.participant)),
            at: F.time)
        fixture.expectRefusal(
            .splitReservation(ReservationSplit(from: offer, into: sold, quantity: 61)),
            .insufficientReserved(offer, requested: 61, available: 60))
        fixture.expectRefusal(
            .splitReservation(ReservationSplit(from: offer, into: offer, quantity: 1)), .reservationExists(offer))
        try fixture.ledger.perform(.splitReservation(ReservationSplit(from: offer, into: sold, quantity: 25)), at: F.time)
        #expect(fixture.ledger.reservations[offer]?.blocks.map(\.range) == [try SerialRange(28, 62)])
        #expect(fixture.ledger.reservations[sold]?.blocks.map(\.range) == [try SerialRange(3, 27)])
        #expect(fixture.ledger.reservations[sold]?.issuance == record.identifier)
        #expect(fixture.ledger.verify().isEmpty)
        try fixture.ledger.perform(.commit(sold), at: F.time)
        #expect(fixture.ranges(in: F.voluntary) == [try SerialRange(3, 27)])
        try fixture.ledger.perform(.release(offer), at: F.time)
        let after = try #require(fixture.ledger.issuance(record.identifier))
        #expect(after.inPending == 98 - 25)
        #expect(fixture.ranges(in: .cdmPending) == [try SerialRange(28, 100)])
        #expect(fixture.ledger.reservations.isEmpty)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func unitsThatComeBackAreCreditedAndForeignOnesRefused() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        try fixture.forward(98, of: record.identifier)
        let out = try TransactionIdentifier("CDM7")
        try fixture.ledger.perform(
            .reserve(ReservationOrder(transaction: out, from: F.holder, destination: .external("CH"), quantity: 40)),
            at: F.time)
        try fixture.ledger.perform(.commit(out), at: F.time)  // 3...42 now in CH
        let block = UnitBlock(range: try SerialRange(10, 19), attributes: record.attributes)
        let incoming = try TransactionIdentifier("DE99")
        try fixture.ledger.perform(
            .creditIncoming(IncomingCredit(transaction: incoming, from: "DE", to: F.other, blocks: [block])),
            at: F.time)
        #expect(fixture.ranges(in: F.other) == [try SerialRange(10, 19)])
        #expect(fixture.ledger.verify().isEmpty)
        fixture.expectRefusal(
            .creditIncoming(IncomingCredit(transaction: incoming, from: "DE", to: F.other, blocks: [block])),
            .incomingUnitsNotTransferredOut(serials: try SerialRange(10, 19), location: .account(F.other)))
        var foreign = block
        foreign.attributes.originatingRegistry = "CH"
        fixture.expectRefusal(
            .creditIncoming(IncomingCredit(transaction: incoming, from: "CH", to: F.other, blocks: [foreign])),
            .foreignUnits(registry: "CH", serials: try SerialRange(10, 19)))
        let neverIssued = block.with(range: try SerialRange(5_000, 5_001))
        fixture.expectRefusal(
            .creditIncoming(IncomingCredit(transaction: incoming, from: "CH", to: F.other, blocks: [neverIssued])),
            .incomingUnitsNotTransferredOut(serials: try SerialRange(5_000, 5_001), location: nil))
    }

    @Test func unknownThingsAreNamed() throws {
        var fixture = try F()
        let stranger = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 9)
        fixture.expectRefusal(
            .transfer(TransferOrder(from: stranger, to: F.other, quantity: 1)), .unknownAccount(stranger))
        let swiss = try AccountIdentifier(registry: "CH", type: .partyHolding, id: 9)
        fixture.expectRefusal(
            .transfer(TransferOrder(from: F.holder, to: swiss, quantity: 1)),
            .accountNotInThisRegistry(swiss, registry: .cdm))
        fixture.expectRefusal(.setModalities(project: 5, participants: ["x"]), .unknownProject(5))
        fixture.expectRefusal(
            .openAccount(Account(identifier: F.holder, name: "Again", kind: .permanentHolding)),
            .accountExists(F.holder))
        fixture.expectRefusal(
            .registerProject(Project(number: F.windProject, title: "Again", hostParty: "CL", projectType: "Wind",
                                     isLeastDevelopedCountry: false, modalities: ["a"])),
            .projectExists(F.windProject))
    }

    @Test func changesRoundTripThroughJSON() throws {
        var fixture = try F()
        let record = try fixture.issue(start: 1, count: 100)
        let change = try plan(
            .forward(ForwardOrder(issuance: record.identifier, to: F.holder, quantity: 5, instructedBy: F.participant)),
            on: fixture.ledger, at: F.time)
        let decoded = try JSONDecoder().decode(LedgerChange.self, from: JSONEncoder().encode(change))
        #expect(decoded == change)
        fixture.ledger.apply(decoded)
        #expect(fixture.ledger.balance(of: F.holder) == 5)
        #expect(fixture.ledger.verify().isEmpty)
    }
}
