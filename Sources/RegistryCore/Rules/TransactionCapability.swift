/// A CDM registry function a rule can make unavailable for a time (DOMAIN.md section 6).
public enum TransactionCapability: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Type 1: issuing CERs, tCERs, lCERs into the pending account.
    case issuance
    /// Moving units out of the pending account to holding accounts, here or in a national registry.
    case forwarding
    /// Type 3: any transfer to another registry through the ITL.
    case externalTransfer
    /// Type 10: a transfer between two accounts of this registry.
    case internalTransfer
    /// Type 4: any cancellation.
    case cancellation
    /// Type 4 into account type 230 (available from 2012-11-15).
    case voluntaryCancellation

    public var description: String {
        switch self {
        case .issuance: "issuance"
        case .forwarding: "forwarding"
        case .externalTransfer: "external transfer"
        case .internalTransfer: "internal transfer"
        case .cancellation: "cancellation"
        case .voluntaryCancellation: "voluntary cancellation"
        }
    }
}
