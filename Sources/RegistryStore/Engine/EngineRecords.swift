import Foundation
import RegistryCore

/// One transaction as the engine stores it: the state machine's snapshot and the request, opaque to the store,
/// beside the columns that operators and timers search by.
public struct EngineTransactionRecord: Hashable, Sendable {
    public var identifier: TransactionIdentifier
    public var flow: TransactionFlow
    /// The state in words (`awaiting ITL check`, `final: completed`), for listings.
    public var state: String
    /// The final DES status, nil while the transaction is in flight.
    public var finalStatus: TransactionStatus?
    /// When its timer falls due (registry time), nil when none runs.
    public var deadline: Date?
    /// The other registry involved, if any (acquiring or transferring registry).
    public var peer: RegistryCode?
    public var quantity: Int64
    /// The engine's encoding of the state machine (restored and validated on start-up).
    public var snapshot: Data
    /// The engine's encoding of what was asked (order, accounts, blocks, beneficiary and purpose, ...).
    public var details: Data
    public var createdAt: Date
    public var updatedAt: Date
    /// A cancellation's idempotency key (the online platform's order, `CancellationRequest.reference`), stored
    /// in its own indexed column so a repeated order finds its transaction without reading the others.
    public var reference: String?

    public init(
        identifier: TransactionIdentifier, flow: TransactionFlow, state: String, finalStatus: TransactionStatus?,
        deadline: Date?, peer: RegistryCode?, quantity: Int64, snapshot: Data, details: Data, createdAt: Date,
        updatedAt: Date, reference: String? = nil
    ) {
        self.identifier = identifier
        self.flow = flow
        self.state = state
        self.finalStatus = finalStatus
        self.deadline = deadline
        self.peer = peer
        self.quantity = quantity
        self.snapshot = snapshot
        self.details = details
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.reference = reference
    }
}

/// One applied event in a transaction's history.
public struct EngineEventRecord: Hashable, Sendable {
    public var transaction: TransactionIdentifier
    public var sequence: Int64
    public var at: Date
    /// What happened, in words (`ITL status 8 accepted`, `timeout fired`).
    public var event: String
    /// The state after the event.
    public var state: String

    public init(transaction: TransactionIdentifier, sequence: Int64, at: Date, event: String, state: String) {
        self.transaction = transaction
        self.sequence = sequence
        self.at = at
        self.event = event
        self.state = state
    }
}

/// An outbound DES message, committed with the transition that decided to send it and kept until acknowledged.
public struct OutboxMessage: Hashable, Sendable {
    /// Assigned by the store; nil before the message is enqueued.
    public var id: Int64?
    public var recipient: RegistryCode
    public var transaction: TransactionIdentifier?
    /// The DES operation name (`acceptProposal`), which gives the SOAPAction.
    public var operation: String
    /// The SOAP envelope exactly as it is sent.
    public var body: Data
    public var enqueuedAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?

    public init(
        id: Int64? = nil, recipient: RegistryCode, transaction: TransactionIdentifier?, operation: String, body: Data,
        enqueuedAt: Date, attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.recipient = recipient
        self.transaction = transaction
        self.operation = operation
        self.body = body
        self.enqueuedAt = enqueuedAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? enqueuedAt
        self.lastError = lastError
    }
}

/// Reads available to a step's outbox builder inside the step's own store transaction, after its ledger commands
/// were applied (so a proposal can list exactly the blocks its reservation took).
public protocol EngineStepContext {
    func reservation(_ transaction: TransactionIdentifier) throws -> Reservation?
}

/// Everything one engine transition writes, all or nothing: ledger commands (each with its journal entry), the
/// transaction's new record and history line, and the messages it sends.
public struct EngineStep: Sendable {
    /// The registry time the step happens at (the ledger's and the journal's time).
    public var time: Date
    public var commands: [LedgerCommand]
    /// Nil for a purely local operation (opening an account, registering a project).
    public var transaction: EngineTransactionRecord?
    /// The history line for `transaction`.
    public var event: String
    /// When set, the step applies only if the stored transaction's `updated_at` is this value (nil: must not
    /// exist yet): a guard against a transition decided on a stale copy.
    public var expectedVersion: Date??
    public var outbox: @Sendable (any EngineStepContext) throws -> [OutboxMessage]
    /// An outbox message whose acknowledgement this step applies: deleted in the same transaction, so a reply is
    /// acted on exactly once even if the process dies right after.
    public var acknowledgedOutbox: Int64?

    public init(
        time: Date, commands: [LedgerCommand], transaction: EngineTransactionRecord?, event: String,
        expectedVersion: Date?? = .none,
        acknowledgedOutbox: Int64? = nil,
        outbox: @escaping @Sendable (any EngineStepContext) throws -> [OutboxMessage] = { _ in [] }
    ) {
        self.acknowledgedOutbox = acknowledgedOutbox
        self.time = time
        self.commands = commands
        self.transaction = transaction
        self.event = event
        self.expectedVersion = expectedVersion
        self.outbox = outbox
    }
}

/// What a committed step wrote.
public struct EngineStepResult: Hashable, Sendable {
    public var journal: [JournalRecord]
    public var outbox: [OutboxMessage]

    public init(journal: [JournalRecord], outbox: [OutboxMessage]) {
        self.journal = journal
        self.outbox = outbox
    }
}

/// Why a step was not applied (the others of its batch are unaffected).
public enum EngineStepError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The transaction changed since the step was decided (or exists already, for a new one).
    case stale(TransactionIdentifier)

    public var description: String {
        switch self {
        case .stale(let id): "transaction \(id) changed since this step was decided; nothing was written"
        }
    }
}

/// Which transactions to list.
public enum EngineTransactionFilter: String, Hashable, Sendable, CaseIterable {
    case inFlight = "in-flight"
    case final
    case all
}
