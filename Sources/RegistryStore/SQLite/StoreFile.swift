import Foundation
import GRDB

/// Opens the SQLite file of a store with the settings durability depends on, and checks that they took effect.
///
/// STACK.md section 5: `DatabasePool` sets `synchronous = NORMAL` on its writer after `prepareDatabase`, so FULL
/// must be set afterwards through `writeWithoutTransaction` and read back; a store that cannot get FULL refuses to
/// run rather than lose acknowledged operations on power failure.
enum StoreFile {
    /// SQLite's code for `synchronous = FULL`.
    static let synchronousFull = 2

    static func open(path: String, options: SQLiteStoreOptions) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.maximumReaderCount = options.maximumReaderCount
        configuration.label = "RegistryStore"
        configuration.prepareDatabase { db in
            // A bounded page cache per connection: large scans (verify) stream through it instead of growing.
            try db.execute(sql: "PRAGMA cache_size = -\(options.pageCacheKibibytes)")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let synchronous = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        guard synchronous == synchronousFull else {
            try? pool.close()
            throw StoreError.notDurable(synchronous: synchronous, path: path)
        }
        let journalMode = try pool.read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
        }
        guard journalMode.lowercased() == "wal" else {
            try? pool.close()
            throw StoreError.notWriteAheadLogged(journalMode: journalMode, path: path)
        }
        return pool
    }

    /// The writer connection's `synchronous` setting as SQLite reports it now.
    static func synchronousSetting(of pool: DatabasePool) throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }
}

/// Tuning of the SQLite store that an operator may change; durability settings are not among them on purpose.
public struct SQLiteStoreOptions: Sendable, Hashable {
    /// How long a write waits for another process holding the write lock before failing.
    public var busyTimeout: TimeInterval
    /// Concurrent read-only connections (balances, verify) next to the single writer.
    public var maximumReaderCount: Int
    /// Page cache per connection, in KiB.
    public var pageCacheKibibytes: Int

    public init(
        busyTimeout: TimeInterval = 5, maximumReaderCount: Int = 4, pageCacheKibibytes: Int = 16_384
    ) {
        self.busyTimeout = busyTimeout
        self.maximumReaderCount = maximumReaderCount
        self.pageCacheKibibytes = pageCacheKibibytes
    }
}
