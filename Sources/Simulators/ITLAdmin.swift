import DES
import Foundation
import RegistryCore

/// The ITL simulator's admin endpoint: health, fault plans, the ITL-wide offline switch, the holdings record, the
/// transaction log and the unanswered-proposal sweep on demand (routes in notes/sims-docs.md).
public struct ITLAdmin: AdminRequestHandler {
    let relay: ITLRelay
    let faults: FaultInjectingOutbound
    let availability: ITLAvailability
    /// Reconciliation, record-fault and notice routes (absent: those paths answer 404).
    let reconciliation: ITLReconciliationAdmin?

    public init(
        relay: ITLRelay, faults: FaultInjectingOutbound, availability: ITLAvailability,
        reconciliation: ITLReconciliationAdmin? = nil
    ) {
        self.relay = relay
        self.faults = faults
        self.availability = availability
        self.reconciliation = reconciliation
    }

    /// A fault plan as JSON; every key optional on input (absent means no such fault).
    public struct FaultPlanBody: Codable, Hashable, Sendable {
        public var delayMilliseconds: Int?
        public var dropNext: Int?
        public var duplicate: Bool?
        public var reorder: Bool?
        public var answerWithServerError: Bool?
        public var offline: Bool?

        init(_ plan: ITLFaultPlan) {
            let parts = plan.delay.components
            delayMilliseconds = Int(parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
            dropNext = plan.dropNext
            duplicate = plan.duplicate
            reorder = plan.reorder
            answerWithServerError = plan.answerWithServerError
            offline = plan.offline
        }

        /// Delays above an hour are refused: no test waits that long, so it is a typo (seconds for milliseconds).
        func plan() throws(AdminInputError) -> ITLFaultPlan {
            let delay = delayMilliseconds ?? 0
            guard (0...3_600_000).contains(delay) else {
                throw AdminInputError("delayMilliseconds \(delay) is not between 0 and 3600000")
            }
            let drop = dropNext ?? 0
            guard drop >= 0 else { throw AdminInputError("dropNext \(drop) is negative") }
            return ITLFaultPlan(
                delay: .milliseconds(delay), dropNext: drop, duplicate: duplicate ?? false, reorder: reorder ?? false,
                answerWithServerError: answerWithServerError ?? false, offline: offline ?? false)
        }
    }

    struct Health: Codable { var code: String, ready: Bool }
    struct Offline: Codable { var offline: Bool }
    struct Holdings: Codable { var holdings: [AdminBlock] }
    struct Cancelled: Codable { var cancelled: [String] }

    struct Entry: Codable {
        var identifier: String
        var type: Int
        var status: Int
        var transferringRegistry: String
        var acquiringRegistry: String
        var responseCodes: [Int]
        var blocks: [AdminBlock]
        var proposedAt: String
        var statusAt: String
        /// The ITL notice the transaction answers, when the proposal named one.
        var notificationIdentifier: Int64?

        init(_ entry: ITLTransactionEntry) {
            let format = ISO8601DateFormatter()
            identifier = entry.identifier.rawValue
            type = entry.type.rawValue
            status = entry.status.rawValue
            transferringRegistry = entry.transferringRegistry.rawValue
            acquiringRegistry = entry.acquiringRegistry.rawValue
            responseCodes = entry.responseCodes.map(\.rawValue)
            blocks = entry.blocks.map { AdminBlock($0) }
            proposedAt = format.string(from: entry.proposedAt)
            statusAt = format.string(from: entry.statusAt)
            notificationIdentifier = entry.notificationIdentifier
        }
    }

    public func respond(to request: AdminRequest) async -> AdminResponse {
        do {
            return try await route(request)
        } catch let error as AdminInputError {
            return .error(400, error.message)
        } catch let error as ITLRecordError {
            return .error(500, error.description)
        } catch {
            return .error(500, "\(error)")
        }
    }

    func route(_ request: AdminRequest) async throws -> AdminResponse {
        var router = AdminRouter(request)
        if router.match("GET", "health") != nil {
            return .json(Health(code: RegistryCode.itl.rawValue, ready: true))
        }
        if router.match("GET", "faults") != nil {
            var plans = faults.plans
            for registry in relay.configuration.registries.keys where plans[registry] == nil {
                plans[registry] = ITLFaultPlan.none
            }
            return .json(Dictionary(uniqueKeysWithValues: plans.map { ($0.key.rawValue, FaultPlanBody($0.value)) }))
        }
        if let captures = router.match("PUT", "faults/*") {
            let registry = try AdminJSON.registry(captures[0], "registry in the path")
            let plan = try AdminJSON.decode(FaultPlanBody.self, from: request.body).plan()
            faults.setPlan(plan, for: registry)
            return .json(FaultPlanBody(plan))
        }
        if router.match("GET", "offline") != nil {
            return .json(Offline(offline: availability.isOffline))
        }
        if router.match("PUT", "offline") != nil {
            let body = try AdminJSON.decode(Offline.self, from: request.body)
            availability.set(offline: body.offline)
            return .json(body)
        }
        if router.match("GET", "holdings") != nil {
            let holdings: [ITLHolding]
            if let code = request.query["registry"] {
                holdings = try relay.record.holdings(heldBy: try AdminJSON.registry(code, "query registry"))
            } else {
                holdings = try relay.record.allHoldings()
            }
            return .json(
                Holdings(
                    holdings: holdings.map { AdminBlock($0.block, holder: $0.holder, cancelled: $0.isCancelled) }))
        }
        if let captures = router.match("GET", "transactions/*") {
            let identifier = try AdminJSON.transaction(captures[0])
            guard let entry = try relay.record.transaction(identifier) else {
                return .error(404, "transaction \(identifier) is not in the ITL log")
            }
            return .json(Entry(entry))
        }
        if router.match("POST", "cancel-unanswered") != nil {
            let cancelled = try await relay.cancelUnanswered()
            return .json(Cancelled(cancelled: cancelled.map(\.rawValue)))
        }
        if let reconciliation, let answer = try await reconciliation.route(request) { return answer }
        return router.unmatched
    }
}
