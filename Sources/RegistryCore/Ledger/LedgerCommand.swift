/// Every operation of the ledger with its parameters: planned purely into a `LedgerChange`, recorded as given in
/// the journal entry.
public enum LedgerCommand: Hashable, Sendable, Codable {
    case openAccount(Account)
    /// Block, unblock or close; closing is final and needs an empty account.
    case setAccountState(AccountIdentifier, AccountState)
    case registerProject(Project)
    /// Replaces who may instruct for a project (a change of the modalities of communication).
    case setModalities(project: Int, participants: Set<ParticipantIdentifier>)
    case issue(IssuanceOrder)
    case paySOPAdmin(SOPAdminPayment)
    /// Pending account -> holding account in this registry.
    case forward(ForwardOrder)
    /// Holding account -> holding account in this registry (DES type 10, not sent to the ITL).
    case transfer(TransferOrder)
    /// Straight into a cancellation or replacement account (the kind follows the account type: 230 voluntary,
    /// 240 excess issuance, 241/242 CCS, 250 mandatory, 411-423 replacement).
    case cancel(CancellationOrder)
    /// Takes units for a transaction that goes through the ITL.
    case reserve(ReservationOrder)
    /// Moves part of a reservation to a new reservation with the same source and destination (units held for an
    /// offer on the online platform become the reservation of the cancellation that sells them).
    case splitReservation(ReservationSplit)
    /// The ITL accepted: the reserved units go to the reservation's destination.
    case commit(TransactionIdentifier)
    /// The ITL (or the acquiring registry) refused, or the proposal timed out: the units go back to the source.
    case release(TransactionIdentifier)
    /// Units transferred to us by another registry (final notice, DES status 4 on the acquiring side).
    case creditIncoming(IncomingCredit)

    /// The name the journal files the command under.
    public var operation: String {
        switch self {
        case .openAccount: "openAccount"
        case .setAccountState: "setAccountState"
        case .registerProject: "registerProject"
        case .setModalities: "setModalities"
        case .issue: "issue"
        case .paySOPAdmin: "paySOPAdmin"
        case .forward: "forward"
        case .transfer: "transfer"
        case .cancel: "cancel"
        case .reserve: "reserve"
        case .splitReservation: "splitReservation"
        case .commit: "commit"
        case .release: "release"
        case .creditIncoming: "creditIncoming"
        }
    }
}

/// The EB's instruction to issue: serials come from the instruction, not from a counter of ours.
public struct IssuanceOrder: Hashable, Sendable, Codable {
    public var issuance: IssuanceIdentifier
    public var unitType: UnitType
    public var serials: SerialRange
    public var originalCommitmentPeriod: CommitmentPeriod
    public var applicableCommitmentPeriod: CommitmentPeriod
    public var monitoringPeriodStart: CalendarDate
    public var monitoringPeriodEnd: CalendarDate
    /// tCER/lCER only, and required for them.
    public var expiryDate: CalendarDate?
    /// DES LULUCFActivity 1...7; tCER/lCER only, and required for them.
    public var lulucfActivity: Int?
    /// SOP-Admin due, in the smallest currency unit; 0 when nothing is due.
    public var sopAdminDue: Int64
    public var pendingAccount: AccountIdentifier
    public var shareOfProceedsAccount: AccountIdentifier

    public init(
        issuance: IssuanceIdentifier, unitType: UnitType, serials: SerialRange,
        originalCommitmentPeriod: CommitmentPeriod, applicableCommitmentPeriod: CommitmentPeriod? = nil,
        monitoringPeriodStart: CalendarDate, monitoringPeriodEnd: CalendarDate, expiryDate: CalendarDate? = nil,
        lulucfActivity: Int? = nil, sopAdminDue: Int64, pendingAccount: AccountIdentifier = .cdmPending,
        shareOfProceedsAccount: AccountIdentifier = .adaptationFund
    ) {
        self.issuance = issuance
        self.unitType = unitType
        self.serials = serials
        self.originalCommitmentPeriod = originalCommitmentPeriod
        self.applicableCommitmentPeriod = applicableCommitmentPeriod ?? originalCommitmentPeriod
        self.monitoringPeriodStart = monitoringPeriodStart
        self.monitoringPeriodEnd = monitoringPeriodEnd
        self.expiryDate = expiryDate
        self.lulucfActivity = lulucfActivity
        self.sopAdminDue = sopAdminDue
        self.pendingAccount = pendingAccount
        self.shareOfProceedsAccount = shareOfProceedsAccount
    }
}

/// One SOP-Admin instalment (or the full payment) for an issuance, in the smallest currency unit.
public struct SOPAdminPayment: Hashable, Sendable, Codable {
    public var issuance: IssuanceIdentifier
    public var amount: Int64

    public init(issuance: IssuanceIdentifier, amount: Int64) {
        self.issuance = issuance
        self.amount = amount
    }
}

public struct ForwardOrder: Hashable, Sendable, Codable {
    public var issuance: IssuanceIdentifier
    public var to: AccountIdentifier
    public var quantity: Int64
    /// Must be named by the project's modalities of communication.
    public var instructedBy: ParticipantIdentifier

    public init(issuance: IssuanceIdentifier, to: AccountIdentifier, quantity: Int64,
                instructedBy: ParticipantIdentifier) {
        self.issuance = issuance
        self.to = to
        self.quantity = quantity
        self.instructedBy = instructedBy
    }
}

public struct TransferOrder: Hashable, Sendable, Codable {
    public var from: AccountIdentifier
    public var to: AccountIdentifier
    public var quantity: Int64

    public init(from: AccountIdentifier, to: AccountIdentifier, quantity: Int64) {
        self.from = from
        self.to = to
        self.quantity = quantity
    }
}

/// A cancellation or replacement straight into a terminal account.
public struct CancellationOrder: Hashable, Sendable, Codable {
    /// Taken from in this order until `quantity` is reached (excess issuance: the pending account first).
    public var sources: [AccountIdentifier]
    public var to: AccountIdentifier
    public var quantity: Int64
    /// Restricts the units taken to this issuance's serials; required when a source is the pending account.
    public var issuance: IssuanceIdentifier?
    /// Required for a voluntary cancellation from the pending account (modalities of communication).
    public var instructedBy: ParticipantIdentifier?
    /// Voluntary cancellation: for whom (nil: on the holder's own behalf) and why; both go on the attestation.
    public var beneficiary: String?
    public var purpose: String?
    /// The ITL notice this cancellation answers (excess issuance, CCS), if any.
    public var notification: Int64?

    public init(
        sources: [AccountIdentifier], to: AccountIdentifier, quantity: Int64, issuance: IssuanceIdentifier? = nil,
        instructedBy: ParticipantIdentifier? = nil, beneficiary: String? = nil, purpose: String? = nil,
        notification: Int64? = nil
    ) {
        self.sources = sources
        self.to = to
        self.quantity = quantity
        self.issuance = issuance
        self.instructedBy = instructedBy
        self.beneficiary = beneficiary
        self.purpose = purpose
        self.notification = notification
    }
}

public struct ReservationOrder: Hashable, Sendable, Codable {
    public var transaction: TransactionIdentifier
    public var from: AccountIdentifier
    /// `.external(registry)` for an external transfer, `.account(...)` for a cancellation through the ITL.
    public var destination: BlockLocation
    public var quantity: Int64
    /// Required when `from` is the pending account (an external forward): limits and counts the SOP-Admin release.
    public var issuance: IssuanceIdentifier?
    public var instructedBy: ParticipantIdentifier?

    public init(
        transaction: TransactionIdentifier, from: AccountIdentifier, destination: BlockLocation, quantity: Int64,
        issuance: IssuanceIdentifier? = nil, instructedBy: ParticipantIdentifier? = nil
    ) {
        self.transaction = transaction
        self.from = from
        self.destination = destination
        self.quantity = quantity
        self.issuance = issuance
        self.instructedBy = instructedBy
    }
}

public struct ReservationSplit: Hashable, Sendable, Codable {
    public var from: TransactionIdentifier
    /// A new reservation; it must not exist yet.
    public var into: TransactionIdentifier
    /// Taken from `from` in take order; all of it deletes `from`.
    public var quantity: Int64
    /// The caller's idempotency key (the platform's release), kept in the journal entry; the ledger ignores it.
    public var reference: String?

    public init(from: TransactionIdentifier, into: TransactionIdentifier, quantity: Int64, reference: String? = nil) {
        self.from = from
        self.into = into
        self.quantity = quantity
        self.reference = reference
    }
}

public struct IncomingCredit: Hashable, Sendable, Codable {
    public var transaction: TransactionIdentifier
    public var from: RegistryCode
    public var to: AccountIdentifier
    public var blocks: [UnitBlock]

    public init(transaction: TransactionIdentifier, from: RegistryCode, to: AccountIdentifier, blocks: [UnitBlock]) {
        self.transaction = transaction
        self.from = from
        self.to = to
        self.blocks = blocks
    }
}
