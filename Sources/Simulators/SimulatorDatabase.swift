import GRDB

/// Opens a simulator's SQLite file the way the registry's own store does: WAL, and `synchronous = FULL` set after
/// opening and read back, because GRDB's pool resets the writer to NORMAL (STACK.md section 5).
enum SimulatorDatabase {
    /// The file opened but cannot give full durability.
    enum DurabilityFailure: Error {
        case notDurable(synchronous: Int)
        case notWriteAheadLogged(journalMode: String)
    }

    static func open(path: String, label: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = label
        configuration.busyMode = .timeout(5)
        let pool = try DatabasePool(path: path, configuration: configuration)
        do {
            let synchronous = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            }
            guard synchronous == 2 else { throw DurabilityFailure.notDurable(synchronous: synchronous) }
            let mode = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
            guard mode.lowercased() == "wal" else { throw DurabilityFailure.notWriteAheadLogged(journalMode: mode) }
            return pool
        } catch {
            try? pool.close()
            throw error
        }
    }
}
