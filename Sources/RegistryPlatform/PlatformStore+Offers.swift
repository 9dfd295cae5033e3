import Foundation
import GRDB
import RegistryCore

extension PlatformStore {
    /// Units of an offer a buyer can still order, as SQL over the offer's row.
    static let availableSQL = "(quantity - held - sold - released - releasing - returned)"

    /// Records an offer whose units the registry now holds.
    func insertOffer(_ request: OfferRequest, units: HeldUnits, now: Date) throws(PlatformError) -> Offer {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO offers (account, issuance_project, issuance_number, instructed_by, seller, hold,
                        quantity, price_minor, currency, valid_until, created_at, status, project, project_title,
                        project_type, host_party, unit_type, commitment_period, vintage)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    request.account.description, request.issuance?.project, request.issuance?.number,
                    request.instructedBy, request.seller, units.hold.rawValue, units.quantity,
                    request.pricePerUnit.minorUnits, request.pricePerUnit.currency.rawValue,
                    request.validUntil.timeIntervalSince1970, now.timeIntervalSince1970, units.project,
                    units.projectTitle, units.projectType, units.hostParty, units.unitType.rawValue,
                    units.commitmentPeriod.rawValue, units.vintage,
                ])
            guard let offer = try Self.fetchOffer(db, id: db.lastInsertedRowID) else {
                throw PlatformError.store("the offer just inserted cannot be read back")
            }
            return offer
        }
    }

    public func offer(_ id: Int64) throws(PlatformError) -> Offer? {
        try read { db in try Self.fetchOffer(db, id: id) }
    }

    /// Ends an open offer (withdrawn by the holder or past its validity): what is neither sold nor held by an order
    /// awaiting payment moves to `releasing`. Returns the offer as it is now, or nil if it was not open.
    func endOffer(_ id: Int64, as status: OfferStatus, now: Date) throws(PlatformError) -> Offer? {
        try write { db in
            guard let offer = try Self.fetchOffer(db, id: id) else { throw PlatformError.offerNotFound(id) }
            guard offer.status == .open else { return nil }
            try db.execute(
                sql: """
                    UPDATE offers SET status = ?, ended_at = ?, releasing = releasing + \(Self.availableSQL)
                    WHERE id = ?
                    """,
                arguments: [status.rawValue, now.timeIntervalSince1970, id])
            return try Self.fetchOffer(db, id: id)
        }
    }

    /// Open offers whose validity has ended by `now`.
    func offersPastValidity(now: Date) throws(PlatformError) -> [Int64] {
        try read { db in
            try Int64.fetchAll(
                db, sql: "SELECT id FROM offers WHERE status = 'open' AND valid_until <= ?",
                arguments: [now.timeIntervalSince1970])
        }
    }

    /// Offers with units recorded for release and not yet confirmed by the registry.
    func offersWithPendingReleases() throws(PlatformError) -> [Offer] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM offers WHERE releasing > 0 ORDER BY id").map { row in
                try Self.offer(from: row)
            }
        }
    }

    /// The registry released `quantity` units of the offer's hold.
    func confirmRelease(offer id: Int64, quantity: Int64) throws(PlatformError) {
        try write { db in
            try db.execute(
                sql: "UPDATE offers SET releasing = releasing - ?, released = released + ? WHERE id = ? "
                    + "AND releasing >= ?",
                arguments: [quantity, quantity, id, quantity])
        }
    }

    /// One page of the open offers matching `filter`, available now.
    public func offers(_ filter: OfferFilter, now: Date) throws(PlatformError) -> OfferListing {
        var conditions = ["status = 'open'", "valid_until > ?", "\(Self.availableSQL) > 0"]
        var arguments: [(any DatabaseValueConvertible)?] = [now.timeIntervalSince1970]
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            conditions.append(condition)
            arguments.append(value)
        }
        if let value = filter.projectType { add("project_type = ?", value) }
        if let value = filter.hostParty { add("host_party = ?", value) }
        if let value = filter.unitType { add("unit_type = ?", value.rawValue) }
        if let value = filter.commitmentPeriod { add("commitment_period = ?", value.rawValue) }
        if let value = filter.vintage { add("vintage = ?", value) }
        if let value = filter.minimumPrice {
            add("currency = ?", value.currency.rawValue)
            add("price_minor >= ?", value.minorUnits)
        }
        if let value = filter.maximumPrice {
            add("currency = ?", value.currency.rawValue)
            add("price_minor <= ?", value.minorUnits)
        }
        let direction = filter.sort.descending ? "DESC" : "ASC"
        let order =
            switch filter.sort.key {
            case .price: "currency ASC, price_minor \(direction), id ASC"
            case .quantity: "\(Self.availableSQL) \(direction), id ASC"
            case .vintage: "vintage \(direction), id ASC"
            }
        let pageSize = min(max(filter.pageSize, 1), OfferFilter.maximumPageSize)
        let page = max(filter.page, 1)
        let (skip, overflow) = (page - 1).multipliedReportingOverflow(by: pageSize)
        let offset = overflow ? Int.max / 2 : skip
        let whereClause = conditions.joined(separator: " AND ")
        return try read { db in
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM offers WHERE \(whereClause)",
                    arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM offers WHERE \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [pageSize, offset]))
            let offers = try rows.map { row in try Self.offer(from: row) }
            return OfferListing(offers: offers, total: total, page: page, pageSize: pageSize)
        }
    }

    /// The distinct values among open offers, for the filter form.
    public func facets(now: Date) throws(PlatformError) -> OfferFacets {
        try read { db in
            let open = "FROM offers WHERE status = 'open' AND valid_until > ? AND \(Self.availableSQL) > 0"
            let time: StatementArguments = [now.timeIntervalSince1970]
            return OfferFacets(
                projectTypes: try String.fetchAll(
                    db, sql: "SELECT DISTINCT project_type \(open) ORDER BY 1", arguments: time),
                hostParties: try String.fetchAll(
                    db, sql: "SELECT DISTINCT host_party \(open) ORDER BY 1", arguments: time),
                vintages: try Int.fetchAll(db, sql: "SELECT DISTINCT vintage \(open) ORDER BY 1", arguments: time),
                currencies: try String.fetchAll(
                    db, sql: "SELECT DISTINCT currency \(open) ORDER BY 1", arguments: time))
        }
    }
}
