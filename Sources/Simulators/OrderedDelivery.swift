import DES
import Logging
import RegistryCore

/// Delivers the messages a simulator sends on its own (the ITL's relayed proposals and notifications, a registry's
/// notifications) in the order they were enqueued per transaction, retrying each on transport failure or HTTP 5xx
/// with `DeliveryRetryPolicy`.
///
/// Order is kept per (recipient, transaction): a message being retried holds back the later ones of the same
/// transaction, so a retry never lets 4 Completed overtake the 8 Accepted before it. Messages of different
/// transactions are independent in DES (each is applied to its own transaction), so they go out concurrently, up
/// to `window` in flight per recipient: one slow answer no longer stalls every other transaction behind it.
/// Requests without a transaction identifier keep one order among themselves. A SOAP fault or a refused result is
/// the peer's answer and is logged, not retried. A message still undelivered after `maximumAttempts` is logged
/// and dropped: from there the DES recovery (getTransactionStatus, the ITL's time-out) takes over, as in
/// production.
public final class OrderedDelivery: Sendable {
    /// What became of one message after its last attempt (for logs and tests).
    public struct Settlement: Sendable {
        public var request: DESRequest
        public var recipient: RegistryCode
        public var attempts: Int
        public var outcome: DeliveryAttempt
    }

    struct Item: Sendable {
        var request: DESRequest
        var recipient: RegistryCode
        var notBefore: ContinuousClock.Instant
    }

    /// The order a message keeps: behind earlier messages of the same transaction to the same recipient.
    struct OrderKey: Hashable, Sendable {
        var recipient: RegistryCode
        /// nil for requests that belong to no transaction (one shared order).
        var transaction: TransactionIdentifier?
    }

    /// Per recipient: the messages waiting per key (the head of each is in flight or ready) and which
    /// keys may start their head next, in the order they became ready.
    ///
    /// A lane is taken out of `lanes` (`removeValue`) to be changed and put back: changing a copy read by
    /// subscript would copy its dictionary and array, O(messages in flight) for every message.
    struct Lane {
        var waiting: [OrderKey: [Item]] = [:]
        var ready: [OrderKey] = []
        var readyHead = 0
        var inFlight = 0
    }

    /// In-flight messages per recipient when none is given: enough to keep a peer's connections busy while one
    /// message waits for a durable answer, small enough that a recipient that is down is not hammered.
    public static let defaultWindow = 64

    public let policy: DeliveryRetryPolicy
    public let window: Int
    private let attempt: @Sendable (DESRequest, RegistryCode) async -> DeliveryAttempt
    private let settled: @Sendable (Settlement) -> Void
    private let logger: Logger
    private let state = Protected<(lanes: [RegistryCode: Lane], tasks: [Int: Task<Void, Never>], next: Int,
        isShutDown: Bool)>(([:], [:], 0, false))

    public convenience init(
        delivery: SimulatorDelivery, policy: DeliveryRetryPolicy = .standard, window: Int = defaultWindow,
        logger: Logger = Logger(label: "simulators.delivery"),
        settled: @escaping @Sendable (Settlement) -> Void = { _ in }
    ) {
        self.init(policy: policy, window: window, logger: logger, settled: settled) { request, recipient in
            await delivery.attempt(request, to: recipient)
        }
    }

    /// With any transport (tests pass one that fails on purpose).
    public init(
        policy: DeliveryRetryPolicy, window: Int = defaultWindow, logger: Logger = Logger(label: "simulators.delivery"),
        settled: @escaping @Sendable (Settlement) -> Void = { _ in },
        attempt: @escaping @Sendable (DESRequest, RegistryCode) async -> DeliveryAttempt
    ) {
        self.policy = policy
        self.window = max(1, window)
        self.attempt = attempt
        self.settled = settled
        self.logger = logger
    }

    /// Queues a message behind everything already queued for the same recipient and transaction; it goes no
    /// earlier than `delay` from now. Never blocks. After `shutdown()` the message is logged and dropped.
    public func enqueue(_ request: DESRequest, to recipient: RegistryCode, after delay: Duration = .zero) {
        let item = Item(request: request, recipient: recipient, notBefore: .now + max(delay, .zero))
        let key = OrderKey(recipient: recipient, transaction: Self.transaction(of: request))
        let accepted = state.withLock { state -> Bool in
            guard !state.isShutDown else { return false }
            var lane = state.lanes.removeValue(forKey: recipient) ?? Lane()
            if lane.waiting[key] != nil {
                lane.waiting[key]?.append(item)
            } else {
                lane.waiting[key] = [item]
                lane.ready.append(key)
            }
            state.lanes[recipient] = lane
            startReady(recipient, &state)
            return true
        }
        if !accepted { logger.warning("\(request.operation) to \(recipient) dropped: delivery is shut down") }
    }

    /// Stops delivery: messages still queued or being retried are dropped (the process is stopping).
    public func shutdown() async {
        let stopping = state.withLock { state -> [Task<Void, Never>] in
            state.isShutDown = true
            state.lanes = [:]
            defer { state.tasks = [:] }
            return Array(state.tasks.values)
        }
        for task in stopping { task.cancel() }
        for task in stopping { await task.value }
    }

    /// Starts the heads of ready keys while the recipient's window has room (under the lock).
    private func startReady(
        _ recipient: RegistryCode,
        _ state: inout (lanes: [RegistryCode: Lane], tasks: [Int: Task<Void, Never>], next: Int, isShutDown: Bool)
    ) {
        guard var lane = state.lanes.removeValue(forKey: recipient) else { return }
        while lane.inFlight < window, lane.readyHead < lane.ready.count {
            let key = lane.ready[lane.readyHead]
            lane.readyHead += 1
            guard let item = lane.waiting[key]?.first else { continue }
            lane.inFlight += 1
            let number = state.next
            state.next &+= 1
            state.tasks[number] = Task { [self] in
                await deliver(item)
                finished(key, task: number)
            }
        }
        // Compacts the ready list once its consumed prefix dominates (amortised O(1) per message).
        if lane.readyHead > 1024, lane.readyHead * 2 > lane.ready.count {
            lane.ready.removeFirst(lane.readyHead)
            lane.readyHead = 0
        }
        state.lanes[recipient] = lane
    }

    /// The head of `key` is settled: its next message becomes ready, and the window has room again.
    private func finished(_ key: OrderKey, task number: Int) {
        state.withLock { state in
            state.tasks[number] = nil
            guard var lane = state.lanes.removeValue(forKey: key.recipient) else { return }
            lane.inFlight -= 1
            if var rest = lane.waiting[key] {
                rest.removeFirst()
                if rest.isEmpty {
                    lane.waiting[key] = nil
                } else {
                    lane.waiting[key] = rest
                    lane.ready.append(key)
                }
            }
            state.lanes[key.recipient] = lane
            startReady(key.recipient, &state)
        }
    }

    /// The transaction a request is about, which its order is kept within.
    static func transaction(of request: DESRequest) -> TransactionIdentifier? {
        switch request {
        case .acceptProposal(let proposal): proposal.proposedTransaction.transactionIdentifier
        case .acceptNotification(let notification): notification.transactionIdentifier
        default: nil
        }
    }

    private func deliver(_ item: Item) async {
        // No timer for a message due now (nearly all of them); cancelled (shut down), it is not sent.
        if item.notBefore > .now {
            do { try await Task.sleep(until: item.notBefore, clock: .continuous) } catch { return }
        } else if Task.isCancelled {
            return
        }
        var attempts = 0
        while true {
            attempts += 1
            let outcome = await attempt(item.request, item.recipient)
            let operation = item.request.operation
            switch outcome {
            case .answered(let response):
                if let refusal = Self.refusal(response) {
                    logger.warning("\(operation) to \(item.recipient) refused: \(refusal)")
                }
            case .fault(let detail):
                logger.warning("\(operation) to \(item.recipient) answered with a fault, not retried: \(detail)")
            case .failed(let detail):
                logger.error("\(operation) to \(item.recipient) cannot be delivered, not retried: \(detail)")
            case .transient(let detail):
                guard attempts < policy.maximumAttempts else {
                    logger.error("\(operation) to \(item.recipient) given up after \(attempts) attempts: \(detail)")
                    break
                }
                let wait = policy.jitteredBackoff(afterFailedAttempts: attempts)
                logger.info("\(operation) to \(item.recipient) failed (attempt \(attempts)), retrying: \(detail)")
                do { try await Task.sleep(for: wait) } catch { return }
                continue
            }
            settled(Settlement(request: item.request, recipient: item.recipient, attempts: attempts, outcome: outcome))
            return
        }
    }

    /// The response codes of a refused result (resultIdentifier 0), nil when the peer received the message.
    static func refusal(_ response: DESResponse) -> [DESResponseCode]? {
        let result: DESResult? =
            switch response {
            case .acceptProposal(let answer): answer.result
            case .acceptNotification(let answer): answer.result
            default: nil
            }
        guard let result, !result.isReceived else { return nil }
        return result.responseCodes ?? []
    }
}
