import Foundation
import GRDB
import RegistryCore

/// Report 3: voluntary cancellations (the bi-weekly report): completed type 4 transactions whose units were
/// committed into a voluntary cancellation (230) account, in order of completion, for a date range.
///
/// The completion time and the units (type, periods, project) come from the journal's commit entry; that the
/// transaction completed (DES status 4), and its beneficiary and purpose, from the engine's transaction record;
/// the attestation number from the attestations table when the store has one.
struct CancellationReport: Encodable, Sendable {
    struct Units: Encodable, Sendable, Hashable {
        var projectNumber: Int?
        var unitType: String
        var originalCommitmentPeriod: Int
        var applicableCommitmentPeriod: Int
        var quantity: Int64
        /// Inclusive serial ranges, `start-end`.
        var serials: [String]
    }

    struct Row: Encodable, Sendable, Hashable {
        var completedAt: Date
        var transaction: String
        var account: String
        var quantity: Int64
        var units: [Units]
        var beneficiary: String?
        var purpose: String?
        var onBehalfOf: String?
        var attestation: String?
    }

    struct Total: Encodable, Sendable, Hashable {
        var unitType: String
        var originalCommitmentPeriod: Int
        var applicableCommitmentPeriod: Int
        var quantity: Int64
    }

    var from: String?
    var to: String?
    /// Cancellations in the range (all pages).
    var total: Int
    var page: Int
    var perPage: Int
    var totalQuantity: Int64
    var totals: [Total]
    var items: [Row]

    static func read(
        range: ReportDateRange, digest: JournalDigest, head: Int64, offset: Int, limit: Int, page: Int, perPage: Int,
        in db: Database
    ) throws -> CancellationReport {
        let completed = Set(
            try String.fetchAll(
                db, sql: "SELECT identifier FROM engine_transactions WHERE flow = 'cancellation' AND final_status = 4"))
        let (lower, upper) = range.bounds
        let matching = digest.voluntaryCommits(upTo: head).filter {
            let seconds = $0.time.timeIntervalSince1970
            return seconds >= lower && seconds < upper && completed.contains($0.transaction.rawValue)
        }
        var totals: [Total] = []
        var totalQuantity: Int64 = 0
        for commit in matching {
            for units in commit.units {
                totalQuantity = totalQuantity.addingReportingOverflow(units.quantity).partialValue
                let key = Total(
                    unitType: units.unitType.description,
                    originalCommitmentPeriod: units.originalCommitmentPeriod.rawValue,
                    applicableCommitmentPeriod: units.applicableCommitmentPeriod.rawValue, quantity: 0)
                if let index = totals.firstIndex(where: {
                    $0.unitType == key.unitType && $0.originalCommitmentPeriod == key.originalCommitmentPeriod
                        && $0.applicableCommitmentPeriod == key.applicableCommitmentPeriod
                }) {
                    totals[index].quantity = totals[index].quantity.addingReportingOverflow(units.quantity).partialValue
                } else {
                    var first = key
                    first.quantity = units.quantity
                    totals.append(first)
                }
            }
        }
        totals.sort {
            ($0.unitType, $0.originalCommitmentPeriod, $0.applicableCommitmentPeriod)
                < ($1.unitType, $1.originalCommitmentPeriod, $1.applicableCommitmentPeriod)
        }
        let slice = Array(matching.dropFirst(min(offset, matching.count)).prefix(limit))
        let details = try requests(of: slice.map(\.transaction.rawValue), in: db)
        let attestations = try attestationNumbers(of: slice.map(\.transaction.rawValue), in: db)
        let items = slice.map { commit in
            let request = details[commit.transaction.rawValue]
            return Row(
                completedAt: commit.time, transaction: commit.transaction.rawValue, account: commit.account.description,
                quantity: commit.quantity,
                units: commit.units.map {
                    Units(
                        projectNumber: $0.project, unitType: $0.unitType.description,
                        originalCommitmentPeriod: $0.originalCommitmentPeriod.rawValue,
                        applicableCommitmentPeriod: $0.applicableCommitmentPeriod.rawValue, quantity: $0.quantity,
                        serials: $0.serials.map { "\($0.start)-\($0.end)" })
                },
                beneficiary: request?.beneficiary, purpose: request?.purpose, onBehalfOf: request?.onBehalfOf,
                attestation: attestations[commit.transaction.rawValue])
        }
        return CancellationReport(
            from: range.from?.description, to: range.to?.description, total: matching.count, page: page,
            perPage: perPage, totalQuantity: totalQuantity, totals: totals, items: items)
    }

    /// The stored requests of these transactions (the engine's `TransactionRequest.cancellation` JSON).
    private static func requests(of identifiers: [String], in db: Database) throws -> [String: StoredCancellation] {
        guard !identifiers.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: identifiers.count).joined(separator: ", ")
        let rows = try GRDB.Row.fetchAll(
            db, sql: "SELECT identifier, details FROM engine_transactions WHERE identifier IN (\(marks))",
            arguments: StatementArguments(identifiers))
        let decoder = JSONDecoder()
        var result: [String: StoredCancellation] = [:]
        for row in rows {
            // A request this build cannot read leaves beneficiary and purpose empty rather than hiding the row.
            if let stored = try? decoder.decode(StoredRequest.self, from: row[1] as Data),
                let details = stored.details
            {
                result[row[0]] = details
            }
        }
        return result
    }

    /// Attestation numbers by transaction; none when the store predates the attestations table (schema 4).
    private static func attestationNumbers(of identifiers: [String], in db: Database) throws -> [String: String] {
        guard !identifiers.isEmpty, try db.tableExists("attestations") else { return [:] }
        let marks = Array(repeating: "?", count: identifiers.count).joined(separator: ", ")
        let rows = try GRDB.Row.fetchAll(
            db, sql: "SELECT transaction_id, number FROM attestations WHERE transaction_id IN (\(marks))",
            arguments: StatementArguments(identifiers))
        var result: [String: String] = [:]
        for row in rows { result[row[0]] = row[1] }
        return result
    }
}

/// The part of the engine's stored `TransactionRequest` the report shows. It mirrors the engine's Codable
/// encoding (`{"cancellation":{"_0":{...}}}`) so the public listener needs no dependency on the engine; the
/// tests build their stores with the real engine, which keeps the two in step.
struct StoredRequest: Decodable {
    struct Case: Decodable {
        var _0: StoredCancellation
    }

    var cancellation: Case?
    var details: StoredCancellation? { cancellation?._0 }
}

struct StoredCancellation: Decodable, Hashable {
    var beneficiary: String?
    var purpose: String?
    var onBehalfOf: String?
}
