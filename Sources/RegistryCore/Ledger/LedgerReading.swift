/// The read-only queries an operation's planner needs; the in-memory `Ledger` and the store's transaction view
/// both answer them. Every method throws because a store read can fail; planners let such errors pass unchanged.
public protocol LedgerReading {
    /// This registry's code (`CDM`): the originating registry of every unit it issues.
    var registryCode: RegistryCode { get }

    func account(_ id: AccountIdentifier) throws -> Account?

    /// The units in the account that are not reserved (the sum of its blocks).
    func balance(of id: AccountIdentifier) throws -> Int64

    func project(_ number: Int) throws -> Project?

    func issuance(_ id: IssuanceIdentifier) throws -> IssuanceRecord?

    /// The account's unreserved blocks in take order with a key greater than `after` (from the first when nil),
    /// at most `limit` of them: a planner reads only the few blocks it takes, never the whole account.
    func availableBlocks(in account: AccountIdentifier, after: BlockKey?, limit: Int) throws -> [UnitBlock]

    /// Every block, wherever it is, sharing a serial with `range`, in serial order.
    func placements(overlapping range: SerialRange, originatingRegistry: RegistryCode) throws -> [Placement]

    func reservation(_ transaction: TransactionIdentifier) throws -> Reservation?

    /// The block holding `serial`, if any. Blocks never overlap, so there is at most one; neighbour lookups ask
    /// this on every merge, so the ledger answers it without building an array.
    func placement(containing serial: Int64, originatingRegistry: RegistryCode) throws -> Placement?

    /// The first block in serial order sharing a serial with `range`: an issuance only needs to know whether one
    /// exists, and a huge requested range must not collect every block in it.
    func firstPlacement(overlapping range: SerialRange, originatingRegistry: RegistryCode) throws -> Placement?
}

extension LedgerReading {
    /// Derived from `placements(overlapping:originatingRegistry:)` for readers without a faster answer.
    public func placement(containing serial: Int64, originatingRegistry: RegistryCode) throws -> Placement? {
        try placements(overlapping: SerialRange(unchecked: serial, serial), originatingRegistry: originatingRegistry)
            .first
    }

    /// Derived from `placements(overlapping:originatingRegistry:)` for readers without a faster answer.
    public func firstPlacement(overlapping range: SerialRange, originatingRegistry: RegistryCode) throws
        -> Placement?
    {
        try placements(overlapping: range, originatingRegistry: originatingRegistry).first
    }
}
