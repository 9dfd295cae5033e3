import RegistryWeb

extension CancellationReport {
    /// One line per transaction and kind of unit (a cancellation of units of two projects gives two lines).
    var csv: CSVWriter {
        var writer = CSVWriter(header: [
            "completed_at", "transaction", "account", "project_number", "unit_type", "original_commitment_period",
            "applicable_commitment_period", "quantity", "serials", "beneficiary", "purpose", "on_behalf_of",
            "attestation",
        ])
        for row in items {
            for units in row.units {
                writer.append([
                    .text(ReportPresentation.timestamp(row.completedAt)), .text(row.transaction), .text(row.account),
                    units.projectNumber.map { .integer(Int64($0)) } ?? .empty, .text(units.unitType),
                    .integer(Int64(units.originalCommitmentPeriod)), .integer(Int64(units.applicableCommitmentPeriod)),
                    .integer(units.quantity), .text(units.serials.joined(separator: " ")),
                    row.beneficiary.map { .text($0) } ?? .empty, row.purpose.map { .text($0) } ?? .empty,
                    row.onBehalfOf.map { .text($0) } ?? .empty, row.attestation.map { .text($0) } ?? .empty,
                ])
            }
        }
        return writer
    }

    func page(query: [String: String], pagination: Pagination) -> String {
        var main = """
            <form method="get" action="/voluntary-cancellations">
            <label for="from">From (YYYY-MM-DD)</label>
            <input id="from" name="from" type="date" value="\(HTML.escape(from ?? ""))">
            <label for="to">To (YYYY-MM-DD, inclusive)</label>
            <input id="to" name="to" type="date" value="\(HTML.escape(to ?? ""))">
            <button type="submit">Show</button>
            </form>
            """
        let range =
            switch (from, to) {
            case (let from?, let to?): "from \(from) to \(to)"
            case (let from?, nil): "since \(from)"
            case (nil, let to?): "up to \(to)"
            case (nil, nil): "since the registry opened"
            }
        main += "<p>\(ReportPresentation.figure(total)) voluntary cancellations \(HTML.escape(range)), "
            + "\(ReportPresentation.figure(totalQuantity)) units in all.</p>"
        var totalsTable = HTMLTable(
            caption: "Totals for the range",
            columns: [.init("Unit type"), .init("Commitment period"), .init("Quantity", numeric: true)])
        for total in totals {
            totalsTable.append([
                .text(total.unitType),
                .text(ReportPresentation.period(total.originalCommitmentPeriod, total.applicableCommitmentPeriod)),
                .text(ReportPresentation.figure(total.quantity)),
            ])
        }
        main += totalsTable.html
        var table = HTMLTable(
            caption: "Voluntary cancellations",
            columns: [
                .init("Completed at"), .init("Transaction"), .init("Quantity", numeric: true), .init("Project"),
                .init("Unit type"), .init("Commitment period"), .init("Beneficiary"), .init("Purpose"),
                .init("Attestation"),
            ])
        for row in items {
            for units in row.units {
                table.append([
                    .text(ReportPresentation.timestamp(row.completedAt)), .text(row.transaction),
                    .text(ReportPresentation.figure(units.quantity)),
                    units.projectNumber.map { .link(String($0), href: "/projects/\($0)") } ?? "",
                    .text(units.unitType),
                    .text(ReportPresentation.period(units.originalCommitmentPeriod, units.applicableCommitmentPeriod)),
                    .text(row.beneficiary ?? row.onBehalfOf ?? ""), .text(row.purpose ?? ""),
                    .text(row.attestation ?? ""),
                ])
            }
        }
        main += table.html
        main += ReportPresentation.pager(
            path: "/voluntary-cancellations", query: query, pagination: pagination, total: total, shown: items.count)
        return WebPage.layout(
            title: "Voluntary cancellations", main: main,
            navigation: ReportPresentation.navigation(current: "/voluntary-cancellations"),
            siteName: ReportPresentation.siteName)
    }
}
