import Foundation
import GRDB
import Testing

@testable import RegistryCore
@testable import RegistryStore

/// Whoever edits the journal with raw SQL (after dropping its append-only triggers) is caught by `verify`, which
/// names the entry.
@Suite struct JournalTamperTests {
    /// A store with a dozen journal entries and its triggers removed, as an attacker with the file would do.
    private func tamperableStore(_ scratch: ScratchDirectory) throws -> SQLiteRegistryStore {
        let store = try SQLiteRegistryStore(path: scratch.path("journal.sqlite"))
        var workload = try Workload(seed: 5)
        _ = try store.performAll(workload.setUpCommands().map { TimedCommand($0, at: workload.tick()) })
        #expect(try store.journalCount() == 9)
        _ = try store.perform(
            .registerProject(
                Project(
                    number: 3, title: "Solar", hostParty: "IN", projectType: "Solar",
                    isLeastDevelopedCountry: false,
                    modalities: ["x"])), at: workload.tick())
        #expect(try store.verify().isIntact)
        try store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete")
        }
        return store
    }

    @Test func journalRefusesUpdatesAndDeletes() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("append-only.sqlite"))
        var workload = try Workload(seed: 1)
        _ = try store.performAll(workload.setUpCommands().map { TimedCommand($0, at: workload.tick()) })
        #expect(throws: DatabaseError.self) {
            try store.pool.write {
                try $0.execute(sql: "UPDATE journal SET kind = 'x' WHERE sequence = 1")
            }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { try $0.execute(sql: "DELETE FROM journal WHERE sequence = 1") }
        }
        #expect(try store.verify().isIntact)
    }

    @Test func oneChangedPayloadByteNamesTheEntry() throws {
        let scratch = try ScratchDirectory()
        let store = try tamperableStore(scratch)
        try store.pool.write { db in
            // Flip one letter of the account holder's name inside the JSON: still valid JSON, different bytes.
            try db.execute(
                sql: """
                    UPDATE journal SET payload = CAST(replace(CAST(payload AS TEXT), 'Holder', 'Holdar') AS BLOB)
                    WHERE sequence = 5
                    """)
        }
        let verification = try store.verify()
        #expect(!verification.isIntact)
        #expect(verification.journalProblems.first == .alteredEntry(sequence: 5), "\(verification)")
        #expect(verification.description.contains("journal entry 5"))
    }

    @Test func deletedEntryIsNamed() throws {
        let scratch = try ScratchDirectory()
        let store = try tamperableStore(scratch)
        try store.pool.write { try $0.execute(sql: "DELETE FROM journal WHERE sequence = 4") }
        let verification = try store.verify()
        #expect(
            verification.journalProblems.contains(.missingEntries(from: 4, to: 4)), "\(verification)")
        #expect(verification.journalProblems.contains(.brokenLink(sequence: 5)), "\(verification)")
    }

    @Test func swappedEntriesAreNamed() throws {
        let scratch = try ScratchDirectory()
        let store = try tamperableStore(scratch)
        try store.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE journal SET sequence = -1 WHERE sequence = 6;
                    UPDATE journal SET sequence = 6 WHERE sequence = 7;
                    UPDATE journal SET sequence = 7 WHERE sequence = -1;
                    """)
        }
        let verification = try store.verify()
        #expect(verification.journalProblems.first?.sequence == 6, "\(verification)")
        #expect(verification.journalProblems.contains(.alteredEntry(sequence: 6)), "\(verification)")
        #expect(verification.journalProblems.contains(.alteredEntry(sequence: 7)), "\(verification)")
    }

    @Test func removedLastEntryIsDetectedByTheRecordedHead() throws {
        let scratch = try ScratchDirectory()
        let store = try tamperableStore(scratch)
        try store.pool.write { try $0.execute(sql: "DELETE FROM journal WHERE sequence = 10") }
        let verification = try store.verify()
        #expect(verification.journalProblems == [.headMismatch(recordedSequence: 10, lastSequence: 9)])
    }

    @Test func editedBlockRowIsCaughtByTheLedgerChecks() throws {
        let scratch = try ScratchDirectory()
        let store = try tamperableStore(scratch)
        var workload = try Workload(seed: 3)
        let order = try workload.next(given: Ledger(registryCode: .cdm))
        _ = try store.perform(order, at: Date(timeIntervalSince1970: 1_500_000_000))
        try store.pool.write { try $0.execute(sql: "UPDATE blocks SET serial_end = serial_end + 1") }
        let verification = try store.verify()
        #expect(verification.journalProblems.isEmpty)
        #expect(!verification.ledgerProblems.isEmpty, "\(verification)")
        #expect(!verification.holdingsProblems.isEmpty, "\(verification)")
    }

    @Test func chainCheckerReanchorsAfterAProblem() {
        var checker = JournalChainChecker()
        var head: (sequence: Int64, hash: Data)?
        var rows: [JournalRow] = []
        for index in 0..<5 {
            let row = try? JournalChain.row(
                after: head, recordedAt: Int64(index), kind: "k", payload: Data([1, 2]))
            if let row {
                rows.append(row)
                head = (row.sequence, row.hash)
            }
        }
        rows[2].payload = Data([1, 3])
        for row in rows { checker.check(row) }
        checker.finish(recordedHead: head)
        #expect(checker.problems == [.alteredEntry(sequence: 3)])
    }
}
