import Foundation
import GRDB
import RegistryCore

/// The ledger as seen from inside one SQLite transaction: what a planner reads while the store holds the write
/// lock, so the plan and the writes that follow it see the same state.
///
/// Every query is an index lookup or an index range scan with a bound (see `StoreMigrations.version1`); none
/// reads a whole account or the whole blocks table.
struct SQLiteLedgerView: LedgerReading {
    let db: Database
    let registryCode: RegistryCode

    func account(_ id: AccountIdentifier) throws -> Account? {
        let statement = try db.cachedStatement(
            sql: "SELECT \(AccountColumns.selection) FROM accounts WHERE identifier = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id.shortForm]) else { return nil }
        return try AccountColumns.account(from: row)
    }

    func balance(of id: AccountIdentifier) throws -> Int64 {
        let statement = try db.cachedStatement(
            sql: "SELECT COALESCE(SUM(quantity), 0) FROM holdings WHERE account = ?")
        return try Int64.fetchOne(statement, arguments: [id.shortForm]) ?? 0
    }

    func project(_ number: Int) throws -> Project? {
        let statement = try db.cachedStatement(sql: "SELECT record FROM projects WHERE number = ?")
        guard let data = try Data.fetchOne(statement, arguments: [number]) else { return nil }
        return try CanonicalJSON.decode(Project.self, from: data, table: "projects")
    }

    func issuance(_ id: IssuanceIdentifier) throws -> IssuanceRecord? {
        let statement = try db.cachedStatement(
            sql: "SELECT record FROM issuances WHERE project = ? AND number = ?")
        guard let data = try Data.fetchOne(statement, arguments: [id.project, id.number]) else {
            return nil
        }
        return try CanonicalJSON.decode(IssuanceRecord.self, from: data, table: "issuances")
    }

    func availableBlocks(in account: AccountIdentifier, after: BlockKey?, limit: Int) throws
        -> [UnitBlock]
    {
        guard limit > 0 else { return [] }
        let rows: [Row]
        if let after {
            let statement = try db.cachedStatement(
                sql: """
                    SELECT \(BlockColumns.selection) FROM blocks
                    WHERE account = ? AND (originating_registry, serial_start) > (?, ?)
                    ORDER BY originating_registry, serial_start LIMIT ?
                    """)
            rows = try Row.fetchAll(
                statement,
                arguments: [
                    account.shortForm, after.originatingRegistry.rawValue, after.serialStart, limit,
                ])
        } else {
            let statement = try db.cachedStatement(
                sql: """
                    SELECT \(BlockColumns.selection) FROM blocks WHERE account = ?
                    ORDER BY originating_registry, serial_start LIMIT ?
                    """)
            rows = try Row.fetchAll(statement, arguments: [account.shortForm, limit])
        }
        return try rows.map(BlockColumns.block(from:))
    }

    /// Blocks never overlap, so the blocks sharing a serial with `range` are the one with the largest start at or
    /// below `range.start` (if it reaches that far) and those starting inside `range`: one range scan.
    func placements(overlapping range: SerialRange, originatingRegistry: RegistryCode) throws
        -> [Placement]
    {
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(BlockColumns.selection) FROM blocks
                WHERE originating_registry = ?1 AND serial_start <= ?3 AND serial_start >= COALESCE(
                    (SELECT serial_start FROM blocks WHERE originating_registry = ?1 AND serial_start <= ?2
                     ORDER BY serial_start DESC LIMIT 1), ?2)
                ORDER BY serial_start
                """)
        let rows = try Row.fetchAll(
            statement, arguments: [originatingRegistry.rawValue, range.start, range.end])
        return try rows.map(BlockColumns.placement(from:)).filter { $0.block.range.overlaps(range) }
    }

    func reservation(_ transaction: TransactionIdentifier) throws -> Reservation? {
        let statement = try db.cachedStatement(
            sql: "SELECT record FROM reservations WHERE transaction_id = ?")
        guard let data = try Data.fetchOne(statement, arguments: [transaction.rawValue]) else {
            return nil
        }
        return try CanonicalJSON.decode(Reservation.self, from: data, table: "reservations")
    }
}
