import Foundation
import GRDB
import RegistryCore

/// Report 2: the Adaptation Fund account, what it holds now (from the holdings the ledger keeps with its blocks)
/// and everything credited to it (from the journal: each share of proceeds at issuance, and any other credit).
struct AdaptationFundReport: Encodable, Sendable {
    struct Holding: Encodable, Sendable, Hashable {
        var unitType: String
        var originalCommitmentPeriod: Int
        var applicableCommitmentPeriod: Int
        var quantity: Int64
    }

    struct Inflow: Encodable, Sendable, Hashable {
        var creditedAt: Date
        /// `shareOfProceeds` for the share taken at issuance, otherwise the journal operation that credited it.
        var kind: String
        var projectNumber: Int?
        var issuanceNumber: Int?
        var transaction: String?
        var unitType: String
        var originalCommitmentPeriod: Int
        var applicableCommitmentPeriod: Int
        var quantity: Int64
        var journalSequence: Int64
    }

    var account: String
    var holdings: [Holding]
    var totalHeld: Int64
    /// Inflows over all pages.
    var total: Int
    var page: Int
    var perPage: Int
    var totalCredited: Int64
    var inflows: [Inflow]

    static func read(
        account: AccountIdentifier, digest: JournalDigest, head: Int64, offset: Int, limit: Int, page: Int,
        perPage: Int, in db: Database
    ) throws -> AdaptationFundReport {
        let rows = try GRDB.Row.fetchAll(
            db,
            sql: """
                SELECT unit_type, original_commitment_period, applicable_commitment_period, quantity FROM holdings
                WHERE account = ? AND quantity > 0
                ORDER BY unit_type, original_commitment_period, applicable_commitment_period
                """, arguments: [account.shortForm])
        var holdings: [Holding] = []
        var totalHeld: Int64 = 0
        for row in rows {
            let quantity: Int64 = row[3]
            holdings.append(
                Holding(
                    unitType: UnitType(rawValue: row[0]).map(\.description) ?? "unit type \(row[0] as Int)",
                    originalCommitmentPeriod: row[1], applicableCommitmentPeriod: row[2], quantity: quantity))
            totalHeld = totalHeld.addingReportingOverflow(quantity).partialValue
        }
        let all = digest.fundInflows(upTo: head)
        let totalCredited = all.reduce(Int64(0)) { $0.addingReportingOverflow($1.quantity).partialValue }
        let slice = all.dropFirst(min(offset, all.count)).prefix(limit)
        let inflows = slice.map { inflow in
            Inflow(
                creditedAt: inflow.time, kind: inflow.operation == "issue" ? "shareOfProceeds" : inflow.operation,
                projectNumber: inflow.issuance?.project ?? inflow.project, issuanceNumber: inflow.issuance?.number,
                transaction: inflow.transaction?.rawValue, unitType: inflow.unitType.description,
                originalCommitmentPeriod: inflow.originalCommitmentPeriod.rawValue,
                applicableCommitmentPeriod: inflow.applicableCommitmentPeriod.rawValue, quantity: inflow.quantity,
                journalSequence: inflow.sequence)
        }
        return AdaptationFundReport(
            account: account.description, holdings: holdings, totalHeld: totalHeld, total: all.count, page: page,
            perPage: perPage, totalCredited: totalCredited, inflows: inflows)
    }
}
