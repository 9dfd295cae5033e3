import Crypto
import Foundation
import GRDB
import RegistryCore

/// A holding account's representative, who may offer that account's units on the platform without the registry's
/// staff entering them.
public struct Representative: Hashable, Sendable {
    public var id: Int64
    public var account: AccountIdentifier
    /// The seller's name buyers see on the representative's offers.
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?
}

/// A signed-in representative: who, and the token that must accompany every form they post (CSRF).
public struct HolderSession: Hashable, Sendable {
    public var representative: Representative
    public var csrf: String
    public var expiresAt: Date
}

extension PlatformStore {
    /// SHA-256, hex: what is stored of keys and session tokens.
    static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func addRepresentative(account: AccountIdentifier, name: String, key: String, now: Date) throws(PlatformError)
        -> Representative
    {
        try write { db in
            try db.execute(
                sql: "INSERT INTO representatives (account, name, key_digest, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.description, name, Self.digest(key), now.timeIntervalSince1970])
            return Representative(
                id: db.lastInsertedRowID, account: account, name: name, createdAt: now, revokedAt: nil)
        }
    }

    /// Revokes a representative and ends their sessions; nil when there is no such representative.
    func revokeRepresentative(_ id: Int64, now: Date) throws(PlatformError) -> Representative? {
        try write { db in
            try db.execute(
                sql: "UPDATE representatives SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [now.timeIntervalSince1970, id])
            try db.execute(sql: "DELETE FROM holder_sessions WHERE representative_id = ?", arguments: [id])
            return try Row.fetchOne(db, sql: "SELECT * FROM representatives WHERE id = ?", arguments: [id])
                .map(Self.representative)
        }
    }

    public func representatives() throws(PlatformError) -> [Representative] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM representatives ORDER BY id").map(Self.representative)
        }
    }

    /// Opens a session for the representative whose key this is (not revoked); nil for any other key.
    func openSession(key: String, token: String, csrf: String, now: Date, lifetime: TimeInterval)
        throws(PlatformError) -> HolderSession?
    {
        try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM representatives WHERE key_digest = ? AND revoked_at IS NULL",
                    arguments: [Self.digest(key)])
            else { return nil }
            let representative = try Self.representative(row)
            let expires = now.addingTimeInterval(lifetime)
            try db.execute(
                sql: """
                    INSERT INTO holder_sessions (token_digest, representative_id, csrf, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Self.digest(token), representative.id, csrf, now.timeIntervalSince1970,
                    expires.timeIntervalSince1970,
                ])
            return HolderSession(representative: representative, csrf: csrf, expiresAt: expires)
        }
    }

    /// The live session of a token: not expired, its representative not revoked.
    func session(token: String, now: Date) throws(PlatformError) -> HolderSession? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT r.*, s.csrf, s.expires_at FROM holder_sessions s
                        JOIN representatives r ON r.id = s.representative_id
                        WHERE s.token_digest = ? AND s.expires_at > ? AND r.revoked_at IS NULL
                        """, arguments: [Self.digest(token), now.timeIntervalSince1970])
            else { return nil }
            return HolderSession(
                representative: try Self.representative(row), csrf: row["csrf"],
                expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
        }
    }

    func closeSession(token: String) throws(PlatformError) {
        try write { db in
            try db.execute(sql: "DELETE FROM holder_sessions WHERE token_digest = ?", arguments: [Self.digest(token)])
        }
    }

    /// Forgets sessions past their end; returns how many.
    @discardableResult
    func deleteExpiredSessions(now: Date) throws(PlatformError) -> Int {
        try write { db in
            try db.execute(
                sql: "DELETE FROM holder_sessions WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Every offer of an account, newest first.
    func offers(ofAccount account: AccountIdentifier) throws(PlatformError) -> [Offer] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM offers WHERE account = ? ORDER BY id DESC", arguments: [account.description]
            ).map { row in try Self.offer(from: row) }
        }
    }

    private static func representative(_ row: Row) throws -> Representative {
        let id: Int64 = row["id"]
        let account: AccountIdentifier
        do { account = try AccountIdentifier(parsing: row["account"]) } catch {
            throw PlatformError.store("representative \(id): account does not parse: \(error)")
        }
        return Representative(
            id: id, account: account, name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
