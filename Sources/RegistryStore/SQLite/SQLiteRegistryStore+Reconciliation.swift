import Foundation
import GRDB
import RegistryCore

/// The registry's holdings frozen at one instant for a reconciliation: an SQLite read transaction kept open on its
/// own connection (WAL), so transactions keep committing while every question about the snapshot sees the same
/// state. It lasts as long as the reconciliation (the WAL cannot be checkpointed past it meanwhile) and not across
/// a restart: the ITL then starts the reconciliation again.
public final class HoldingsSnapshot: @unchecked Sendable {
    // DatabaseSnapshot serialises its accesses on its own queue.
    private let snapshot: DatabaseSnapshot
    public let takenAt: Date

    init(snapshot: DatabaseSnapshot, takenAt: Date) {
        self.snapshot = snapshot
        self.takenAt = takenAt
    }

    /// Units per account type, account commitment period, unit type (and account, when `byAccount`). Reserved
    /// units still count in the account they were reserved from: at the snapshot they have not left it.
    ///
    /// Read from the holdings table (kept per account, unit type and commitment periods in the same transaction
    /// as every block change, and checked against the blocks by `verify`) plus the few reserved blocks, so the
    /// answer costs a few rows per account rather than a pass over every block. The CDM registry's units carry no
    /// supplementary unit type; a filter asking for one is answered from the blocks themselves.
    public func totals(_ filter: SnapshotFilter, byAccount: Bool) throws -> [SnapshotTotal] {
        if let supplementary = filter.supplementaryUnitType, supplementary != 0 {
            return try blockTotals(filter, byAccount: byAccount)
        }
        let accountColumn = byAccount ? "a.number" : "NULL"
        var condition = ""
        var arguments = StatementArguments()
        if let unitType = filter.unitType {
            condition += " AND unit_type = ?"
            arguments += [unitType.rawValue]
        }
        if let period = filter.accountCommitmentPeriod {
            condition += " AND a.commitment_period = ?"
            arguments += [period]
        }
        if let type = filter.accountType {
            condition += " AND a.type = ?"
            arguments += [type.rawValue]
        }
        if let number = filter.accountNumber {
            condition += " AND a.number = ?"
            arguments += [number]
        }
        let sql = """
            SELECT type, number, period, unit_type, SUM(units) AS units FROM (
                SELECT a.type AS type, \(accountColumn) AS number, a.commitment_period AS period,
                       h.unit_type AS unit_type, h.quantity AS units
                FROM holdings h JOIN accounts a ON a.identifier = h.account
                WHERE h.quantity > 0 \(condition.replacingOccurrences(of: " unit_type", with: " h.unit_type"))
                UNION ALL
                SELECT a.type, \(accountColumn), a.commitment_period, b.unit_type,
                       b.serial_end - b.serial_start + 1
                FROM blocks b JOIN reservations r ON b.reserved_for = r.transaction_id
                JOIN accounts a ON a.identifier = r.source_account
                WHERE b.reserved_for IS NOT NULL \(condition.replacingOccurrences(of: " unit_type", with: " b.unit_type"))
            )
            GROUP BY type, number, period, unit_type
            ORDER BY type, number, period, unit_type
            """
        return try translating {
            try snapshot.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments + arguments).map { row in
                    guard let unitType = UnitType(rawValue: row["unit_type"]) else {
                        throw StoreError.unreadableRow(table: "holdings", detail: "unit type \(row["unit_type"] ?? "")")
                    }
                    return SnapshotTotal(
                        accountType: AccountType(row["type"]), accountNumber: row["number"],
                        accountCommitmentPeriod: row["period"], unitType: unitType, supplementaryUnitType: nil,
                        units: row["units"])
                }
            }
        }
    }

    /// The same totals counted from every block (for supplementary unit types, which the holdings do not keep).
    private func blockTotals(_ filter: SnapshotFilter, byAccount: Bool) throws -> [SnapshotTotal] {
        let accountColumn = byAccount ? "a.number" : "NULL"
        let (condition, arguments) = filter.sql()
        return try translating {
            try snapshot.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.type AS type, \(accountColumn) AS number, a.commitment_period AS period,
                               b.unit_type AS unit_type, b.supplementary_unit_type AS supp,
                               SUM(b.serial_end - b.serial_start + 1) AS units
                        FROM blocks b
                        LEFT JOIN reservations r ON b.reserved_for = r.transaction_id
                        JOIN accounts a ON a.identifier = COALESCE(b.account, r.source_account)
                        WHERE b.location_kind IN ('account', 'reserved') \(condition)
                        GROUP BY a.type, \(accountColumn), a.commitment_period, b.unit_type, b.supplementary_unit_type
                        ORDER BY a.type, number, a.commitment_period, b.unit_type
                        """, arguments: arguments
                ).map { row in
                    guard let unitType = UnitType(rawValue: row["unit_type"]) else {
                        throw StoreError.unreadableRow(table: "blocks", detail: "unit type \(row["unit_type"] ?? "")")
                    }
                    return SnapshotTotal(
                        accountType: AccountType(row["type"]), accountNumber: row["number"],
                        accountCommitmentPeriod: row["period"], unitType: unitType,
                        supplementaryUnitType: row["supp"], units: row["units"])
                }
            }
        }
    }

    /// Every block held at the snapshot that matches any of `filters` (all blocks when empty), with its account,
    /// handed to `body` in chunks of at most `chunkSize`: a million blocks never sit in memory at once.
    public func forEachBlockChunk(
        matching filters: [SnapshotFilter], chunkSize: Int, _ body: ([HeldBlock]) throws -> Void
    ) throws {
        let parts = filters.map { $0.sql() }
        let condition =
            parts.isEmpty
            ? "" : "AND (" + parts.map { "(1 = 1 \($0.0))" }.joined(separator: " OR ") + ")"
        var arguments = StatementArguments()
        for part in parts { arguments += part.1 }
        try translating {
            try snapshot.read { db in
                let cursor = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT \(BlockColumns.selection.replacingOccurrences(of: "\n", with: " ")
                            .split(separator: ",").map { "b." + $0.trimmingCharacters(in: .whitespaces) }
                            .joined(separator: ", ")),
                            COALESCE(b.account, r.source_account) AS held_in
                        FROM blocks b
                        LEFT JOIN reservations r ON b.reserved_for = r.transaction_id
                        JOIN accounts a ON a.identifier = COALESCE(b.account, r.source_account)
                        WHERE b.location_kind IN ('account', 'reserved') \(condition)
                        ORDER BY b.originating_registry, b.serial_start
                        """, arguments: arguments)
                var chunk: [HeldBlock] = []
                chunk.reserveCapacity(chunkSize)
                while let row = try cursor.next() {
                    let placement = try BlockColumns.placement(from: row)
                    let heldIn: String = row["held_in"]
                    guard let account = try? AccountIdentifier(parsing: heldIn) else {
                        throw StoreError.unreadableRow(table: "blocks", detail: "account \(heldIn)")
                    }
                    chunk.append(HeldBlock(block: placement.block, account: account))
                    if chunk.count >= chunkSize {
                        try body(chunk)
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                if !chunk.isEmpty { try body(chunk) }
            }
        }
    }

    private func translating<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError { throw StoreError.database(error.description) }
    }
}

/// Which holdings a reconciliation question is about; nil fields match everything (DES `provideTotals` filters and
/// `unitBlockRequests`).
public struct SnapshotFilter: Hashable, Sendable {
    public var unitType: UnitType?
    public var supplementaryUnitType: Int?
    public var accountCommitmentPeriod: Int?
    public var accountType: AccountType?
    public var accountNumber: Int64?

    public init(
        unitType: UnitType? = nil, supplementaryUnitType: Int? = nil, accountCommitmentPeriod: Int? = nil,
        accountType: AccountType? = nil, accountNumber: Int64? = nil
    ) {
        self.unitType = unitType
        self.supplementaryUnitType = supplementaryUnitType
        self.accountCommitmentPeriod = accountCommitmentPeriod
        self.accountType = accountType
        self.accountNumber = accountNumber
    }

    func sql() -> (String, StatementArguments) {
        var condition = ""
        var arguments = StatementArguments()
        if let unitType {
            condition += " AND b.unit_type = ?"
            arguments += [unitType.rawValue]
        }
        if let supplementaryUnitType {
            condition += " AND COALESCE(b.supplementary_unit_type, 0) = ?"
            arguments += [supplementaryUnitType]
        }
        if let accountCommitmentPeriod {
            condition += " AND a.commitment_period = ?"
            arguments += [accountCommitmentPeriod]
        }
        if let accountType {
            condition += " AND a.type = ?"
            arguments += [accountType.rawValue]
        }
        if let accountNumber {
            condition += " AND a.number = ?"
            arguments += [accountNumber]
        }
        return (condition, arguments)
    }
}

public struct SnapshotTotal: Hashable, Sendable {
    public var accountType: AccountType
    /// Set when totals are asked per account.
    public var accountNumber: Int64?
    public var accountCommitmentPeriod: Int
    public var unitType: UnitType
    public var supplementaryUnitType: Int?
    public var units: Int64
}

/// A block and the account that held it at the snapshot.
public struct HeldBlock: Hashable, Sendable {
    public var block: UnitBlock
    public var account: AccountIdentifier
}

/// A reconciliation as the registry records it.
public struct ReconciliationRecord: Hashable, Sendable {
    public var identifier: String
    public var snapshotAt: Date
    public var receivedAt: Date
    /// 1 totals, 2 unit blocks, 3 audit trail (the last phase the ITL asked for).
    public var phase: Int
    /// DES reconciliation status: 0 confirmed, 1 initiated, 2 validated, 3 totals inconsistent, 4 unit blocks
    /// inconsistent, 5 completed, 6 completed after manual intervention, 7 start request denied.
    public var status: Int
    public var responseCodes: [Int]
    /// An inconsistent result raised an operator alert, until cleared.
    public var alert: Bool
    public var clearedAt: Date?
    public var clearedNote: String?
    public var updatedAt: Date

    public init(
        identifier: String, snapshotAt: Date, receivedAt: Date, phase: Int, status: Int, responseCodes: [Int],
        alert: Bool, clearedAt: Date?, clearedNote: String?, updatedAt: Date
    ) {
        self.identifier = identifier
        self.snapshotAt = snapshotAt
        self.receivedAt = receivedAt
        self.phase = phase
        self.status = status
        self.responseCodes = responseCodes
        self.alert = alert
        self.clearedAt = clearedAt
        self.clearedNote = clearedNote
        self.updatedAt = updatedAt
    }
}

/// An ITL notice as stored: its content (the engine's encoding), and what the registry did.
public struct NoticeRecord: Hashable, Sendable {
    public var identifier: Int64
    public var type: Int
    public var status: Int
    public var record: Data
    /// What the registry did: the transaction it proposed, the operator task it opened, or why none.
    public var action: String
    /// An operator must act (choose units, replace) before the due date.
    public var taskOpen: Bool
    public var actionDueDate: String?
    public var receivedAt: Date
    public var updatedAt: Date

    public init(
        identifier: Int64, type: Int, status: Int, record: Data, action: String, taskOpen: Bool,
        actionDueDate: String?, receivedAt: Date, updatedAt: Date
    ) {
        self.identifier = identifier
        self.type = type
        self.status = status
        self.record = record
        self.action = action
        self.taskOpen = taskOpen
        self.actionDueDate = actionDueDate
        self.receivedAt = receivedAt
        self.updatedAt = updatedAt
    }
}

extension SQLiteRegistryStore {
    /// Freezes the holdings now (see `HoldingsSnapshot`).
    public func makeHoldingsSnapshot(at time: Date) throws -> HoldingsSnapshot {
        try Self.translatingErrors { HoldingsSnapshot(snapshot: try pool.makeSnapshot(), takenAt: time) }
    }

    public func saveReconciliation(_ record: ReconciliationRecord) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO reconciliations (identifier, snapshot_at, received_at, phase, status, response_codes,
                                                 alert, cleared_at, cleared_note, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (identifier) DO UPDATE SET
                        snapshot_at = excluded.snapshot_at, phase = excluded.phase, status = excluded.status,
                        response_codes = excluded.response_codes, alert = excluded.alert,
                        cleared_at = excluded.cleared_at, cleared_note = excluded.cleared_note,
                        updated_at = excluded.updated_at
                    """,
                arguments: [
                    record.identifier, record.snapshotAt.timeIntervalSince1970, record.receivedAt.timeIntervalSince1970,
                    record.phase, record.status, record.responseCodes.map(String.init).joined(separator: ","),
                    record.alert ? 1 : 0, record.clearedAt?.timeIntervalSince1970, record.clearedNote,
                    record.updatedAt.timeIntervalSince1970,
                ])
        }
    }

    public func reconciliation(_ identifier: String) throws -> ReconciliationRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM reconciliations WHERE identifier = ?", arguments: [identifier])
                .map(Self.reconciliationRecord)
        }
    }

    /// Reconciliations whose alert is open, most recent first: read before every proposal to the ITL, so one
    /// compiled statement over the alerts alone (not the latest reconciliations, filtered afterwards).
    public func openReconciliationAlerts() throws -> [ReconciliationRecord] {
        try readStatement { db in
            try db.cachedRows(sql: "SELECT * FROM reconciliations WHERE alert != 0 ORDER BY received_at DESC")
                .map(Self.reconciliationRecord)
        }
    }

    /// Reconciliations, most recent first.
    public func reconciliations(limit: Int) throws -> [ReconciliationRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM reconciliations ORDER BY received_at DESC LIMIT ?", arguments: [limit]
            ).map(Self.reconciliationRecord)
        }
    }

    public func saveNotice(_ notice: NoticeRecord) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO itl_notices (identifier, type, status, record, action, task_open, action_due_date,
                                             received_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (identifier) DO UPDATE SET
                        type = excluded.type, status = excluded.status, record = excluded.record,
                        action = excluded.action, task_open = excluded.task_open,
                        action_due_date = excluded.action_due_date, updated_at = excluded.updated_at
                    """,
                arguments: [
                    notice.identifier, notice.type, notice.status, notice.record, notice.action,
                    notice.taskOpen ? 1 : 0, notice.actionDueDate, notice.receivedAt.timeIntervalSince1970,
                    notice.updatedAt.timeIntervalSince1970,
                ])
        }
    }

    public func notice(_ identifier: Int64) throws -> NoticeRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM itl_notices WHERE identifier = ?", arguments: [identifier])
                .map(Self.noticeRecord)
        }
    }

    public func notices(limit: Int) throws -> [NoticeRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM itl_notices ORDER BY identifier DESC LIMIT ?", arguments: [limit])
                .map(Self.noticeRecord)
        }
    }

    /// A project's issuances in issuance order.
    public func issuances(ofProject project: Int) throws -> [IssuanceRecord] {
        let numbers = try read { db in
            try Int.fetchAll(
                db, sql: "SELECT number FROM issuances WHERE project = ? ORDER BY number", arguments: [project])
        }
        return try numbers.compactMap { try issuance(IssuanceIdentifier(project: project, number: $0)) }
    }

    /// Journal entries of the given kinds recorded within [from, to], oldest first (audit trails).
    public func journalEntries(kinds: [String], from: Date, to: Date, limit: Int) throws -> [JournalRecord] {
        try read { db in
            let placeholders = kinds.map { _ in "?" }.joined(separator: ", ")
            var arguments: StatementArguments = StatementArguments(kinds)
            arguments += [Int64((from.timeIntervalSince1970 * 1_000_000).rounded(.down))]
            arguments += [Int64((to.timeIntervalSince1970 * 1_000_000).rounded(.up))]
            arguments += [limit]
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteJournal.rowSelection) FROM journal
                    WHERE kind IN (\(placeholders)) AND recorded_at BETWEEN ? AND ? ORDER BY sequence LIMIT ?
                    """, arguments: arguments
            ).map { try SQLiteJournal.record(from: try SQLiteJournal.journalRow(from: $0)) }
        }
    }

    private static func reconciliationRecord(_ row: Row) -> ReconciliationRecord {
        let codes: String = row["response_codes"]
        let cleared: Double? = row["cleared_at"]
        return ReconciliationRecord(
            identifier: row["identifier"], snapshotAt: Date(timeIntervalSince1970: row["snapshot_at"]),
            receivedAt: Date(timeIntervalSince1970: row["received_at"]), phase: row["phase"], status: row["status"],
            responseCodes: codes.split(separator: ",").compactMap { Int($0) }, alert: (row["alert"] as Int) != 0,
            clearedAt: cleared.map(Date.init(timeIntervalSince1970:)), clearedNote: row["cleared_note"],
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    private static func noticeRecord(_ row: Row) -> NoticeRecord {
        NoticeRecord(
            identifier: row["identifier"], type: row["type"], status: row["status"], record: row["record"],
            action: row["action"], taskOpen: (row["task_open"] as Int) != 0, actionDueDate: row["action_due_date"],
            receivedAt: Date(timeIntervalSince1970: row["received_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
