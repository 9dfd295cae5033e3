import Foundation
import GRDB

/// The registry's store file opened read-only: a connection pool of its own beside the daemon's, in
/// `SQLITE_OPEN_READONLY` mode, so nothing reached from the public listener can change the ledger.
///
/// The daemon keeps the store in WAL mode, so these readers see each committed state without blocking it.
final class PublicStore: Sendable {
    let path: String
    private let pool: DatabasePool

    /// The oldest schema the reports can read: version 2 added the engine's transactions (cancellations).
    static let minimumSchemaVersion = 2

    init(path: String) throws(PublicReportsError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(path: path, "no such file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "public-reports"
        configuration.maximumReaderCount = 4
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, "\(error)")
        }
        let version: Int
        do {
            version = try pool.read { db in
                guard try db.tableExists("meta") else { return -1 }
                return try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'") ?? 0
            }
        } catch {
            throw .notARegistryStore(path: path, "\(error)")
        }
        guard version >= 0 else { throw .notARegistryStore(path: path, "it has no meta table") }
        guard version >= Self.minimumSchemaVersion else {
            throw .notARegistryStore(
                path: path,
                "schema version \(version) predates the engine's tables (needs \(Self.minimumSchemaVersion))")
        }
    }

    /// One consistent snapshot of the store (a read transaction) for the whole of one report.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    func close() throws { try pool.close() }
}
