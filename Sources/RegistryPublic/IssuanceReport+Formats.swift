import RegistryWeb

extension IssuanceReport {
    static let csvHeader = [
        "project_number", "project_title", "host_party", "project_type", "issuance_number",
        "monitoring_period_start", "monitoring_period_end", "unit_type", "original_commitment_period",
        "applicable_commitment_period", "first_serial", "last_serial", "quantity_issued",
        "share_of_proceeds_adaptation_fund", "issued_at",
    ]

    var csv: CSVWriter {
        var writer = CSVWriter(header: Self.csvHeader)
        for row in items {
            writer.append([
                .integer(Int64(row.projectNumber)), .text(row.projectTitle), .text(row.hostParty),
                .text(row.projectType), .integer(Int64(row.issuanceNumber)), .text(row.monitoringPeriodStart),
                .text(row.monitoringPeriodEnd), .text(row.unitType), .integer(Int64(row.originalCommitmentPeriod)),
                .integer(Int64(row.applicableCommitmentPeriod)), .integer(row.firstSerial), .integer(row.lastSerial),
                .integer(row.quantityIssued), .integer(row.shareOfProceeds),
                .text(ReportPresentation.timestamp(row.issuedAt)),
            ])
        }
        return writer
    }

    /// The table of this page's issuances; `linkProjects` links each project to its own page.
    func table(linkProjects: Bool) -> String {
        var table = HTMLTable(
            caption: "Issuances",
            columns: [
                .init("Project"), .init("Title"), .init("Host Party"), .init("Type"), .init("Issuance", numeric: true),
                .init("Monitoring period"), .init("Unit type"), .init("Commitment period"),
                .init("Serial numbers"), .init("Quantity issued", numeric: true),
                .init("Share of proceeds (Adaptation Fund)", numeric: true), .init("Issued at"),
            ])
        for row in items {
            table.append([
                linkProjects ? .link(String(row.projectNumber), href: "/projects/\(row.projectNumber)")
                    : .text(String(row.projectNumber)),
                .text(row.projectTitle), .text(row.hostParty), .text(row.projectType),
                .text(String(row.issuanceNumber)),
                .text("\(row.monitoringPeriodStart) to \(row.monitoringPeriodEnd)"), .text(row.unitType),
                .text(ReportPresentation.period(row.originalCommitmentPeriod, row.applicableCommitmentPeriod)),
                .text("\(row.firstSerial)-\(row.lastSerial)"), .text(ReportPresentation.figure(row.quantityIssued)),
                .text(ReportPresentation.figure(row.shareOfProceeds)),
                .text(ReportPresentation.timestamp(row.issuedAt)),
            ])
        }
        return table.html
    }

    /// The totals of the whole filter, above the table.
    var summary: String {
        "<p>\(ReportPresentation.figure(total)) issuances, "
            + "\(ReportPresentation.figure(totalQuantityIssued)) units issued, of which "
            + "\(ReportPresentation.figure(totalShareOfProceeds)) went to the Adaptation Fund as share of proceeds.</p>"
    }

    func page(query: [String: String], pagination: Pagination) -> String {
        var main = """
            <form method="get" action="/issuances">
            <label for="project">Project number</label>
            <input id="project" name="project" inputmode="numeric" value="\(project.map(String.init) ?? "")">
            <button type="submit">Filter</button>
            </form>
            """
        main += summary + table(linkProjects: true)
        main += ReportPresentation.pager(
            path: "/issuances", query: query, pagination: pagination, total: total, shown: items.count)
        let title = project.map { "Issuance for project \($0)" } ?? "Issuance per project and monitoring period"
        return WebPage.layout(
            title: title, main: main, navigation: ReportPresentation.navigation(current: "/issuances"),
            siteName: ReportPresentation.siteName)
    }
}
