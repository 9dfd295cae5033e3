import Foundation
import GRDB
import Testing

@testable import RegistryCore
@testable import RegistryStore

/// Opening a store: durability settings read back, schema versions, registry ownership, reopening.
@Suite struct StoreOpeningTests {
    @Test func writerRunsWithSynchronousFullInWriteAheadLogMode() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("durable.sqlite"))
        #expect(try store.synchronousSetting() == 2)
        let modes = try store.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(modes.0 == "wal")
        #expect(modes.1 == 1)
        #expect(try store.schemaVersion() == StoreSchemaVersion.current)
    }

    @Test func storeWrittenByANewerVersionIsRefusedNamingBothVersions() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("newer.sqlite")
        let store = try SQLiteRegistryStore(path: path)
        let newer = StoreSchemaVersion.current + 3
        try store.pool.write { db in
            try db.execute(
                sql: "UPDATE meta SET value = ? WHERE key = 'schema_version'", arguments: [newer])
        }
        try store.close()
        let error = #expect(throws: StoreError.self) { try SQLiteRegistryStore(path: path) }
        #expect(error == .newerSchema(found: newer, supported: StoreSchemaVersion.current, path: path))
        let message = error?.description ?? ""
        #expect(
            message.contains("version \(newer)")
                && message.contains("version \(StoreSchemaVersion.current)"))
        // Refusing changed nothing: the newer version is still recorded.
        let reopened = try DatabaseQueue(path: path)
        #expect(
            try reopened.read {
                try Int.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
            }
                == newer)
    }

    @Test func storeWithAMigrationUnknownToThisBuildIsRefused() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("superseded.sqlite")
        let store = try SQLiteRegistryStore(path: path)
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        try store.close()
        #expect(throws: StoreError.self) { try SQLiteRegistryStore(path: path) }
    }

    @Test func storeOfAnotherRegistryIsRefused() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("other.sqlite")
        try SQLiteRegistryStore(path: path, registryCode: "CH").close()
        let error = #expect(throws: StoreError.self) {
            try SQLiteRegistryStore(path: path, registryCode: .cdm)
        }
        #expect(error == .wrongRegistry(stored: "CH", expected: "CDM"))
    }

    @Test func reopenedStoreHasTheSameStateAndVerifies() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("reopen.sqlite")
        var ledger = Ledger(registryCode: .cdm)
        var workload = try Workload(seed: 99)
        let store = try SQLiteRegistryStore(path: path)
        for command in workload.setUpCommands() {
            let time = workload.tick()
            try ledger.perform(command, at: time)
            _ = try store.perform(command, at: time)
        }
        for _ in 0..<120 {
            let command = try workload.next(given: ledger)
            let time = workload.tick()
            if (try? ledger.perform(command, at: time)) != nil {
                _ = try store.perform(command, at: time)
            }
        }
        let journalBefore = try store.journal(after: 0, limit: 1000)
        try store.close()

        let reopened = try SQLiteRegistryStore(path: path)
        try expectSameState(reopened, ledger)
        #expect(try reopened.journal(after: 0, limit: 1000) == journalBefore)
        #expect(try reopened.synchronousSetting() == 2)
        let verification = try reopened.verify()
        #expect(verification.isIntact, "\(verification)")
    }

    @Test func pageSizesOutsideTheBoundAreRefused() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("pages.sqlite"))
        #expect(throws: StoreError.self) { try store.blocks(in: .cdmPending, after: nil, limit: 0) }
        #expect(throws: StoreError.self) { try store.journal(after: 0, limit: 1_000_000) }
    }

    /// The planner's questions must be index range scans, never a scan of the blocks table.
    @Test func ledgerQueriesUseTheBlockIndexes() throws {
        let scratch = try ScratchDirectory()
        let store = try SQLiteRegistryStore(path: scratch.path("plans.sqlite"))
        let plans = try store.pool.read { db -> [String] in
            let queries = [
                """
                SELECT \(BlockColumns.selection) FROM blocks WHERE account = 'x'
                AND (originating_registry, serial_start) > ('CDM', 5) ORDER BY originating_registry, serial_start
                LIMIT 10
                """,
                """
                SELECT \(BlockColumns.selection) FROM blocks
                WHERE originating_registry = 'CDM' AND serial_start <= 900 AND serial_start >= COALESCE(
                    (SELECT serial_start FROM blocks WHERE originating_registry = 'CDM' AND serial_start <= 100
                     ORDER BY serial_start DESC LIMIT 1), 100)
                ORDER BY serial_start
                """,
            ]
            return try queries.map { query in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query).map {
                    $0["detail"] as String? ?? ""
                }
                .joined(separator: "; ")
            }
        }
        #expect(plans[0].contains("blocks_available"), "\(plans[0])")
        #expect(plans[1].contains("blocks_by_serial"), "\(plans[1])")
        for plan in plans {
            #expect(!plan.contains("SCAN blocks"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }
}
