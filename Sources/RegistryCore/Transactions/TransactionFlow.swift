/// The part this registry plays in a transaction, which decides the messages it exchanges (DOMAIN.md section 4).
public enum TransactionFlow: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Type 1: CERs/tCERs/lCERs into the pending account; one-registry, finalised by the ITL check (status 2).
    case issuance
    /// Type 3 on the transferring side (also external forwarding): CDM -> ITL -> acquiring registry.
    case externalTransfer
    /// Type 4 into a cancellation account (230 voluntary, 240, 241, 242, 250); one-registry, stops after the ITL check.
    case cancellation
    /// Type 10 (also internal forwarding): local only, never sent to the ITL, completes at once.
    case internalTransfer
    /// Type 3 on the acquiring side: an incoming proposal for one of our accounts.
    case acquiring

    public var transactionType: TransactionType {
        switch self {
        case .issuance: .issuance
        case .externalTransfer, .acquiring: .externalTransfer
        case .cancellation: .cancellation
        case .internalTransfer: .internalTransfer
        }
    }

    /// The proposing registry reserves blocks it moves out so nothing else can use them meanwhile.
    public var reservesUnits: Bool {
        switch self {
        case .externalTransfer, .cancellation, .internalTransfer: true
        case .issuance, .acquiring: false
        }
    }

    /// Every flow but the acquiring one starts from a proposal made here.
    public var isProposer: Bool { self != .acquiring }

    /// Internal transfers are not checked by the ITL, so no ITL message concerns them.
    public var involvesITL: Bool { self != .internalTransfer }

    /// Only a transfer to another registry waits for that registry's 8 Accepted or 6 Rejected.
    public var hasAcquiringRegistry: Bool { self == .externalTransfer }

    /// The states a transaction of this flow can be in; a snapshot in any other state is refused on restore.
    public var reachableStates: [TransactionState] {
        switch self {
        case .issuance, .cancellation:
            [
                .created,
                .waiting(.awaitingITLAcknowledgement), .waiting(.awaitingITLCheck),
                .querying(.awaitingITLAcknowledgement), .querying(.awaitingITLCheck),
                .final(.completed), .final(.terminated), .final(.cancelled),
            ]
        case .externalTransfer:
            [
                .created,
                .waiting(.awaitingITLAcknowledgement), .waiting(.awaitingITLCheck),
                .waiting(.awaitingAcquiringRegistry),
                .querying(.awaitingITLAcknowledgement), .querying(.awaitingITLCheck),
                .querying(.awaitingAcquiringRegistry),
                .final(.completed), .final(.terminated), .final(.rejected), .final(.cancelled),
            ]
        case .internalTransfer:
            [.created, .final(.completed), .final(.cancelled)]
        case .acquiring:
            [
                .created, .waiting(.awaitingCompletion), .querying(.awaitingCompletion),
                .final(.completed), .final(.terminated), .final(.rejected), .final(.cancelled),
            ]
        }
    }

    public var description: String {
        switch self {
        case .issuance: "issuance"
        case .externalTransfer: "external transfer"
        case .cancellation: "cancellation"
        case .internalTransfer: "internal transfer"
        case .acquiring: "acquiring"
        }
    }
}
