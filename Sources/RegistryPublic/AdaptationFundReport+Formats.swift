import RegistryWeb

extension AdaptationFundReport {
    var inflowsCSV: CSVWriter {
        var writer = CSVWriter(header: [
            "credited_at", "kind", "project_number", "issuance_number", "transaction", "unit_type",
            "original_commitment_period", "applicable_commitment_period", "quantity", "journal_sequence",
        ])
        for inflow in inflows {
            writer.append([
                .text(ReportPresentation.timestamp(inflow.creditedAt)), .text(inflow.kind),
                inflow.projectNumber.map { .integer(Int64($0)) } ?? .empty,
                inflow.issuanceNumber.map { .integer(Int64($0)) } ?? .empty,
                inflow.transaction.map { .text($0) } ?? .empty, .text(inflow.unitType),
                .integer(Int64(inflow.originalCommitmentPeriod)), .integer(Int64(inflow.applicableCommitmentPeriod)),
                .integer(inflow.quantity), .integer(inflow.journalSequence),
            ])
        }
        return writer
    }

    var holdingsCSV: CSVWriter {
        var writer = CSVWriter(header: [
            "account", "unit_type", "original_commitment_period", "applicable_commitment_period", "quantity",
        ])
        for holding in holdings {
            writer.append([
                .text(account), .text(holding.unitType), .integer(Int64(holding.originalCommitmentPeriod)),
                .integer(Int64(holding.applicableCommitmentPeriod)), .integer(holding.quantity),
            ])
        }
        return writer
    }

    func page(query: [String: String], pagination: Pagination) -> String {
        var holdingsTable = HTMLTable(
            caption: "Holdings of account \(account)",
            columns: [.init("Unit type"), .init("Commitment period"), .init("Quantity", numeric: true)])
        for holding in holdings {
            holdingsTable.append([
                .text(holding.unitType),
                .text(ReportPresentation.period(holding.originalCommitmentPeriod, holding.applicableCommitmentPeriod)),
                .text(ReportPresentation.figure(holding.quantity)),
            ])
        }
        var inflowsTable = HTMLTable(
            caption: "Units credited to the Adaptation Fund",
            columns: [
                .init("Credited at"), .init("Source"), .init("Project"), .init("Issuance", numeric: true),
                .init("Transaction"), .init("Unit type"), .init("Commitment period"), .init("Quantity", numeric: true),
            ])
        for inflow in inflows {
            inflowsTable.append([
                .text(ReportPresentation.timestamp(inflow.creditedAt)),
                .text(inflow.kind == "shareOfProceeds" ? "Share of proceeds" : inflow.kind),
                inflow.projectNumber.map { .link(String($0), href: "/projects/\($0)") } ?? "",
                .text(inflow.issuanceNumber.map(String.init) ?? ""), .text(inflow.transaction ?? ""),
                .text(inflow.unitType),
                .text(ReportPresentation.period(inflow.originalCommitmentPeriod, inflow.applicableCommitmentPeriod)),
                .text(ReportPresentation.figure(inflow.quantity)),
            ])
        }
        var holdingsQuery = query
        holdingsQuery["table"] = "holdings"
        holdingsQuery["format"] = "csv"
        var main = "<p>The Adaptation Fund account \(HTML.escape(account)) receives 2 % of every issuance "
            + "(the share of proceeds; projects in least developed countries are exempt). It holds "
            + "\(ReportPresentation.figure(totalHeld)) units; \(ReportPresentation.figure(totalCredited)) units "
            + "have been credited to it in \(ReportPresentation.figure(total)) credits.</p>"
        main += holdingsTable.html
        main += "<p><a href=\"\(HTML.escape(ReportPresentation.link("/adaptation-fund", holdingsQuery)))\">"
            + "Holdings as CSV</a></p>"
        main += inflowsTable.html
        main += ReportPresentation.pager(
            path: "/adaptation-fund", query: query, pagination: pagination, total: total, shown: inflows.count)
        return WebPage.layout(
            title: "The Adaptation Fund account", main: main,
            navigation: ReportPresentation.navigation(current: "/adaptation-fund"),
            siteName: ReportPresentation.siteName)
    }
}
