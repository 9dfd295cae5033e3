import Foundation
import GRDB
import RegistryCore

/// The embedded store: one SQLite file in WAL mode with `synchronous = FULL`, written through GRDB.
///
/// One writer connection serialises operations (the ledger's planners need a stable view while they decide);
/// readers (balances, blocks, journal, verify) run on their own connections against WAL snapshots and never wait
/// for a writer.
public final class SQLiteRegistryStore: RegistryStore {
    public let registryCode: RegistryCode
    /// Where the file is, for messages.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the store at `path` for `registryCode`, refusing a store of a newer schema, of
    /// another registry, or one where full durability cannot be had.
    public init(
        path: String, registryCode: RegistryCode = .cdm, options: SQLiteStoreOptions = .init()
    ) throws {
        self.registryCode = registryCode
        self.path = path
        pool = try Self.translatingErrors { try StoreFile.open(path: path, options: options) }
        do {
            try Self.translatingErrors {
                try StoreMigrations.prepare(pool, path: path, registryCode: registryCode.rawValue)
            }
        } catch {
            try? pool.close()
            throw error
        }
    }

    /// Closes the file; the store must not be used afterwards.
    public func close() throws {
        try Self.translatingErrors { try pool.close() }
    }

    /// The writer's `synchronous` setting as SQLite reports it (2 = FULL), for start-up checks and tests.
    public func synchronousSetting() throws -> Int {
        try Self.translatingErrors { try StoreFile.synchronousSetting(of: pool) }
    }

    /// Commits one tiny durable write (a row in `meta`) on the writer, as an operation would: the floor of a
    /// durable commit on this disk, for health checks and for benchmarks to compare operations against.
    public func probeDurableCommit() throws {
        try write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO meta (key, value) VALUES ('durability_probe', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """
            ).execute(arguments: [Date().timeIntervalSince1970])
        }
    }

    /// The schema version recorded in the file.
    public func schemaVersion() throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'") ?? 0
        }
    }

    // MARK: Operations

    public func perform(_ command: LedgerCommand, at time: Date) throws -> JournalRecord {
        try write { db in
            try Self.perform(
                command, at: time, in: db, registryCode: registryCode, after: try SQLiteJournal.head(in: db))
        }
    }

    public func performAll(_ commands: [TimedCommand]) throws -> [JournalRecord] {
        try write { db in
            var head = try SQLiteJournal.head(in: db)
            return try commands.map {
                let record = try Self.perform(
                    $0.command, at: $0.time, in: db, registryCode: registryCode, after: head)
                head = (record.sequence, record.hash)
                return record
            }
        }
    }

    /// Applies changes planned elsewhere (by the in-memory `Ledger` during a migration, or a test fixture) in ONE
    /// transaction, each through the same writer and with its own journal entry, exactly as `performAll` would
    /// store them had it planned them itself.
    ///
    /// Why it exists: loading 10^6 blocks operation by operation spends nearly all its time re-planning what is
    /// already decided. The store does not re-plan: a mutation that does not fit the stored state is refused
    /// (`StoreError.mutationRejected`, nothing written), but a consistent-looking wrong change is only found by
    /// `verify`, which an importer must run afterwards.
    public func importChanges(_ changes: [LedgerChange]) throws -> [JournalRecord] {
        try write { db in
            let writer = SQLiteLedgerWriter(db: db)
            var head = try SQLiteJournal.head(in: db)
            var records: [JournalRecord] = []
            records.reserveCapacity(changes.count)
            for change in changes {
                for mutation in change.mutations { try writer.apply(mutation) }
                let record = try SQLiteJournal.append(change.journal, in: db, after: head)
                head = (record.sequence, record.hash)
                records.append(record)
            }
            return records
        }
    }

    /// Plan against the transaction's own view, apply the mutations, append the journal entry: a planning
    /// refusal throws before anything is written, and any later failure rolls the transaction back.
    static func perform(
        _ command: LedgerCommand, at time: Date, in db: Database, registryCode: RegistryCode,
        after head: (sequence: Int64, hash: Data)?
    ) throws -> JournalRecord {
        let view = SQLiteLedgerView(db: db, registryCode: registryCode)
        let change = try RegistryCore.plan(command, on: view, at: time)
        let writer = SQLiteLedgerWriter(db: db)
        for mutation in change.mutations {
            try writer.apply(mutation)
        }
        return try SQLiteJournal.append(change.journal, in: db, after: head)
    }

    // MARK: Reads

    public func account(_ id: AccountIdentifier) throws -> Account? {
        try read { db in try SQLiteLedgerView(db: db, registryCode: registryCode).account(id) }
    }

    public func accounts(after: AccountIdentifier?, limit: Int) throws -> [Account] {
        try Self.checkLimit(limit)
        return try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT \(AccountColumns.selection) FROM accounts
                    WHERE (registry, type, number, commitment_period) > (?, ?, ?, ?)
                    ORDER BY registry, type, number, commitment_period LIMIT ?
                    """)
            let arguments: StatementArguments =
                if let after {
                    [after.registry.rawValue, after.type.rawValue, after.id, after.commitmentPeriod, limit]
                } else {
                    ["", Int.min, Int64.min, Int.min, limit]
                }
            return try Row.fetchAll(statement, arguments: arguments).map(AccountColumns.account(from:))
        }
    }

    public func balance(of id: AccountIdentifier) throws -> Int64 {
        try read { db in try SQLiteLedgerView(db: db, registryCode: registryCode).balance(of: id) }
    }

    public func holdings(matching filter: HoldingFilter) throws -> [Holding] {
        try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT account, unit_type, original_commitment_period, applicable_commitment_period, quantity,
                        block_count
                    FROM holdings WHERE (?1 IS NULL OR account = ?1) AND (?2 IS NULL OR unit_type = ?2)
                        AND (?3 IS NULL OR applicable_commitment_period = ?3)
                    ORDER BY account, unit_type, original_commitment_period, applicable_commitment_period
                    """)
            let arguments: StatementArguments = [
                filter.account?.shortForm, filter.unitType?.rawValue,
                filter.applicableCommitmentPeriod?.rawValue,
            ]
            return try Row.fetchAll(statement, arguments: arguments).map(Self.holding(from:))
        }
    }

    public func blocks(in account: AccountIdentifier, after: BlockKey?, limit: Int) throws
        -> [UnitBlock]
    {
        try Self.checkLimit(limit)
        return try readStatement { db in
            try SQLiteLedgerView(db: db, registryCode: registryCode).availableBlocks(
                in: account, after: after, limit: limit)
        }
    }

    /// Every stored block sharing a serial with `range`, wherever it is (account, reservation or transferred out).
    public func placements(overlapping range: SerialRange, originatingRegistry: RegistryCode) throws
        -> [Placement]
    {
        try read { db in
            try SQLiteLedgerView(db: db, registryCode: registryCode).placements(
                overlapping: range, originatingRegistry: originatingRegistry)
        }
    }

    public func project(_ number: Int) throws -> Project? {
        try read { db in try SQLiteLedgerView(db: db, registryCode: registryCode).project(number) }
    }

    public func issuance(_ id: IssuanceIdentifier) throws -> IssuanceRecord? {
        try read { db in try SQLiteLedgerView(db: db, registryCode: registryCode).issuance(id) }
    }

    public func reservation(_ transaction: TransactionIdentifier) throws -> Reservation? {
        try read { db in
            try SQLiteLedgerView(db: db, registryCode: registryCode).reservation(transaction)
        }
    }

    public func journal(after sequence: Int64, limit: Int) throws -> [JournalRecord] {
        try Self.checkLimit(limit)
        return try read { db in try SQLiteJournal.records(after: sequence, limit: limit, in: db) }
    }

    public func journalTail(limit: Int) throws -> [JournalRecord] {
        try Self.checkLimit(limit)
        return try read { db in try SQLiteJournal.tail(limit: limit, in: db) }
    }

    /// The number of journal entries.
    public func journalCount() throws -> Int64 {
        try read { db in try SQLiteJournal.count(in: db) }
    }

    public func verify() throws -> StoreVerification { try verify(deep: false) }

    /// `deep` also decodes every journal payload as a `JournalEntry`, reporting entries this build cannot read;
    /// the hash chain alone already proves that no stored byte changed, so routine checks leave it off.
    public func verify(deep: Bool) throws -> StoreVerification {
        try read { db in try StoreVerifier.verify(db, deep: deep) }
    }

    // MARK: Plumbing

    /// Pages are bounded so that one request can never ask for the whole ledger.
    static let maximumPage = 100_000

    private static func checkLimit(_ limit: Int) throws {
        guard (1...maximumPage).contains(limit) else {
            throw StoreError.badRequest("page size \(limit) is outside 1...\(maximumPage)")
        }
    }

    private static func holding(from row: Row) throws -> Holding {
        do {
            let typeCode: Int = try row.decode(atIndex: 1)
            let originalCode: Int = try row.decode(atIndex: 2)
            let applicableCode: Int = try row.decode(atIndex: 3)
            guard let unitType = UnitType(rawValue: typeCode),
                let original = CommitmentPeriod(rawValue: originalCode),
                let applicable = CommitmentPeriod(rawValue: applicableCode)
            else {
                throw StoreError.unreadableRow(
                    table: "holdings",
                    detail: "unit type \(typeCode), periods \(originalCode)/\(applicableCode)")
            }
            return Holding(
                account: try AccountIdentifier(parsing: try row.decode(atIndex: 0)), unitType: unitType,
                originalCommitmentPeriod: original, applicableCommitmentPeriod: applicable,
                quantity: try row.decode(atIndex: 4), blockCount: try row.decode(atIndex: 5))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadableRow(table: "holdings", detail: "\(error)")
        }
    }

    /// One IMMEDIATE transaction on the writer connection: the write lock is taken at BEGIN, so another process
    /// holding it makes this wait (up to the busy timeout) at BEGIN, never half-way through an operation.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.translatingErrors {
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else {
                    throw StoreError.database("transaction committed without a result")
                }
                return result
            }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.translatingErrors { try pool.read(body) }
    }

    /// A read of ONE statement, outside a transaction: SQLite runs a lone statement in its own implicit read
    /// transaction, so it sees one consistent state without GRDB's BEGIN and COMMIT around it (compiled anew each
    /// time; a measurable share of the daemon's CPU on the per-message reads). Never for several statements.
    func readStatement<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.translatingErrors { try pool.unsafeRead(body) }
    }

    /// Keeps GRDB out of the protocol seam: engine failures become `StoreError.database`; ledger and store errors
    /// pass unchanged.
    static func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.database(error.description)
        }
    }
}
