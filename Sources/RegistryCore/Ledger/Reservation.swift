import Foundation

/// Units taken by a transaction that goes through the ITL, until the ITL's answer commits or releases them
/// (DOMAIN.md section 4, external transfer steps 1, 2 and 4).
public struct Reservation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var transaction: TransactionIdentifier
    /// Where the units came from, and where a release returns them.
    public var source: AccountIdentifier
    /// Where a commit puts them: `.external(registry)` for an external transfer, `.account(...)` for a
    /// cancellation or replacement that the ITL checks.
    public var destination: BlockLocation
    /// The blocks exactly as they sit at `.reserved(transaction)`.
    public var blocks: [UnitBlock]
    /// Set when the units came from the pending account: a release gives the SOP-Admin release back.
    public var issuance: IssuanceIdentifier?
    public var reservedAt: Date

    public init(
        transaction: TransactionIdentifier, source: AccountIdentifier, destination: BlockLocation,
        blocks: [UnitBlock], issuance: IssuanceIdentifier?, reservedAt: Date
    ) {
        self.transaction = transaction
        self.source = source
        self.destination = destination
        self.blocks = blocks
        self.issuance = issuance
        self.reservedAt = reservedAt
    }

    public var quantity: Int64 { blocks.reduce(0) { $0 + $1.quantity } }

    public var description: String { "reservation \(transaction) of \(quantity) from \(source) to \(destination)" }
}
