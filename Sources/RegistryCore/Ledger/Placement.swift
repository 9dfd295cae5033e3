/// Where a block of this ledger's units is: in an account, reserved by a transaction that goes through the ITL, or
/// gone to another registry.
public enum BlockLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    case account(AccountIdentifier)
    /// Taken by a proposed transaction: nothing else may use these units until it is committed or released.
    case reserved(TransactionIdentifier)
    /// Transferred out to that registry; kept so every serial ever issued stays accounted for, and so units that
    /// come back are recognised.
    case external(RegistryCode)

    public var description: String {
        switch self {
        case .account(let id): "account \(id)"
        case .reserved(let transaction): "reserved by \(transaction)"
        case .external(let registry): "transferred to \(registry)"
        }
    }

    /// The account, when the block sits in one.
    public var accountIdentifier: AccountIdentifier? {
        if case .account(let id) = self { return id }
        return nil
    }
}

/// One block and where it is: the unit of the global index, of the store's blocks table and of ledger mutations.
public struct Placement: Hashable, Sendable, Codable, CustomStringConvertible {
    public var location: BlockLocation
    public var block: UnitBlock

    public init(location: BlockLocation, block: UnitBlock) {
        self.location = location
        self.block = block
    }

    public var key: BlockKey { block.key }

    public var description: String { "\(block) in \(location)" }
}
