import Foundation
import GRDB

/// The platform's own SQLite file: offers, orders and processed payment events. It never opens the registry's
/// store; units move only through `PlatformRegistry`.
///
/// Durability as in STACK.md section 5: WAL, and `synchronous = FULL` set after opening (GRDB resets it on the
/// writer) and read back, because a payment acknowledged to the provider must survive a power failure.
public final class PlatformStore: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) and migrates the file at `path`; refuses a file whose durability settings do not
    /// take effect or that a newer build migrated.
    public init(path: String) throws(PlatformError) {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "PlatformStore"
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            let synchronous = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            }
            guard synchronous == 2 else {
                try? pool.close()
                throw PlatformError.store("\(path): synchronous is \(synchronous), not FULL; refusing to run")
            }
            let superseded = try pool.read { db in try PlatformMigrations.migrator.hasBeenSuperseded(db) }
            guard !superseded else {
                try? pool.close()
                throw PlatformError.store("\(path) was written by a newer build (unknown migrations)")
            }
            try PlatformMigrations.migrator.migrate(pool)
            self.pool = pool
        } catch let error as PlatformError {
            throw error
        } catch {
            throw .store("\(path): \(error)")
        }
    }

    /// Runs a write transaction, mapping database failures to `PlatformError.store` and passing ours through.
    func write<T>(_ body: (Database) throws -> T) throws(PlatformError) -> T {
        do { return try pool.write(body) } catch let error as PlatformError { throw error } catch {
            throw .store(String(describing: error))
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(PlatformError) -> T {
        do { return try pool.read(body) } catch let error as PlatformError { throw error } catch {
            throw .store(String(describing: error))
        }
    }
}
