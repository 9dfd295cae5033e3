/// A DES account type code (DOMAIN.md section 3). Open-ended: peers may use codes this registry never holds.
public struct AccountType: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// Party holding account; in the CDM registry the holding accounts, including the Adaptation Fund account.
    public static let partyHolding = AccountType(100)
    /// The CDM registry's pending account: issuance lands here first.
    public static let pending = AccountType(110)
    public static let entityHolding = AccountType(120)
    public static let personHolding = AccountType(121)
    public static let netSourceCancellation = AccountType(210)
    public static let nonComplianceCancellation = AccountType(220)
    public static let voluntaryCancellation = AccountType(230)
    public static let excessIssuanceCancellation = AccountType(240)
    public static let ccsNetReversalCancellation = AccountType(241)
    public static let ccsNonSubmissionCancellation = AccountType(242)
    public static let mandatoryCancellation = AccountType(250)
    public static let administrativeCancellation = AccountType(260)
    public static let article37terCancellation = AccountType(270)
    public static let ambitionIncreaseCancellation = AccountType(280)
    public static let retirement = AccountType(300)
    public static let tCERReplacementExpiry = AccountType(411)
    public static let lCERReplacementExpiry = AccountType(421)
    public static let lCERReplacementReversal = AccountType(422)
    public static let lCERReplacementNonSubmission = AccountType(423)

    /// Accounts units only ever enter: cancellation, retirement and replacement accounts.
    public var isTerminal: Bool { rawValue >= 200 }

    public static func < (lhs: AccountType, rhs: AccountType) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
