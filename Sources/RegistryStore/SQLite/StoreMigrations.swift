import GRDB

/// The store's schema, built by incremental, never-edited migrations; each one ends by recording its version in
/// `meta`, so a build can tell a file written by a newer build and refuse it before touching anything.
///
/// Later migrations (the engine's transactions and outbox tables) are appended here as `v2`, `v3`, ...: a shipped
/// migration is never changed, because stores in the field have already run it.
enum StoreMigrations {
    /// Every migration this build knows, in order, with the schema version it leaves behind.
    static let migrations: [(identifier: String, version: Int, sql: String)] = [
        ("v1-ledger-and-journal", 1, version1),
        ("v2-engine-transactions-and-outbox", 2, version2),
        ("v3-reconciliations-and-notices", 3, version3),
        ("v4-attestations", 4, version4),
        ("v5-cancellation-references", 5, version5),
        ("v6-itl-messages", 6, version6),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
                try db.execute(
                    sql: "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                        + "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    arguments: [migration.version])
            }
        }
        return migrator
    }

    /// Refuses a store of a newer schema, then brings an older or new one up to this build's version and checks
    /// that it belongs to `registryCode` (recording it when the store is new).
    static func prepare(_ pool: DatabasePool, path: String, registryCode: String) throws {
        let supported = StoreSchemaVersion.current
        try pool.read { db in
            guard try db.tableExists("meta") else { return }
            let found =
                try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'") ?? 0
            let superseded = try migrator.hasBeenSuperseded(db)
            if found > supported || superseded {
                throw StoreError.newerSchema(
                    found: max(found, supported + 1), supported: supported, path: path)
            }
        }
        try migrator.migrate(pool)
        try pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO meta (key, value) VALUES ('registry_code', ?) ON CONFLICT (key) DO NOTHING",
                arguments: [registryCode])
            let stored =
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'registry_code'") ?? ""
            guard stored == registryCode else {
                throw StoreError.wrongRegistry(stored: stored, expected: registryCode)
            }
        }
    }

    /// The ledger, its journal and the store's own metadata.
    ///
    /// Decisions:
    /// - blocks carry every `UnitAttributes` field as a column and their location as one of three columns, so the
    ///   ledger's questions are index range scans: `blocks_by_serial` gives global take order and the overlap scan
    ///   ("largest start <= x, then following"), `blocks_available` an account's unreserved blocks in take order,
    ///   `blocks_reserved` a reservation's blocks.
    /// - holdings keep each account's quantity per (unit type, original CP, applicable CP), updated in the same
    ///   transaction as the blocks and re-derived from the blocks by `verify`, so a balance is a few-row lookup
    ///   even for an account of a million blocks.
    /// - projects, issuances and reservations are read and written whole by the planner, never searched by their
    ///   inner fields, so they are stored as canonical JSON next to the key columns that find them.
    /// - the journal is append-only (triggers refuse UPDATE and DELETE) and hash-chained; its head is recorded in
    ///   the same transaction as each append, so entries cut off the end are detected too.
    /// - foreign keys are deferred to commit, because one change may add a reservation's blocks before the
    ///   reservation row (mutations are applied in the planner's order, which the store does not second-guess).
    static let version1 = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value ANY
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE accounts (
            identifier TEXT PRIMARY KEY NOT NULL,
            registry TEXT NOT NULL,
            type INTEGER NOT NULL,
            number INTEGER NOT NULL,
            commitment_period INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('permanentHolding', 'temporaryHolding', 'registryOperated')),
            associated_registry TEXT,
            state TEXT NOT NULL CHECK (state IN ('open', 'blocked', 'closed')),
            CHECK ((kind = 'temporaryHolding') = (associated_registry IS NOT NULL))
        ) STRICT, WITHOUT ROWID;
        CREATE UNIQUE INDEX accounts_in_order ON accounts (registry, type, number, commitment_period);

        CREATE TABLE projects (
            number INTEGER PRIMARY KEY NOT NULL,
            host_party TEXT NOT NULL,
            record BLOB NOT NULL
        ) STRICT;

        CREATE TABLE issuances (
            project INTEGER NOT NULL REFERENCES projects (number) DEFERRABLE INITIALLY DEFERRED,
            number INTEGER NOT NULL,
            unit_type INTEGER NOT NULL,
            originating_registry TEXT NOT NULL,
            serial_start INTEGER NOT NULL,
            serial_end INTEGER NOT NULL,
            record BLOB NOT NULL,
            PRIMARY KEY (project, number),
            CHECK (serial_start >= 1 AND serial_start <= serial_end)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE reservations (
            transaction_id TEXT PRIMARY KEY NOT NULL,
            source_account TEXT NOT NULL REFERENCES accounts (identifier) DEFERRABLE INITIALLY DEFERRED,
            record BLOB NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE blocks (
            id INTEGER PRIMARY KEY,
            originating_registry TEXT NOT NULL,
            serial_start INTEGER NOT NULL,
            serial_end INTEGER NOT NULL,
            location_kind TEXT NOT NULL CHECK (location_kind IN ('account', 'reserved', 'external')),
            account TEXT REFERENCES accounts (identifier) DEFERRABLE INITIALLY DEFERRED,
            reserved_for TEXT REFERENCES reservations (transaction_id) DEFERRABLE INITIALLY DEFERRED,
            external_registry TEXT,
            unit_type INTEGER NOT NULL,
            supplementary_unit_type INTEGER,
            original_commitment_period INTEGER NOT NULL,
            applicable_commitment_period INTEGER NOT NULL,
            lulucf_activity INTEGER,
            project INTEGER,
            track INTEGER,
            expiry_date TEXT,
            CHECK (serial_start >= 1 AND serial_start <= serial_end),
            CHECK ((location_kind = 'account') = (account IS NOT NULL)),
            CHECK ((location_kind = 'reserved') = (reserved_for IS NOT NULL)),
            CHECK ((location_kind = 'external') = (external_registry IS NOT NULL))
        ) STRICT;
        CREATE UNIQUE INDEX blocks_by_serial ON blocks (originating_registry, serial_start);
        CREATE INDEX blocks_available ON blocks (account, originating_registry, serial_start)
            WHERE account IS NOT NULL;
        CREATE INDEX blocks_reserved ON blocks (reserved_for, originating_registry, serial_start)
            WHERE reserved_for IS NOT NULL;

        CREATE TABLE holdings (
            account TEXT NOT NULL REFERENCES accounts (identifier) DEFERRABLE INITIALLY DEFERRED,
            unit_type INTEGER NOT NULL,
            original_commitment_period INTEGER NOT NULL,
            applicable_commitment_period INTEGER NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            block_count INTEGER NOT NULL CHECK (block_count >= 0),
            CHECK ((quantity = 0) = (block_count = 0)),
            PRIMARY KEY (account, unit_type, original_commitment_period, applicable_commitment_period)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE journal (
            sequence INTEGER PRIMARY KEY,
            recorded_at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            payload BLOB NOT NULL,
            previous_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        ) STRICT;
        CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: entries are never changed'); END;
        CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: entries are never removed'); END;

        CREATE TABLE journal_head (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            sequence INTEGER NOT NULL,
            hash BLOB NOT NULL
        ) STRICT;
        """

    /// The transaction engine's state, written in the same SQLite transaction as the ledger change it goes with.
    ///
    /// Decisions:
    /// - a transaction's state machine is stored whole as a JSON snapshot (restored and validated on start-up),
    ///   with the columns operators and timers search by beside it: final status (NULL while in flight), deadline,
    ///   peer registry;
    /// - every applied event is appended to `engine_events`, the transaction's own history for operators;
    /// - the outbox holds each outbound DES message exactly as it will be sent (operation and SOAP body), so what
    ///   goes out is what was committed; a row is deleted only once the peer acknowledged it.
    static let version2 = """
        CREATE TABLE engine_transactions (
            identifier TEXT PRIMARY KEY NOT NULL,
            flow TEXT NOT NULL,
            state TEXT NOT NULL,
            final_status INTEGER,
            deadline REAL,
            peer TEXT,
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            snapshot BLOB NOT NULL,
            details BLOB NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX engine_transactions_in_flight ON engine_transactions (deadline) WHERE final_status IS NULL;
        CREATE INDEX engine_transactions_recent ON engine_transactions (updated_at);

        CREATE TABLE engine_events (
            transaction_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            at REAL NOT NULL,
            event TEXT NOT NULL,
            state TEXT NOT NULL,
            PRIMARY KEY (transaction_id, sequence)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE engine_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            recipient TEXT NOT NULL,
            transaction_id TEXT,
            operation TEXT NOT NULL,
            body BLOB NOT NULL,
            enqueued_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            last_error TEXT
        ) STRICT;
        CREATE INDEX engine_outbox_by_recipient ON engine_outbox (recipient, id);
        """

    /// What the ITL asked of this registry beyond transactions: reconciliations (with their outcome and the
    /// operator's clearing of an alert) and ITL notices (with what the registry did about each).
    static let version3 = """
        CREATE TABLE reconciliations (
            identifier TEXT PRIMARY KEY NOT NULL,
            snapshot_at REAL NOT NULL,
            received_at REAL NOT NULL,
            phase INTEGER NOT NULL,
            status INTEGER NOT NULL,
            response_codes TEXT NOT NULL,
            alert INTEGER NOT NULL DEFAULT 0,
            cleared_at REAL,
            cleared_note TEXT,
            updated_at REAL NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE itl_notices (
            identifier INTEGER PRIMARY KEY NOT NULL,
            type INTEGER NOT NULL,
            status INTEGER NOT NULL,
            record BLOB NOT NULL,
            action TEXT NOT NULL,
            task_open INTEGER NOT NULL,
            action_due_date TEXT,
            received_at REAL NOT NULL,
            updated_at REAL NOT NULL
        ) STRICT;
        """

    /// Signed attestations of voluntary cancellation, one per completed cancellation into a 230 account. The
    /// document is kept byte for byte as signed: it is what the holder downloads and what verification checks.
    static let version4 = """
        CREATE TABLE attestations (
            number TEXT PRIMARY KEY NOT NULL,
            sequence INTEGER NOT NULL UNIQUE,
            transaction_id TEXT NOT NULL UNIQUE,
            issued_at REAL NOT NULL,
            document TEXT NOT NULL
        ) STRICT;
        """

    /// A cancellation's idempotency key (the platform's order reference) as an indexed column: before, a repeated
    /// order was found by scanning the stored requests of every cancellation ever made. Stores written before
    /// get the column filled from those requests (the engine's JSON: `{"cancellation":{"_0":{"reference":...}}}`).
    static let version5 = """
        ALTER TABLE engine_transactions ADD COLUMN reference TEXT;
        UPDATE engine_transactions
            SET reference = json_extract(CAST(details AS TEXT), '$.cancellation._0.reference')
            WHERE flow = 'cancellation' AND json_valid(CAST(details AS TEXT));
        CREATE INDEX engine_transactions_by_reference ON engine_transactions (reference) WHERE reference IS NOT NULL;
        """

    /// Free-text messages from the ITL's administrators (DES acceptMessage), kept for the operators. A message
    /// delivered again (the ITL did not get our answer) is the same sender, time and text: stored once.
    static let version6 = """
        CREATE TABLE itl_messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            sender TEXT NOT NULL,
            content TEXT NOT NULL,
            message_at REAL NOT NULL,
            received_at REAL NOT NULL,
            UNIQUE (sender, message_at, content)
        ) STRICT;
        """
}
