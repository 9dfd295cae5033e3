import DES
import Foundation
import Logging
import RegistryCore

/// How the reconciliation driver waits and how far back it asks for an audit trail.
public struct ITLReconciliationSettings: Sendable {
    /// A phase without the registry's answer for this long ends the reconciliation (`statusAfterTimeout`).
    public var phaseTimeout: Duration
    /// DES has no "last message" flag on receiveUnitBlocks: after this long without another one, the blocks are
    /// taken as complete (or at once when the units received reach the registry's own total).
    public var quietPeriod: Duration
    /// The audit trail window ends at the snapshot and starts this long before it.
    public var auditTrailWindow: TimeInterval
    /// At most this many differing ranges are named in provideAuditTrail (the codec's arrays stop at 100,000).
    public var maximumAuditBlockIdentifiers: Int
    /// Retries of a request whose delivery failed in transport (a refusal is an answer and never retried).
    public var retry: DeliveryRetryPolicy
    public var pollInterval: Duration

    public init(
        phaseTimeout: Duration = .seconds(60), quietPeriod: Duration = .seconds(2),
        auditTrailWindow: TimeInterval = 7 * 86_400, maximumAuditBlockIdentifiers: Int = 10_000,
        retry: DeliveryRetryPolicy = .standard, pollInterval: Duration = .milliseconds(20)
    ) {
        self.phaseTimeout = phaseTimeout
        self.quietPeriod = quietPeriod
        self.auditTrailWindow = auditTrailWindow
        self.maximumAuditBlockIdentifiers = maximumAuditBlockIdentifiers
        self.retry = retry
        self.pollInterval = pollInterval
    }
}

/// Why a reconciliation could not be started; nothing was recorded.
public enum ITLReconciliationError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownRegistry(RegistryCode)
    case alreadyRunning(registry: RegistryCode, identifier: String)
    case record(ITLRecordError)

    public var description: String {
        switch self {
        case .unknownRegistry(let registry): "registry \(registry) is not known to the ITL"
        case .alreadyRunning(let registry, let identifier):
            "reconciliation \(identifier) with \(registry) is still running"
        case .record(let error): error.description
        }
    }
}

/// The ITL side of DES reconciliation (DOMAIN.md section 4): initiateReconciliation, then provideTotals; when the
/// registry's totals differ from the ITL record, provideUnitBlocks; when the blocks differ, provideAuditTrail;
/// finally receiveReconciliationResult. One reconciliation per registry at a time.
///
/// Outcomes: totals equal -> 0; totals differ, blocks differ -> audit trail, then 4; totals differ, blocks agree
/// -> 0 when the registry's totals match its own blocks and the difference is explained by units in transactions
/// in flight at the snapshot, else 3 (its totals contradict its blocks, code 8005). Time-outs and refused provide
/// requests end with the inconsistency known so far (`statusAfterTimeout`). A refused or undeliverable
/// initiateReconciliation is 7 (start request denied), and no result is sent.
public actor ITLReconciliationDriver {
    /// What the registry has sent for one running reconciliation.
    struct Inbox {
        var registry: RegistryCode
        var awaiting: ITLReconciliationPhase?
        var phaseStarted: ContinuousClock.Instant = .now
        var totals: [DESTotal]?
        var blocks: [DESHeldUnitBlock] = []
        var blockMessages = 0
        var blockUnits: Int64 = 0
        var lastArrival: ContinuousClock.Instant?
        var trail: [DESAuditTransaction]?
    }

    public nonisolated let log: ITLReconciliationLog
    public nonisolated let faults: ITLRecordFaults
    public nonisolated let registries: [RegistryCode: ITLRegistryState]
    private let record: ITLHoldingsRecord
    private let sender: any ITLRequestSender
    private let settings: ITLReconciliationSettings
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private var inboxes: [String: Inbox] = [:]
    private var running: [String: Task<Void, Never>] = [:]

    public init(
        record: ITLHoldingsRecord, log: ITLReconciliationLog, faults: ITLRecordFaults, sender: any ITLRequestSender,
        registries: [RegistryCode: ITLRegistryState], settings: ITLReconciliationSettings = ITLReconciliationSettings(),
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "itl.reconciliation")
    ) {
        self.record = record
        self.log = log
        self.faults = faults
        self.sender = sender
        self.registries = registries
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// The status a reconciliation ends with when its phase times out: the inconsistency known so far. Nothing is
    /// proven before the blocks arrive (3); once blocks differed, the missing audit trail leaves it at 4.
    public static func statusAfterTimeout(in phase: ITLReconciliationPhase) -> ITLReconciliationStatus {
        phase == .auditTrail ? .unitBlocksInconsistent : .totalsInconsistent
    }

    /// `date` cut to the whole millisecond and built as the DES codec reads it back, so the snapshot the ITL
    /// records is exactly the instant the registry receives (DES dateTime carries milliseconds).
    public static func wireInstant(_ date: Date) -> Date {
        instant(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The instant `milliseconds` after 1970, built exactly as `DESDateTime` decodes it.
    static func instant(milliseconds: Int64) -> Date {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let rest = milliseconds - seconds * 1000
        return Date(timeIntervalSince1970: Double(seconds) + Double(rest * 1_000_000) / 1e9)
    }

    // MARK: Starting and following

    /// Records a new reconciliation with `registry` (snapshot: the ITL clock now) and runs it in the background.
    public func start(registry: RegistryCode) throws(ITLReconciliationError) -> String {
        guard registries[registry] != nil else { throw .unknownRegistry(registry) }
        if let busy = inboxes.first(where: { $0.value.registry == registry }) {
            throw .alreadyRunning(registry: registry, identifier: busy.key)
        }
        let now = clock()
        let reconciliation: ITLReconciliation
        do { reconciliation = try log.create(registry: registry, snapshot: Self.wireInstant(now), at: now) } catch {
            throw .record(error)
        }
        inboxes[reconciliation.identifier] = Inbox(registry: registry)
        running[reconciliation.identifier] = Task { await self.run(reconciliation) }
        return reconciliation.identifier
    }

    /// Waits until a reconciliation started here has ended, then returns it as recorded.
    public func finished(_ identifier: String) async throws(ITLRecordError) -> ITLReconciliation? {
        if let task = running[identifier] { await task.value }
        return try log.reconciliation(identifier)
    }

    /// Identifiers of the reconciliations still running.
    public var runningIdentifiers: [String] { inboxes.keys.sorted() }

    // MARK: Inbound (transactionlog.wsdl receiveTotals, receiveUnitBlocks, receiveAuditTrail)

    public func receiveTotals(_ request: ReceiveTotalsRequest, sender: RegistryCode?) -> DESResult {
        accept(request, sender, request.reconciliationIdentifier, .totals) { inbox in
            guard inbox.totals == nil else { return false }
            inbox.totals = request.totals
            return true
        }
    }

    /// Unit blocks accumulate per reconciliation until the quiet period or the registry's total is reached.
    public func receiveUnitBlocks(_ request: ReceiveUnitBlocksRequest, sender: RegistryCode?) -> DESResult {
        accept(request, sender, request.reconciliationIdentifier, .unitBlocks) { inbox in
            inbox.blocks += request.unitBlocks
            inbox.blockMessages += 1
            for block in request.unitBlocks {
                inbox.blockUnits = ITLReconciliationComparison.saturatingSum(inbox.blockUnits, block.range.count)
            }
            inbox.lastArrival = .now
            return true
        }
    }

    public func receiveAuditTrail(_ request: ReceiveAuditTrailRequest, sender: RegistryCode?) -> DESResult {
        accept(request, sender, request.reconciliationIdentifier, .auditTrail) { inbox in
            inbox.trail = (inbox.trail ?? []) + request.transactions
            return true
        }
    }

    /// Version, authentication and addressing as for every DES message (ITLChecks 1001-1003), then the
    /// reconciliation must be running with the sender (8010) and waiting for this phase (8011).
    private func accept(
        _ message: some DESRequestMessage, _ sender: RegistryCode?, _ identifier: String,
        _ phase: ITLReconciliationPhase, _ store: (inout Inbox) -> Bool
    ) -> DESResult {
        guard message.majorVersion == ITLChecks.majorVersion, message.minorVersion == ITLChecks.minorVersion else {
            return .refused([.unsupportedVersion])
        }
        guard sender == message.from else { return .refused([.senderMismatch]) }
        guard message.to == .itl else { return .refused([.wrongRecipient]) }
        guard var inbox = inboxes[identifier], inbox.registry == message.from else {
            return .refused([ITLReconciliationCode.unknownReconciliation])
        }
        guard inbox.awaiting == phase, store(&inbox) else { return .refused([ITLReconciliationCode.unexpectedPhase]) }
        inboxes[identifier] = inbox
        return .received
    }

    // MARK: The reconciliation

    private func run(_ start: ITLReconciliation) async {
        var state = await reconcile(start)
        state.endedAt = clock()
        if state.status != .startRequestDenied {
            let result = ReceiveReconciliationResultRequest(
                from: .itl, to: state.registry, majorVersion: ITLChecks.majorVersion,
                minorVersion: ITLChecks.minorVersion, reconciliationIdentifier: state.identifier,
                reconciliationStatus: state.status.rawValue,
                responseCodes: state.responseCodes.isEmpty ? nil : state.responseCodes)
            switch await send(.receiveReconciliationResult(result), to: state.registry) {
            case .success(let answer): state.resultAcknowledged = answer.isReceived
            case .failure(let failure):
                state.resultAcknowledged = false
                state.detail += (state.detail.isEmpty ? "" : "; ") + "result not delivered: \(failure)"
            }
        }
        save(state)
        inboxes[state.identifier] = nil
        running[state.identifier] = nil
        logger.info("reconciliation \(state.identifier) with \(state.registry) ended with status \(state.status)")
    }

    private func reconcile(_ start: ITLReconciliation) async -> ITLReconciliation {
        var state = start
        let id = state.identifier
        let registry = state.registry
        // The ITL's own view as of the snapshot instant, read before the registry is asked anything.
        let holdings: [ITLHolding]
        let inFlight: [UnitBlock]
        do {
            holdings = try record.holdings(heldBy: registry)
            inFlight = try record.openTransactions().filter {
                $0.transferringRegistry == registry || $0.acquiringRegistry == registry
            }.flatMap(\.blocks)
        } catch {
            return ended(state, .startRequestDenied, [], "the ITL record could not be read: \(error)")
        }
        let mine = faults.fault(for: registry)?.applied(to: holdings) ?? holdings.map(ITLReconciledSerials.init)
        let version = (ITLChecks.majorVersion, ITLChecks.minorVersion)

        let initiate = InitiateReconciliationRequest(
            from: .itl, to: registry, majorVersion: version.0, minorVersion: version.1, reconciliationIdentifier: id,
            snapshotDateTime: state.snapshot)
        switch await send(.initiateReconciliation(initiate), to: registry) {
        case .success(let result) where result.isReceived: break
        case .success(let result):
            return ended(state, .startRequestDenied, result.responseCodes ?? [], "registry denied the start")
        case .failure(let failure):
            return ended(state, .startRequestDenied, [], "initiateReconciliation not delivered: \(failure)")
        }

        // Phase 1: totals.
        expect(id, .totals)
        let provideTotals = ProvideTotalsRequest(
            from: .itl, to: registry, majorVersion: version.0, minorVersion: version.1, reconciliationIdentifier: id,
            reconciliationSnapshotDateTime: state.snapshot, reconciliationStatus: ITLReconciliationStatus.initiated
                .rawValue)
        if let refusal = await provide(.provideTotals(provideTotals), to: registry) {
            return ended(state, .totalsInconsistent, [ITLReconciliationCode.requestNotReceived], refusal)
        }
        guard let totals = await wait(id, until: { $0.totals }) else { return timedOut(state) }
        let itlTotals = ITLReconciliationComparison.totals(of: mine)
        let registryTotals = ITLReconciliationComparison.totals(of: totals)
        state.differences.totals = ITLReconciliationComparison.totalDifferences(
            itl: itlTotals, registry: registryTotals)
        if state.differences.totals.isEmpty { return ended(state, .confirmed, [], "totals match") }
        let totalCodes = Array(
            Set(state.differences.totals.map {
                $0.cancelled ? ITLReconciliationCode.cancelledTotalsDiffer : ITLReconciliationCode.heldTotalsDiffer
            })
        ).sorted()

        // Phase 2: unit blocks, all of them.
        state.phase = .unitBlocks
        save(state)
        let expected = registryTotals.values.reduce(Int64(0), ITLReconciliationComparison.saturatingSum)
        expect(id, .unitBlocks)
        let provideBlocks = ProvideUnitBlocksRequest(
            from: .itl, to: registry, majorVersion: version.0, minorVersion: version.1, reconciliationIdentifier: id,
            reconciliationSnapshotDateTime: state.snapshot, unitBlockRequests: [DESUnitBlockRequest()])
        if let refusal = await provide(.provideUnitBlocks(provideBlocks), to: registry) {
            return ended(state, .totalsInconsistent, totalCodes + [ITLReconciliationCode.requestNotReceived], refusal)
        }
        guard let blocks = await wait(id, until: { self.blocksComplete($0, expected: expected) }) else {
            return timedOut(state, totalCodes)
        }
        let theirs = blocks.map(ITLReconciledSerials.init)
        // Serials of transactions in flight at the snapshot may legitimately sit on either side: not compared.
        let excluded = Dictionary(grouping: inFlight, by: \.originatingRegistry).mapValues {
            ITLReconciliationComparison.normalized($0.map(\.range))
        }
        func settled(_ serials: [ITLReconciledSerials]) -> [ITLReconciledSerials] {
            serials.flatMap { item in
                let ranges = excluded[item.key.originatingRegistry] ?? []
                return ITLReconciliationComparison.subtracting(ranges, from: [item.range])
                    .map { ITLReconciledSerials(key: item.key, range: $0) }
            }
        }
        state.differences.blocks = ITLReconciliationComparison.blockDifferences(
            itl: settled(mine), registry: settled(theirs))
        if state.differences.blocks.isEmpty {
            let ownTotals = ITLReconciliationComparison.totals(of: theirs)
            if ownTotals.filter({ $0.value != 0 }) == registryTotals.filter({ $0.value != 0 }) {
                return ended(state, .confirmed, [], "totals differ only by units in transactions in flight")
            }
            return ended(
                state, .totalsInconsistent, totalCodes + [ITLReconciliationCode.totalsContradictBlocks],
                "unit blocks agree with the ITL record but the registry's totals do not")
        }
        var codes = totalCodes
        if state.differences.blocks.contains(where: { $0.side == "registryOnly" }) {
            codes.append(ITLReconciliationCode.unitsUnknownToITL)
        }
        if state.differences.blocks.contains(where: { $0.side == "itlOnly" }) {
            codes.append(ITLReconciliationCode.unitsMissingInRegistry)
        }

        // Phase 3: the audit trail of the differing blocks over the window before the snapshot.
        state.phase = .auditTrail
        save(state)
        expect(id, .auditTrail)
        let differing = state.differences.blocks.prefix(settings.maximumAuditBlockIdentifiers).compactMap { block in
            (try? RegistryCode(block.originatingRegistry)).flatMap { origin in
                (try? SerialRange(block.first, block.last)).map {
                    DESUnitBlockIdentifier(range: $0, originatingRegistry: origin)
                }
            }
        }
        let provideTrail = ProvideAuditTrailRequest(
            from: .itl, to: registry, majorVersion: version.0, minorVersion: version.1, reconciliationIdentifier: id,
            auditTrailBeginDateTime: state.snapshot.addingTimeInterval(-settings.auditTrailWindow),
            auditTrailEndDateTime: state.snapshot, unitBlockIdentifiers: differing)
        if let refusal = await provide(.provideAuditTrail(provideTrail), to: registry) {
            return ended(
                state, .unitBlocksInconsistent, codes + [ITLReconciliationCode.requestNotReceived], refusal)
        }
        guard let trail = await wait(id, until: { $0.trail }) else { return timedOut(state, codes) }
        state.auditTrail = trail.map(\.transactionIdentifier.rawValue)
        return ended(state, .unitBlocksInconsistent, codes, "unit blocks differ; audit trail received")
    }

    /// Complete when the units received reach the registry's own total, or after the quiet period (counted from
    /// the last message, or from the request when the registry's total is 0 and it may send nothing).
    private func blocksComplete(_ inbox: Inbox, expected: Int64) -> [DESHeldUnitBlock]? {
        if inbox.blockMessages > 0, inbox.blockUnits == expected { return inbox.blocks }
        guard inbox.blockMessages > 0 || expected == 0 else { return nil }
        let since = inbox.lastArrival ?? inbox.phaseStarted
        return ContinuousClock.now - since >= settings.quietPeriod ? inbox.blocks : nil
    }

    private func expect(_ identifier: String, _ phase: ITLReconciliationPhase) {
        inboxes[identifier]?.awaiting = phase
        inboxes[identifier]?.phaseStarted = .now
    }

    /// Polls the inbox until `ready` gives a value or the phase time-out passes (nil).
    private func wait<T>(_ identifier: String, until ready: (Inbox) -> T?) async -> T? {
        let deadline = ContinuousClock.now + settings.phaseTimeout
        while ContinuousClock.now < deadline {
            if let inbox = inboxes[identifier], let value = ready(inbox) { return value }
            do { try await Task.sleep(for: settings.pollInterval) } catch { return nil }
        }
        return nil
    }

    /// Sends a provide request; nil when the registry received it, else why not.
    private func provide(_ request: DESRequest, to registry: RegistryCode) async -> String? {
        switch await send(request, to: registry) {
        case .success(let result) where result.isReceived: return nil
        case .success(let result):
            return "registry refused \(request.operation): \((result.responseCodes ?? []).map(\.rawValue))"
        case .failure(let failure): return "\(request.operation) not delivered: \(failure)"
        }
    }

    /// One request with retries on transport failure (`settings.retry`); a refusal or fault is the answer.
    private func send(_ request: DESRequest, to registry: RegistryCode) async
        -> Result<DESResult, ITLRequestFailure>
    {
        var attempts = 0
        while true {
            attempts += 1
            let outcome = await sender.attempt(request, to: registry)
            guard case .transient = outcome, attempts < settings.retry.maximumAttempts else { return outcome.result }
            do { try await Task.sleep(for: settings.retry.jitteredBackoff(afterFailedAttempts: attempts)) } catch {
                return outcome.result
            }
        }
    }

    private func timedOut(_ state: ITLReconciliation, _ codes: [DESResponseCode] = []) -> ITLReconciliation {
        ended(
            state, Self.statusAfterTimeout(in: state.phase), codes + [ITLReconciliationCode.phaseTimedOut],
            "no answer in phase \(state.phase.rawValue) within the phase time-out")
    }

    private func ended(
        _ state: ITLReconciliation, _ status: ITLReconciliationStatus, _ codes: [DESResponseCode], _ detail: String
    ) -> ITLReconciliation {
        var state = state
        state.status = status
        state.responseCodes = codes
        state.detail = detail
        return state
    }

    private func save(_ state: ITLReconciliation) {
        do { try log.save(state) } catch {
            logger.error("reconciliation \(state.identifier) could not be recorded: \(error)")
        }
    }
}
