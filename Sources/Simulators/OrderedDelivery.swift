import DES
import Logging
import RegistryCore

/// Delivers the messages a simulator sends on its own (the ITL's relayed proposals and notifications, a registry's
/// notifications) one recipient at a time, in the order they were enqueued, retrying each on transport failure or
/// HTTP 5xx with `DeliveryRetryPolicy`.
///
/// One FIFO lane per recipient: a message being retried holds back the later ones to the same registry, so a
/// retry never lets 4 Completed overtake the 8 Accepted before it. A SOAP fault or a refused result is the peer's
/// answer and is logged, not retried. A message still undelivered after `maximumAttempts` is logged and dropped:
/// from there the DES recovery (getTransactionStatus, the ITL's time-out) takes over, as in production.
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

    struct Lane {
        var continuation: AsyncStream<Item>.Continuation
        var task: Task<Void, Never>
    }

    public let policy: DeliveryRetryPolicy
    private let attempt: @Sendable (DESRequest, RegistryCode) async -> DeliveryAttempt
    private let settled: @Sendable (Settlement) -> Void
    private let logger: Logger
    private let lanes = Protected<[RegistryCode: Lane]>([:])
    private let isShutDown = Protected(false)

    public convenience init(
        delivery: SimulatorDelivery, policy: DeliveryRetryPolicy = .standard,
        logger: Logger = Logger(label: "simulators.delivery"),
        settled: @escaping @Sendable (Settlement) -> Void = { _ in }
    ) {
        self.init(policy: policy, logger: logger, settled: settled) { request, recipient in
            await delivery.attempt(request, to: recipient)
        }
    }

    /// With any transport (tests pass one that fails on purpose).
    public init(
        policy: DeliveryRetryPolicy, logger: Logger = Logger(label: "simulators.delivery"),
        settled: @escaping @Sendable (Settlement) -> Void = { _ in },
        attempt: @escaping @Sendable (DESRequest, RegistryCode) async -> DeliveryAttempt
    ) {
        self.policy = policy
        self.attempt = attempt
        self.settled = settled
        self.logger = logger
    }

    /// Queues a message behind everything already queued for the same recipient; it goes no earlier than `delay`
    /// from now. Never blocks. After `shutdown()` the message is logged and dropped.
    public func enqueue(_ request: DESRequest, to recipient: RegistryCode, after delay: Duration = .zero) {
        let item = Item(request: request, recipient: recipient, notBefore: .now + max(delay, .zero))
        let accepted = lanes.withLock { lanes -> Bool in
            guard !isShutDown.withLock({ $0 }) else { return false }
            if let lane = lanes[recipient] {
                lane.continuation.yield(item)
                return true
            }
            let (stream, continuation) = AsyncStream<Item>.makeStream()
            continuation.yield(item)
            let task = Task { [self] in
                for await next in stream {
                    if Task.isCancelled { break }
                    await deliver(next)
                }
            }
            lanes[recipient] = Lane(continuation: continuation, task: task)
            return true
        }
        if !accepted { logger.warning("\(request.operation) to \(recipient) dropped: delivery is shut down") }
    }

    /// Stops every lane: messages still queued or being retried are dropped (the process is stopping).
    public func shutdown() async {
        let stopping = lanes.withLock { lanes -> [Lane] in
            isShutDown.withLock { $0 = true }
            defer { lanes = [:] }
            return Array(lanes.values)
        }
        for lane in stopping {
            lane.continuation.finish()
            lane.task.cancel()
        }
        for lane in stopping { await lane.task.value }
    }

    private func deliver(_ item: Item) async {
        do { try await Task.sleep(until: item.notBefore, clock: .continuous) } catch { return }
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
