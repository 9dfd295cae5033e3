import Foundation
import RegistryCore

/// Where an offer stands. Only an open offer before its validity end takes orders.
public enum OfferStatus: String, Hashable, Sendable, Codable, CustomStringConvertible {
    case open
    /// The holder took it back; what was unsold went back to the holder's account.
    case withdrawn
    /// Its validity ended; what was unsold went back to the holder's account.
    case expired

    public var description: String { rawValue }
}

/// A holder's offer: units held in the registry for sale, and how many of them are where now.
///
/// Every unit offered is in exactly one of: available, held by an order awaiting payment, sold, released to the
/// holder (or being released), returned to the holder by a rejected cancellation. The store keeps these counters
/// in one row, changed only inside write transactions, so that no unit can be sold twice (issue 7: no oversell).
public struct Offer: Hashable, Sendable {
    public var id: Int64
    public var account: AccountIdentifier
    public var issuance: IssuanceIdentifier?
    public var instructedBy: ParticipantIdentifier?
    public var seller: String
    /// The registry's hold and the facts of its units.
    public var units: HeldUnits
    public var pricePerUnit: Money
    public var validUntil: Date
    public var createdAt: Date
    public var status: OfferStatus
    public var endedAt: Date?
    /// Units reserved by orders awaiting payment.
    public var held: Int64
    /// Units of paid orders: being cancelled or cancelled.
    public var sold: Int64
    /// Units given back to the holder's account by `releaseHeld`.
    public var released: Int64
    /// Units recorded for release whose `releaseHeld` has not been confirmed yet (retried until it is).
    public var releasing: Int64
    /// Units whose cancellation the registry or ITL rejected: back in the holder's account.
    public var returned: Int64

    /// The units offered in total.
    public var quantity: Int64 { units.quantity }

    /// What a buyer can order now; 0 unless the offer is open and before its validity end.
    public func available(at now: Date) -> Int64 {
        guard status == .open, now < validUntil else { return 0 }
        return max(0, quantity - held - sold - released - releasing - returned)
    }
}

/// What a holder (through the operator's `registryctl offer create`) asks to offer.
public struct OfferRequest: Hashable, Sendable {
    /// A holding account, or a pending account (then `issuance` and `instructedBy` are required).
    public var account: AccountIdentifier
    public var issuance: IssuanceIdentifier?
    public var instructedBy: ParticipantIdentifier?
    /// The name buyers see (the holder's organisation).
    public var seller: String
    public var quantity: Int64
    public var pricePerUnit: Money
    public var validUntil: Date

    public init(
        account: AccountIdentifier, issuance: IssuanceIdentifier? = nil, instructedBy: ParticipantIdentifier? = nil,
        seller: String, quantity: Int64, pricePerUnit: Money, validUntil: Date
    ) {
        self.account = account
        self.issuance = issuance
        self.instructedBy = instructedBy
        self.seller = seller
        self.quantity = quantity
        self.pricePerUnit = pricePerUnit
        self.validUntil = validUntil
    }

    /// The last second of `day` in UTC: an offer "valid until" a day takes orders through that day.
    public static func lastSecond(of day: CalendarDate) -> Date {
        var components = DateComponents()
        (components.year, components.month, components.day) = (day.year, day.month, day.day)
        (components.hour, components.minute, components.second) = (23, 59, 59)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar.date(from: components) ?? Date.distantPast
    }
}
