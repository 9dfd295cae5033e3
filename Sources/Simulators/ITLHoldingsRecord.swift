import DES
import Foundation
import GRDB
import RegistryCore

/// One block as the ITL records it: which registry holds it, and whether it was cancelled there.
public struct ITLHolding: Hashable, Sendable {
    public var block: UnitBlock
    public var holder: RegistryCode
    /// Cancelled units stay in the record (so their serials are never issued again) but can never move again.
    public var isCancelled: Bool

    public init(block: UnitBlock, holder: RegistryCode, isCancelled: Bool = false) {
        self.block = block
        self.holder = holder
        self.isCancelled = isCancelled
    }
}

/// One transaction in the ITL's log: what was proposed, where it stands, and why.
public struct ITLTransactionEntry: Hashable, Sendable {
    public var identifier: TransactionIdentifier
    public var type: TransactionType
    public var transferringRegistry: RegistryCode
    public var acquiringRegistry: RegistryCode
    public var status: TransactionStatus
    public var responseCodes: [DESResponseCode]
    public var blocks: [UnitBlock]
    public var proposedAt: Date
    public var statusAt: Date
    /// The ITL notice the transaction answers (DOMAIN.md "ITL notices"), as the proposal carried it.
    public var notificationIdentifier: Int64?

    public init(
        identifier: TransactionIdentifier, type: TransactionType, transferringRegistry: RegistryCode,
        acquiringRegistry: RegistryCode, status: TransactionStatus, responseCodes: [DESResponseCode] = [],
        blocks: [UnitBlock], proposedAt: Date, statusAt: Date, notificationIdentifier: Int64? = nil
    ) {
        self.identifier = identifier
        self.type = type
        self.transferringRegistry = transferringRegistry
        self.acquiringRegistry = acquiringRegistry
        self.status = status
        self.responseCodes = responseCodes
        self.blocks = blocks
        self.proposedAt = proposedAt
        self.statusAt = statusAt
        self.notificationIdentifier = notificationIdentifier
    }

    /// Blocks of a transaction still in flight are reserved: no other transaction may move them (ITL check 5202).
    /// Status 3 (discrepancy) ends the transaction for the ITL, the registry only terminates it on its side.
    public var reservesUnits: Bool { !status.isFinal && status != .checkedDiscrepancy }
}

/// Why the ITL's record refused an operation; nothing was changed.
public enum ITLRecordError: Error, Hashable, Sendable, CustomStringConvertible {
    case duplicateTransaction(TransactionIdentifier)
    case unknownTransaction(TransactionIdentifier)
    case notDurable(synchronous: Int, path: String)
    case notWriteAheadLogged(journalMode: String, path: String)
    case unitsNotHeld(transaction: TransactionIdentifier, block: UnitBlock, registry: RegistryCode)
    /// An open transaction would reserve serials another one (or another of its own blocks) already reserves.
    case unitsReserved(transaction: TransactionIdentifier, block: UnitBlock, reservedBy: TransactionIdentifier)
    case corruptRow(table: String, detail: String)
    case database(String)

    public var description: String {
        switch self {
        case .duplicateTransaction(let id): "transaction \(id) is already in the ITL log"
        case .unknownTransaction(let id): "transaction \(id) is not in the ITL log"
        case .notDurable(let synchronous, let path):
            "\(path): SQLite synchronous is \(synchronous), not FULL (2); the ITL record refuses to run"
        case .notWriteAheadLogged(let mode, let path): "\(path): journal mode is '\(mode)', not WAL"
        case .unitsNotHeld(let id, let block, let registry):
            "transaction \(id): block \(block) is not wholly held by \(registry) in the ITL record"
        case .unitsReserved(let id, let block, let other):
            "transaction \(id): block \(block) overlaps serials reserved by open transaction \(other)"
        case .corruptRow(let table, let detail): "ITL record table \(table) holds an unreadable row: \(detail)"
        case .database(let detail): "ITL record database error: \(detail)"
        }
    }
}

/// The ITL's durable memory: who holds which serials of each originating registry, and the transaction log.
///
/// One SQLite file in WAL mode with `synchronous = FULL` set after opening and read back (STACK.md section 5, as
/// RegistryStore does). Holdings change only when a transaction completes (`complete`), in the same SQLite
/// transaction that marks it completed, so the record never shows a half-applied transfer. Reconciliation
/// (DOMAIN.md section 4) will read `holdings(heldBy:)` to compare totals and blocks; notices will add a table.
public final class ITLHoldingsRecord: Sendable {
    /// Internal so the reconciliation and notice logs keep their tables in the same file (one ITL database).
    let pool: DatabasePool
    /// The relay's writes: one flush for every message that arrived during the previous one.
    let commits: GroupCommit
    public let path: String

    public init(path: String) throws(ITLRecordError) {
        self.path = path
        do {
            let pool: DatabasePool
            do {
                pool = try SimulatorDatabase.open(path: path, label: "ITLHoldingsRecord")
            } catch SimulatorDatabase.DurabilityFailure.notDurable(let synchronous) {
                throw ITLRecordError.notDurable(synchronous: synchronous, path: path)
            } catch SimulatorDatabase.DurabilityFailure.notWriteAheadLogged(let mode) {
                throw ITLRecordError.notWriteAheadLogged(journalMode: mode, path: path)
            }
            try pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS holding (
                            originatingRegistry TEXT NOT NULL, serialStart INTEGER NOT NULL,
                            serialEnd INTEGER NOT NULL, holder TEXT NOT NULL, cancelled INTEGER NOT NULL,
                            attributes TEXT NOT NULL, PRIMARY KEY (originatingRegistry, serialStart));
                        CREATE TABLE IF NOT EXISTS transactionLog (
                            identifier TEXT PRIMARY KEY NOT NULL, type INTEGER NOT NULL,
                            transferringRegistry TEXT NOT NULL, acquiringRegistry TEXT NOT NULL,
                            status INTEGER NOT NULL, responseCodes TEXT NOT NULL, blocks TEXT NOT NULL,
                            proposedAt REAL NOT NULL, statusAt REAL NOT NULL);
                        """)
                // Added with ITL notices; files written before it get the column (NULL: no notice).
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(transactionLog)")
                    .map { $0["name"] as String }
                if !columns.contains("notificationIdentifier") {
                    try db.execute(sql: "ALTER TABLE transactionLog ADD COLUMN notificationIdentifier INTEGER")
                }
                try Self.createReservations(db)
            }
            self.pool = pool
            self.commits = GroupCommit(pool: pool)
        } catch let error as ITLRecordError {
            throw error
        } catch {
            throw .database("\(path): \(error)")
        }
    }

    /// The writer's `synchronous` setting as SQLite reports it now (2 = FULL).
    public func synchronousSetting() throws(ITLRecordError) -> Int {
        try run { try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 } }
    }

    // MARK: Holdings

    /// Every recorded block of `originatingRegistry` sharing a serial with `range`, in serial order.
    public func holdings(of originatingRegistry: RegistryCode, overlapping range: SerialRange)
        throws(ITLRecordError) -> [ITLHolding]
    {
        try run {
            try pool.read { db in
                try Self.overlapping(db, originatingRegistry, range)
            }
        }
    }

    /// Everything a registry holds according to the ITL (what reconciliation compares against).
    public func holdings(heldBy registry: RegistryCode) throws(ITLRecordError) -> [ITLHolding] {
        try run {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM holding WHERE holder = ? ORDER BY originatingRegistry, serialStart",
                    arguments: [registry.rawValue]
                ).map(Self.holding)
            }
        }
    }

    /// Every recorded block, of every holder, in originating registry and serial order (the admin endpoint's view).
    public func allHoldings() throws(ITLRecordError) -> [ITLHolding] {
        try run {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM holding ORDER BY originatingRegistry, serialStart")
                    .map(Self.holding)
            }
        }
    }

    // MARK: Transaction log

    /// Logs a new transaction; a second proposal with the same identifier is refused (DOMAIN.md section 4).
    public func log(_ entry: ITLTransactionEntry) throws(ITLRecordError) {
        try run { try pool.write { db in try Self.log(db, entry) } }
    }

    // Every statement on the per-message path is a `cachedStatement`: compiled once per connection, not per call.

    static func log(_ db: Database, _ entry: ITLTransactionEntry) throws {
        if try isLogged(db, entry.identifier) { throw ITLRecordError.duplicateTransaction(entry.identifier) }
        try db.cachedStatement(
            sql: """
                INSERT INTO transactionLog (identifier, type, transferringRegistry, acquiringRegistry, status,
                    responseCodes, blocks, proposedAt, statusAt, notificationIdentifier)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                entry.identifier.rawValue, entry.type.rawValue, entry.transferringRegistry.rawValue,
                entry.acquiringRegistry.rawValue, entry.status.rawValue, Self.codesText(entry.responseCodes),
                try Self.blocksText(entry.blocks), entry.proposedAt.timeIntervalSince1970,
                entry.statusAt.timeIntervalSince1970, entry.notificationIdentifier,
            ])
        try reserve(db, entry)
    }

    /// Whether the log holds this identifier: one index probe, no row decoded (all check 5002 needs).
    static func isLogged(_ db: Database, _ identifier: TransactionIdentifier) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM transactionLog WHERE identifier = ?"),
            arguments: [identifier.rawValue]) ?? false
    }

    public func transaction(_ identifier: TransactionIdentifier) throws(ITLRecordError) -> ITLTransactionEntry? {
        try run { try pool.read { db in try Self.transaction(db, identifier) } }
    }

    static func transaction(_ db: Database, _ identifier: TransactionIdentifier) throws -> ITLTransactionEntry? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM transactionLog WHERE identifier = ?"),
            arguments: [identifier.rawValue]
        ).map(entry)
    }

    /// Transactions not yet final (in flight): their blocks are reserved, and the relay times them out.
    public func openTransactions() throws(ITLRecordError) -> [ITLTransactionEntry] {
        try run { try pool.read { db in try Self.openTransactions(db) } }
    }

    static func openTransactions(_ db: Database) throws -> [ITLTransactionEntry] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM transactionLog WHERE status IN (1, 2, 8) ORDER BY proposedAt, identifier"
        ).map(entry)
    }

    /// Records a status that does not move units (checked, accepted, rejected, terminated, cancelled).
    public func setStatus(
        _ identifier: TransactionIdentifier, _ status: TransactionStatus, codes: [DESResponseCode] = [], at date: Date
    ) throws(ITLRecordError) {
        try run { try pool.write { db in try Self.setStatus(db, identifier, status, codes: codes, at: date) } }
    }

    static func setStatus(
        _ db: Database, _ identifier: TransactionIdentifier, _ status: TransactionStatus, codes: [DESResponseCode],
        at date: Date
    ) throws {
        try db.cachedStatement(
            sql: "UPDATE transactionLog SET status = ?, responseCodes = ?, statusAt = ? WHERE identifier = ?"
        ).execute(arguments: [status.rawValue, codesText(codes), date.timeIntervalSince1970, identifier.rawValue])
        guard db.changesCount == 1 else { throw ITLRecordError.unknownTransaction(identifier) }
        if status.isFinal || status == .checkedDiscrepancy { try release(db, identifier) }
    }

    /// Completes a transaction: applies its blocks to the holdings and marks it 4, atomically.
    ///
    /// Issuance records new blocks held by the acquiring registry; cancellation marks the blocks cancelled where
    /// they are; every other type moves them from the transferring to the acquiring registry, splitting recorded
    /// blocks where the transaction takes part of one.
    public func complete(_ identifier: TransactionIdentifier, at date: Date) throws(ITLRecordError) {
        try run { try pool.write { db in try Self.complete(db, identifier, at: date) } }
    }

    static func complete(_ db: Database, _ identifier: TransactionIdentifier, at date: Date) throws {
        guard let entry = try transaction(db, identifier) else { throw ITLRecordError.unknownTransaction(identifier) }
        try complete(db, entry: entry, at: date)
    }

    /// `complete` for an entry the caller read in this same SQLite transaction (the relay's notify reads it
    /// anyway to check the status: no second read and JSON decoding of the row).
    static func complete(_ db: Database, entry: ITLTransactionEntry, at date: Date) throws {
        for block in entry.blocks {
            if entry.type == .issuance {
                try Self.insert(db, ITLHolding(block: block, holder: entry.acquiringRegistry))
            } else {
                try Self.move(db, block, entry: entry)
            }
        }
        try db.cachedStatement(sql: "UPDATE transactionLog SET status = 4, statusAt = ? WHERE identifier = ?")
            .execute(arguments: [date.timeIntervalSince1970, entry.identifier.rawValue])
        try release(db, entry.identifier)
    }

    // MARK: Reservations

    /// The blocks of the transactions in flight (status 1, 2 or 8), one row per block, kept with every status
    /// change: check 5202 asks which open transactions overlap a proposal's blocks without decoding every open
    /// transaction per proposal (hundreds when a registry pipelines). Added later: a file written before it gets
    /// the rows of its open transactions once.
    private static func createReservations(_ db: Database) throws {
        let exists = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reservation'") ?? false
        guard !exists else { return }
        try db.execute(
            sql: """
                CREATE TABLE reservation (
                    transactionIdentifier TEXT NOT NULL, originatingRegistry TEXT NOT NULL,
                    serialStart INTEGER NOT NULL, serialEnd INTEGER NOT NULL);
                CREATE INDEX reservationBySerial ON reservation (originatingRegistry, serialStart);
                CREATE INDEX reservationByTransaction ON reservation (transactionIdentifier);
                """)
        for entry in try openTransactions(db) { try reserve(db, entry) }
    }

    /// Reservation rows never overlap one another: check 5202 refuses a proposal whose serials an open
    /// transaction reserves and 4004 one whose blocks overlap each other, and this refuses whatever would bypass
    /// them (a direct `log`). That is what lets `reservingIdentifiers` look at two index positions per block.
    private static func reserve(_ db: Database, _ entry: ITLTransactionEntry) throws {
        guard entry.reservesUnits else { return }
        for block in entry.blocks {
            if let holder = try reservingIdentifiers(db, block).first {
                throw ITLRecordError.unitsReserved(
                    transaction: entry.identifier, block: block, reservedBy: try storedIdentifier(holder))
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO reservation (transactionIdentifier, originatingRegistry, serialStart, serialEnd)
                    VALUES (?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    entry.identifier.rawValue, block.originatingRegistry.rawValue, block.range.start, block.range.end,
                ])
        }
    }

    private static func release(_ db: Database, _ identifier: TransactionIdentifier) throws {
        try db.cachedStatement(sql: "DELETE FROM reservation WHERE transactionIdentifier = ?")
            .execute(arguments: [identifier.rawValue])
    }

    /// The open transactions reserving a serial of any of `blocks`, each once (what check 5202 needs to see).
    static func reservingTransactions(_ db: Database, overlapping blocks: [UnitBlock]) throws
        -> [ITLTransactionEntry]
    {
        var identifiers: [String] = []
        for block in blocks {
            for identifier in try reservingIdentifiers(db, block) where !identifiers.contains(identifier) {
                identifiers.append(identifier)
            }
        }
        return try identifiers.compactMap { identifier in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM transactionLog WHERE identifier = ?"), arguments: [identifier]
            ).map(entry)
        }
    }

    /// The transactions whose reservation rows share a serial with `block`.
    ///
    /// The rows never overlap (`reserve`), so of those starting before the block only the last one can reach
    /// into it: the index range starts at the greatest serialStart <= block start, not at serial 1 (a scan of
    /// every open transaction's rows there, hundreds when registries pipeline, was a fifth of the ITL's CPU).
    private static func reservingIdentifiers(_ db: Database, _ block: UnitBlock) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT transactionIdentifier FROM reservation
                    WHERE originatingRegistry = ?1 AND serialStart <= ?3 AND serialEnd >= ?2
                        AND serialStart >= COALESCE(
                            (SELECT MAX(serialStart) FROM reservation
                                WHERE originatingRegistry = ?1 AND serialStart <= ?2), ?2)
                    ORDER BY serialStart
                    """),
            arguments: [block.originatingRegistry.rawValue, block.range.start, block.range.end])
    }

    private static func storedIdentifier(_ text: String) throws -> TransactionIdentifier {
        do { return try TransactionIdentifier(text) } catch {
            throw ITLRecordError.corruptRow(table: "reservation", detail: "transaction identifier '\(text)': \(error)")
        }
    }

    // MARK: SQL helpers

    private static func move(_ db: Database, _ block: UnitBlock, entry: ITLTransactionEntry) throws {
        let rows = try overlapping(db, block.originatingRegistry, block.range)
        let covered = rows.reduce(Int64(0)) { total, row in
            total + (row.block.range.intersection(block.range)?.count ?? 0)
        }
        guard covered == block.quantity,
            rows.allSatisfy({ $0.holder == entry.transferringRegistry && !$0.isCancelled })
        else {
            throw ITLRecordError.unitsNotHeld(
                transaction: entry.identifier, block: block, registry: entry.transferringRegistry)
        }
        for row in rows {
            try db.cachedStatement(sql: "DELETE FROM holding WHERE originatingRegistry = ? AND serialStart = ?")
                .execute(arguments: [row.block.originatingRegistry.rawValue, row.block.range.start])
            for rest in row.block.range.subtracting(block.range) {
                try insert(db, ITLHolding(block: row.block.with(range: rest), holder: row.holder))
            }
            guard let moved = row.block.range.intersection(block.range) else { continue }
            // The transaction's attributes win (carry-over and expiry date change alter them on the way).
            let holding =
                entry.type == .cancellation
                ? ITLHolding(block: block.with(range: moved), holder: row.holder, isCancelled: true)
                : ITLHolding(block: block.with(range: moved), holder: entry.acquiringRegistry)
            try insert(db, holding)
        }
    }

    static func overlapping(_ db: Database, _ registry: RegistryCode, _ range: SerialRange) throws
        -> [ITLHolding]
    {
        // The record's blocks of one originating registry never overlap (5101 keeps issuance fresh, a move splits
        // and replaces), so only the block starting at or before `range.start` can reach into the range from the
        // left: the scan starts there instead of at serial 1 (it grew with every block split off before).
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM holding WHERE originatingRegistry = ?1 AND serialStart <= ?3 AND serialEnd >= ?2
                        AND serialStart >= COALESCE(
                            (SELECT MAX(serialStart) FROM holding WHERE originatingRegistry = ?1 AND serialStart <= ?2),
                            ?2)
                    ORDER BY serialStart
                    """),
            arguments: [registry.rawValue, range.start, range.end]
        ).map(holding)
    }

    private static func insert(_ db: Database, _ holding: ITLHolding) throws {
        let attributes = try String(decoding: JSONEncoder().encode(holding.block.attributes), as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO holding (originatingRegistry, serialStart, serialEnd, holder, cancelled, attributes)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                holding.block.originatingRegistry.rawValue, holding.block.range.start, holding.block.range.end,
                holding.holder.rawValue, holding.isCancelled, attributes,
            ])
    }

    private static func holding(_ row: Row) throws -> ITLHolding {
        let text: String = row["attributes"]
        let holder: String = row["holder"]
        do {
            let attributes = try JSONDecoder().decode(UnitAttributes.self, from: Data(text.utf8))
            let range = try SerialRange(row["serialStart"], row["serialEnd"])
            return ITLHolding(
                block: UnitBlock(range: range, attributes: attributes), holder: try RegistryCode(holder),
                isCancelled: row["cancelled"])
        } catch {
            throw ITLRecordError.corruptRow(table: "holding", detail: "\(error)")
        }
    }

    private static func entry(_ row: Row) throws -> ITLTransactionEntry {
        do {
            let blocksText: String = row["blocks"]
            let codesText: String = row["responseCodes"]
            guard let type = TransactionType(rawValue: row["type"]),
                let status = TransactionStatus(rawValue: row["status"])
            else { throw ITLRecordError.corruptRow(table: "transactionLog", detail: "type or status code") }
            return ITLTransactionEntry(
                identifier: try TransactionIdentifier(row["identifier"]), type: type,
                transferringRegistry: try RegistryCode(row["transferringRegistry"]),
                acquiringRegistry: try RegistryCode(row["acquiringRegistry"]), status: status,
                responseCodes: codesText.split(separator: ",").compactMap { Int($0).map { DESResponseCode($0) } },
                blocks: try JSONDecoder().decode([UnitBlock].self, from: Data(blocksText.utf8)),
                proposedAt: Date(timeIntervalSince1970: row["proposedAt"]),
                statusAt: Date(timeIntervalSince1970: row["statusAt"]),
                notificationIdentifier: row["notificationIdentifier"])
        } catch let error as ITLRecordError {
            throw error
        } catch {
            throw ITLRecordError.corruptRow(table: "transactionLog", detail: "\(error)")
        }
    }

    private static func codesText(_ codes: [DESResponseCode]) -> String {
        codes.map { String($0.rawValue) }.joined(separator: ",")
    }

    private static func blocksText(_ blocks: [UnitBlock]) throws -> String {
        String(decoding: try JSONEncoder().encode(blocks), as: UTF8.self)
    }

    private func run<T>(_ body: () throws -> T) throws(ITLRecordError) -> T {
        do { return try body() } catch let error as ITLRecordError { throw error } catch {
            throw .database("\(path): \(error)")
        }
    }
}
