import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// Check 5202 finds the open transactions reserving a proposal's serials by two index positions per block, which
/// is right only because reservations never overlap: these tests hold the lookup against every open transaction's
/// blocks, and check that the record refuses an overlapping reservation.
@Suite("ITL reservation lookup")
struct ITLReservationLookupTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func block(_ origin: RegistryCode, _ first: Int64, _ last: Int64) throws -> UnitBlock {
        UnitBlock(
            range: try SerialRange(first, last),
            attributes: UnitAttributes(
                originatingRegistry: origin, unitType: .cer, originalCommitmentPeriod: .second,
                applicableCommitmentPeriod: .second, project: 42))
    }

    static func entry(
        _ id: String, _ blocks: [UnitBlock], status: TransactionStatus = .checkedNoDiscrepancy
    ) throws -> ITLTransactionEntry {
        ITLTransactionEntry(
            identifier: try Fixture.id(id), type: .externalTransfer, transferringRegistry: .cdm,
            acquiringRegistry: "CH", status: status, blocks: blocks, proposedAt: now, statusAt: now)
    }

    /// Adjacent, single-serial, long and interleaved reservations with gaps, and a JP-originated one over the same
    /// serial numbers (only blocks of the same originating registry overlap).
    static func layout() throws -> [ITLTransactionEntry] {
        [
            try entry("CDM1", [try block(.cdm, 1, 10)]),
            try entry("CDM2", [try block(.cdm, 11, 20)], status: .accepted),
            try entry("CDM3", [try block(.cdm, 21, 21)]),
            try entry("CDM4", [try block(.cdm, 22, 40)]),
            // A discrepancy (3) reserves nothing: 41-45 stays free.
            try entry("CDM5", [try block(.cdm, 41, 45)], status: .checkedDiscrepancy),
            try entry("CDM6", [try block(.cdm, 46, 50), try block(.cdm, 61, 70)]),
            try entry("CDM7", [try block(.cdm, 51, 60), try block(.cdm, 71, 75)], status: .accepted),
            try entry("CDM8", [try block(.cdm, 80, 119)]),
            try entry("CDM9", [try block(.cdm, 120, 120)]),
            try entry("JP1", [try block("JP", 1, 60)]),
        ]
    }

    /// What check 5202 must see: the open transactions with a block of the same origin sharing a serial.
    static func expected(_ entries: [ITLTransactionEntry], _ query: UnitBlock) -> Set<String> {
        Set(
            entries.filter { entry in
                entry.reservesUnits
                    && entry.blocks.contains {
                        $0.originatingRegistry == query.originatingRegistry && $0.range.overlaps(query.range)
                    }
            }.map(\.identifier.rawValue))
    }

    /// Every serial range of 1...122 (past the last reservation too), for both origins.
    static func sweep(_ record: ITLHoldingsRecord, _ entries: [ITLTransactionEntry]) async throws {
        for origin: RegistryCode in [.cdm, "JP"] {
            for first: Int64 in 1...122 {
                // Seconds of queries in all: one read per first serial and a yield between, so the other suites'
                // tasks on the two threads of the cooperative pool are not starved meanwhile.
                await Task.yield()
                try await record.pool.read { db in
                    for last in first...122 {
                        let query = try block(origin, first, last)
                        let found = try ITLHoldingsRecord.reservingTransactions(db, overlapping: [query])
                            .map(\.identifier.rawValue)
                        #expect(found.count == Set(found).count, "\(origin) \(first)-\(last) listed twice: \(found)")
                        #expect(Set(found) == expected(entries, query), "\(origin) \(first)-\(last)")
                    }
                }
            }
        }
    }

    @Test func theLookupFindsExactlyTheOverlappingOpenTransactionsForEveryRange() async throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        var entries = try Self.layout()
        for entry in entries { try record.log(entry) }
        try await Self.sweep(record, entries)

        // Transactions ending release their serials; a new one then reserves a freed range next to open ones.
        try record.setStatus(try Fixture.id("CDM2"), .cancelled, at: Self.now)
        try record.setStatus(try Fixture.id("CDM8"), .rejected, at: Self.now)
        try record.setStatus(try Fixture.id("CDM6"), .terminated, at: Self.now)
        let refill = try Self.entry("CDM10", [try Self.block(.cdm, 11, 20), try Self.block(.cdm, 61, 70)])
        try record.log(refill)
        entries = try entries.map { try #require(try record.transaction($0.identifier)) } + [refill]
        try await Self.sweep(record, entries)
    }

    @Test func aProposalOfSeveralBlocksListsEachReservingTransactionOnce() throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        for entry in try Self.layout() { try record.log(entry) }
        let found = try record.pool.read { db in
            try ITLHoldingsRecord.reservingTransactions(
                db,
                overlapping: [
                    try Self.block(.cdm, 48, 48), try Self.block(.cdm, 55, 62), try Self.block(.cdm, 75, 80),
                    try Self.block("JP", 60, 61),
                ]
            ).map(\.identifier.rawValue)
        }
        #expect(found.sorted() == ["CDM6", "CDM7", "CDM8", "JP1"])
    }

    @Test func logRefusesAnOpenTransactionOverlappingAReservationAndKeepsNothingOfIt() throws {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        for entry in try Self.layout() { try record.log(entry) }
        let overlapping: [(String, Int64, Int64, String)] = [
            ("CDM20", 5, 5, "CDM1"),  // the middle of one
            ("CDM21", 10, 10, "CDM1"),  // its end
            ("CDM22", 11, 11, "CDM2"),  // its start
            ("CDM23", 11, 20, "CDM2"),  // exactly equal
            ("CDM24", 100, 130, "CDM8"),  // from inside a long one to beyond the last
            ("CDM25", 42, 47, "CDM6"),  // from a gap into one
        ]
        for (id, first, last, holder) in overlapping {
            let entry = try Self.entry(id, [try Self.block(.cdm, first, last)])
            #expect(
                throws: ITLRecordError.unitsReserved(
                    transaction: entry.identifier, block: entry.blocks[0], reservedBy: try Fixture.id(holder))
            ) { try record.log(entry) }
            #expect(try record.transaction(entry.identifier) == nil)
        }
        // Its own blocks overlapping each other (check 4004 refuses such a proposal before it is logged).
        let selfOverlapping = try Self.entry("CDM26", [try Self.block(.cdm, 41, 43), try Self.block(.cdm, 43, 45)])
        #expect(throws: ITLRecordError.self) { try record.log(selfOverlapping) }
        #expect(try record.transaction(selfOverlapping.identifier) == nil)
        // A gap exactly, between two reservations, is free; so are the same serials of another origin.
        try record.log(try Self.entry("CDM27", [try Self.block(.cdm, 41, 45)]))
        try record.log(try Self.entry("CDM28", [try Self.block(.cdm, 76, 79), try Self.block("JP", 61, 70)]))
        // A transaction logged with a discrepancy reserves nothing, so it may name reserved serials.
        try record.log(try Self.entry("CDM29", [try Self.block(.cdm, 1, 120)], status: .checkedDiscrepancy))
    }
}

/// Check 5202 through the relay: proposals overlapping open transfers in every way are logged with 5202, an
/// adjacent one is relayed (on the relay suite's fixture).
extension ITLRelayTests {
    func transfer(_ id: String, _ blocks: [(Int64, Int64)]) throws -> AcceptProposalRequest {
        try Fixture.proposal(
            id, type: .externalTransfer, acquiring: "CH", acquiringAccountType: .partyHolding,
            blocks: blocks.map { try Fixture.cer($0.0, $0.1) })
    }

    /// The recorded block both proposed blocks lie in is counted once for 5201 (it was counted per proposed block).
    @Test func aTransferOfTwoBlocksOutOfOneRecordedBlockIsRelayed() async throws {
        try await issue(last: 200)
        #expect(try await relay.propose(try transfer("CDM2", [(41, 50), (61, 70)]), .cdm) == .received)
        let entry = try #require(try record.transaction(try Fixture.id("CDM2")))
        #expect(entry.status == .checkedNoDiscrepancy)
        #expect(entry.responseCodes.isEmpty)
        #expect(outbound.take().map(\.recipient) == ["CH"])
    }

    @Test func proposalsOverlappingOpenTransfersGet5202AndAdjacentOnesAreRelayed() async throws {
        try await issue(last: 200)
        // Open transfers, not yet answered by CH: adjacent 11-20 and 21-30, a single serial, two interleaved.
        let open: [(String, [(Int64, Int64)])] = [
            ("CDM2", [(11, 20)]), ("CDM3", [(21, 30)]), ("CDM4", [(35, 35)]), ("CDM5", [(41, 50), (61, 70)]),
            ("CDM6", [(51, 60), (71, 80)]),
        ]
        for (id, blocks) in open { #expect(try await relay.propose(try transfer(id, blocks), .cdm) == .received) }
        #expect(outbound.take().map(\.recipient) == Array(repeating: "CH", count: open.count))

        let overlapping: [(String, [(Int64, Int64)])] = [
            ("CDM10", [(5, 11)]),  // the start of one
            ("CDM11", [(20, 20)]),  // the end of one
            ("CDM12", [(15, 16)]),  // the middle of one
            ("CDM13", [(18, 23)]),  // spanning two adjacent ones
            ("CDM14", [(21, 30)]),  // exactly equal
            ("CDM15", [(35, 35)]),  // a single reserved serial
            ("CDM16", [(31, 34), (75, 75)]),  // a free block, then one inside a later block of a transfer
            ("CDM17", [(81, 90), (62, 62)]),  // a free block, then one inside an interleaved transfer
            ("CDM18", [(90, 200), (1, 60)]),  // covering several at once
        ]
        for (id, blocks) in overlapping {
            #expect(try await relay.propose(try transfer(id, blocks), .cdm) == .received)
            let entry = try #require(try record.transaction(try Fixture.id(id)))
            #expect(entry.status == .checkedDiscrepancy, "\(id)")
            #expect(entry.responseCodes == [ITLChecks.unitsNotReserved.code], "\(id)")
            let sent = outbound.take()
            #expect(sent.map(\.recipient) == [.cdm], "\(id)")
            #expect(sent.first?.notification?.transactionStatus == .checkedDiscrepancy, "\(id)")
        }

        // Right next to open transfers on both sides (30 | 31-34 | 35 | 36-40 | 41), and after the last (80 | 81-).
        let adjacent: [(String, [(Int64, Int64)])] = [
            ("CDM30", [(31, 34)]), ("CDM31", [(36, 40)]), ("CDM32", [(81, 200), (1, 10)]),
        ]
        for (id, blocks) in adjacent {
            #expect(try await relay.propose(try transfer(id, blocks), .cdm) == .received)
            #expect(try record.transaction(try Fixture.id(id))?.status == .checkedNoDiscrepancy, "\(id)")
            #expect(outbound.take().map(\.recipient) == ["CH"], "\(id)")
        }
    }
}
