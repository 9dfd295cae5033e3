import Foundation
import GRDB
import Testing

@testable import RegistryCore
@testable import RegistryStore

/// A refused operation, or one whose writes fail half-way, leaves no trace: journal and balances unchanged.
@Suite struct RefusedOperationTests {
    private func issuedStore(_ scratch: ScratchDirectory) throws -> (SQLiteRegistryStore, Workload) {
        let store = try SQLiteRegistryStore(path: scratch.path("refused.sqlite"))
        var workload = try Workload(seed: 11)
        _ = try store.performAll(workload.setUpCommands().map { TimedCommand($0, at: workload.tick()) })
        let issue = try workload.next(given: Ledger(registryCode: .cdm))
        _ = try store.perform(issue, at: workload.tick())
        return (store, workload)
    }

    private func snapshot(_ store: SQLiteRegistryStore, _ accounts: [AccountIdentifier]) throws
        -> [Int64]
    {
        try [store.journalCount()] + accounts.map { try store.balance(of: $0) }
    }

    @Test func insufficientUnitsWritesNothing() throws {
        let scratch = try ScratchDirectory()
        var (store, workload) = try issuedStore(scratch)
        let holder = workload.holders[0]
        let accounts = [holder, workload.holders[1], .cdmPending, .adaptationFund]
        let before = try snapshot(store, accounts)
        let error = #expect(throws: LedgerError.self) {
            try store.perform(
                .transfer(TransferOrder(from: .adaptationFund, to: holder, quantity: 1_000_000)),
                at: workload.tick())
        }
        guard case .insufficientUnits = error else {
            Issue.record("expected insufficient units, got \(String(describing: error))")
            return
        }
        #expect(try snapshot(store, accounts) == before)
        #expect(try store.verify().isIntact)
    }

    /// A mutation that does not fit the stored state aborts the whole transaction, including the mutations before
    /// it and the journal entry.
    @Test func failureWhileApplyingRollsBackEverything() throws {
        let scratch = try ScratchDirectory()
        let (store, workload) = try issuedStore(scratch)
        let accounts = [AccountIdentifier.cdmPending, .adaptationFund, workload.holders[0]]
        let before = try snapshot(store, accounts)
        let blocksBefore = try store.placements(
            overlapping: try SerialRange(1, Int64.max), originatingRegistry: .cdm)
        let pendingBlock = try #require(try store.blocks(in: .cdmPending, after: nil, limit: 1).first)
        let missing = Placement(location: .account(workload.holders[0]), block: pendingBlock)
        let change = LedgerChange(
            mutations: [
                .removeBlock(Placement(location: .account(.cdmPending), block: pendingBlock)),
                .addBlock(Placement(location: .account(workload.holders[0]), block: pendingBlock)),
                .removeBlock(missing), .removeBlock(missing),
            ],
            journal: JournalEntry(
                operation: "transfer", time: Date(),
                command: .transfer(TransferOrder(from: .cdmPending, to: workload.holders[0], quantity: 1)),
                movements: []))
        let error = #expect(throws: StoreError.self) {
            try store.pool.write { db in
                let writer = SQLiteLedgerWriter(db: db)
                for mutation in change.mutations { try writer.apply(mutation) }
                _ = try SQLiteJournal.append(change.journal, in: db)
            }
        }
        guard case .mutationRejected = error else {
            Issue.record("expected a rejected mutation, got \(String(describing: error))")
            return
        }
        #expect(try snapshot(store, accounts) == before)
        #expect(
            try store.placements(overlapping: try SerialRange(1, Int64.max), originatingRegistry: .cdm)
                == blocksBefore)
        #expect(try store.verify().isIntact)
    }
}
