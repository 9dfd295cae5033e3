import Foundation
import RegistryCore

/// The durable ledger: the seam between the registry and its storage engine (SQLite now; PostgreSQL for
/// scale-out later, behind the same protocol and the same test suite).
///
/// Every operation is one storage transaction holding the ledger change and its journal entry, so a crash leaves
/// either the whole operation or none of it. Domain refusals are the ledger's `LedgerError`, passed through
/// unchanged with nothing written; storage failures are `StoreError`.
public protocol RegistryStore: Sendable {
    /// The registry this store keeps the ledger of (`CDM`).
    var registryCode: RegistryCode { get }

    /// Plans `command` against the stored ledger and makes its change and journal entry durable, or nothing.
    func perform(_ command: LedgerCommand, at time: Date) throws -> JournalRecord

    /// Performs `commands` in order in ONE transaction, all or nothing, each with its own journal entry: for
    /// imports and loading, where one durable flush per command would dominate.
    func performAll(_ commands: [TimedCommand]) throws -> [JournalRecord]

    func account(_ id: AccountIdentifier) throws -> Account?

    /// Accounts in identifier order after `after` (from the first when nil), at most `limit`.
    func accounts(after: AccountIdentifier?, limit: Int) throws -> [Account]

    /// The account's unreserved units, all unit types and commitment periods together.
    func balance(of id: AccountIdentifier) throws -> Int64

    /// Quantities per account, unit type and commitment periods, narrowed by `filter`.
    func holdings(matching filter: HoldingFilter) throws -> [Holding]

    /// The account's unreserved blocks in take order after `after`, at most `limit`: a page, never the account.
    func blocks(in account: AccountIdentifier, after: BlockKey?, limit: Int) throws -> [UnitBlock]

    func project(_ number: Int) throws -> Project?

    func issuance(_ id: IssuanceIdentifier) throws -> IssuanceRecord?

    func reservation(_ transaction: TransactionIdentifier) throws -> Reservation?

    /// Journal entries with a sequence number above `after`, oldest first, at most `limit`.
    func journal(after sequence: Int64, limit: Int) throws -> [JournalRecord]

    /// The last `limit` journal entries, oldest first.
    func journalTail(limit: Int) throws -> [JournalRecord]

    /// Checks the journal's hash chain and the ledger's invariants over every stored block, streaming.
    func verify() throws -> StoreVerification
}

/// A command and the time it is performed at (time is a value: the ledger reads no clock).
public struct TimedCommand: Hashable, Sendable {
    public var command: LedgerCommand
    public var time: Date

    public init(_ command: LedgerCommand, at time: Date) {
        self.command = command
        self.time = time
    }
}

/// Which holdings to report; nil fields match everything.
public struct HoldingFilter: Hashable, Sendable {
    public var account: AccountIdentifier?
    public var unitType: UnitType?
    /// The commitment period the units are valid for (DES `applicableCommitPeriod`).
    public var applicableCommitmentPeriod: CommitmentPeriod?

    public init(
        account: AccountIdentifier? = nil, unitType: UnitType? = nil,
        applicableCommitmentPeriod: CommitmentPeriod? = nil
    ) {
        self.account = account
        self.unitType = unitType
        self.applicableCommitmentPeriod = applicableCommitmentPeriod
    }
}

/// The unreserved units of one account of one unit type and pair of commitment periods.
public struct Holding: Hashable, Sendable, CustomStringConvertible {
    public var account: AccountIdentifier
    public var unitType: UnitType
    public var originalCommitmentPeriod: CommitmentPeriod
    public var applicableCommitmentPeriod: CommitmentPeriod
    public var quantity: Int64
    /// How many blocks hold them (fragmentation, for operators).
    public var blockCount: Int64

    public init(
        account: AccountIdentifier, unitType: UnitType, originalCommitmentPeriod: CommitmentPeriod,
        applicableCommitmentPeriod: CommitmentPeriod, quantity: Int64, blockCount: Int64
    ) {
        self.account = account
        self.unitType = unitType
        self.originalCommitmentPeriod = originalCommitmentPeriod
        self.applicableCommitmentPeriod = applicableCommitmentPeriod
        self.quantity = quantity
        self.blockCount = blockCount
    }

    public var description: String {
        "\(account) \(quantity) \(unitType) \(originalCommitmentPeriod)/\(applicableCommitmentPeriod) "
            + "in \(blockCount) blocks"
    }
}
