import GRDB

/// A savepoint whose statements are compiled once per connection.
///
/// GRDB's `inSavepoint` compiles its SAVEPOINT and RELEASE text on every call; the simulators open one per message
/// (group commit) and one more per completion, on the path whose CPU per transfer the end-to-end benchmark measures.
enum Savepoint {
    /// Runs `work` in a savepoint: its writes stay if it returns and are undone alone if it throws, while the
    /// enclosing transaction goes on. Outside a transaction it is GRDB's `inSavepoint`, which opens one instead
    /// (a top-level SQLite savepoint would start a deferred transaction).
    static func run<T>(_ db: Database, _ work: () throws -> T) throws -> T {
        guard db.isInsideTransaction else {
            var value: T?
            try db.inSavepoint {
                value = try work()
                return .commit
            }
            guard let value else { throw SavepointError.noValue }
            return value
        }
        try db.cachedStatement(sql: "SAVEPOINT simulatorWrite").execute()
        let value: T
        do {
            value = try work()
        } catch {
            // As GRDB does: the work's error is the one reported. Should the rollback itself fail, SQLite has
            // already ended the enclosing transaction, whose commit then fails for every write in it.
            try? db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT simulatorWrite").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT simulatorWrite").execute()
            throw error
        }
        try db.cachedStatement(sql: "RELEASE SAVEPOINT simulatorWrite").execute()
        return value
    }
}

/// A savepoint's work that returned no value (its transaction ended before the work could run).
enum SavepointError: Error, CustomStringConvertible {
    case noValue

    var description: String { "the savepoint's transaction ended before its work ran" }
}
