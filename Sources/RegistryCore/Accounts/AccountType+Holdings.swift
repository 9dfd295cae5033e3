/// Which account types the CDM registry runs and which unit types each may hold.
///
/// Decision (DOMAIN.md sections 3 and 5): the CDM registry holds only CERs, tCERs and lCERs. Holding (100),
/// pending (110), voluntary (230), excess issuance (240) and mandatory (250) cancellation accounts take all three;
/// the CCS accounts (241, 242) take CERs only, because CCS project activities are issued CERs; tCER replacement
/// (411) takes tCERs only and the lCER replacement accounts (421, 422, 423) take lCERs only.
extension AccountType {
    /// The account types that exist in the CDM registry.
    public static let cdmTypes: [AccountType] = [
        .partyHolding, .pending, .voluntaryCancellation, .excessIssuanceCancellation, .ccsNetReversalCancellation,
        .ccsNonSubmissionCancellation, .mandatoryCancellation, .tCERReplacementExpiry, .lCERReplacementExpiry,
        .lCERReplacementReversal, .lCERReplacementNonSubmission,
    ]

    /// The unit types an account of this type may hold in the CDM registry.
    public var cdmUnitTypes: Set<UnitType> {
        switch self {
        case .partyHolding, .pending, .voluntaryCancellation, .excessIssuanceCancellation, .mandatoryCancellation:
            [.cer, .tcer, .lcer]
        case .ccsNetReversalCancellation, .ccsNonSubmissionCancellation: [.cer]
        case .tCERReplacementExpiry: [.tcer]
        case .lCERReplacementExpiry, .lCERReplacementReversal, .lCERReplacementNonSubmission: [.lcer]
        default: []
        }
    }

    /// Whether an account of this type may hold `unitType` in the CDM registry (the table above, without building
    /// a set: the verifier asks once per block).
    public func cdmHolds(_ unitType: UnitType) -> Bool {
        switch self {
        case .partyHolding, .pending, .voluntaryCancellation, .excessIssuanceCancellation, .mandatoryCancellation:
            unitType.isCDMUnit
        case .ccsNetReversalCancellation, .ccsNonSubmissionCancellation: unitType == .cer
        case .tCERReplacementExpiry: unitType == .tcer
        case .lCERReplacementExpiry, .lCERReplacementReversal, .lCERReplacementNonSubmission: unitType == .lcer
        default: false
        }
    }

    /// Cancellation, replacement and retirement accounts: units enter them and never leave.
    public var isCancellationOrReplacement: Bool { isTerminal }
}

extension AccountIdentifier {
    /// The CDM registry's pending account, `CDM-110-1110-0`. Local decision: the identifier is not published; it
    /// follows the Adaptation Fund account's numbering (1000 + type, not bound to a commitment period).
    public static let cdmPending = try! AccountIdentifier(registry: .cdm, type: .pending, id: 1110)

    /// The CDM registry's cancellation or replacement account of a type for a commitment period, numbered as the
    /// published `CDM-240-2240-2`: commitment period * 1000 + type.
    public static func cdmTerminal(_ type: AccountType, period: CommitmentPeriod) -> AccountIdentifier {
        // type is 200...999 and period 0...2 here, so the identifier is always valid.
        try! AccountIdentifier(
            registry: .cdm, type: type, id: Int64(period.rawValue * 1000 + type.rawValue),
            commitmentPeriod: period.rawValue)
    }
}
