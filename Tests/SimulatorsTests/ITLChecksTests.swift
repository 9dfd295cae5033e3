import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// Each ITL check on its own: a context that passes everything, changed in one respect.
@Suite("ITL checks")
struct ITLChecksTests {
    static let registries: [RegistryCode: ITLRegistryState] = [
        .cdm: .operational, "CH": .operational, "GB": .notOperational,
    ]

    static func transfer(_ blocks: [UnitBlock]? = nil) throws -> ITLCheckContext {
        let proposal = try Fixture.proposal(
            "CDM5", type: .externalTransfer, acquiring: "CH", acquiringAccountType: .partyHolding,
            blocks: blocks ?? [try Fixture.cer(1, 10)])
        return ITLCheckContext(
            proposal: proposal, authenticatedSender: .cdm, registries: registries,
            recordedHoldings: [ITLHolding(block: try Fixture.cer(1, 100), holder: .cdm)])
    }

    static func issuance(_ blocks: [UnitBlock]? = nil) throws -> ITLCheckContext {
        let proposal = try Fixture.proposal(
            "CDM6", type: .issuance, acquiring: .cdm, acquiringAccountType: .pending,
            blocks: blocks ?? [try Fixture.cer(101, 200)])
        return ITLCheckContext(proposal: proposal, authenticatedSender: .cdm, registries: registries)
    }

    func codes(_ context: ITLCheckContext) -> [Int] { ITLChecks.evaluate(context).map(\.responseCode.rawValue) }

    @Test func aCorrectTransferAndIssuancePassEveryCheck() throws {
        #expect(codes(try Self.transfer()).isEmpty)
        #expect(codes(try Self.issuance()).isEmpty)
    }

    @Test func versionOtherThan1Point1Is1001() throws {
        var context = try Self.transfer()
        context.proposal.minorVersion = 0
        #expect(codes(context) == [1001])
    }

    @Test func senderNotMatchingTheCertificateIs1002() throws {
        var context = try Self.transfer()
        context.authenticatedSender = "CH"
        #expect(codes(context) == [1002])
        context.authenticatedSender = nil
        #expect(codes(context) == [1002])
    }

    @Test func messageNotAddressedToTheITLIs1003() throws {
        var context = try Self.transfer()
        context.proposal.to = "CH"
        #expect(codes(context) == [1003])
    }

    @Test func identifierOfAnotherRegistryIs5001() throws {
        var context = try Self.transfer()
        context.proposal.proposedTransaction.transactionIdentifier = try Fixture.id("CH5")
        #expect(codes(context) == [5001])
    }

    @Test func identifierAlreadyLoggedIs5002() throws {
        var context = try Self.transfer()
        context.identifierAlreadyLogged = true
        #expect(codes(context) == [5002])
    }

    @Test func unknownAcquiringRegistryIs5003() throws {
        var context = try Self.transfer()
        context.proposal.proposedTransaction.acquiringRegistryCode = "JP"
        #expect(codes(context) == [5003])
    }

    @Test func acquiringRegistryNotOperationalIs5004() throws {
        var context = try Self.transfer()
        context.proposal.proposedTransaction.acquiringRegistryCode = "GB"
        #expect(codes(context) == [5004])
    }

    @Test func transferringRegistryNotOperationalIs5005() throws {
        var context = try Self.transfer()
        context.registries[.cdm] = .notOperational
        #expect(codes(context) == [5005])
    }

    @Test func noUnitBlocksIs4003() throws {
        #expect(codes(try Self.transfer([])) == [4003])
    }

    @Test func proposedBlocksSharingSerialsAre4004WithBothBlocksNamed() throws {
        let results = ITLChecks.evaluate(try Self.transfer([try Fixture.cer(1, 10), try Fixture.cer(5, 20)]))
        #expect(results.map(\.responseCode.rawValue) == [4004])
        #expect(results.first?.unitBlockIdentifiers?.count == 2)
    }

    @Test func cerOriginatingOutsideCDMIs4005() throws {
        var block = try Fixture.cer(1, 10)
        block.attributes.originatingRegistry = "CH"
        #expect(codes(try Self.transfer([block])) == [4005])
    }

    @Test func applicablePeriodBeforeOriginalIs4006() throws {
        var block = try Fixture.cer(1, 10)
        block.attributes.applicableCommitmentPeriod = .first
        #expect(codes(try Self.transfer([block])) == [4006])
    }

    @Test func temporaryUnitWithoutExpiryDateIs4007() throws {
        var block = try Fixture.cer(1, 10)
        block.attributes.unitType = .tcer
        #expect(codes(try Self.transfer([block])) == [4007])
    }

    @Test func transferringRegistryNotTheProposerIs4008() throws {
        var context = try Self.transfer()
        context.proposal.proposedTransaction.transferringRegistryCode = "CH"
        #expect(codes(context) == [4008])
    }

    @Test func internalTransferIs4009() throws {
        var context = try Self.transfer()
        context.proposal.proposedTransaction.transactionType = .internalTransfer
        #expect(codes(context) == [4009])
    }

    @Test func issuingSerialsAlreadyIssuedIs5101() throws {
        var context = try Self.issuance()
        context.recordedHoldings = [ITLHolding(block: try Fixture.cer(150, 160), holder: "CH")]
        let results = ITLChecks.evaluate(context)
        #expect(results.map(\.responseCode.rawValue) == [5101])
        #expect(results.first?.unitBlockIdentifiers?.first?.range == (try SerialRange(101, 200)))
    }

    @Test func issuingUnitsOfAnotherOriginIs5102() throws {
        var context = try Self.issuance()
        context.proposal.from = "CH"
        context.authenticatedSender = "CH"
        context.proposal.proposedTransaction.transactionIdentifier = try Fixture.id("CH6")
        context.proposal.proposedTransaction.transferringRegistryCode = "CH"
        context.proposal.proposedTransaction.acquiringRegistryCode = "CH"
        context.proposal.proposedTransaction.acquiringRegistryAccountType = .partyHolding
        #expect(codes(context) == [5102])
    }

    @Test func unitsHeldElsewhereOrNotIssuedAre5201() throws {
        var context = try Self.transfer([try Fixture.cer(90, 110)])
        #expect(codes(context) == [5201])
        context.recordedHoldings = [ITLHolding(block: try Fixture.cer(1, 100), holder: "CH")]
        #expect(codes(context).contains(5201))
    }

    @Test func unitsReservedByAnotherOpenTransactionAre5202() throws {
        var context = try Self.transfer()
        let now = Date(timeIntervalSince1970: 0)
        context.openTransactions = [
            ITLTransactionEntry(
                identifier: try Fixture.id("CDM4"), type: .externalTransfer, transferringRegistry: .cdm,
                acquiringRegistry: "CH", status: .accepted, blocks: [try Fixture.cer(8, 12)], proposedAt: now,
                statusAt: now)
        ]
        #expect(codes(context) == [5202])
        context.openTransactions[0].status = .checkedDiscrepancy
        #expect(codes(context).isEmpty)
    }

    @Test func issuingSerialsAnotherIssuanceInFlightIssuesIs5202() throws {
        var context = try Self.issuance()
        let now = Date(timeIntervalSince1970: 0)
        context.openTransactions = [
            ITLTransactionEntry(
                identifier: try Fixture.id("CDM4"), type: .issuance, transferringRegistry: .cdm,
                acquiringRegistry: .cdm, status: .checkedNoDiscrepancy, blocks: [try Fixture.cer(200, 300)],
                proposedAt: now, statusAt: now)
        ]
        #expect(codes(context) == [5202])
    }

    @Test func unitTypeOrPeriodDifferingFromTheRecordIs5203() throws {
        var block = try Fixture.cer(1, 10)
        block.attributes.originalCommitmentPeriod = .first
        block.attributes.applicableCommitmentPeriod = .first
        #expect(codes(try Self.transfer([block])) == [5203])
    }

    @Test func cancelledUnitsAre5204() throws {
        var context = try Self.transfer()
        context.recordedHoldings = [ITLHolding(block: try Fixture.cer(1, 100), holder: .cdm, isCancelled: true)]
        #expect(codes(context) == [5204])
    }

    @Test func acquiringAccountTypeNotAllowedForTheTypeIs5301() throws {
        var context = try Self.transfer()
        context.proposal.proposedTransaction.acquiringRegistryAccountType = .voluntaryCancellation
        #expect(codes(context) == [5301])
        context.proposal.proposedTransaction.acquiringRegistryAccountType = nil
        #expect(codes(context) == [5301])
    }

    @Test func transferToItselfIs5302() throws {
        var context = try Self.transfer()
        context.proposal.proposedTransaction.acquiringRegistryCode = .cdm
        #expect(codes(context) == [5302])
    }

    @Test func anEarlierPhaseFailureHidesTheLaterPhases() throws {
        var block = try Fixture.cer(500, 510)
        block.attributes.unitType = .aau
        var context = try Self.transfer([block])
        context.proposal.proposedTransaction.acquiringRegistryCode = "JP"
        #expect(codes(context) == [5003])
    }
}
