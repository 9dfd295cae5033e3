import Foundation
import RegistryCore

/// What buyers filter open offers by (the criteria the CDM platform offers: project type, host country and the
/// units' own attributes), how they sort them, and which page they see.
public struct OfferFilter: Hashable, Sendable {
    public var projectType: String?
    /// The host Party's code as the registry records it.
    public var hostParty: String?
    public var unitType: UnitType?
    public var commitmentPeriod: CommitmentPeriod?
    public var vintage: Int?
    /// Lowest price per unit; offers in other currencies are left out (prices are only compared within one).
    public var minimumPrice: Money?
    /// Highest price per unit; offers in other currencies are left out.
    public var maximumPrice: Money?
    public var sort: OfferSort
    /// 1-based.
    public var page: Int
    public var pageSize: Int

    /// Pages larger than this are cut: a listing is read in one query.
    public static let maximumPageSize = 100

    public init(
        projectType: String? = nil, hostParty: String? = nil, unitType: UnitType? = nil,
        commitmentPeriod: CommitmentPeriod? = nil, vintage: Int? = nil, minimumPrice: Money? = nil,
        maximumPrice: Money? = nil, sort: OfferSort = OfferSort(), page: Int = 1, pageSize: Int = 20
    ) {
        self.projectType = projectType
        self.hostParty = hostParty
        self.unitType = unitType
        self.commitmentPeriod = commitmentPeriod
        self.vintage = vintage
        self.minimumPrice = minimumPrice
        self.maximumPrice = maximumPrice
        self.sort = sort
        self.page = page
        self.pageSize = pageSize
    }
}

/// The order of a listing; ties are broken by offer number so pages never overlap.
public struct OfferSort: Hashable, Sendable {
    public enum Key: String, Hashable, Sendable, CaseIterable {
        /// Price per unit (within a currency; currencies in alphabetical order).
        case price
        /// Units available now.
        case quantity
        case vintage
    }

    public var key: Key
    public var descending: Bool

    public init(key: Key = .price, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }
}

/// One page of open offers.
public struct OfferListing: Hashable, Sendable {
    public var offers: [Offer]
    /// Open offers matching the filter, all pages together.
    public var total: Int
    public var page: Int
    public var pageSize: Int

    public var pageCount: Int { total == 0 ? 1 : (total + pageSize - 1) / pageSize }
}

/// The values present among open offers, for the filter form's choices.
public struct OfferFacets: Hashable, Sendable {
    public var projectTypes: [String]
    public var hostParties: [String]
    public var vintages: [Int]
    public var currencies: [String]
}
