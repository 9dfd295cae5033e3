import Foundation
import GRDB
import RegistryCore

/// An attestation of voluntary cancellation as stored: the signed document, byte for byte.
public struct AttestationRecord: Hashable, Sendable {
    /// The attestation's number as printed on it.
    public var number: String
    /// 1, 2, 3, ... in the order attestations were issued; numbers are built from it.
    public var sequence: Int64
    public var transaction: TransactionIdentifier
    public var issuedAt: Date
    public var document: String

    public init(number: String, sequence: Int64, transaction: TransactionIdentifier, issuedAt: Date, document: String) {
        self.number = number
        self.sequence = sequence
        self.transaction = transaction
        self.issuedAt = issuedAt
        self.document = document
    }
}

extension SQLiteRegistryStore {
    /// Issues the attestation of `transaction` once: returns the stored one if there is one already; otherwise
    /// `make` builds it from the next sequence number, inside the write transaction, so two callers can never
    /// give one cancellation two attestations or two cancellations one number.
    public func issueAttestation(
        for transaction: TransactionIdentifier, make: (Int64) throws -> AttestationRecord
    ) throws -> AttestationRecord {
        try write { db in
            if let existing = try Row.fetchOne(
                db, sql: "SELECT * FROM attestations WHERE transaction_id = ?", arguments: [transaction.rawValue])
            {
                return try Self.attestationRecord(existing)
            }
            let next = (try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM attestations") ?? 0) + 1
            let record = try make(next)
            guard record.transaction == transaction, record.sequence == next else {
                throw StoreError.database("attestation built for \(record.transaction) #\(record.sequence), "
                    + "expected \(transaction) #\(next)")
            }
            try db.execute(
                sql: """
                    INSERT INTO attestations (number, sequence, transaction_id, issued_at, document)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.number, record.sequence, record.transaction.rawValue,
                    record.issuedAt.timeIntervalSince1970, record.document,
                ])
            return record
        }
    }

    public func attestation(forTransaction transaction: TransactionIdentifier) throws -> AttestationRecord? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM attestations WHERE transaction_id = ?", arguments: [transaction.rawValue]
            ).map(Self.attestationRecord)
        }
    }

    public func attestation(number: String) throws -> AttestationRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM attestations WHERE number = ?", arguments: [number])
                .map(Self.attestationRecord)
        }
    }

    /// Attestations, most recent first.
    public func attestations(limit: Int) throws -> [AttestationRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attestations ORDER BY sequence DESC LIMIT ?", arguments: [limit])
                .map(Self.attestationRecord)
        }
    }

    /// Completed cancellations (DES status 4) that have no attestation yet, oldest first: what start-up catches
    /// up on after a stop between a cancellation's completion and its attestation. The caller keeps the voluntary
    /// ones (into a 230 account), which only the request tells.
    public func completedCancellationsWithoutAttestation(limit: Int, offset: Int = 0) throws
        -> [EngineTransactionRecord]
    {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.* FROM engine_transactions t
                    WHERE t.flow = 'cancellation' AND t.final_status = 4
                      AND NOT EXISTS (SELECT 1 FROM attestations a WHERE a.transaction_id = t.identifier)
                    ORDER BY t.updated_at, t.identifier LIMIT ? OFFSET ?
                    """, arguments: [limit, offset]
            ).map(Self.transactionRecord)
        }
    }

    /// The cancellation proposed with `reference` (the online platform's order), if any: one index lookup
    /// (schema v5's `reference` column; v5 filled it in for the cancellations stored before).
    public func cancellation(withReference reference: String) throws -> EngineTransactionRecord? {
        try readStatement { db in
            try db.cachedRow(
                sql: """
                    SELECT * FROM engine_transactions WHERE reference = ? AND flow = 'cancellation'
                    ORDER BY created_at, identifier LIMIT 1
                    """, arguments: [reference]
            ).map(Self.transactionRecord)
        }
    }

    /// The journal entry that committed `transaction`'s reservation (the units it moved, as they moved), found
    /// from the newest entry back: attestations are made just after completion, so the search stops early.
    public func commitEntry(of transaction: TransactionIdentifier) throws -> JournalRecord? {
        try newestJournalRecord(kind: "commit", mentioning: transaction.rawValue) { command in
            if case .commit(let committed) = command { committed == transaction } else { false }
        }
    }

    /// The split of `hold` made with `reference` (a release the platform asked for), if any, newest first.
    public func reservationSplit(referenced reference: String, from hold: TransactionIdentifier) throws
        -> ReservationSplit?
    {
        let record = try newestJournalRecord(kind: "splitReservation", mentioning: reference) { command in
            if case .splitReservation(let split) = command { split.reference == reference && split.from == hold }
            else { false }
        }
        guard case .splitReservation(let split) = record?.entry.command else { return nil }
        return split
    }

    /// The newest journal entry of `kind` whose payload contains `text` as a JSON string and whose command
    /// `matches`: candidates found by text, confirmed by decoding.
    private func newestJournalRecord(
        kind: String, mentioning text: String, matches: (LedgerCommand) -> Bool
    ) throws -> JournalRecord? {
        try read { db in
            let needle = String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(SQLiteJournal.rowSelection) FROM journal
                    WHERE kind = ? AND instr(CAST(payload AS TEXT), ?) > 0 ORDER BY sequence DESC
                    """, arguments: [kind, needle])
            while let row = try rows.next() {
                let record = try SQLiteJournal.record(from: try SQLiteJournal.journalRow(from: row))
                if matches(record.entry.command) { return record }
            }
            return nil
        }
    }

    static func attestationRecord(_ row: Row) throws -> AttestationRecord {
        AttestationRecord(
            number: row["number"], sequence: row["sequence"],
            transaction: try TransactionIdentifier(row["transaction_id"] as String),
            issuedAt: Date(timeIntervalSince1970: row["issued_at"]), document: row["document"])
    }
}
