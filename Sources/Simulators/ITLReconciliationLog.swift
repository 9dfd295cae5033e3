import DES
import Foundation
import GRDB
import RegistryCore

/// The reconciliations the ITL ran, in table `reconciliation` of the ITL's database (the holdings record's file),
/// so `GET /reconciliations` shows them across restarts.
///
/// A reconciliation still running when the process stopped can never finish (what the registry sent was in
/// memory): opening the log ends it with the status of its phase, as a time-out would, and says so in `detail`.
public final class ITLReconciliationLog: Sendable {
    private let record: ITLHoldingsRecord

    public init(record: ITLHoldingsRecord, now: Date = Date()) throws(ITLRecordError) {
        self.record = record
        try run {
            try record.pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS reconciliation (
                            identifier TEXT PRIMARY KEY NOT NULL, sequence INTEGER NOT NULL UNIQUE,
                            registry TEXT NOT NULL, snapshot INTEGER NOT NULL, phase INTEGER NOT NULL,
                            status INTEGER NOT NULL, responseCodes TEXT NOT NULL, differences TEXT NOT NULL,
                            auditTrail TEXT NOT NULL, resultAcknowledged INTEGER, detail TEXT NOT NULL,
                            startedAt REAL NOT NULL, endedAt REAL);
                        """)
                for phase in [ITLReconciliationPhase.totals, .unitBlocks, .auditTrail] {
                    try db.execute(
                        sql: """
                            UPDATE reconciliation SET status = ?, responseCodes = ?, detail = ?, endedAt = ?
                            WHERE status = 1 AND phase = ?
                            """,
                        arguments: [
                            ITLReconciliationDriver.statusAfterTimeout(in: phase).rawValue,
                            String(ITLReconciliationCode.phaseTimedOut.rawValue),
                            "interrupted by an ITL restart in phase \(phase.rawValue)", now.timeIntervalSince1970,
                            phase.rawValue,
                        ])
                }
            }
        }
    }

    /// Records a new reconciliation and returns it with its identifier `ITL-R<n>` (n counts up, never reused).
    public func create(registry: RegistryCode, snapshot: Date, at now: Date) throws(ITLRecordError)
        -> ITLReconciliation
    {
        try run {
            try record.pool.write { db in
                let sequence = (try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM reconciliation") ?? 0) + 1
                let reconciliation = ITLReconciliation(
                    identifier: "ITL-R\(sequence)", registry: registry, snapshot: snapshot, startedAt: now)
                try db.execute(
                    sql: """
                        INSERT INTO reconciliation (identifier, sequence, registry, snapshot, phase, status,
                            responseCodes, differences, auditTrail, resultAcknowledged, detail, startedAt, endedAt)
                        VALUES (?, ?, ?, ?, 1, 1, '', ?, '[]', NULL, '', ?, NULL)
                        """,
                    arguments: [
                        reconciliation.identifier, sequence, registry.rawValue, Self.milliseconds(snapshot),
                        try Self.json(reconciliation.differences), now.timeIntervalSince1970,
                    ])
                return reconciliation
            }
        }
    }

    /// Stores the whole state of a reconciliation (phase changes, differences, the end).
    public func save(_ reconciliation: ITLReconciliation) throws(ITLRecordError) {
        try run {
            try record.pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE reconciliation SET phase = ?, status = ?, responseCodes = ?, differences = ?,
                            auditTrail = ?, resultAcknowledged = ?, detail = ?, endedAt = ?
                        WHERE identifier = ?
                        """,
                    arguments: [
                        reconciliation.phase.rawValue, reconciliation.status.rawValue,
                        reconciliation.responseCodes.map { String($0.rawValue) }.joined(separator: ","),
                        try Self.json(reconciliation.differences), try Self.json(reconciliation.auditTrail),
                        reconciliation.resultAcknowledged, reconciliation.detail,
                        reconciliation.endedAt?.timeIntervalSince1970, reconciliation.identifier,
                    ])
                guard db.changesCount == 1 else {
                    throw ITLRecordError.database("reconciliation \(reconciliation.identifier) is not in the log")
                }
            }
        }
    }

    public func reconciliation(_ identifier: String) throws(ITLRecordError) -> ITLReconciliation? {
        try run {
            try record.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM reconciliation WHERE identifier = ?", arguments: [identifier])
                    .map(Self.reconciliation)
            }
        }
    }

    /// Every reconciliation, oldest first.
    public func all() throws(ITLRecordError) -> [ITLReconciliation] {
        try run {
            try record.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM reconciliation ORDER BY sequence").map(Self.reconciliation)
            }
        }
    }

    private static func reconciliation(_ row: Row) throws -> ITLReconciliation {
        do {
            let codes: String = row["responseCodes"]
            let differences: String = row["differences"]
            let trail: String = row["auditTrail"]
            let ended: Double? = row["endedAt"]
            guard let phase = ITLReconciliationPhase(rawValue: row["phase"]),
                let status = ITLReconciliationStatus(rawValue: row["status"])
            else { throw ITLRecordError.corruptRow(table: "reconciliation", detail: "phase or status code") }
            return ITLReconciliation(
                identifier: row["identifier"], registry: try RegistryCode(row["registry"]),
                snapshot: ITLReconciliationDriver.instant(milliseconds: row["snapshot"]), phase: phase,
                status: status,
                responseCodes: codes.split(separator: ",").compactMap { Int($0).map { DESResponseCode($0) } },
                differences: try JSONDecoder().decode(ITLReconciliationDifferences.self, from: Data(differences.utf8)),
                auditTrail: try JSONDecoder().decode([String].self, from: Data(trail.utf8)),
                resultAcknowledged: row["resultAcknowledged"], detail: row["detail"],
                startedAt: Date(timeIntervalSince1970: row["startedAt"]),
                endedAt: ended.map { Date(timeIntervalSince1970: $0) })
        } catch let error as ITLRecordError {
            throw error
        } catch {
            throw ITLRecordError.corruptRow(table: "reconciliation", detail: "\(error)")
        }
    }

    /// Snapshots are kept in whole milliseconds since 1970, the precision DES dateTime carries.
    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    private func run<T>(_ body: () throws -> T) throws(ITLRecordError) -> T {
        do { return try body() } catch let error as ITLRecordError { throw error } catch {
            throw .database("\(record.path): \(error)")
        }
    }
}
