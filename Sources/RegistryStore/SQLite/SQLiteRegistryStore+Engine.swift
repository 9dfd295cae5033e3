import Foundation
import GRDB
import RegistryCore

/// The engine's durable state in the ledger's own file, so a transition and its ledger change commit together.
extension SQLiteRegistryStore {
    /// Commits several engine steps in ONE SQLite transaction (group commit: one durable flush for the batch),
    /// each inside its own savepoint, so a step that fails (a ledger refusal, a stale transaction) is rolled back
    /// alone and reported in its slot while the others commit.
    public func commitSteps(_ steps: [EngineStep]) throws -> [Result<EngineStepResult, any Error>] {
        try write { db in
            var head = try SQLiteJournal.head(in: db)
            var results: [Result<EngineStepResult, any Error>] = []
            results.reserveCapacity(steps.count)
            for step in steps {
                var outcome: Result<EngineStepResult, any Error> = .failure(StoreError.database("step not run"))
                try db.inSavepoint {
                    do {
                        let result = try apply(step, in: db, head: &head)
                        outcome = .success(result)
                        return .commit
                    } catch let error as DatabaseError {
                        // The database itself failed: the whole batch is rolled back and every step fails.
                        throw error
                    } catch {
                        outcome = .failure(error)
                        return .rollback
                    }
                }
                // A rolled-back step may have advanced the head it read; read it again.
                if case .failure = outcome { head = try SQLiteJournal.head(in: db) }
                results.append(outcome)
            }
            return results
        }
    }

    /// Plans `command` against the stored ledger without writing anything: a dry run that says whether it would
    /// be accepted now (checks before a proposal is sent, acquiring-side checks).
    public func plan(_ command: LedgerCommand, at time: Date) throws -> LedgerChange {
        try read { db in
            try RegistryCore.plan(command, on: SQLiteLedgerView(db: db, registryCode: registryCode), at: time)
        }
    }

    public func engineTransaction(_ identifier: TransactionIdentifier) throws -> EngineTransactionRecord? {
        try readStatement { db in
            try db.cachedRow(
                sql: "SELECT * FROM engine_transactions WHERE identifier = ?", arguments: [identifier.rawValue]
            ).map(Self.transactionRecord)
        }
    }

    /// Transactions, most recently changed first, at most `limit`.
    public func engineTransactions(_ filter: EngineTransactionFilter, limit: Int) throws -> [EngineTransactionRecord]
    {
        try Self.checkEngineLimit(limit)
        let condition =
            switch filter {
            case .inFlight: "WHERE final_status IS NULL"
            case .final: "WHERE final_status IS NOT NULL"
            case .all: ""
            }
        return try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM engine_transactions \(condition) ORDER BY updated_at DESC LIMIT ?",
                arguments: [limit]
            ).map(Self.transactionRecord)
        }
    }

    /// Every transaction without a final status: what resumes on start-up.
    public func inFlightTransactions() throws -> [EngineTransactionRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM engine_transactions WHERE final_status IS NULL ORDER BY identifier"
            ).map(Self.transactionRecord)
        }
    }

    /// The highest number used after `prefix` by transactions this registry proposed (numbering resumes there).
    public func highestTransactionNumber(prefix: String) throws -> Int64 {
        try read { db in
            // Reservations count too: units held for an offer are reserved under a number of this space with no
            // transaction row, and a reservation's number must never be given to a transaction.
            let rows = try String.fetchAll(
                db,
                sql: """
                    SELECT identifier FROM (
                        SELECT identifier FROM engine_transactions WHERE flow != 'acquiring' AND identifier LIKE ?1
                        UNION ALL
                        SELECT transaction_id FROM reservations WHERE transaction_id LIKE ?1)
                    ORDER BY length(identifier) DESC, identifier DESC LIMIT 1
                    """, arguments: [prefix + "%"])
            return rows.first.flatMap { Int64($0.dropFirst(prefix.count)) } ?? 0
        }
    }

    /// How many transactions are in flight and final, per state.
    public func engineTransactionCounts() throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM engine_transactions GROUP BY state")
            {
                counts[row["state"]] = row["n"]
            }
            return counts
        }
    }

    public func engineEvents(of identifier: TransactionIdentifier) throws -> [EngineEventRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM engine_events WHERE transaction_id = ? ORDER BY sequence",
                arguments: [identifier.rawValue]
            ).map { row in
                EngineEventRecord(
                    transaction: identifier, sequence: row["sequence"],
                    at: Date(timeIntervalSince1970: row["at"]), event: row["event"], state: row["state"])
            }
        }
    }

    /// The outbox in send order (per recipient, oldest first), at most `limit`.
    public func outbox(limit: Int) throws -> [OutboxMessage] {
        try Self.checkEngineLimit(limit)
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM engine_outbox ORDER BY id LIMIT ?", arguments: [limit])
                .map(Self.outboxMessage)
        }
    }

    /// The oldest message waiting for `recipient`: the per-peer sender sends them one at a time, in order.
    public func nextOutboxMessage(for recipient: RegistryCode) throws -> OutboxMessage? {
        try readStatement { db in
            try db.cachedRow(
                sql: "SELECT * FROM engine_outbox WHERE recipient = ? ORDER BY id LIMIT 1",
                arguments: [recipient.rawValue]
            ).map(Self.outboxMessage)
        }
    }

    /// The oldest `limit` messages waiting for `recipient`, in send order.
    public func outboxMessages(for recipient: RegistryCode, limit: Int) throws -> [OutboxMessage] {
        try Self.checkEngineLimit(limit)
        return try readStatement { db in
            try db.cachedRows(
                sql: "SELECT * FROM engine_outbox WHERE recipient = ? ORDER BY id LIMIT ?",
                arguments: [recipient.rawValue, limit]
            ).map(Self.outboxMessage)
        }
    }

    /// How many messages wait, per recipient.
    public func outboxDepth() throws -> [RegistryCode: Int] {
        try read { db in
            var depth: [RegistryCode: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT recipient, COUNT(*) AS n FROM engine_outbox GROUP BY recipient")
            {
                if let code = try? RegistryCode(row["recipient"] as String) { depth[code] = row["n"] }
            }
            return depth
        }
    }

    /// The recipients with messages waiting.
    public func outboxRecipients() throws -> [RegistryCode] {
        try readStatement { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT DISTINCT recipient FROM engine_outbox ORDER BY recipient"))
                .compactMap { try? RegistryCode($0) }
        }
    }

    /// Makes waiting messages due at `time` (an operator's "retry now"), for one recipient and/or one transaction
    /// (all when both are nil); returns how many.
    @discardableResult
    public func makeOutboxDue(recipient: RegistryCode?, transaction: TransactionIdentifier?, at time: Date) throws
        -> Int
    {
        try write { db in
            var conditions = ["next_attempt_at > ?"]
            var arguments: StatementArguments = [time.timeIntervalSince1970]
            if let recipient {
                conditions.append("recipient = ?")
                arguments += [recipient.rawValue]
            }
            if let transaction {
                conditions.append("transaction_id = ?")
                arguments += [transaction.rawValue]
            }
            try db.execute(
                sql: "UPDATE engine_outbox SET next_attempt_at = ? WHERE \(conditions.joined(separator: " AND "))",
                arguments: [time.timeIntervalSince1970] + arguments)
            return db.changesCount
        }
    }

    /// The peer acknowledged the message: it leaves the outbox.
    public func acknowledgeOutboxMessage(_ id: Int64) throws {
        try write { db in try db.executeCached(sql: "DELETE FROM engine_outbox WHERE id = ?", arguments: [id]) }
    }

    /// A delivery attempt failed: count it and record when to try again and why.
    public func recordOutboxFailure(_ id: Int64, error: String, nextAttemptAt: Date) throws {
        try write { db in
            try db.executeCached(
                sql: """
                    UPDATE engine_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                    WHERE id = ?
                    """,
                arguments: [error, nextAttemptAt.timeIntervalSince1970, id])
        }
    }

    /// Where this registry's own units are, block by block in serial order, at most `limit` blocks: for operators
    /// and for the end-to-end suite's three-way comparison with the ITL's record and the peers' holdings.
    public func placements(originatingRegistry: RegistryCode, limit: Int) throws -> [Placement] {
        try Self.checkEngineLimit(limit)
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(BlockColumns.selection) FROM blocks WHERE originating_registry = ?
                    ORDER BY serial_start LIMIT ?
                    """, arguments: [originatingRegistry.rawValue, limit]
            ).map(BlockColumns.placement(from:))
        }
    }

    // MARK: Applying one step

    private func apply(_ step: EngineStep, in db: Database, head: inout (sequence: Int64, hash: Data)?) throws
        -> EngineStepResult
    {
        if let record = step.transaction, let expected = step.expectedVersion {
            let stored = try Double.fetchOne(
                db.cachedStatement(sql: "SELECT updated_at FROM engine_transactions WHERE identifier = ?"),
                arguments: [record.identifier.rawValue])
            guard stored == expected?.timeIntervalSince1970 else { throw EngineStepError.stale(record.identifier) }
        }
        var journal: [JournalRecord] = []
        for command in step.commands {
            let record = try Self.perform(command, at: step.time, in: db, registryCode: registryCode, after: head)
            head = (record.sequence, record.hash)
            journal.append(record)
        }
        if let record = step.transaction {
            try Self.upsert(record, in: db)
            try db.executeCached(
                sql: """
                    INSERT INTO engine_events (transaction_id, sequence, at, event, state)
                    VALUES (?, (SELECT COALESCE(MAX(sequence), 0) + 1 FROM engine_events WHERE transaction_id = ?),
                            ?, ?, ?)
                    """,
                arguments: [
                    record.identifier.rawValue, record.identifier.rawValue, step.time.timeIntervalSince1970,
                    step.event, record.state,
                ])
        }
        if let acknowledged = step.acknowledgedOutbox {
            try db.executeCached(sql: "DELETE FROM engine_outbox WHERE id = ?", arguments: [acknowledged])
        }
        var sent: [OutboxMessage] = []
        for var message in try step.outbox(StepContext(db: db, registryCode: registryCode)) {
            try db.executeCached(
                sql: """
                    INSERT INTO engine_outbox (recipient, transaction_id, operation, body, enqueued_at, attempts,
                                               next_attempt_at, last_error)
                    VALUES (?, ?, ?, ?, ?, 0, ?, NULL)
                    """,
                arguments: [
                    message.recipient.rawValue, message.transaction?.rawValue, message.operation, message.body,
                    message.enqueuedAt.timeIntervalSince1970, message.nextAttemptAt.timeIntervalSince1970,
                ])
            message.id = db.lastInsertedRowID
            sent.append(message)
        }
        return EngineStepResult(journal: journal, outbox: sent)
    }

    private struct StepContext: EngineStepContext {
        let db: Database
        let registryCode: RegistryCode

        func reservation(_ transaction: TransactionIdentifier) throws -> Reservation? {
            try SQLiteLedgerView(db: db, registryCode: registryCode).reservation(transaction)
        }
    }

    private static func upsert(_ record: EngineTransactionRecord, in db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO engine_transactions (identifier, flow, state, final_status, deadline, peer, quantity,
                                                 snapshot, details, created_at, updated_at, reference)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (identifier) DO UPDATE SET
                    state = excluded.state, final_status = excluded.final_status, deadline = excluded.deadline,
                    quantity = excluded.quantity, snapshot = excluded.snapshot, details = excluded.details,
                    updated_at = excluded.updated_at
                """,
            arguments: [
                record.identifier.rawValue, record.flow.rawValue, record.state, record.finalStatus?.rawValue,
                record.deadline?.timeIntervalSince1970, record.peer?.rawValue, record.quantity, record.snapshot,
                record.details, record.createdAt.timeIntervalSince1970, record.updatedAt.timeIntervalSince1970,
                record.reference,
            ])
    }

    static func transactionRecord(_ row: Row) throws -> EngineTransactionRecord {
        let raw: String = row["identifier"]
        let flowText: String = row["flow"]
        guard let identifier = try? TransactionIdentifier(raw), let flow = TransactionFlow(rawValue: flowText) else {
            throw StoreError.unreadableRow(table: "engine_transactions", detail: "transaction \(raw) flow \(flowText)")
        }
        let status: Int? = row["final_status"]
        let peer: String? = row["peer"]
        let deadline: Double? = row["deadline"]
        return EngineTransactionRecord(
            identifier: identifier, flow: flow, state: row["state"],
            finalStatus: status.flatMap(TransactionStatus.init(rawValue:)),
            deadline: deadline.map(Date.init(timeIntervalSince1970:)), peer: peer.flatMap { try? RegistryCode($0) },
            quantity: row["quantity"], snapshot: row["snapshot"], details: row["details"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]), reference: row["reference"])
    }

    private static func outboxMessage(_ row: Row) throws -> OutboxMessage {
        let recipientText: String = row["recipient"]
        guard let recipient = try? RegistryCode(recipientText) else {
            throw StoreError.unreadableRow(table: "engine_outbox", detail: "recipient \(recipientText)")
        }
        let transaction: String? = row["transaction_id"]
        return OutboxMessage(
            id: row["id"], recipient: recipient, transaction: transaction.flatMap { try? TransactionIdentifier($0) },
            operation: row["operation"], body: row["body"],
            enqueuedAt: Date(timeIntervalSince1970: row["enqueued_at"]), attempts: row["attempts"],
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastError: row["last_error"])
    }

    private static func checkEngineLimit(_ limit: Int) throws {
        guard (1...10_000).contains(limit) else { throw StoreError.badRequest("limit \(limit) is not in 1...10000") }
    }
}
