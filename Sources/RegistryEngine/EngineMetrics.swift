import Foundation
import Metrics
import RegistryCore

/// The registry's metrics catalogue: every metric the daemon exports, by its Prometheus name, emitted through
/// swift-metrics so the backend is chosen once at start-up (Prometheus in the daemon, an in-memory factory in
/// tests). Issue 6: transactions by type and state, queue depth, retries, round trips, TLS failures, commits.
///
/// Handles are created once per label set and kept: creating a metric is a locked look-up in the backend, too
/// much for every transition. Label values are bounded by the domain (flows, states, configured peers, DES
/// operations, configured rule ids), never transaction ids.
public final class EngineMetrics: @unchecked Sendable {
    /// The process's metrics. The daemon binds it to Prometheus in `MetricsService.bootstrap()` before anything
    /// is emitted; unbound, it reports to whatever `MetricsSystem` holds at first use (a no-op by default).
    public static let shared = EngineMetrics()

    /// A task's own metrics instead of the process's: tests scope one per test so they can run in parallel. The
    /// engine's child tasks and `Task {}` inherit it; `Task.detached` would not (the engine uses none).
    @TaskLocal public static var scoped: EngineMetrics?

    /// Where code running in this task reports.
    public static var current: EngineMetrics { scoped ?? shared }

    /// Metric names, as scraped (docs/OPERATIONS.md, "Metrics").
    public enum Name {
        public static let transactions = "cdm_transactions_total"
        public static let transactionsInFlight = "cdm_transactions_in_flight"
        public static let outboxDepth = "cdm_outbox_depth"
        public static let outboxRetries = "cdm_outbox_retries_total"
        public static let outboxDeliveries = "cdm_outbox_deliveries_total"
        public static let roundTrip = "cdm_message_round_trip_seconds"
        public static let storeCommit = "cdm_store_commit_seconds"
        public static let storeCommitBatch = "cdm_store_commit_batch_steps"
        public static let tlsHandshakeFailures = "cdm_tls_handshake_failures_total"
        public static let ruleRefusals = "cdm_rule_refusals_total"
    }

    /// One time series: a metric name and its label values (the label names are fixed per name, as Prometheus
    /// requires; the backend aborts on a name seen with two different label sets).
    private struct Series: Hashable {
        var name: String
        var values: [String]
    }

    private struct State {
        var factory: (any MetricsFactory)?
        var counters: [Series: Counter] = [:]
        var gauges: [Series: Gauge] = [:]
        var timers: [Series: Timer] = [:]
        var recorders: [Series: Recorder] = [:]
        /// Peers whose depth gauge was set: a peer whose queue emptied is set back to 0, not left at its last value.
        var depthPeers: Set<String> = []
        var lastDepthSample: ContinuousClock.Instant?
        /// The TLS failure counts already exported, per reason (the server keeps running totals).
        var exportedHandshakeFailures: [String: Int] = [:]
    }

    /// NSLock, not `Synchronization.Mutex`: the package keeps its macOS 14 floor. Guards `state` only.
    private let lock = NSLock()
    private var state: State
    private let clock = ContinuousClock()
    /// The least time between two outbox depth samples: each sample is a COUNT over the outbox table, and the
    /// sender's loop may run many times a second under load.
    public let outboxDepthInterval: Duration

    /// - Parameters:
    ///   - factory: the backend; nil means `MetricsSystem.factory` at the time each series is first used.
    ///   - outboxDepthInterval: see `outboxDepthInterval` (tests pass zero to sample on every call).
    public init(factory: (any MetricsFactory)? = nil, outboxDepthInterval: Duration = .seconds(1)) {
        state = State(factory: factory)
        self.outboxDepthInterval = outboxDepthInterval
    }

    /// Reports to `factory` from now on; series created before (against another backend) are forgotten. The
    /// daemon calls this once, after `MetricsSystem.bootstrap`, so nothing emitted earlier is lost to a no-op.
    public func bind(to factory: any MetricsFactory) {
        withState { state in
            state = State(factory: factory)
        }
    }

    // MARK: Transactions

    /// A transition was committed: counted under the transaction's flow and its new state, and the in-flight
    /// gauge follows the engine's count of live transactions.
    public func transition(_ flow: TransactionFlow, to newState: TransactionState, inFlight: Int) {
        counter(Name.transactions, ["flow", "state"], [Self.label(flow), Self.label(newState)]).increment()
        gauge(Name.transactionsInFlight, [], []).record(inFlight)
    }

    /// The in-flight count after a restart resumed transactions from the store.
    public func transactionsInFlight(_ count: Int) {
        gauge(Name.transactionsInFlight, [], []).record(count)
    }

    /// A peer rule refused a request before anything was reserved; counted by the rule's id from the rule book.
    public func ruleRefused(_ refusal: RuleRefusal) {
        counter(Name.ruleRefusals, ["rule"], [refusal.ruleID]).increment()
    }

    // MARK: Outbox

    /// Marks the start of something timed (a round trip, a commit); pass the result to the matching end call.
    public func startTiming() -> ContinuousClock.Instant { clock.now }

    /// A peer answered (a response or a fault): the time from sending to the answer, by peer and DES operation.
    public func roundTripEnded(_ started: ContinuousClock.Instant, peer: RegistryCode, operation: String) {
        timer(Name.roundTrip, ["peer", "operation"], [peer.rawValue, operation])
            .record(duration: started.duration(to: clock.now))
    }

    /// A message was acknowledged by its peer and left the outbox.
    public func delivered(peer: RegistryCode, operation: String) {
        counter(Name.outboxDeliveries, ["peer", "operation"], [peer.rawValue, operation]).increment()
    }

    /// A delivery attempt failed and the message waits for its next attempt (exponential backoff).
    public func retryScheduled(peer: RegistryCode, operation: String) {
        counter(Name.outboxRetries, ["peer", "operation"], [peer.rawValue, operation]).increment()
    }

    /// Messages waiting per peer; peers no longer listed are set to 0.
    public func outboxDepth(_ depth: [RegistryCode: Int]) {
        let peers = Set(depth.keys.map(\.rawValue))
        let emptied = withState { state -> Set<String> in
            let emptied = state.depthPeers.subtracting(peers)
            state.depthPeers = peers.union(state.depthPeers)
            return emptied
        }
        for (peer, count) in depth { gauge(Name.outboxDepth, ["peer"], [peer.rawValue]).record(count) }
        for peer in emptied { gauge(Name.outboxDepth, ["peer"], [peer]).record(0) }
    }

    /// Samples the outbox depth with `read` unless the last sample is younger than `outboxDepthInterval`. A read
    /// that fails leaves the gauges as they were (the sender logs store failures itself).
    public func sampleOutboxDepth(_ read: () throws -> [RegistryCode: Int]) {
        let now = clock.now
        let due = withState { state -> Bool in
            if let last = state.lastDepthSample, last.duration(to: now) < outboxDepthInterval { return false }
            state.lastDepthSample = now
            return true
        }
        guard due, let depth = try? read() else { return }
        outboxDepth(depth)
    }

    // MARK: Store

    /// A group commit ended: its latency (one durable flush) and how many steps shared it.
    public func committed(steps: Int, since started: ContinuousClock.Instant) {
        timer(Name.storeCommit, [], []).record(duration: started.duration(to: clock.now))
        recorder(Name.storeCommitBatch, [], []).record(steps)
    }

    // MARK: TLS

    /// The TLS listener's running totals of refused handshakes by reason; the counters advance by what is new
    /// since the last call. Every reason given is exported, zeros included, so an alert sees the series exist.
    public func handshakeFailures(_ totals: [String: Int]) {
        let increments = withState { state -> [(String, Int)] in
            var increments: [(String, Int)] = []
            for (reason, total) in totals {
                let exported = state.exportedHandshakeFailures[reason] ?? 0
                // A total below what was exported means the listener's counter restarted: count from it anew.
                let (delta, overflow) = total.subtractingReportingOverflow(exported)
                increments.append((reason, overflow || delta < 0 ? max(total, 0) : delta))
                state.exportedHandshakeFailures[reason] = total
            }
            return increments
        }
        for (reason, delta) in increments {
            counter(Name.tlsHandshakeFailures, ["reason"], [reason]).increment(by: delta)
        }
    }

    // MARK: Labels

    /// Flow label values in snake case (the DES type is implied: issuance 1, external_transfer and acquiring 3,
    /// cancellation 4, internal_transfer 10).
    static func label(_ flow: TransactionFlow) -> String {
        switch flow {
        case .issuance: "issuance"
        case .externalTransfer: "external_transfer"
        case .cancellation: "cancellation"
        case .internalTransfer: "internal_transfer"
        case .acquiring: "acquiring"
        }
    }

    /// State label values: the wait of a running transaction (querying when the ITL was asked for the status),
    /// or the final DES status.
    static func label(_ state: TransactionState) -> String {
        switch state {
        case .created: "created"
        case .waiting(let wait): label(wait)
        case .querying: "querying_status"
        case .final(let status):
            switch status {
            case .completed: "completed"
            case .terminated: "terminated"
            case .rejected: "rejected"
            case .cancelled: "cancelled"
            case .proposed: "proposed"
            case .checkedNoDiscrepancy: "checked_no_discrepancy"
            case .checkedDiscrepancy: "checked_discrepancy"
            case .accepted: "accepted"
            }
        }
    }

    static func label(_ wait: TransactionWait) -> String {
        switch wait {
        case .awaitingITLAcknowledgement: "awaiting_itl_acknowledgement"
        case .awaitingITLCheck: "awaiting_itl_check"
        case .awaitingAcquiringRegistry: "awaiting_acquiring_registry"
        case .awaitingCompletion: "awaiting_completion"
        }
    }

    // MARK: Handles

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    private func counter(_ name: String, _ labels: [String], _ values: [String]) -> Counter {
        let series = Series(name: name, values: values)
        return withState { state in
            if let existing = state.counters[series] { return existing }
            let dimensions = Array(zip(labels, values))
            let made =
                if let factory = state.factory { Counter(label: name, dimensions: dimensions, factory: factory) } else {
                    Counter(label: name, dimensions: dimensions)
                }
            state.counters[series] = made
            return made
        }
    }

    private func gauge(_ name: String, _ labels: [String], _ values: [String]) -> Gauge {
        let series = Series(name: name, values: values)
        return withState { state in
            if let existing = state.gauges[series] { return existing }
            let dimensions = Array(zip(labels, values))
            let made =
                if let factory = state.factory { Gauge(label: name, dimensions: dimensions, factory: factory) } else {
                    Gauge(label: name, dimensions: dimensions)
                }
            state.gauges[series] = made
            return made
        }
    }

    private func timer(_ name: String, _ labels: [String], _ values: [String]) -> Timer {
        let series = Series(name: name, values: values)
        return withState { state in
            if let existing = state.timers[series] { return existing }
            let dimensions = Array(zip(labels, values))
            let made =
                if let factory = state.factory {
                    Timer(label: name, dimensions: dimensions, factory: factory)
                } else {
                    Timer(label: name, dimensions: dimensions)
                }
            state.timers[series] = made
            return made
        }
    }

    /// An aggregating recorder: a histogram of values (the backend chooses buckets by name).
    private func recorder(_ name: String, _ labels: [String], _ values: [String]) -> Recorder {
        let series = Series(name: name, values: values)
        return withState { state in
            if let existing = state.recorders[series] { return existing }
            let dimensions = Array(zip(labels, values))
            let made =
                if let factory = state.factory {
                    Recorder(label: name, dimensions: dimensions, aggregate: true, factory: factory)
                } else {
                    Recorder(label: name, dimensions: dimensions, aggregate: true)
                }
            state.recorders[series] = made
            return made
        }
    }
}
