/// The acquiring registry's own check of an incoming proposal, answered to the ITL as 8 Accepted or 6 Rejected.
public enum AcquiringCheckResult: Hashable, Sendable, Codable {
    case accept
    /// Rejected with at least one DES acquiring-registry response code.
    case reject([AcquiringRejection])
}

/// DES response codes an acquiring registry gives when it rejects a proposal (DOMAIN.md section 4, step 3).
public enum AcquiringRejection: Int, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case accountDoesNotExist = 5902
    case accountNotEligible = 5903
    case inconsistentWithPartyPolicy = 5904
    case accountClosed = 5906

    public var description: String {
        switch self {
        case .accountDoesNotExist: "5902 acquiring account does not exist"
        case .accountNotEligible: "5903 acquiring account not eligible for this unit"
        case .inconsistentWithPartyPolicy: "5904 inconsistent with Party policy"
        case .accountClosed: "5906 acquiring account closed"
        }
    }
}
