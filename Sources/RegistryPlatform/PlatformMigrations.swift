import GRDB

/// The platform database's schema, built by migrations that are never edited once shipped (files in the field have
/// run them); later changes are appended as new migrations.
enum PlatformMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-offers-orders-payment-events") { db in try db.execute(sql: version1) }
        migrator.registerMigration("v2-refunds") { db in try db.execute(sql: version2) }
        migrator.registerMigration("v3-mail-outbox") { db in try db.execute(sql: version3) }
        migrator.registerMigration("v4-holder-access") { db in try db.execute(sql: version4) }
        return migrator
    }

    /// Decisions:
    /// - an offer's units are counted in one row (held, sold, released, releasing, returned); the CHECK makes an
    ///   oversell impossible even if a code path forgot to look;
    /// - times are Unix seconds (REAL), money is integer minor units;
    /// - `payment_events` keeps every processed webhook event id: a replay is recognised by its primary key.
    static let version1 = """
        CREATE TABLE offers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL,
            issuance_project INTEGER,
            issuance_number INTEGER,
            instructed_by TEXT,
            seller TEXT NOT NULL,
            hold TEXT NOT NULL UNIQUE,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            price_minor INTEGER NOT NULL CHECK (price_minor > 0),
            currency TEXT NOT NULL,
            valid_until REAL NOT NULL,
            created_at REAL NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'withdrawn', 'expired')),
            ended_at REAL,
            project INTEGER NOT NULL,
            project_title TEXT NOT NULL,
            project_type TEXT NOT NULL,
            host_party TEXT NOT NULL,
            unit_type INTEGER NOT NULL,
            commitment_period INTEGER NOT NULL,
            vintage INTEGER NOT NULL,
            held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
            sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0),
            released INTEGER NOT NULL DEFAULT 0 CHECK (released >= 0),
            releasing INTEGER NOT NULL DEFAULT 0 CHECK (releasing >= 0),
            returned INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0),
            CHECK (held + sold + released + releasing + returned <= quantity)
        );
        CREATE INDEX offers_by_status ON offers (status, valid_until);
        CREATE INDEX offers_releasing ON offers (releasing) WHERE releasing > 0;
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            token TEXT NOT NULL UNIQUE,
            offer_id INTEGER NOT NULL REFERENCES offers (id),
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            price_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            beneficiary TEXT NOT NULL,
            purpose TEXT NOT NULL,
            email TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            payment_id TEXT UNIQUE,
            payment_url TEXT,
            paid_at REAL,
            transaction_id TEXT,
            completed_at REAL,
            failure TEXT,
            ended_at REAL
        );
        CREATE INDEX orders_by_status ON orders (status, expires_at);
        CREATE INDEX orders_by_offer ON orders (offer_id);
        CREATE TABLE payment_events (
            event_id TEXT PRIMARY KEY,
            payment_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            received_at REAL NOT NULL
        );
        """

    /// Refunds: the provider's refund id and when it was made, on the order it gives back.
    static let version2 = """
        ALTER TABLE orders ADD COLUMN refund_id TEXT;
        ALTER TABLE orders ADD COLUMN refunded_at REAL;
        """

    /// E-mails to buyers, queued in the same transaction as the order change they tell of (one per order and
    /// kind) and sent by the periodic task; the text is written when sent, from the order as it is then.
    static let version3 = """
        CREATE TABLE mail_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            kind TEXT NOT NULL,
            queued_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            sent_at REAL,
            last_error TEXT,
            UNIQUE (order_id, kind)
        );
        CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
        """

    /// Holders' own access: a representative of a holding account signs in with a key the registry's staff hand
    /// over; only SHA-256 digests of keys and session tokens are stored, so a copy of the file signs nobody in.
    static let version4 = """
        CREATE TABLE representatives (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL,
            name TEXT NOT NULL,
            key_digest TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL,
            revoked_at REAL
        );
        CREATE TABLE holder_sessions (
            token_digest TEXT PRIMARY KEY NOT NULL,
            representative_id INTEGER NOT NULL REFERENCES representatives (id),
            csrf TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE INDEX holder_sessions_expiry ON holder_sessions (expires_at);
        CREATE INDEX offers_by_account ON offers (account, id);
        """
}
