import Foundation
import RegistryCore
import RegistryWeb

/// GET `/`: the open offers with the filter form (a GET form, so the filters are in the URL), sorted, paged.
enum OfferListPage {
    static func render(query: OfferQuery, listing: OfferListing?, facets: OfferFacets, now: Date) -> String {
        var main = "<p>Offset your emissions: choose certified emission reductions (CERs), pay, and the CDM registry "
        main += "cancels them on your behalf. You receive a signed attestation of the cancellation.</p>"
        main += filterForm(query: query, facets: facets)
        if let error = query.error {
            main += "<p class=\"error\" role=\"alert\">The filter could not be applied: "
            main += "\(HTML.escape(error.description))</p>"
        }
        guard let listing else {
            return WebPage.layout(
                title: "CERs offered for cancellation", main: main, navigation: PlatformWeb.navigation(current: "/"))
        }
        main += results(listing, query: query, now: now)
        return WebPage.layout(
            title: "CERs offered for cancellation", main: main, navigation: PlatformWeb.navigation(current: "/"))
    }

    private static func filterForm(query: OfferQuery, facets: OfferFacets) -> String {
        let values = query.values
        let error = query.error
        func message(_ field: String) -> String? { error?.field == field ? error?.description : nil }
        var form = "<form method=\"get\" action=\"/\" aria-label=\"Filter offers\">"
        form += "<fieldset><legend>The project</legend>"
        form += FormField("type", label: "Project type", value: values["type"], error: message("type"))
            .select(facets.projectTypes.map { ($0, $0) }, any: "Any type")
        form += FormField("host", label: "Host country", value: values["host"], error: message("host"))
            .select(facets.hostParties.map { ($0, $0) }, any: "Any country")
        form += "</fieldset><fieldset><legend>The units</legend>"
        form += FormField("unit", label: "Unit type", value: values["unit"], error: message("unit"))
            .select([("CER", "CER"), ("tCER", "tCER"), ("lCER", "lCER")], any: "Any unit type")
        form += FormField("period", label: "Commitment period", value: values["period"], error: message("period"))
            .select([("1", "First (2008-2012)"), ("2", "Second (2013-2020)")], any: "Any period")
        form += FormField("vintage", label: "Vintage", value: values["vintage"], error: message("vintage"))
            .select(facets.vintages.map { (String($0), String($0)) }, any: "Any vintage")
        form += "</fieldset><fieldset><legend>Price per unit</legend>"
        form += FormField("currency", label: "Currency", value: values["currency"], error: message("currency"))
            .select(facets.currencies.map { ($0, $0) }, any: "Any currency")
        form += FormField("min", label: "From", value: values["min"], error: message("min"))
            .input("type=\"text\" inputmode=\"decimal\" size=\"8\"")
        form += FormField("max", label: "To", value: values["max"], error: message("max"))
            .input("type=\"text\" inputmode=\"decimal\" size=\"8\"")
        form += "</fieldset><fieldset><legend>Order of the list</legend>"
        form += FormField("sort", label: "Sort by", value: values["sort"] ?? "price", error: message("sort"))
            .select([("price", "Price"), ("quantity", "Units available"), ("vintage", "Vintage")])
        form += FormField("order", label: "Direction", value: values["order"] ?? "asc", error: message("order"))
            .select([("asc", "Ascending"), ("desc", "Descending")])
        form += "</fieldset><p><button type=\"submit\">Show offers</button> <a href=\"/\">Clear the filters</a></p>"
        return form + "</form>"
    }

    private static func results(_ listing: OfferListing, query: OfferQuery, now: Date) -> String {
        guard !listing.offers.isEmpty else {
            return "<p role=\"status\">No open offer matches these filters.</p>"
        }
        var html = "<p role=\"status\">\(listing.total) offer\(listing.total == 1 ? "" : "s") found; page "
        html += "\(listing.page) of \(listing.pageCount).</p>"
        html += "<div class=\"table-wrap\"><table><caption>Open offers</caption><thead><tr>"
        html += "<th scope=\"col\">Project</th><th scope=\"col\">Type</th><th scope=\"col\">Host</th>"
        html += "<th scope=\"col\">Units</th><th scope=\"col\">Vintage</th>"
        html += "<th scope=\"col\" class=\"num\">Available</th><th scope=\"col\" class=\"num\">Price per unit</th>"
        html += "</tr></thead><tbody>"
        for offer in listing.offers {
            let units = offer.units
            html += "<tr><td><a href=\"/offers/\(offer.id)\">\(HTML.escape(units.projectTitle))</a>"
            html += " (project \(units.project))</td><td>\(HTML.escape(units.projectType))</td>"
            html += "<td>\(HTML.escape(units.hostParty))</td><td>\(units.unitType) \(units.commitmentPeriod)</td>"
            html += "<td>\(units.vintage)</td><td class=\"num\">\(offer.available(at: now))</td>"
            html += "<td class=\"num\">\(HTML.escape(offer.pricePerUnit.description))</td></tr>"
        }
        html += "</tbody></table></div>"
        if listing.pageCount > 1 {
            html += "<nav class=\"pager\" aria-label=\"Pages\">"
            if listing.page > 1 {
                html +=
                    "<a href=\"\(HTML.escape(query.link(toPage: listing.page - 1)))\" rel=\"prev\">Previous page</a>"
            }
            if listing.page < listing.pageCount {
                html += "<a href=\"\(HTML.escape(query.link(toPage: listing.page + 1)))\" rel=\"next\">Next page</a>"
            }
            html += "</nav>"
        }
        return html
    }
}
