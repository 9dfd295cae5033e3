import DES
import Foundation
import Logging
import RegistryCore
import RegistryStore

/// How the engine runs: whose registry, the timeouts, the peer rules and the DES version it speaks.
public struct EngineConfiguration: Sendable {
    public var registry: RegistryCode
    public var timeouts: TransactionTimeouts
    public var rules: PeerRuleBook
    /// DES 1.1, as the ITL simulator and the WSDL examples speak it.
    public var majorVersion: Int
    public var minorVersion: Int
    /// After an inconsistent reconciliation result, refuse new transactions that go to the ITL until an operator
    /// clears the alert (the registry's holdings are in doubt; local moves stay possible).
    public var holdsAfterInconsistentReconciliation: Bool
    /// The most unit blocks in one receiveUnitBlocks message (about 400 bytes each on the wire).
    public var maximumBlocksPerMessage: Int

    public init(
        registry: RegistryCode = .cdm, timeouts: TransactionTimeouts = .standard, rules: PeerRuleBook,
        majorVersion: Int = 1, minorVersion: Int = 1, holdsAfterInconsistentReconciliation: Bool = true,
        maximumBlocksPerMessage: Int = 5_000
    ) {
        self.registry = registry
        self.timeouts = timeouts
        self.rules = rules
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.holdsAfterInconsistentReconciliation = holdsAfterInconsistentReconciliation
        self.maximumBlocksPerMessage = max(1, maximumBlocksPerMessage)
    }
}

public typealias Machine = TransactionStateMachine<RegistryClock>

/// The transaction engine: every transaction's state machine, made durable together with its ledger effect and
/// the messages it sends, one store transaction per transition (DESIGN.md, "the engine").
///
/// Concurrency: events for one transaction are applied one at a time, in arrival order (a per-transaction lock),
/// while different transactions proceed together and share group commits. In-flight machines stay in memory;
/// final ones are read from the store when a late message asks about them.
public actor RegistryEngine {
    public nonisolated let configuration: EngineConfiguration
    public nonisolated let clock: RegistryClock
    let store: SQLiteRegistryStore
    let committer: StepCommitter
    let logger: Logger

    struct Live {
        var machine: Machine
        let request: TransactionRequest
        var record: EngineTransactionRecord
    }

    var live: [TransactionIdentifier: Live] = [:]
    private var locks: [TransactionIdentifier: [CheckedContinuation<Void, Never>]] = [:]
    var lastNumber: Int64 = 0
    /// References (`HeldCancellationOrder.reference`) whose transaction is being created right now.
    var referencesStarting: Set<String> = []
    /// The peer rules in force (replaced by `reloadRules` on SIGHUP, without stopping anything).
    public private(set) var rules: PeerRuleBook
    /// Open reconciliations' frozen holdings, by reconciliation identifier (not kept across restarts).
    var snapshots: [String: HoldingsSnapshot] = [:]
    /// The open reconciliation alerts as last read (nil: read again). Checked before every proposal to the ITL;
    /// only this actor writes reconciliations, and every write clears it (`saveReconciliation`).
    var openAlerts: [ReconciliationRecord]?
    private var outboxListeners: [@Sendable (Set<RegistryCode>) -> Void] = []

    /// Tells the sender that the ITL has new messages waiting.
    func wakeSender() { for listener in outboxListeners { listener([.itl]) } }
    private var finalListeners:
        [(flows: Set<TransactionFlow>, call: @Sendable (TransactionIdentifier, TransactionStatus) -> Void)] = []

    public init(
        store: SQLiteRegistryStore, configuration: EngineConfiguration, clock: RegistryClock,
        logger: Logger = Logger(label: "cdm-registry.engine")
    ) {
        self.store = store
        self.configuration = configuration
        self.rules = configuration.rules
        self.clock = clock
        self.committer = StepCommitter(store: store)
        self.logger = logger
    }

    /// Resumes every in-flight transaction from the store (after a restart or a crash) and returns how many.
    /// A snapshot that cannot be restored is reported, not skipped: the registry must not silently lose one.
    @discardableResult
    public func resume() throws(EngineError) -> Int {
        let records: [EngineTransactionRecord]
        do {
            records = try store.inFlightTransactions()
            lastNumber = try store.highestTransactionNumber(prefix: configuration.registry.rawValue)
        } catch { throw .store("\(error)") }
        for record in records {
            live[record.identifier] = try Self.restore(record, timeouts: configuration.timeouts)
        }
        EngineMetrics.current.transactionsInFlight(live.count)
        if !records.isEmpty { logger.info("resumed \(records.count) in-flight transactions") }
        return records.count
    }

    /// Replaces the peer rules; transactions already proposed are not re-judged (their rules were checked then).
    public func reloadRules(_ book: PeerRuleBook) {
        rules = book
        logger.notice("peer rules reloaded", metadata: ["rules": "\(book.rules.count)"])
    }

    /// Called with the recipients that have new outbox messages after each commit (the sender wakes up).
    public func onOutbox(_ listener: @escaping @Sendable (Set<RegistryCode>) -> Void) {
        outboxListeners.append(listener)
    }

    /// Called once with each transaction of one of `flows` that reaches a final status, after it is durable.
    /// A listener that names its flows costs nothing for the others (no store read to learn a transaction's kind).
    public func onFinal(
        of flows: Set<TransactionFlow> = Set(TransactionFlow.allCases),
        _ listener: @escaping @Sendable (TransactionIdentifier, TransactionStatus) -> Void
    ) {
        finalListeners.append((flows, listener))
    }

    public var inFlightCount: Int { live.count }

    /// The earliest running deadline, for the timer service.
    public var nextDeadline: RegistryInstant? { live.values.compactMap(\.machine.deadline).min() }

    // MARK: Transitions

    /// Applies one event to one transaction: decide, then commit the actions' ledger changes, the new state and
    /// the outbound messages in one store transaction. Ignored and refused events change nothing.
    @discardableResult
    func transition(
        _ id: TransactionIdentifier, _ event: Machine.Event, describe: String, acknowledging outboxID: Int64? = nil
    ) async throws(EngineError) -> Machine.Outcome {
        await lock(id)
        defer { unlock(id) }
        guard var current = try loadLive(id) else { throw .unknownTransaction(id) }
        let outcome = current.machine.handle(event)
        switch outcome {
        case .applied(let actions):
            try await commit(&current, actions: actions, event: describe, acknowledging: outboxID)
        case .ignored(let reason):
            logger.debug("\(id): \(describe) \(reason)")
            if let outboxID { await acknowledge(outboxID) }
        case .refused(let refusal):
            logger.warning("\(id): \(describe) \(refusal)")
            if let outboxID { await acknowledge(outboxID) }
        }
        return outcome
    }

    /// Creates a transaction and applies its first event in one step (nothing exists if the step fails).
    func create(
        _ id: TransactionIdentifier, request: TransactionRequest, first event: Machine.Event, describe: String
    ) async throws(EngineError) -> Live {
        await lock(id)
        defer { unlock(id) }
        let now = clock.now
        var current = Live(
            machine: Machine(transaction: id, flow: request.flow, timeouts: configuration.timeouts),
            request: request,
            record: EngineTransactionRecord(
                identifier: id, flow: request.flow, state: "", finalStatus: nil, deadline: nil, peer: request.peer,
                quantity: request.quantity, snapshot: Data(), details: Data(), createdAt: now.date,
                updatedAt: now.date, reference: request.reference))
        let outcome = current.machine.handle(event)
        guard case .applied(let actions) = outcome else {
            if case .refused(let refusal) = outcome { throw .refused(id, refusal) }
            throw .invalidRequest("transaction \(id) could not start")
        }
        try await commit(&current, actions: actions, event: describe, acknowledging: nil, isNew: true)
        return current
    }

    private func commit(
        _ current: inout Live, actions: [Machine.Action], event: String, acknowledging outboxID: Int64?,
        isNew: Bool = false
    ) async throws(EngineError) {
        let now = clock.now
        let id = current.machine.transaction
        let request = current.request
        var commands: [LedgerCommand] = []
        var sends: [OutboundIntent] = []
        for action in actions {
            switch action {
            case .reserveUnits:
                commands.append(try Self.reservationCommand(request, id))
            case .commitReservation:
                if request.flow != .internalTransfer { commands.append(.commit(id)) }
            case .releaseReservation:
                commands.append(.release(id))
            case .creditUnits:
                commands.append(try Self.creditCommand(request, id))
            case .sendProposal:
                sends.append(.proposal)
            case .sendNotification(let status, let codes):
                sends.append(.notification(status, codes))
            case .queryTransactionStatus:
                sends.append(.statusQuery)
            case .scheduleTimeout, .cancelTimeout, .recordResponseCodes, .finished:
                break
            }
        }
        var record = current.record
        let previousVersion = record.updatedAt
        record.state = current.machine.state.description
        record.finalStatus = current.machine.state.isFinal ? current.machine.state.desStatus : nil
        record.deadline = current.machine.deadline?.date
        // The version must move even when a manual clock stands still.
        record.updatedAt = isNew ? now.date : max(now.date, previousVersion.addingTimeInterval(0.000_001))
        do {
            record.snapshot = try Self.encoder.encode(current.machine.snapshot)
            // The request never changes after creation: its encoding is kept from the first step.
            if isNew || record.details.isEmpty { record.details = try Self.encoder.encode(request) }
        } catch { throw .store("cannot encode transaction \(id): \(error)") }
        let messages = OutboundMessages(
            registry: configuration.registry, majorVersion: configuration.majorVersion,
            minorVersion: configuration.minorVersion, transaction: id, request: request, enqueuedAt: now.date)
        let intents = sends
        let step = EngineStep(
            time: now.date, commands: commands, transaction: record, event: event,
            expectedVersion: isNew ? .some(nil) : .some(previousVersion), acknowledgedOutbox: outboxID,
            outbox: { context in try intents.map { try messages.build($0, context: context) } })
        switch await committer.submit(step) {
        case .success(let result):
            current.record = record
            // Every transition once, with what an operator greps for (issue 6: no secrets, one line per event).
            logger.info(
                "transaction \(current.machine.state.isFinal ? "final" : "moved")",
                metadata: [
                    "transaction": "\(id)", "type": "\(request.flow.transactionType.rawValue)",
                    "flow": "\(request.flow)", "peer": "\(request.peer?.rawValue ?? "-")",
                    "state": "\(current.machine.state)", "event": "\(event)",
                ])
            if current.machine.state.isFinal {
                live[id] = nil
                if let status = current.machine.state.desStatus {
                    for listener in finalListeners where listener.flows.contains(request.flow) { listener.call(id, status) }
                }
            } else {
                live[id] = current
            }
            EngineMetrics.current.transition(request.flow, to: current.machine.state, inFlight: live.count)
            let recipients = Set(result.outbox.map(\.recipient))
            if !recipients.isEmpty { for listener in outboxListeners { listener(recipients) } }
        case .failure(let error):
            throw EngineError.wrapping(error)
        }
    }

    // MARK: Loading

    func loadLive(_ id: TransactionIdentifier) throws(EngineError) -> Live? {
        if let current = live[id] { return current }
        let record: EngineTransactionRecord?
        do { record = try store.engineTransaction(id) } catch { throw .store("\(error)") }
        guard let record else { return nil }
        let restored = try Self.restore(record, timeouts: configuration.timeouts)
        if !restored.machine.state.isFinal { live[id] = restored }
        return restored
    }

    static func restore(_ record: EngineTransactionRecord, timeouts: TransactionTimeouts) throws(EngineError) -> Live {
        do {
            let snapshot = try decoder.decode(Machine.Snapshot.self, from: record.snapshot)
            let request = try decoder.decode(TransactionRequest.self, from: record.details)
            let machine = try Machine(restoring: snapshot, timeouts: timeouts)
            return Live(machine: machine, request: request, record: record)
        } catch {
            throw .corruptTransaction(record.identifier, "\(error)")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    static let decoder = JSONDecoder()

    // MARK: Ledger commands of actions

    static func reservationCommand(_ request: TransactionRequest, _ id: TransactionIdentifier) throws(EngineError)
        -> LedgerCommand
    {
        switch request {
        case .externalTransfer(let transfer): return .reserve(transfer.reservation)
        case .cancellation(let cancellation):
            if let hold = cancellation.hold {
                return .splitReservation(
                    ReservationSplit(
                        from: hold, into: cancellation.reservation.transaction,
                        quantity: cancellation.reservation.quantity))
            }
            return .reserve(cancellation.reservation)
        case .internalTransfer(let transfer):
            guard let command = transfer.command else {
                throw .corruptTransaction(id, "an internal transfer without forward or transfer order")
            }
            return command
        case .issuance, .acquiring:
            throw .corruptTransaction(id, "a \(request.flow) transaction reserves nothing")
        }
    }

    static func creditCommand(_ request: TransactionRequest, _ id: TransactionIdentifier) throws(EngineError)
        -> LedgerCommand
    {
        switch request {
        case .issuance(let issuance): return .issue(issuance.order)
        case .acquiring(let proposal):
            guard let account = proposal.account else {
                throw .corruptTransaction(id, "an accepted incoming transfer without an account")
            }
            return .creditIncoming(
                IncomingCredit(
                    transaction: id, from: proposal.transferringRegistry, to: account, blocks: proposal.blocks))
        case .externalTransfer, .cancellation, .internalTransfer:
            throw .corruptTransaction(id, "a \(request.flow) transaction credits nothing")
        }
    }

    // MARK: Per-transaction lock

    private func lock(_ id: TransactionIdentifier) async {
        if locks[id] == nil {
            locks[id] = []
            return
        }
        await withCheckedContinuation { continuation in locks[id, default: []].append(continuation) }
    }

    private func unlock(_ id: TransactionIdentifier) {
        guard var waiters = locks[id], !waiters.isEmpty else {
            locks[id] = nil
            return
        }
        let next = waiters.removeFirst()
        locks[id] = waiters
        next.resume()
    }
}
