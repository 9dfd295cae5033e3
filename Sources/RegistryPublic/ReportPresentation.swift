import Foundation
import RegistryWeb

/// Shared pieces of the report pages: navigation, figures, dates, the pager and the other-format links.
enum ReportPresentation {
    static let siteName = "CDM Registry public information"

    static func navigation(current: String) -> [WebPage.Link] {
        [
            WebPage.Link("Reports", href: "/", current: current == "/"),
            WebPage.Link("Issuance", href: "/issuances", current: current == "/issuances"),
            WebPage.Link("Adaptation Fund", href: "/adaptation-fund", current: current == "/adaptation-fund"),
            WebPage.Link(
                "Voluntary cancellations", href: "/voluntary-cancellations",
                current: current == "/voluntary-cancellations"),
        ]
    }

    /// `1,234,567`: figures in pages are read by people; JSON and CSV carry plain integers.
    static func figure(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func figure(_ value: Int) -> String { figure(Int64(value)) }

    /// `2022-03-01T10:00:00Z`, UTC, in every format.
    static func timestamp(_ date: Date) -> String { UTCTimestamp.iso8601(date) }

    static func period(_ original: Int, _ applicable: Int) -> String {
        original == applicable ? "CP\(original)" : "CP\(original) (applicable CP\(applicable))"
    }

    /// "Showing 101-200 of 950", previous and next links, and the JSON and CSV forms of this page.
    static func pager(path: String, query: [String: String], pagination: Pagination, total: Int, shown: Int) -> String {
        var kept = query
        kept["format"] = nil
        var out = "<p class=\"pager\">"
        if shown == 0 {
            out += "Nothing to show on page \(pagination.page) of \(figure(pagination.pageCount(total: total))). "
        } else {
            let first = pagination.offset + 1
            out += "Showing \(figure(first))-\(figure(first + shown - 1)) of \(figure(total)). "
        }
        if pagination.hasPrevious {
            let previous = min(pagination.page - 1, pagination.pageCount(total: total))
            let href = path + "?" + pagination.query(forPage: previous, keeping: kept)
            out += "<a href=\"\(HTML.escape(href))\" rel=\"prev\">Previous page</a>"
        }
        if pagination.hasNext(total: total) {
            let href = path + "?" + pagination.query(forPage: pagination.page + 1, keeping: kept)
            out += "<a href=\"\(HTML.escape(href))\" rel=\"next\">Next page</a>"
        }
        out += "</p>"
        return out + formats(path: path, query: kept)
    }

    /// Links to the same report as JSON and as CSV (all rows).
    static func formats(path: String, query: [String: String]) -> String {
        var json = query
        json["format"] = "json"
        var csv = query
        csv["format"] = "csv"
        csv["all"] = "1"
        csv["page"] = nil
        csv["perPage"] = nil
        return "<p>Also as <a href=\"\(HTML.escape(link(path, json)))\">JSON</a> or "
            + "<a href=\"\(HTML.escape(link(path, csv)))\">CSV (all rows)</a>.</p>"
    }

    static func link(_ path: String, _ query: [String: String]) -> String {
        guard !query.isEmpty else { return path }
        let encoded = query.sorted { $0.key < $1.key }.map { "\(percentEncoded($0.key))=\(percentEncoded($0.value))" }
        return path + "?" + encoded.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}
