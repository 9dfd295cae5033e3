import Foundation
import GRDB
import RegistryCore

/// A free-text message an administrator sent through DES acceptMessage.
public struct ITLMessageRecord: Hashable, Sendable {
    public var id: Int64
    public var sender: RegistryCode
    public var content: String
    /// When the sender wrote it (the message's `messageDateTime`).
    public var messageAt: Date
    public var receivedAt: Date
}

extension SQLiteRegistryStore {
    /// Stores a message once (the same sender, time and text again is a redelivery); returns whether it was new.
    @discardableResult
    public func saveITLMessage(from sender: RegistryCode, content: String, messageAt: Date, receivedAt: Date) throws
        -> Bool
    {
        try write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO itl_messages (sender, content, message_at, received_at) VALUES (?, ?, ?, ?)
                    """,
                arguments: [
                    sender.rawValue, content, messageAt.timeIntervalSince1970, receivedAt.timeIntervalSince1970,
                ])
            return db.changesCount == 1
        }
    }

    /// The latest messages, newest first.
    public func itlMessages(limit: Int) throws -> [ITLMessageRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM itl_messages ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map { row in
                    let sender: String = row["sender"]
                    guard let code = try? RegistryCode(sender) else {
                        throw StoreError.unreadableRow(table: "itl_messages", detail: "sender \(sender)")
                    }
                    return ITLMessageRecord(
                        id: row["id"], sender: code, content: row["content"],
                        messageAt: Date(timeIntervalSince1970: row["message_at"]),
                        receivedAt: Date(timeIntervalSince1970: row["received_at"]))
                }
        }
    }
}
