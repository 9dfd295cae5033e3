import Foundation

/// Names one issuance: the project and the EB's issuance request number for it.
public struct IssuanceIdentifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var project: Int
    public var number: Int

    public init(project: Int, number: Int) {
        self.project = project
        self.number = number
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.project, lhs.number) < (rhs.project, rhs.number) }
    public var description: String { "issuance \(project)/\(number)" }
}

/// An issuance and its share-of-proceeds state (DOMAIN.md section 5).
///
/// The serial range is contiguous: the first `shareOfProceeds` serials went to the Adaptation Fund account, the
/// rest to the pending account. SOP-Admin amounts are in the smallest currency unit (US cents), integers so that
/// instalments never drift.
public struct IssuanceRecord: Hashable, Sendable, Codable, CustomStringConvertible {
    public var identifier: IssuanceIdentifier
    public var unitType: UnitType
    /// Every serial issued, the share of proceeds included.
    public var serials: SerialRange
    /// The attributes all issued units carry (originating registry, commitment periods, expiry, LULUCF, project).
    public var attributes: UnitAttributes
    public var monitoringPeriodStart: CalendarDate
    public var monitoringPeriodEnd: CalendarDate
    public var issuedAt: Date
    public var pendingAccount: AccountIdentifier
    public var shareOfProceedsAccount: AccountIdentifier
    /// Units that went to the Adaptation Fund account at issuance (0 for least developed countries).
    public var shareOfProceeds: Int64
    /// SOP-Admin due for this issuance; 0 means nothing is due and everything is released at once.
    public var sopAdminDue: Int64
    /// SOP-Admin paid so far, all instalments together.
    public var sopAdminPaid: Int64
    /// Units that left the pending account under the SOP-Admin release (forwarded, reserved for an external
    /// forward, or voluntarily cancelled from the pending account).
    public var forwarded: Int64
    /// This issuance's units still in the pending account (not reserved).
    public var inPending: Int64

    public init(
        identifier: IssuanceIdentifier, unitType: UnitType, serials: SerialRange, attributes: UnitAttributes,
        monitoringPeriodStart: CalendarDate, monitoringPeriodEnd: CalendarDate, issuedAt: Date,
        pendingAccount: AccountIdentifier, shareOfProceedsAccount: AccountIdentifier, shareOfProceeds: Int64,
        sopAdminDue: Int64, sopAdminPaid: Int64 = 0, forwarded: Int64 = 0, inPending: Int64
    ) {
        self.identifier = identifier
        self.unitType = unitType
        self.serials = serials
        self.attributes = attributes
        self.monitoringPeriodStart = monitoringPeriodStart
        self.monitoringPeriodEnd = monitoringPeriodEnd
        self.issuedAt = issuedAt
        self.pendingAccount = pendingAccount
        self.shareOfProceedsAccount = shareOfProceedsAccount
        self.shareOfProceeds = shareOfProceeds
        self.sopAdminDue = sopAdminDue
        self.sopAdminPaid = sopAdminPaid
        self.forwarded = forwarded
        self.inPending = inPending
    }

    public var quantity: Int64 { serials.count }

    /// The units that went to the pending account at issuance.
    public var pendingQuantity: Int64 { serials.count - shareOfProceeds }

    /// Units released for forwarding by the SOP-Admin paid so far.
    ///
    /// Computed from the cumulative payment, `floor(pendingQuantity * paid / due)`, never by adding per-instalment
    /// shares, so any number of instalments releases exactly what one payment of their sum would (EB 106), and
    /// full payment releases everything. 128-bit intermediate: quantities reach 10^10 and amounts 10^12.
    public var released: Int64 {
        guard sopAdminDue > 0 else { return pendingQuantity }
        let paid = min(sopAdminPaid, sopAdminDue)
        let product = pendingQuantity.multipliedFullWidth(by: paid)
        return sopAdminDue.dividingFullWidth(product).quotient
    }

    /// Released and not yet forwarded, and still in the pending account.
    public var forwardable: Int64 { max(0, min(released - forwarded, inPending)) }

    public var description: String { "\(identifier) of \(quantity) \(unitType) \(serials)" }
}
