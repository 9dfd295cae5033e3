import GRDB

/// Fixed SQL on the per-message path goes through GRDB's statement cache: compiled once per connection instead of on
/// every call (at saturation, SQLite compiling the same statements again was about a fifth of the daemon's CPU).
/// Only SQL whose text never varies may come here: the cache is keyed by the text.
extension Database {
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func cachedRow(sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func cachedRows(sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }
}
