import Foundation
import RegistryCore
import RegistryWeb

/// The offers listing's query string (`/?type=...&host=...&sort=price&order=desc&page=2`) read into an
/// `OfferFilter`: GET parameters so that a filtered listing is a link one can share or bookmark.
struct OfferQuery {
    /// The raw values, echoed back into the form.
    var values: [String: String]
    var filter: OfferFilter
    /// The first parameter that could not be read, and why.
    var error: PlatformError?

    static let pageSize = 20

    init(_ query: [String: String]) {
        values = query
        filter = OfferFilter(pageSize: Self.pageSize)
        do { try read(query) } catch { self.error = error }
    }

    private mutating func read(_ query: [String: String]) throws(PlatformError) {
        func value(_ name: String) -> String? {
            guard let text = query[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        filter.projectType = value("type")
        filter.hostParty = value("host")
        if let text = value("unit") {
            guard let unit = UnitType.allCases.first(where: { $0.isCDMUnit && $0.description == text }) else {
                throw .invalidInput(field: "unit", "'\(text)' is not CER, tCER or lCER")
            }
            filter.unitType = unit
        }
        if let text = value("period") {
            guard let number = Int(text), let period = CommitmentPeriod(rawValue: number), period != .euPilot else {
                throw .invalidInput(field: "period", "'\(text)' is not commitment period 1 or 2")
            }
            filter.commitmentPeriod = period
        }
        if let text = value("vintage") {
            guard let year = Int(text), (1990...2100).contains(year) else {
                throw .invalidInput(field: "vintage", "'\(text)' is not a year")
            }
            filter.vintage = year
        }
        let minimum = value("min")
        let maximum = value("max")
        if minimum != nil || maximum != nil {
            guard let code = value("currency") else {
                throw .invalidInput(field: "currency", "choose the currency the price range is in")
            }
            let currency = try CurrencyCode(code)
            if let minimum { filter.minimumPrice = try Money(parsing: minimum, currency: currency, field: "min") }
            if let maximum { filter.maximumPrice = try Money(parsing: maximum, currency: currency, field: "max") }
            if let low = filter.minimumPrice, let high = filter.maximumPrice, low.minorUnits > high.minorUnits {
                throw .invalidInput(field: "max", "the highest price is below the lowest")
            }
        }
        if let text = value("sort") {
            guard let key = OfferSort.Key(rawValue: text) else {
                throw .invalidInput(field: "sort", "'\(text)' is not price, quantity or vintage")
            }
            filter.sort.key = key
        }
        if let text = value("order") {
            guard text == "asc" || text == "desc" else {
                throw .invalidInput(field: "order", "'\(text)' is not asc or desc")
            }
            filter.sort.descending = text == "desc"
        }
        if let text = value("page") {
            guard let page = Int(text), page >= 1, page <= 1_000_000 else {
                throw .invalidInput(field: "page", "'\(text)' is not a page number")
            }
            filter.page = page
        }
    }

    /// The query string of another page of the same listing.
    func link(toPage page: Int) -> String {
        var parameters = values.filter { !$0.value.isEmpty }
        parameters["page"] = String(page)
        return "/?"
            + parameters.sorted { $0.key < $1.key }
            .map { "\(URLEncoding.encode($0.key))=\(URLEncoding.encode($0.value))" }.joined(separator: "&")
    }
}
