import Foundation
import GRDB
import Testing
@testable import Simulators

/// The simulators' group commit: many messages per flush, each still all-or-nothing and answered once durable.
@Suite("Group commit of the simulators' writes")
struct GroupCommitTests {
    struct Refused: Error {}

    static func database() throws -> DatabasePool {
        let pool = try SimulatorDatabase.open(path: Fixture.temporaryPath("group.sqlite"), label: "group-commit-test")
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE entry (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)")
        }
        return pool
    }

    @Test func concurrentWritesAllCommitAndEachReturnsItsOwnValue() async throws {
        let pool = try Self.database()
        let commits = GroupCommit(pool: pool, maximumBatch: 16)
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await commits.write { db in
                        try db.execute(sql: "INSERT INTO entry VALUES (?, ?)", arguments: ["e\(index)", index])
                        return index
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values.sorted() == Array(0..<100))
        // Answered means committed: a fresh reader sees every row.
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry") } == 100)
    }

    @Test func aFailingWriteRollsBackAloneWhileTheOthersCommit() async throws {
        let pool = try Self.database()
        let commits = GroupCommit(pool: pool)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        try await commits.write { db in
                            try db.execute(sql: "INSERT INTO entry VALUES (?, ?)", arguments: ["e\(index)", index])
                            if index % 5 == 0 { throw Refused() }
                        }
                        return (index, true)
                    } catch {
                        return (index, error is Refused)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 20 && outcomes.values.allSatisfy { $0 })
        let names = try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM entry ORDER BY value") }
        #expect(names == (0..<20).filter { $0 % 5 != 0 }.map { "e\($0)" })
    }

    @Test func laterWritesSeeEarlierOnesAndHooksRunInSubmissionOrder() async throws {
        let pool = try Self.database()
        let commits = GroupCommit(pool: pool)
        let hooks = Protected([Int]())
        // Each write reads the running total the writes before it left (one after the other, as without batching).
        let counted = Protected([Int]())
        var waiting: [Task<Void, any Error>] = []
        for index in 0..<30 {
            waiting.append(
                Task {
                    let total = try await commits.write(
                        { db in
                            let total = try Int.fetchOne(db, sql: "SELECT value FROM entry WHERE name = 'total'") ?? 0
                            try db.execute(
                                sql: "INSERT OR REPLACE INTO entry VALUES ('total', ?)", arguments: [total + 1])
                            return total + 1
                        },
                        afterCommit: { total in hooks.withLock { $0.append(total) } })
                    counted.withLock { $0.append(total) }
                    _ = index
                })
        }
        for task in waiting { try await task.value }
        #expect(counted.withLock { $0.sorted() } == Array(1...30))
        // Hooks run in commit order, which is the order the totals were computed.
        #expect(hooks.withLock { $0 } == Array(1...30))
    }
}
