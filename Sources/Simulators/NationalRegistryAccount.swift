import RegistryCore

/// An account of the simulated national registry: what the acquiring-registry checks (5902-5906) look at.
public struct NationalRegistryAccount: Hashable, Sendable {
    /// DES `acquiringRegistryAccountIdentifier`: the account number within the registry.
    public var identifier: Int64
    public var type: AccountType
    public var isOpen: Bool
    /// Unit types this account may hold (5903 otherwise); a scenario narrows it to provoke the rejection.
    public var eligibleUnitTypes: Set<UnitType>

    public init(
        identifier: Int64, type: AccountType, isOpen: Bool = true,
        eligibleUnitTypes: Set<UnitType> = Set(UnitType.allCases)
    ) {
        self.identifier = identifier
        self.type = type
        self.isOpen = isOpen
        self.eligibleUnitTypes = eligibleUnitTypes
    }
}

/// A block an account holds, and the proposal of this registry reserving it (still held until debited on 8).
public struct NationalRegistryHolding: Hashable, Sendable {
    public var block: UnitBlock
    public var reservedBy: TransactionIdentifier?

    public init(block: UnitBlock, reservedBy: TransactionIdentifier? = nil) {
        self.block = block
        self.reservedBy = reservedBy
    }
}

/// Why the national-registry simulator refused an operation; nothing was changed.
public enum NationalRegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    case accountExists(Int64)
    case unknownAccount(Int64)
    case accountClosed(Int64)
    case unitsNotAvailable(account: Int64, block: UnitBlock)
    case duplicateTransaction(TransactionIdentifier)
    case unitsAlreadyHeld(UnitBlock)
    case invalidQuantity(Int64)
    case insufficientUnits(account: Int64, requested: Int64, available: Int64)
    case unknownTransaction(TransactionIdentifier)
    case transactionNotOpen(TransactionIdentifier, status: TransactionStatus)
    case transactionNotOurs(TransactionIdentifier, registry: RegistryCode)
    case notDurable(synchronous: Int, path: String)
    case corruptRow(table: String, detail: String)
    case database(String)

    public var description: String {
        switch self {
        case .accountExists(let id): "account \(id) already exists"
        case .unknownAccount(let id): "account \(id) does not exist"
        case .accountClosed(let id): "account \(id) is closed"
        case .unitsNotAvailable(let account, let block):
            "account \(account) does not hold block \(block) free of reservations"
        case .duplicateTransaction(let id): "transaction \(id) already exists in this registry"
        case .unitsAlreadyHeld(let block): "serials of block \(block) are already held in this registry"
        case .invalidQuantity(let quantity): "quantity \(quantity) is not a positive number of units"
        case .insufficientUnits(let account, let requested, let available):
            "account \(account) has \(available) unreserved units, \(requested) requested"
        case .unknownTransaction(let id): "transaction \(id) is not known to this registry"
        case .transactionNotOpen(let id, let status): "transaction \(id) is no longer open (status \(status))"
        case .transactionNotOurs(let id, let registry):
            "transaction identifier \(id) does not start with this registry's code \(registry)"
        case .notDurable(let synchronous, let path):
            "\(path): SQLite synchronous is \(synchronous), not FULL (2); the registry simulator refuses to run"
        case .corruptRow(let table, let detail): "registry simulator table \(table) holds an unreadable row: \(detail)"
        case .database(let detail): "registry simulator database error: \(detail)"
        }
    }
}
