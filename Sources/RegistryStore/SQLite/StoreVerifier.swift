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

        var derivedTotals = DerivedHoldings()
        var blockCount: Int64 = 0
        let decoder = CachingBlockDecoder()
        let blocks = try Row.fetchCursor(
            db.makeStatement(
                sql: "SELECT \(BlockColumns.selection) FROM blocks ORDER BY originating_registry, serial_start"))
        while let row = try blocks.next() {
            let placement = try decoder.placement(from: row)
            blockCount += 1
            verifier.consume(placement)
            if let account = placement.location.accountIdentifier {
                derivedTotals.add(placement.block, in: account)
            }
        }
        let derived = derivedTotals.byKey()
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

    /// Per-holding sums of the streamed blocks. Consecutive blocks sit in a few holdings (often alternating
    /// between two accounts), so the last few keys are compared directly before any hashing: per block this is a
    /// handful of integer comparisons, not a String-keyed dictionary update.
    private struct DerivedHoldings {
        private struct Key: Equatable {
            var account: AccountIdentifier
            var unitType: Int
            var original: Int
            var applicable: Int
        }

        private var keys: [Key] = []
        private var totals: [Totals] = []
        private var slots: [AccountIdentifier: [Int]] = [:]
        /// Most recently used slots first.
        private var recent: [Int] = []

        mutating func add(_ block: UnitBlock, in account: AccountIdentifier) {
            let attributes = block.attributes
            let key = Key(
                account: account, unitType: attributes.unitType.rawValue,
                original: attributes.originalCommitmentPeriod.rawValue,
                applicable: attributes.applicableCommitmentPeriod.rawValue)
            let slot = self.slot(for: key)
            totals[slot].quantity &+= block.quantity
            totals[slot].blocks &+= 1
        }

        private mutating func slot(for key: Key) -> Int {
            for (position, slot) in recent.enumerated() where keys[slot] == key {
                if position > 0 { recent.swapAt(position, 0) }
                return slot
            }
            let slot: Int
            if let found = slots[key.account]?.first(where: { keys[$0] == key }) {
                slot = found
            } else {
                slot = keys.count
                keys.append(key)
                totals.append(Totals())
                slots[key.account, default: []].append(slot)
            }
            recent.insert(slot, at: 0)
            if recent.count > 4 { recent.removeLast() }
            return slot
        }

        func byKey() -> [HoldingKey: Totals] {
            var result: [HoldingKey: Totals] = [:]
            for (key, total) in zip(keys, totals) {
                result[
                    HoldingKey(
                        account: key.account.shortForm, unitType: key.unitType, original: key.original,
                        applicable: key.applicable)] = total
            }
            return result
        }
    }

    private static func decode<Value: DatabaseValueConvertible>(_ row: Row, _ index: Int) throws
        -> Value
    {
        do { return try row.decode(atIndex: index) } catch {
            throw StoreError.unreadableRow(table: "holdings", detail: "\(error)")
        }
    }
}
