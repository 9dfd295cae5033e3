import Foundation
import RegistryCore
import RegistryPlatform

/// A registry in memory with the behaviour the platform relies on: holds reduce an account's free units, releases
/// and cancellations draw on a hold and refuse to overdraw it, `cancelHeld` is idempotent per order. It counts what
/// was cancelled and released per hold so tests can check that every sold unit is cancelled exactly once.
actor InMemoryRegistry: PlatformRegistry {
    struct Hold {
        var account: AccountIdentifier
        var remaining: Int64
    }

    struct Cancellation {
        var transaction: TransactionIdentifier
        var hold: TransactionIdentifier
        var quantity: Int64
        var beneficiary: String
    }

    private(set) var free: [AccountIdentifier: Int64] = [:]
    private(set) var holds: [TransactionIdentifier: Hold] = [:]
    private(set) var cancelledPerHold: [TransactionIdentifier: Int64] = [:]
    private(set) var releasedPerHold: [TransactionIdentifier: Int64] = [:]
    /// What each release reference released: a repeated reference releases nothing again.
    private var releaseReferences: [String: Int64] = [:]
    private(set) var cancellations: [String: Cancellation] = [:]
    private(set) var cancelHeldCalls = 0
    private var outcomes: [TransactionIdentifier: CancellationOutcome] = [:]
    private var nextNumber = 1000
    /// Cancellations the ITL will reject (by order number), with the reason.
    private var rejections: [String: String] = [:]
    /// While true, `cancelHeld` fails as if the registry were unreachable.
    private var unreachable = false
    /// Outcome reported for new cancellations: completed at once unless set to in progress.
    private var completeAtOnce = true

    static let project = 4321

    /// The facts a hold reports for an account's units (one project per account in these tests).
    struct Facts {
        var project = InMemoryRegistry.project
        var title = "Wind farm <Ventosa>"
        var type = "Wind"
        var host = "MX"
        var unitType = UnitType.cer
        var period = CommitmentPeriod.second
        var vintage = 2019
    }

    private var facts: [AccountIdentifier: Facts] = [:]
    func setFacts(_ value: Facts, for account: AccountIdentifier) { facts[account] = value }

    func deposit(_ quantity: Int64, into account: AccountIdentifier) { free[account, default: 0] += quantity }
    func rejectCancellation(of order: String, reason: String) { rejections[order] = reason }
    func setUnreachable(_ value: Bool) { unreachable = value }
    func setCompleteAtOnce(_ value: Bool) { completeAtOnce = value }
    func complete(_ transaction: TransactionIdentifier) { outcomes[transaction] = .completed }
    var totalCancelled: Int64 { cancelledPerHold.values.reduce(0, +) }

    func holdUnits(_ request: HoldRequest) async throws(PlatformRegistryError) -> HeldUnits {
        let available = free[request.account, default: 0]
        guard request.quantity <= available else {
            throw PlatformRegistryError("account \(request.account) holds only \(available) free units")
        }
        free[request.account] = available - request.quantity
        let hold = newTransaction()
        holds[hold] = Hold(account: request.account, remaining: request.quantity)
        let fact = facts[request.account] ?? Facts()
        return HeldUnits(
            hold: hold, quantity: request.quantity, project: fact.project, projectTitle: fact.title,
            projectType: fact.type, hostParty: fact.host, unitType: fact.unitType, commitmentPeriod: fact.period,
            vintage: fact.vintage)
    }

    func releaseHeld(_ hold: TransactionIdentifier, quantity: Int64, reference: String) async
        throws(PlatformRegistryError) -> Int64
    {
        if let earlier = releaseReferences[reference] { return earlier }
        guard var held = holds[hold], quantity > 0, quantity <= held.remaining else {
            throw PlatformRegistryError("hold \(hold) cannot release \(quantity) units")
        }
        held.remaining -= quantity
        holds[hold] = held
        free[held.account, default: 0] += quantity
        releasedPerHold[hold, default: 0] += quantity
        releaseReferences[reference] = quantity
        return quantity
    }

    func cancelHeld(_ request: HeldCancellationRequest) async throws(PlatformRegistryError) -> TransactionIdentifier {
        cancelHeldCalls += 1
        guard !unreachable else { throw PlatformRegistryError("the registry is not reachable") }
        if let existing = cancellations[request.order] { return existing.transaction }
        guard var held = holds[request.hold], request.quantity > 0, request.quantity <= held.remaining else {
            throw PlatformRegistryError("hold \(request.hold) cannot cancel \(request.quantity) units")
        }
        held.remaining -= request.quantity
        let transaction = newTransaction()
        cancellations[request.order] = Cancellation(
            transaction: transaction, hold: request.hold, quantity: request.quantity,
            beneficiary: request.beneficiary)
        if let reason = rejections[request.order] {
            // The ITL rejected it: the units go back to the holder's account, nothing is cancelled.
            free[held.account, default: 0] += request.quantity
            outcomes[transaction] = .failed(reason)
        } else {
            cancelledPerHold[request.hold, default: 0] += request.quantity
            outcomes[transaction] = completeAtOnce ? .completed : .inProgress
        }
        holds[request.hold] = held
        return transaction
    }

    func cancellationOutcome(_ transaction: TransactionIdentifier) async throws(PlatformRegistryError)
        -> CancellationOutcome?
    {
        outcomes[transaction]
    }

    func attestationDocument(for transaction: TransactionIdentifier) async throws(PlatformRegistryError) -> String? {
        guard outcomes[transaction] == .completed,
            let cancellation = cancellations.values.first(where: { $0.transaction == transaction })
        else { return nil }
        return "<!DOCTYPE html><html><body><h1>Attestation of voluntary cancellation</h1><p>\(cancellation.quantity)"
            + " CERs cancelled on behalf of \(cancellation.beneficiary), transaction \(transaction)</p></body></html>"
    }

    private func newTransaction() -> TransactionIdentifier {
        nextNumber += 1
        // "CDM" and digits: always a valid identifier.
        return try! TransactionIdentifier("CDM\(nextNumber)")
    }
}
