import Foundation
import GRDB
import Testing

@testable import RegistryCore
@testable import RegistryStore

/// `importChanges` stores changes planned elsewhere exactly as `performAll` stores the same commands, refuses
/// changes that do not fit, and `verify` checks the hash chain over the stored bytes whatever its depth.
@Suite struct StoreImportAndVerifyDepthTests {
    /// A known answer computed independently (Python hashlib over the documented layout), so that neither the
    /// streamed digest nor `canonicalBytes` can drift from the format stored journals were hashed with.
    @Test func streamedDigestMatchesTheDocumentedLayout() {
        let previous = Data((0..<32).map { UInt8($0) })
        let payload = Data(#"{"operation":"forward"}"#.utf8)
        let expected = "4ea88aa2cc2499b328668cff77ee5825632b784b9a9e452452e329c48607bc11"
        let streamed = JournalChain.digest(
            previousHash: previous, sequence: 7, recordedAt: -3, kind: "forward", payload: payload)
        #expect(streamed.map { String(format: "%02x", $0) }.joined() == expected)
        let hashed = JournalChain.hash(
            previousHash: previous, sequence: 7, recordedAt: -3, kind: "forward", payload: payload)
        #expect(hashed.map { String(format: "%02x", $0) }.joined() == expected)
        let record = JournalRecord(
            sequence: 7,
            entry: JournalEntry(
                operation: "x", time: Date(timeIntervalSince1970: 0), command: .setAccountState(.cdmPending, .open),
                movements: []),
            previousHash: previous, hash: hashed)
        #expect(record.hashHex == expected)
        #expect(JournalChain.canonicalBytes(sequence: 7, recordedAt: -3, kind: "forward", payload: payload).count
            == 24 + 8 + 8 + 8 + 7 + 8 + payload.count)
    }

    @Test(arguments: [UInt64(3), 99])
    func importedPlannedChangesGiveTheSameJournalAsPerforming(seed: UInt64) throws {
        let scratch = try ScratchDirectory()
        let performed = try SQLiteRegistryStore(path: scratch.path("performed.sqlite"))
        let imported = try SQLiteRegistryStore(path: scratch.path("imported.sqlite"))
        var ledger = Ledger(registryCode: .cdm)
        var workload = try Workload(seed: seed)
        var commands: [TimedCommand] = []
        var changes: [LedgerChange] = []
        func take(_ command: LedgerCommand) {
            let time = workload.tick()
            guard let change = try? plan(command, on: ledger, at: time) else { return }
            ledger.apply(change)
            commands.append(TimedCommand(command, at: time))
            changes.append(change)
        }
        for command in workload.setUpCommands() { take(command) }
        for _ in 0..<120 { take(try workload.next(given: ledger)) }

        let fromPerforming = try performed.performAll(commands)
        let fromImporting = try imported.importChanges(changes)
        #expect(fromImporting == fromPerforming)
        #expect(try imported.journal(after: 0, limit: 1_000) == performed.journal(after: 0, limit: 1_000))
        try expectSameState(imported, ledger)
        let verification = try imported.verify(deep: true)
        #expect(verification.isIntact, "\(verification)")
        #expect(verification.journalEntries == Int64(changes.count))
    }

    @Test func importRefusesAChangeThatDoesNotFitAndWritesNothing() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("refused-import.sqlite"))
        var workload = try Workload(seed: 11)
        _ = try store.performAll(workload.setUpCommands().map { TimedCommand($0, at: workload.tick()) })
        let entries = try store.journalCount()
        let holder = workload.holders[0]
        let ghost = UnitBlock(
            range: try SerialRange(900_000_000, 900_000_009),
            attributes: UnitAttributes(
                originatingRegistry: .cdm, unitType: .cer, originalCommitmentPeriod: .second,
                applicableCommitmentPeriod: .second, project: 1))
        let fits = LedgerChange(
            mutations: [],
            journal: JournalEntry(
                operation: "setAccountState", time: workload.tick(),
                command: .setAccountState(holder, .open), movements: []))
        let doesNotFit = LedgerChange(
            mutations: [.removeBlock(Placement(location: .account(holder), block: ghost))],
            journal: JournalEntry(
                operation: "transfer", time: workload.tick(),
                command: .transfer(TransferOrder(from: holder, to: holder, quantity: 10)), movements: []))
        #expect(throws: StoreError.self) { try store.importChanges([fits, doesNotFit]) }
        #expect(try store.journalCount() == entries)
        #expect(try store.verify().isIntact)
    }

    @Test func onlyDeepVerificationDecodesPayloads() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("unreadable.sqlite"))
        var workload = try Workload(seed: 4)
        _ = try store.performAll(workload.setUpCommands().map { TimedCommand($0, at: workload.tick()) })
        // An entry a (hypothetical) faulty build appended with a correct hash but a payload that is no entry.
        try store.pool.write { db in
            let head = try SQLiteJournal.head(in: db)
            let row = try JournalChain.row(
                after: head, recordedAt: 1, kind: "forward", payload: Data("not json".utf8))
            try db.execute(
                sql: "INSERT INTO journal (\(SQLiteJournal.rowSelection)) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [row.sequence, row.recordedAt, row.kind, row.payload, row.previousHash, row.hash])
            try db.execute(
                sql: "UPDATE journal_head SET sequence = ?, hash = ?", arguments: [row.sequence, row.hash])
        }
        #expect(try store.verify().isIntact)
        let deep = try store.verify(deep: true)
        #expect(!deep.isIntact)
        let sequence = try store.journalCount()
        #expect(deep.journalProblems.map(\.sequence) == [sequence], "\(deep)")
        #expect(deep.description.contains("journal entry \(sequence) cannot be read"))
    }
}
