import Foundation
import GRDB
import RegistryCore

/// Report 1: issuance per project and monitoring period, as the issuances table records it (one row per EB
/// issuance instruction), optionally for one project; ordered by project number, then issuance number.
struct IssuanceReport: Encodable, Sendable {
    struct Row: Encodable, Sendable, Hashable {
        var projectNumber: Int
        var projectTitle: String
        var hostParty: String
        var projectType: String
        var issuanceNumber: Int
        var monitoringPeriodStart: String
        var monitoringPeriodEnd: String
        var unitType: String
        var originalCommitmentPeriod: Int
        var applicableCommitmentPeriod: Int
        var firstSerial: Int64
        var lastSerial: Int64
        var quantityIssued: Int64
        /// Units credited to the Adaptation Fund account at issuance (2 %, or 0 for least developed countries).
        var shareOfProceeds: Int64
        var issuedAt: Date
    }

    var project: Int?
    var total: Int
    var page: Int
    var perPage: Int
    /// Over every row of the filter, not only this page.
    var totalQuantityIssued: Int64
    var totalShareOfProceeds: Int64
    var items: [Row]

    /// Reads one page (`limit` rows from `offset`) and the filter's totals in one snapshot.
    static func read(
        project: Int?, offset: Int, limit: Int, page: Int, perPage: Int, records: DecodedRecords<IssuanceRecord>,
        in db: Database
    ) throws -> IssuanceReport {
        let filter = project == nil ? "" : "WHERE i.project = ?"
        let arguments: StatementArguments = project.map { [$0] } ?? []
        guard
            let totals = try GRDB.Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), coalesce(sum(i.serial_end - i.serial_start + 1), 0),
                        coalesce(sum(json_extract(CAST(i.record AS TEXT), '$.shareOfProceeds')), 0)
                    FROM issuances i \(filter)
                    """, arguments: arguments)
        else { throw ReportReadError("the issuance totals could not be read") }
        let rows = try GRDB.Row.fetchAll(
            db,
            sql: """
                SELECT i.record, p.record, i.project FROM issuances i JOIN projects p ON p.number = i.project \(filter)
                ORDER BY i.project, i.number LIMIT ? OFFSET ?
                """, arguments: arguments + [limit, offset])
        let decoder = JSONDecoder()
        var items: [Row] = []
        items.reserveCapacity(rows.count)
        // Rows come by project: each project's record is decoded once, not once per issuance.
        var projects: [Int: Project] = [:]
        for row in rows {
            let issuance: IssuanceRecord
            let project: Project
            do {
                issuance = try records.decode(row[0] as Data, with: decoder)
                let number: Int = row[2]
                if let known = projects[number] {
                    project = known
                } else {
                    project = try decoder.decode(Project.self, from: row[1] as Data)
                    projects[number] = project
                }
            } catch {
                throw ReportReadError("an issuance or project record could not be decoded: \(error)")
            }
            items.append(Row(issuance, of: project))
        }
        return IssuanceReport(
            project: project, total: totals[0], page: page, perPage: perPage, totalQuantityIssued: totals[1],
            totalShareOfProceeds: totals[2], items: items)
    }
}

extension IssuanceReport.Row {
    init(_ issuance: IssuanceRecord, of project: Project) {
        self.init(
            projectNumber: project.number, projectTitle: project.title, hostParty: project.hostParty.rawValue,
            projectType: project.projectType, issuanceNumber: issuance.identifier.number,
            monitoringPeriodStart: issuance.monitoringPeriodStart.description,
            monitoringPeriodEnd: issuance.monitoringPeriodEnd.description, unitType: issuance.unitType.description,
            originalCommitmentPeriod: issuance.attributes.originalCommitmentPeriod.rawValue,
            applicableCommitmentPeriod: issuance.attributes.applicableCommitmentPeriod.rawValue,
            firstSerial: issuance.serials.start, lastSerial: issuance.serials.end, quantityIssued: issuance.quantity,
            shareOfProceeds: issuance.shareOfProceeds, issuedAt: issuance.issuedAt)
    }
}

/// A store row that could not be read as the reports expect; answered 500, its text logged.
struct ReportReadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
