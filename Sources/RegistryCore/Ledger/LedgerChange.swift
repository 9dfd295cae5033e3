import Foundation

/// One primitive edit of the ledger. A `LedgerChange` lists them in the order to apply; the in-memory ledger and
/// the SQL store apply them mechanically, without decisions of their own.
public enum LedgerMutation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Exactly this block must sit at exactly this location.
    case removeBlock(Placement)
    /// The planner has already merged it with its neighbours and removed them, so it overlaps nothing.
    case addBlock(Placement)
    /// Insert or replace.
    case putAccount(Account)
    case putProject(Project)
    case putIssuance(IssuanceRecord)
    case putReservation(Reservation)
    case deleteReservation(TransactionIdentifier)

    public var description: String {
        switch self {
        case .removeBlock(let placement): "remove \(placement)"
        case .addBlock(let placement): "add \(placement)"
        case .putAccount(let account): "put \(account)"
        case .putProject(let project): "put \(project)"
        case .putIssuance(let issuance): "put \(issuance)"
        case .putReservation(let reservation): "put \(reservation)"
        case .deleteReservation(let transaction): "delete reservation \(transaction)"
        }
    }
}

/// Everything one operation changes, and the journal entry that records it; applied as one store transaction.
public struct LedgerChange: Hashable, Sendable, Codable {
    public var mutations: [LedgerMutation]
    public var journal: JournalEntry

    public init(mutations: [LedgerMutation], journal: JournalEntry) {
        self.mutations = mutations
        self.journal = journal
    }
}

/// Units that moved from one place to another in one operation.
public struct BlockMovement: Hashable, Sendable, Codable, CustomStringConvertible {
    /// nil for units that came into existence (issuance) or came in from another registry's ledger.
    public var from: BlockLocation?
    public var to: BlockLocation
    /// The blocks as they were taken (before merging at the destination).
    public var blocks: [UnitBlock]

    public init(from: BlockLocation?, to: BlockLocation, blocks: [UnitBlock]) {
        self.from = from
        self.to = to
        self.blocks = blocks
    }

    public var quantity: Int64 { blocks.reduce(0) { $0 + $1.quantity } }

    public var description: String {
        "\(quantity) units \(blocks.map(\.range.description).joined(separator: ",")) "
            + "from \(from?.description ?? "nowhere") to \(to)"
    }
}

/// What happened, for the audit trail (DES `provideAuditTrail`) and attestations: the store persists it as JSON
/// in a hash chain and adds the sequence number and hashes.
public struct JournalEntry: Hashable, Sendable, Codable {
    /// The command's kind (`issue`, `forward`, ...), for filtering without decoding the command.
    public var operation: String
    public var time: Date
    /// The command exactly as given (beneficiary and purpose of a voluntary cancellation included).
    public var command: LedgerCommand
    public var movements: [BlockMovement]

    public init(operation: String, time: Date, command: LedgerCommand, movements: [BlockMovement]) {
        self.operation = operation
        self.time = time
        self.command = command
        self.movements = movements
    }
}
