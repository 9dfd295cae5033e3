import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

@Suite("ITL holdings record")
struct ITLHoldingsRecordTests {
    @Test func opensWithWALAndSynchronousFull() throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        #expect(try record.synchronousSetting() == 2)
    }

    @Test func aRepeatedTransactionIdentifierIsRefusedAndTheFirstEntryKept() throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let entry = ITLTransactionEntry(
            identifier: try Fixture.id("CDM1"), type: .issuance, transferringRegistry: .cdm,
            acquiringRegistry: .cdm, status: .checkedNoDiscrepancy, blocks: [try Fixture.cer(1, 10)],
            proposedAt: Date(timeIntervalSince1970: 0), statusAt: Date(timeIntervalSince1970: 0))
        try record.log(entry)
        var second = entry
        second.type = .externalTransfer
        #expect(throws: ITLRecordError.duplicateTransaction(entry.identifier)) { try record.log(second) }
        #expect(try record.transaction(entry.identifier) == entry)
    }

    @Test func completionMovesPartOfABlockAndSurvivesReopening() throws {
        let path = Fixture.temporaryPath("itl.sqlite")
        let now = Date(timeIntervalSince1970: 1_000)
        do {
            let record = try ITLHoldingsRecord(path: path)
            try record.log(
                ITLTransactionEntry(
                    identifier: try Fixture.id("CDM1"), type: .issuance, transferringRegistry: .cdm,
                    acquiringRegistry: .cdm, status: .checkedNoDiscrepancy, blocks: [try Fixture.cer(1, 100)],
                    proposedAt: now, statusAt: now))
            try record.complete(try Fixture.id("CDM1"), at: now)
            try record.log(
                ITLTransactionEntry(
                    identifier: try Fixture.id("CDM2"), type: .externalTransfer, transferringRegistry: .cdm,
                    acquiringRegistry: "CH", status: .accepted, blocks: [try Fixture.cer(41, 60)],
                    proposedAt: now, statusAt: now))
            // Before completion nothing moved.
            #expect(try record.holdings(heldBy: "CH").isEmpty)
            try record.complete(try Fixture.id("CDM2"), at: now)
        }
        let reopened = try ITLHoldingsRecord(path: path)
        #expect(try reopened.holdings(heldBy: "CH").map(\.block.range) == [try SerialRange(41, 60)])
        let kept = try reopened.holdings(heldBy: .cdm).map(\.block.range)
        #expect(kept == [try SerialRange(1, 40), try SerialRange(61, 100)])
        #expect(try reopened.transaction(try Fixture.id("CDM2"))?.status == .completed)
    }

    @Test func completingATransferOfUnitsNotHeldChangesNothing() throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let now = Date(timeIntervalSince1970: 0)
        let id = try Fixture.id("CDM9")
        try record.log(
            ITLTransactionEntry(
                identifier: id, type: .externalTransfer, transferringRegistry: .cdm, acquiringRegistry: "CH",
                status: .accepted, blocks: [try Fixture.cer(1, 5)], proposedAt: now, statusAt: now))
        let block = try Fixture.cer(1, 5)
        #expect(throws: ITLRecordError.unitsNotHeld(transaction: id, block: block, registry: .cdm)) {
            try record.complete(id, at: now)
        }
        #expect(try record.transaction(id)?.status == .accepted)
    }
}
