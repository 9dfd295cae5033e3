import Foundation
import GRDB
import RegistryCore

/// `verify` of the SQLite store, inside one read transaction (a WAL snapshot, so writers go on meanwhile).
///
/// The journal is checked entry by entry; the blocks table is streamed in global order through the ledger's own
/// `LedgerVerifier` with a cursor, one row in memory at a time, while the stored holdings are re-derived from the
/// same rows (memory grows with the number of accounts, not of blocks). No JSON is decoded per block or per
/// journal entry unless `deep` is asked for.
enum StoreVerifier {
    private struct HoldingKey: Hashable, Comparable {
        var account: String
        var unitType: Int
        var original: Int
        var applicable: Int

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.account, lhs.unitType, lhs.original, lhs.applicable)
                < (rhs.account, rhs.unitType, rhs.original, rhs.applicable)
        }

        var description: String { "\(account) unit type \(unitType) CP\(original)/CP\(applicable)" }
    }

    private struct Totals: Equatable {
        var quantity: Int64 = 0
        var blocks: Int64 = 0
    }

    /// `deep` also decodes every journal payload (see `SQLiteJournal.checkChain`).
    static func verify(_ db: Database, deep: Bool = false) throws -> StoreVerification {
        let chain = try SQLiteJournal.checkChain(in: db, decodingPayloads: deep)
        let registryText =
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'registry_code'") ?? ""
        let registry: RegistryCode
        do { registry = try RegistryCode(registryText) } catch {
            throw StoreError.unreadableRow(table: "meta", detail: "registry code: \(error)")
        }
        let accounts = try Row.fetchAll(db, sql: "SELECT \(AccountColumns.selection) FROM accounts")
            .map(AccountColumns.account(from:))
        let issuances = try Data.fetchAll(db, sql: "SELECT record FROM issuances")
            .map { try CanonicalJSON.decode(IssuanceRecord.self, from: $0, table: "issuances") }
        let reservations = try Data.fetchAll(db, sql: "SELECT record FROM reservations")
            .map { try CanonicalJSON.decode(Reservation.self, from: $0, table: "reservations") }
        var verifier = LedgerVerifier(
            registry: registry, accounts: accounts, issuances: issuances, reservations: reservations)

        var stored: [HoldingKey: Totals] = [:]
        let holdingRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT account, unit_type, original_commitment_period, applicable_commitment_period, quantity,
                    block_count FROM holdings
                """)
        var declared: [String: Totals] = [:]
        while let row = try holdingRows.next() {
            let key = HoldingKey(
                account: try decode(row, 0), unitType: try decode(row, 1), original: try decode(row, 2),
                applicable: try decode(row, 3))
            let totals = Totals(quantity: try decode(row, 4), blocks: try decode(row, 5))
            stored[key] = totals
            declared[key.account, default: Totals()].quantity &+= totals.quantity
            declared[key.account, default: Totals()].blocks &+= totals.blocks
        }
        var holdingsProblems: [String] = []
        for (account, totals) in declared.sorted(by: { $0.key < $1.key }) {
            do {
                verifier.declareTotal(
                    totals.quantity, blocks: Int(totals.blocks), of: try AccountIdentifier(parsing: account))
            } catch {
                holdingsProblems.append(
                    "holdings name account '\(account)', which is not an account identifier")
            }
        }

        var derived: [HoldingKey: Totals] = [:]
        var blockCount: Int64 = 0
        var decoder = CachingBlockDecoder()
        // Consecutive blocks mostly share account, unit type and periods: sum a run, hash once per run.
        var run: (account: AccountIdentifier, unitType: Int, original: Int, applicable: Int, totals: Totals)?
        func flush() {
            guard let run else { return }
            let key = HoldingKey(
                account: run.account.shortForm, unitType: run.unitType, original: run.original,
                applicable: run.applicable)
            derived[key, default: Totals()].quantity &+= run.totals.quantity
            derived[key, default: Totals()].blocks &+= run.totals.blocks
        }
        let blocks = try Row.fetchCursor(
            db.makeStatement(
                sql: "SELECT \(BlockColumns.selection) FROM blocks ORDER BY originating_registry, serial_start"))
        while let row = try blocks.next() {
            let placement = try decoder.placement(from: row)
            blockCount += 1
            verifier.consume(placement)
            guard let account = placement.location.accountIdentifier else { continue }
            let attributes = placement.block.attributes
            let unitType = attributes.unitType.rawValue
            let original = attributes.originalCommitmentPeriod.rawValue
            let applicable = attributes.applicableCommitmentPeriod.rawValue
            if let current = run, current.account == account, current.unitType == unitType,
                current.original == original, current.applicable == applicable
            {
                run?.totals.quantity &+= placement.block.quantity
                run?.totals.blocks &+= 1
            } else {
                flush()
                run = (account, unitType, original, applicable, Totals(quantity: placement.block.quantity, blocks: 1))
            }
        }
        flush()
        for key in Set(stored.keys).union(derived.keys).sorted() {
            let kept = stored[key] ?? Totals()
            let actual = derived[key] ?? Totals()
            if kept != actual {
                holdingsProblems.append(
                    "holdings of \(key.description): \(kept.quantity) units in \(kept.blocks) blocks recorded, "
                        + "\(actual.quantity) in \(actual.blocks) blocks stored")
            }
        }
        return StoreVerification(
            journalEntries: chain.entriesChecked, blocks: blockCount, journalProblems: chain.problems,
            ledgerProblems: verifier.finish().map(\.description), holdingsProblems: holdingsProblems)
    }

    private static func decode<Value: DatabaseValueConvertible>(_ row: Row, _ index: Int) throws
        -> Value
    {
        do { return try row.decode(atIndex: index) } catch {
            throw StoreError.unreadableRow(table: "holdings", detail: "\(error)")
        }
    }
}
