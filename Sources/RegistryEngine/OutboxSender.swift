import DES
import Foundation
import Logging
import RegistryCore
import RegistryStore

/// Carries one DES message to a peer and brings back its answer. Throws when nothing usable came back (connection
/// refused, timeout, HTTP error without a SOAP body): the sender retries those.
public protocol DESTransport: Sendable {
    func send(operation: DESOperation, body: [UInt8], to recipient: RegistryCode) async throws -> DESReply
}

/// Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(maximum, initial * 2^n),
/// so many registries retrying after an ITL outage do not all come back in the same millisecond.
public struct RetryPolicy: Hashable, Sendable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = maximum
    }

    public func delay(afterAttempts attempts: Int, random: Double = Double.random(in: 0.5...1)) -> Duration {
        let exponent = min(max(attempts - 1, 0), 30)
        let base = initial * (1 << exponent)
        let capped = min(base, maximum)
        return capped * min(max(random, 0), 1)
    }
}

/// Delivers the outbox: per peer, oldest first, until each message is acknowledged; survives restarts because the
/// outbox is in the store. Several messages to one peer may be in flight at once, but never two of the same
/// transaction, so a transaction's messages arrive in the order they were decided.
public actor OutboxSender {
    private let engine: RegistryEngine
    private let store: SQLiteRegistryStore
    private let transport: any DESTransport
    private let policy: RetryPolicy
    private let logger: Logger
    /// The most messages in flight to one peer.
    private let window: Int
    private var inFlight: Set<Int64> = []
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var pendingWake = false
    public private(set) var delivered = 0
    public private(set) var failedAttempts = 0
    /// Peers an operator paused: their messages wait in the outbox until resumed.
    public private(set) var paused: Set<RegistryCode> = []
    /// The last exchange with each peer, for `registryctl status`.
    public private(set) var contacts: [RegistryCode: PeerContact] = [:]

    public init(
        engine: RegistryEngine, store: SQLiteRegistryStore, transport: any DESTransport,
        policy: RetryPolicy = RetryPolicy(), window: Int = 32, logger: Logger = Logger(label: "cdm-registry.outbox")
    ) {
        self.engine = engine
        self.store = store
        self.transport = transport
        self.policy = policy
        self.window = max(1, window)
        self.logger = logger
    }

    /// New messages were committed: look again now.
    public func wake() {
        if let wakeUp {
            self.wakeUp = nil
            wakeUp.resume()
        } else {
            pendingWake = true
        }
    }

    /// Delivers until the task is cancelled: whatever is due, then sleeps until woken or the next retry is due
    /// (checking at least every `idle`). Batches, not a continuous stream: measured with e2e-bench, starting each
    /// message as soon as a place frees gave 103 transfers/s against 149/s for batches in the same conditions
    /// (smaller bursts amortise the peers' group commits less).
    public func run(idle: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            let started = await deliverDue()
            if started == 0 { await sleep(upTo: idle) }
        }
    }

    private func sleep(upTo idle: Duration) async {
        if pendingWake {
            pendingWake = false
            return
        }
        // A cancelled timer must not wake: its wake would end the next sleep at once, and that sleep's cancelled
        // timer the one after, a loop that never idles.
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: idle) } catch { return }
            await self?.wake()
        }
        await withCheckedContinuation { continuation in wakeUp = continuation }
        timer.cancel()
        pendingWake = false
    }

    /// An operator stops sending to `peer` (maintenance on their side); nothing is lost, messages wait.
    public func pause(_ peer: RegistryCode) { paused.insert(peer) }

    public func resume(_ peer: RegistryCode) {
        paused.remove(peer)
        wake()
    }

    /// Makes every waiting message (of `peer`, or of one transaction) due now, skipping its backoff; returns how
    /// many.
    public func retryNow(peer: RegistryCode?, transaction: TransactionIdentifier?) throws -> Int {
        let count = try store.makeOutboxDue(
            recipient: peer, transaction: transaction, at: engine.clock.now.date)
        wake()
        return count
    }

    /// Starts delivery of every message that is due and free to go; returns how many it started. The deliveries
    /// run concurrently and this returns once they all ended (tests call it directly, step by step).
    @discardableResult
    public func deliverDue() async -> Int {
        let now = engine.clock.now.date
        EngineMetrics.current.sampleOutboxDepth { try store.outboxDepth() }
        var batch: [OutboxMessage] = []
        do {
            for recipient in try store.outboxRecipients() where !paused.contains(recipient) {
                var transactionsSeen: Set<TransactionIdentifier> = []
                for message in try store.outboxMessages(for: recipient, limit: window * 4) {
                    guard let id = message.id else { continue }
                    // Only the oldest message of a transaction may go; later ones wait behind it.
                    if let transaction = message.transaction {
                        guard transactionsSeen.insert(transaction).inserted else { continue }
                    }
                    guard !inFlight.contains(id), message.nextAttemptAt <= now else { continue }
                    batch.append(message)
                    if batch.count >= window { break }
                }
            }
        } catch {
            logger.error("cannot read the outbox: \(error)")
            return 0
        }
        for message in batch { if let id = message.id { inFlight.insert(id) } }
        await withTaskGroup(of: Void.self) { group in
            for message in batch {
                group.addTask { await self.deliver(message) }
            }
        }
        return batch.count
    }

    private func deliver(_ message: OutboxMessage) async {
        guard let id = message.id else { return }
        defer { inFlight.remove(id) }
        guard let operation = DESOperation(rawValue: message.operation) else {
            logger.error("outbox \(id): unknown operation \(message.operation); dropped")
            try? store.acknowledgeOutboxMessage(id)
            return
        }
        do {
            let roundTrip = EngineMetrics.current.startTiming()
            let reply = try await transport.send(
                operation: operation, body: Array(message.body), to: message.recipient)
            EngineMetrics.current.roundTripEnded(roundTrip, peer: message.recipient, operation: message.operation)
            if case .fault(let fault) = reply, fault.code == .server {
                throw DeliveryFailure.serverFault(fault.string)
            }
            contacts[message.recipient] = PeerContact(
                lastContact: engine.clock.now.date, lastError: nil, reachable: true,
                lastFailure: contacts[message.recipient]?.lastFailure)
            try await engine.delivered(message, reply: reply)
            delivered += 1
            EngineMetrics.current.delivered(peer: message.recipient, operation: message.operation)
        } catch {
            failedAttempts += 1
            EngineMetrics.current.retryScheduled(peer: message.recipient, operation: message.operation)
            let attempts = message.attempts + 1
            let delay = policy.delay(afterAttempts: attempts)
            let next = engine.clock.now.advanced(by: delay).date
            let transaction = message.transaction?.rawValue ?? "-"
            if attempts == 1 || attempts % 10 == 0 {
                logger.warning(
                    "\(operation) for \(transaction) to \(message.recipient) failed (attempt \(attempts)): \(error)")
            }
            do { try store.recordOutboxFailure(id, error: "\(error)", nextAttemptAt: next) } catch {
                logger.error("outbox \(id): failure not recorded: \(error)")
            }
        }
    }
}

/// What the sender last saw of a peer.
public struct PeerContact: Hashable, Sendable {
    /// The last time the peer answered (any answer, fault included).
    public var lastContact: Date?
    public var lastError: String?
    /// Whether the last attempt reached it.
    public var reachable: Bool
    public var lastFailure: Date?
}

enum DeliveryFailure: Error, CustomStringConvertible {
    case serverFault(String)

    var description: String {
        switch self {
        case .serverFault(let text): "the peer answered with a Server fault: \(text)"
        }
    }
}
