/// Which slice of a long list a request wants: `?page=2&perPage=100`, 1-based, bounded.
public struct Pagination: Sendable, Hashable {
    public let page: Int
    public let perPage: Int

    public static let defaultPerPage = 100
    /// Bounds the rows one answer renders, so no request makes the listener build an unbounded page.
    public static let maximumPerPage = 1000

    public init(page: Int, perPage: Int) {
        self.page = max(1, page)
        self.perPage = min(max(1, perPage), Self.maximumPerPage)
    }

    /// Reads `page` and `perPage` from a query; absent means page 1 of `defaultPerPage`, bad values are refused.
    public init(query: [String: String], defaultPerPage: Int = Pagination.defaultPerPage) throws(PaginationError) {
        let page = try Self.positive("page", query["page"]) ?? 1
        let perPage = try Self.positive("perPage", query["perPage"]) ?? min(defaultPerPage, Self.maximumPerPage)
        guard perPage <= Self.maximumPerPage else { throw .perPageTooLarge(perPage, maximum: Self.maximumPerPage) }
        self.page = page
        self.perPage = perPage
    }

    /// Rows to skip; saturates instead of trapping on an absurd page number.
    public var offset: Int {
        let (product, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        return overflow ? Int.max : product
    }

    /// How many pages `total` rows make (at least 1, so an empty list still has its page 1).
    public func pageCount(total: Int) -> Int {
        guard total > 0 else { return 1 }
        return (total - 1) / perPage + 1
    }

    public func hasNext(total: Int) -> Bool { page < pageCount(total: total) }
    public var hasPrevious: Bool { page > 1 }

    /// The query of another page, keeping every other parameter (sorted, so equal pages get equal links).
    public func query(forPage other: Int, keeping query: [String: String]) -> String {
        var parameters = query
        parameters["page"] = String(other)
        parameters["perPage"] = String(perPage)
        return parameters.sorted { $0.key < $1.key }
            .map { URLEncoding.encode($0.key) + "=" + URLEncoding.encode($0.value) }
            .joined(separator: "&")
    }

    /// An RFC 8288 Link header with rel="next" / rel="prev" for `path` (already encoded), or nil on a lone page.
    public func linkHeader(path: String, query: [String: String], total: Int) -> String? {
        var links: [String] = []
        if hasPrevious {
            let previous = min(page - 1, pageCount(total: total))
            links.append("<\(path)?\(self.query(forPage: previous, keeping: query))>; rel=\"prev\"")
        }
        if hasNext(total: total) {
            links.append("<\(path)?\(self.query(forPage: page + 1, keeping: query))>; rel=\"next\"")
        }
        return links.isEmpty ? nil : links.joined(separator: ", ")
    }

    private static func positive(_ name: String, _ raw: String?) throws(PaginationError) -> Int? {
        guard let raw else { return nil }
        guard let value = Int(raw), value >= 1 else { throw .notAPositiveInteger(parameter: name, value: raw) }
        return value
    }
}
