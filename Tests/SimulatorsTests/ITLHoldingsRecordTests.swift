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

    @Test func overlapLookupsFindExactlyTheBlocksARangeTouchesAfterManySplits() throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let now = Date(timeIntervalSince1970: 0)
        try record.log(
            ITLTransactionEntry(
                identifier: try Fixture.id("CDM1"), type: .issuance, transferringRegistry: .cdm,
                acquiringRegistry: .cdm, status: .checkedNoDiscrepancy, blocks: [try Fixture.cer(1, 100)],
                proposedAt: now, statusAt: now))
        try record.complete(try Fixture.id("CDM1"), at: now)
        // Single units and a run split off the front and the middle, as a stream of 1-unit transfers leaves them.
        let moved = [(1, 1), (2, 2), (3, 3), (4, 9), (30, 30), (31, 35), (70, 70)]
        for (index, (first, last)) in moved.enumerated() {
            let id = try Fixture.id("CDM\(index + 2)")
            try record.log(
                ITLTransactionEntry(
                    identifier: id, type: .externalTransfer, transferringRegistry: .cdm, acquiringRegistry: "CH",
                    status: .accepted, blocks: [try Fixture.cer(Int64(first), Int64(last))], proposedAt: now,
                    statusAt: now))
            try record.complete(id, at: now)
        }
        let all = try record.allHoldings()
        #expect(all.reduce(Int64(0)) { $0 + $1.block.quantity } == 100)
        let ranges = [(1, 1), (2, 5), (5, 5), (9, 10), (10, 29), (29, 31), (33, 33), (36, 100), (1, 100), (100, 100)]
        for (first, last) in ranges {
            let range = try SerialRange(Int64(first), Int64(last))
            let expected = all.filter { $0.block.range.overlaps(range) }.map(\.block.range)
            #expect(try record.holdings(of: .cdm, overlapping: range).map(\.block.range) == expected, "\(range)")
        }
    }

    @Test func inFlightTransactionsReserveTheirBlocksUntilTheyEnd() throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let now = Date(timeIntervalSince1970: 0)
        func entry(_ id: String, _ status: TransactionStatus, _ first: Int64, _ last: Int64) throws
            -> ITLTransactionEntry
        {
            ITLTransactionEntry(
                identifier: try Fixture.id(id), type: .externalTransfer, transferringRegistry: .cdm,
                acquiringRegistry: "CH", status: status, blocks: [try Fixture.cer(first, last)], proposedAt: now,
                statusAt: now)
        }
        try record.log(try entry("CDM1", .checkedNoDiscrepancy, 1, 10))
        try record.log(try entry("CDM2", .checkedDiscrepancy, 5, 15))
        try record.log(try entry("CDM3", .accepted, 20, 30))
        func reserving(_ first: Int64, _ last: Int64) throws -> [String] {
            try record.pool.read { db in
                try ITLHoldingsRecord.reservingTransactions(db, overlapping: [try Fixture.cer(first, last)])
                    .map(\.identifier.rawValue).sorted()
            }
        }
        // A transaction logged with a discrepancy (3) reserves nothing.
        #expect(try reserving(1, 100) == ["CDM1", "CDM3"])
        #expect(try reserving(11, 19).isEmpty)
        #expect(try reserving(10, 20) == ["CDM1", "CDM3"])
        try record.setStatus(try Fixture.id("CDM1"), .accepted, at: now)
        #expect(try reserving(5, 5) == ["CDM1"])
        try record.setStatus(try Fixture.id("CDM1"), .cancelled, at: now)
        #expect(try reserving(5, 5).isEmpty)
        try record.setStatus(try Fixture.id("CDM3"), .rejected, at: now)
        #expect(try reserving(1, 100).isEmpty)
    }
}
