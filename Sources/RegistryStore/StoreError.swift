/// Why the store refused to open, to read or to write. Domain refusals of an operation (insufficient units, unknown
/// account, ...) are not here: they are the ledger's own `LedgerError`, passed through unchanged.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file was written by a newer build; opening it with this one could misread or damage it.
    case newerSchema(found: Int, supported: Int, path: String)
    /// SQLite did not accept `synchronous = FULL`; without it a committed operation could be lost on power failure.
    case notDurable(synchronous: Int, path: String)
    /// The file does not use write-ahead logging, which the store's concurrency and durability settings assume.
    case notWriteAheadLogged(journalMode: String, path: String)
    /// The store belongs to another registry than the one this process runs.
    case wrongRegistry(stored: String, expected: String)
    /// A stored value cannot be read back (a corrupted or hand-edited row).
    case unreadableRow(table: String, detail: String)
    /// A ledger mutation does not fit the stored state (the planner and the store disagree): nothing is written.
    case mutationRejected(String)
    /// The journal reached the largest sequence number.
    case journalFull
    /// A page size or other request parameter is out of range.
    case badRequest(String)
    /// The database engine failed (I/O error, disk full, locked beyond the busy timeout, ...).
    case database(String)

    public var description: String {
        switch self {
        case .newerSchema(let found, let supported, let path):
            "store \(path) has schema version \(found), written by a newer build; this build supports up to "
                + "version \(supported). Upgrade the software before opening this store"
        case .notDurable(let synchronous, let path):
            "store \(path): SQLite reports synchronous = \(synchronous) after setting FULL (2); refusing to run "
                + "without full durability"
        case .notWriteAheadLogged(let mode, let path):
            "store \(path): journal mode is '\(mode)', expected 'wal'"
        case .wrongRegistry(let stored, let expected):
            "store belongs to registry \(stored), not \(expected)"
        case .unreadableRow(let table, let detail):
            "store table \(table) holds an unreadable row: \(detail)"
        case .mutationRejected(let detail):
            "ledger change does not fit the stored state: \(detail)"
        case .journalFull:
            "the journal has reached the largest sequence number"
        case .badRequest(let detail):
            "bad store request: \(detail)"
        case .database(let detail):
            "database failure: \(detail)"
        }
    }
}
