import Foundation
import RegistryCore

/// What a transaction was asked to do, stored with it (the state machine says where it stands, this says what it
/// moves): enough to rebuild every ledger command and DES message after a restart.
public enum TransactionRequest: Hashable, Sendable, Codable {
    /// Type 1: the EB's instruction; the units are credited when the ITL reports no discrepancy (status 2).
    case issuance(IssuanceRequest)
    /// Type 3 out of this registry (a transfer or a forward to a national registry).
    case externalTransfer(ExternalTransferRequest)
    /// Type 4 into a cancellation account (230 voluntary, 240, 241, 242, 250).
    case cancellation(CancellationRequest)
    /// Type 10: a forward or transfer within this registry, never sent to the ITL.
    case internalTransfer(InternalTransferRequest)
    /// Type 3 into one of our accounts, proposed by another registry through the ITL.
    case acquiring(IncomingProposal)

    public var flow: TransactionFlow {
        switch self {
        case .issuance: .issuance
        case .externalTransfer: .externalTransfer
        case .cancellation: .cancellation
        case .internalTransfer: .internalTransfer
        case .acquiring: .acquiring
        }
    }

    /// A cancellation's idempotency key (the platform's order), stored indexed with the transaction.
    public var reference: String? {
        if case .cancellation(let cancellation) = self { cancellation.reference } else { nil }
    }

    /// The other registry involved, if any.
    public var peer: RegistryCode? {
        switch self {
        case .externalTransfer(let request): request.acquiringAccount.registry
        case .acquiring(let proposal): proposal.transferringRegistry
        case .issuance, .cancellation, .internalTransfer: nil
        }
    }

    public var quantity: Int64 {
        switch self {
        case .issuance(let request): request.order.serials.count
        case .externalTransfer(let request): request.reservation.quantity
        case .cancellation(let request): request.reservation.quantity
        case .internalTransfer(let request): request.quantity
        case .acquiring(let proposal): proposal.blocks.reduce(0) { $0 + $1.quantity }
        }
    }
}

public struct IssuanceRequest: Hashable, Sendable, Codable {
    public var order: IssuanceOrder
    /// The Adaptation Fund's share (its first serials), decided when proposed, so the proposal's blocks name the
    /// account each part lands in.
    public var shareOfProceeds: Int64

    public init(order: IssuanceOrder, shareOfProceeds: Int64) {
        self.order = order
        self.shareOfProceeds = shareOfProceeds
    }
}

public struct ExternalTransferRequest: Hashable, Sendable, Codable {
    public var reservation: ReservationOrder
    /// The account in the acquiring registry (its registry is the acquiring registry).
    public var acquiringAccount: AccountIdentifier
    /// Units leave the pending account: a forward (DOMAIN.md section 5).
    public var isForwarding: Bool

    public init(reservation: ReservationOrder, acquiringAccount: AccountIdentifier, isForwarding: Bool) {
        self.reservation = reservation
        self.acquiringAccount = acquiringAccount
        self.isForwarding = isForwarding
    }
}

public struct CancellationRequest: Hashable, Sendable, Codable {
    public var reservation: ReservationOrder
    /// On whose behalf and why (voluntary cancellation; the attestation shows them).
    public var beneficiary: String?
    public var purpose: String?
    /// The ITL notice this cancellation answers (excess issuance, CCS), carried in the proposal.
    public var notification: Int64?
    /// Units held for an offer of the online platform: the cancellation takes its units from that hold (a split
    /// of its reservation) instead of reserving from the account.
    public var hold: TransactionIdentifier?
    /// On whose behalf the units were cancelled (the attestation shows it): the holder, or the platform's buyer.
    public var onBehalfOf: String?
    /// The caller's idempotency key (the platform's order): a second proposal with it returns the first.
    public var reference: String?

    public init(
        reservation: ReservationOrder, beneficiary: String?, purpose: String?, notification: Int64? = nil,
        hold: TransactionIdentifier? = nil, onBehalfOf: String? = nil, reference: String? = nil
    ) {
        self.reservation = reservation
        self.beneficiary = beneficiary
        self.purpose = purpose
        self.notification = notification
        self.hold = hold
        self.onBehalfOf = onBehalfOf
        self.reference = reference
    }
}

public struct InternalTransferRequest: Hashable, Sendable, Codable {
    /// Exactly one of the two is set.
    public var forward: ForwardOrder?
    public var transfer: TransferOrder?

    public init(forward: ForwardOrder) {
        self.forward = forward
        self.transfer = nil
    }

    public init(transfer: TransferOrder) {
        self.forward = nil
        self.transfer = transfer
    }

    public var command: LedgerCommand? {
        if let forward { return .forward(forward) }
        if let transfer { return .transfer(transfer) }
        return nil
    }

    public var quantity: Int64 { forward?.quantity ?? transfer?.quantity ?? 0 }
}

/// An acceptProposal relayed by the ITL for one of our accounts.
public struct IncomingProposal: Hashable, Sendable, Codable {
    public var transferringRegistry: RegistryCode
    public var transferringAccountType: AccountType?
    public var transferringAccountIdentifier: Int64?
    /// Our account, when one matched the proposal's type and identifier.
    public var account: AccountIdentifier?
    public var blocks: [UnitBlock]

    public init(
        transferringRegistry: RegistryCode, transferringAccountType: AccountType?,
        transferringAccountIdentifier: Int64?, account: AccountIdentifier?, blocks: [UnitBlock]
    ) {
        self.transferringRegistry = transferringRegistry
        self.transferringAccountType = transferringAccountType
        self.transferringAccountIdentifier = transferringAccountIdentifier
        self.account = account
        self.blocks = blocks
    }
}
