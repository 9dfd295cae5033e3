/// What the peer rules look at in a requested transaction, known before anything is reserved.
public struct TransactionRequestFacts: Hashable, Sendable {
    public var transactionType: TransactionType
    /// The registry the units go to: the peer for an external transfer, `CDM` for issuance and local moves.
    public var acquiringRegistry: RegistryCode
    public var blocks: [UnitBlockFacts]
    /// Units leave the pending account (forwarding), internally or to a national registry.
    public var isForwarding: Bool
    /// A cancellation into account type 230.
    public var isVoluntaryCancellation: Bool

    public init(
        transactionType: TransactionType, acquiringRegistry: RegistryCode, blocks: [UnitBlockFacts],
        isForwarding: Bool = false, isVoluntaryCancellation: Bool = false
    ) {
        self.transactionType = transactionType
        self.acquiringRegistry = acquiringRegistry
        self.blocks = blocks
        self.isForwarding = isForwarding
        self.isVoluntaryCancellation = isVoluntaryCancellation
    }

    /// The facts of concrete blocks (their serial numbers do not matter to any rule).
    public init(
        transactionType: TransactionType, acquiringRegistry: RegistryCode, unitBlocks: [UnitBlock],
        isForwarding: Bool = false, isVoluntaryCancellation: Bool = false
    ) {
        self.init(
            transactionType: transactionType, acquiringRegistry: acquiringRegistry,
            blocks: unitBlocks.map { UnitBlockFacts($0.attributes) }, isForwarding: isForwarding,
            isVoluntaryCancellation: isVoluntaryCancellation)
    }

    public var isIssuance: Bool { transactionType == .issuance }

    /// The registry functions this request uses, which capability rules may make unavailable.
    public var capabilities: Set<TransactionCapability> {
        var used: Set<TransactionCapability> = []
        switch transactionType {
        case .issuance: used.insert(.issuance)
        case .externalTransfer: used.insert(.externalTransfer)
        case .internalTransfer: used.insert(.internalTransfer)
        case .cancellation:
            used.insert(.cancellation)
            if isVoluntaryCancellation { used.insert(.voluntaryCancellation) }
        case .conversion, .retirement, .replacement, .carryOver, .expiryDateChange: break
        }
        if isForwarding { used.insert(.forwarding) }
        return used
    }
}

/// The attributes of one unit block that peer rules can depend on.
public struct UnitBlockFacts: Hashable, Sendable {
    public var unitType: UnitType
    public var originalCommitmentPeriod: CommitmentPeriod
    public var applicableCommitmentPeriod: CommitmentPeriod

    public init(
        unitType: UnitType, originalCommitmentPeriod: CommitmentPeriod, applicableCommitmentPeriod: CommitmentPeriod
    ) {
        self.unitType = unitType
        self.originalCommitmentPeriod = originalCommitmentPeriod
        self.applicableCommitmentPeriod = applicableCommitmentPeriod
    }

    public init(_ attributes: UnitAttributes) {
        self.init(
            unitType: attributes.unitType, originalCommitmentPeriod: attributes.originalCommitmentPeriod,
            applicableCommitmentPeriod: attributes.applicableCommitmentPeriod)
    }
}
