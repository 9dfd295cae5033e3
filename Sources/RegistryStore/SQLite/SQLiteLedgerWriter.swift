import Foundation
import GRDB
import RegistryCore

/// Applies a planner's `LedgerMutation`s as SQL inside the current transaction, mechanically and in order.
///
/// A mutation that does not fit the stored state (a block to remove that is not there exactly, a reservation to
/// delete that does not exist) throws `StoreError.mutationRejected`, which rolls the whole operation back: the
/// planner and the store disagreeing is a defect that must not be papered over.
struct SQLiteLedgerWriter {
    let db: Database

    func apply(_ mutation: LedgerMutation) throws {
        switch mutation {
        case .removeBlock(let placement): try removeBlock(placement)
        case .addBlock(let placement): try addBlock(placement)
        case .putAccount(let account):
            try db.cachedStatement(sql: AccountColumns.upsert).execute(
                arguments: AccountColumns.arguments(for: account))
        case .putProject(let project):
            try db.cachedStatement(
                sql: """
                    INSERT INTO projects (number, host_party, record) VALUES (?, ?, ?)
                    ON CONFLICT (number) DO UPDATE SET host_party = excluded.host_party, record = excluded.record
                    """
            ).execute(arguments: [
                project.number, project.hostParty.rawValue, try CanonicalJSON.encode(project),
            ])
        case .putIssuance(let issuance):
            let id = issuance.identifier
            try db.cachedStatement(
                sql: """
                    INSERT INTO issuances (project, number, unit_type, originating_registry, serial_start, serial_end,
                        record) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (project, number) DO UPDATE SET unit_type = excluded.unit_type,
                        originating_registry = excluded.originating_registry, serial_start = excluded.serial_start,
                        serial_end = excluded.serial_end, record = excluded.record
                    """
            ).execute(arguments: [
                id.project, id.number, issuance.unitType.rawValue,
                issuance.attributes.originatingRegistry.rawValue,
                issuance.serials.start, issuance.serials.end, try CanonicalJSON.encode(issuance),
            ])
        case .putReservation(let reservation):
            try db.cachedStatement(
                sql: """
                    INSERT INTO reservations (transaction_id, source_account, record) VALUES (?, ?, ?)
                    ON CONFLICT (transaction_id) DO UPDATE SET source_account = excluded.source_account,
                        record = excluded.record
                    """
            ).execute(arguments: [
                reservation.transaction.rawValue, reservation.source.shortForm,
                try CanonicalJSON.encode(reservation),
            ])
        case .deleteReservation(let transaction):
            try db.cachedStatement(sql: "DELETE FROM reservations WHERE transaction_id = ?")
                .execute(arguments: [transaction.rawValue])
            guard db.changesCount == 1 else {
                throw StoreError.mutationRejected("no reservation \(transaction) to delete")
            }
        }
    }

    /// Deletes the row only when every column matches the placement (`IS` so that absent attributes compare).
    private func removeBlock(_ placement: Placement) throws {
        let statement = try db.cachedStatement(
            sql: """
                DELETE FROM blocks WHERE originating_registry = ? AND serial_start = ? AND serial_end = ?
                AND location_kind = ? AND account IS ? AND reserved_for IS ? AND external_registry IS ?
                AND unit_type = ? AND supplementary_unit_type IS ? AND original_commitment_period = ?
                AND applicable_commitment_period = ? AND lulucf_activity IS ? AND project IS ? AND track IS ?
                AND expiry_date IS ?
                """)
        try statement.execute(arguments: BlockColumns.arguments(for: placement))
        guard db.changesCount == 1 else {
            throw StoreError.mutationRejected("block \(placement) to remove is not stored exactly so")
        }
        if let account = placement.location.accountIdentifier {
            try adjustHoldings(of: account, block: placement.block, adding: false)
        }
    }

    private func addBlock(_ placement: Placement) throws {
        do {
            try db.cachedStatement(sql: BlockColumns.insert).execute(
                arguments: BlockColumns.arguments(for: placement))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.mutationRejected("block \(placement) starts where a stored block starts")
        }
        if let account = placement.location.accountIdentifier {
            try adjustHoldings(of: account, block: placement.block, adding: true)
        }
    }

    /// Keeps the per-account totals in step with the blocks, in the same transaction (checked by `verify`).
    private func adjustHoldings(of account: AccountIdentifier, block: UnitBlock, adding: Bool) throws {
        let key: StatementArguments = [
            account.shortForm, block.attributes.unitType.rawValue,
            block.attributes.originalCommitmentPeriod.rawValue,
            block.attributes.applicableCommitmentPeriod.rawValue,
        ]
        if adding {
            try db.cachedStatement(
                sql: """
                    INSERT INTO holdings (account, unit_type, original_commitment_period, applicable_commitment_period,
                        quantity, block_count) VALUES (?, ?, ?, ?, ?, 1)
                    ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, block_count = block_count + 1
                    """
            ).execute(arguments: key + [block.quantity])
        } else {
            try db.cachedStatement(
                sql: """
                    UPDATE holdings SET quantity = quantity - ?, block_count = block_count - 1
                    WHERE account = ? AND unit_type = ? AND original_commitment_period = ?
                    AND applicable_commitment_period = ?
                    """
            ).execute(arguments: [block.quantity] + key)
            guard db.changesCount == 1 else {
                throw StoreError.mutationRejected("holdings of \(account) have no row for block \(block)")
            }
            try db.cachedStatement(
                sql: """
                    DELETE FROM holdings WHERE account = ? AND unit_type = ? AND original_commitment_period = ?
                    AND applicable_commitment_period = ? AND block_count = 0
                    """
            ).execute(arguments: key)
        }
    }
}
