import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryStore

/// The store must be the in-memory ledger made durable: the same commands give the same outcomes, state and journal.
@Suite struct StoreLedgerDifferentialTests {
    @Test(arguments: [UInt64(1), 42, 2024])
    func randomOperationsGiveTheSameStateAsTheInMemoryLedger(seed: UInt64) throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("ledger.sqlite"))
        var ledger = Ledger(registryCode: .cdm)
        var workload = try Workload(seed: seed)
        var journal: [JournalEntry] = []
        for command in workload.setUpCommands() {
            let time = workload.tick()
            journal.append(try ledger.perform(command, at: time))
            #expect(try store.perform(command, at: time).entry == journal.last)
        }
        var refused = 0
        for step in 0..<300 {
            let command = try workload.next(given: ledger)
            let time = workload.tick()
            var expected: Result<JournalEntry, LedgerError>
            do { expected = .success(try ledger.perform(command, at: time)) } catch let error
                as LedgerError
            {
                expected = .failure(error)
            }
            var actual: Result<JournalEntry, LedgerError>
            do { actual = .success(try store.perform(command, at: time).entry) } catch let error
                as LedgerError
            {
                actual = .failure(error)
            }
            #expect(actual == expected, "step \(step): \(command)")
            if case .success(let entry) = expected { journal.append(entry) } else { refused += 1 }
            if step % 50 == 49 { try expectSameState(store, ledger) }
        }
        try expectSameState(store, ledger)
        #expect(refused > 0, "the workload exercises refusals too")
        let stored = try store.journal(after: 0, limit: 10_000)
        #expect(stored.map(\.entry) == journal)
        #expect(stored.map(\.sequence) == Array(1...Int64(journal.count)))
        let tail = try store.journalTail(limit: 5)
        #expect(tail == Array(stored.suffix(5)))
        #expect(ledger.verify().isEmpty)
        let verification = try store.verify()
        #expect(verification.isIntact, "\(verification)")
        #expect(verification.journalEntries == Int64(journal.count))
        #expect(verification.blocks == Int64(ledger.blockCount))
    }

    @Test func performAllIsOneTransactionAllOrNothing() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("batch.sqlite"))
        var workload = try Workload(seed: 7)
        let setUp = workload.setUpCommands().map { TimedCommand($0, at: workload.tick()) }
        let holder = workload.holders[0]
        // The last command is refused, so none of the batch may remain.
        let refusedBatch =
            setUp + [
                TimedCommand(
                    .transfer(
                        TransferOrder(
                            from: holder, to: .adaptationFund,
                            quantity: 1)), at: workload.tick())
            ]
        #expect(throws: LedgerError.self) { try store.performAll(refusedBatch) }
        #expect(try store.journalCount() == 0)
        #expect(try store.account(holder) == nil)
        let records = try store.performAll(setUp)
        #expect(records.map(\.sequence) == Array(1...Int64(setUp.count)))
        #expect(try store.verify().isIntact)
    }
}
