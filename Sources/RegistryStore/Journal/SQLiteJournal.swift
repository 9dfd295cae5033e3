import Foundation
import GRDB
import RegistryCore

/// The journal table: append inside the operation's transaction, read back in sequence order.
enum SQLiteJournal {
    static let rowSelection = "sequence, recorded_at, kind, payload, previous_hash, hash"

    /// Appends `entry` after the recorded head and moves the head, in the caller's transaction.
    static func append(_ entry: JournalEntry, in db: Database) throws -> JournalRecord {
        try append(entry, in: db, after: try head(in: db))
    }

    /// Appends `entry` after `head`, which the caller read in this same transaction (a batch carries it along
    /// instead of reading it back for every entry).
    static func append(
        _ entry: JournalEntry, in db: Database, after head: (sequence: Int64, hash: Data)?
    ) throws -> JournalRecord {
        let seconds = entry.time.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 9.2e12 else {
            throw StoreError.badRequest("journal entry time \(entry.time) is out of range")
        }
        let recordedAt = Int64((seconds * 1_000_000).rounded())
        let row = try JournalChain.row(
            after: head, recordedAt: recordedAt, kind: entry.operation,
            payload: try CanonicalJSON.encode(entry))
        try db.cachedStatement(
            sql: "INSERT INTO journal (\(rowSelection)) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            row.sequence, row.recordedAt, row.kind, row.payload, row.previousHash, row.hash,
        ])
        try db.cachedStatement(
            sql: """
                INSERT INTO journal_head (singleton, sequence, hash) VALUES (1, ?, ?)
                ON CONFLICT (singleton) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
                """
        ).execute(arguments: [row.sequence, row.hash])
        return JournalRecord(
            sequence: row.sequence, entry: entry, previousHash: row.previousHash, hash: row.hash)
    }

    /// The last entry's sequence number and hash as recorded with the last append (nil for an empty journal).
    static func head(in db: Database) throws -> (sequence: Int64, hash: Data)? {
        let statement = try db.cachedStatement(
            sql: "SELECT sequence, hash FROM journal_head WHERE singleton = 1")
        guard let row = try Row.fetchOne(statement) else { return nil }
        do {
            return (try row.decode(atIndex: 0), try row.decode(atIndex: 1))
        } catch {
            throw StoreError.unreadableRow(table: "journal_head", detail: "\(error)")
        }
    }

    /// Entries with a sequence number above `after`, oldest first, at most `limit`.
    static func records(after: Int64, limit: Int, in db: Database) throws -> [JournalRecord] {
        let statement = try db.cachedStatement(
            sql: "SELECT \(rowSelection) FROM journal WHERE sequence > ? ORDER BY sequence LIMIT ?")
        return try Row.fetchAll(statement, arguments: [after, limit]).map {
            try record(from: try journalRow(from: $0))
        }
    }

    /// The last `limit` entries, oldest first.
    static func tail(limit: Int, in db: Database) throws -> [JournalRecord] {
        let statement = try db.cachedStatement(
            sql: "SELECT \(rowSelection) FROM journal ORDER BY sequence DESC LIMIT ?")
        return try Row.fetchAll(statement, arguments: [limit]).reversed()
            .map { try record(from: try journalRow(from: $0)) }
    }

    static func count(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM journal")) ?? 0
    }

    /// Streams every row through the chain checker, in sequence order, one row in memory at a time.
    ///
    /// The hash is computed over the stored bytes as SQLite hands them over (no copy, no JSON): an entry whose
    /// bytes hash correctly is the entry that was appended. Only `decodingPayloads` (deep verification) also
    /// decodes each payload, which finds entries this build cannot read but costs about a JSON decode per entry,
    /// the bulk of a verify when it was always done.
    static func checkChain(in db: Database, decodingPayloads: Bool = false) throws -> JournalChainChecker {
        var checker = JournalChainChecker()
        var unreadable: [JournalProblem] = []
        let decoder = JSONDecoder()
        let statement = try db.makeStatement(
            sql: "SELECT \(rowSelection) FROM journal ORDER BY sequence")
        let rows = try Row.fetchCursor(statement)
        while let row = try rows.next() {
            do {
                let sequence: Int64 = try row.decode(atIndex: 0)
                let recordedAt: Int64 = try row.decode(atIndex: 1)
                let kind: String = try row.decode(atIndex: 2)
                let previousHash: Data = try row.decode(atIndex: 4)
                let hash: Data = try row.decode(atIndex: 5)
                try row.withUnsafeData(atIndex: 3) { payload in
                    guard let payload else {
                        throw StoreError.unreadableRow(table: "journal", detail: "entry \(sequence) has no payload")
                    }
                    checker.check(
                        sequence: sequence, recordedAt: recordedAt, kind: kind, payload: payload,
                        previousHash: previousHash, hash: hash)
                    guard decodingPayloads else { return }
                    do {
                        _ = try decoder.decode(JournalEntry.self, from: payload)
                    } catch {
                        unreadable.append(.unreadablePayload(sequence: sequence, reason: "\(error)"))
                    }
                }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError.unreadableRow(table: "journal", detail: "\(error)")
            }
        }
        checker.finish(recordedHead: try head(in: db))
        checker.add(unreadable)
        return checker
    }

    static func journalRow(from row: Row) throws -> JournalRow {
        do {
            return JournalRow(
                sequence: try row.decode(atIndex: 0), recordedAt: try row.decode(atIndex: 1),
                kind: try row.decode(atIndex: 2), payload: try row.decode(atIndex: 3),
                previousHash: try row.decode(atIndex: 4), hash: try row.decode(atIndex: 5))
        } catch {
            throw StoreError.unreadableRow(table: "journal", detail: "\(error)")
        }
    }

    static func record(from row: JournalRow) throws -> JournalRecord {
        let entry: JournalEntry
        do {
            entry = try JSONDecoder().decode(JournalEntry.self, from: row.payload)
        } catch {
            throw StoreError.unreadableRow(table: "journal", detail: "entry \(row.sequence): \(error)")
        }
        return JournalRecord(
            sequence: row.sequence, entry: entry, previousHash: row.previousHash, hash: row.hash)
    }
}
