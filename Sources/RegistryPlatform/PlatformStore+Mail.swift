import Foundation
import GRDB

/// What an e-mail to a buyer tells.
public enum PlatformMailKind: String, Hashable, Sendable, CaseIterable {
    /// The payment arrived: the order's link (the only way back to it).
    case received
    /// The units are cancelled: the attestation's link.
    case completed
    /// No units, and the payment went back.
    case refunded
}

/// One queued e-mail.
public struct PlatformMailItem: Hashable, Sendable {
    public var id: Int64
    public var orderID: Int64
    public var kind: PlatformMailKind
    public var queuedAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date
    public var sentAt: Date?
    public var lastError: String?
}

extension PlatformStore {
    /// Queues `kind` for the order inside the caller's transaction; once per order and kind, whatever repeats.
    static func queueMail(_ db: Database, order: Int64, _ kind: PlatformMailKind, now: Date) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO mail_outbox (order_id, kind, queued_at, next_attempt_at) VALUES (?, ?, ?, ?)
                """,
            arguments: [order, kind.rawValue, now.timeIntervalSince1970, now.timeIntervalSince1970])
    }

    /// Unsent e-mails whose next attempt is due, oldest first.
    func dueMail(now: Date, limit: Int = 100) throws(PlatformError) -> [PlatformMailItem] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?
                    """, arguments: [now.timeIntervalSince1970, limit]
            ).map(Self.mailItem)
        }
    }

    /// The queue, newest first (sent and unsent), for operators and tests.
    public func mailQueue(limit: Int = 100) throws(PlatformError) -> [PlatformMailItem] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mail_outbox ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.mailItem)
        }
    }

    /// How many e-mails wait to be sent.
    public func mailWaitingCount() throws(PlatformError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL") ?? 0 }
    }

    func markMailSent(_ id: Int64, now: Date) throws(PlatformError) {
        try write { db in
            try db.execute(
                sql: "UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                arguments: [now.timeIntervalSince1970, id])
        }
    }

    func recordMailFailure(_ id: Int64, error: String, nextAttemptAt: Date) throws(PlatformError) {
        try write { db in
            try db.execute(
                sql: "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [String(error.prefix(500)), nextAttemptAt.timeIntervalSince1970, id])
        }
    }

    private static func mailItem(_ row: Row) throws -> PlatformMailItem {
        let id: Int64 = row["id"]
        guard let kind = PlatformMailKind(rawValue: row["kind"]) else {
            throw PlatformError.store("mail \(id): unknown kind")
        }
        return PlatformMailItem(
            id: id, orderID: row["order_id"], kind: kind, queuedAt: Date(timeIntervalSince1970: row["queued_at"]),
            attempts: row["attempts"], nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]),
            sentAt: (row["sent_at"] as Double?).map(Date.init(timeIntervalSince1970:)), lastError: row["last_error"])
    }
}
