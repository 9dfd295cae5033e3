import Foundation
import RegistryCore
import RegistryStore

/// What an operator (or the platform) asks the registry to do.
public enum ProposalRequest: Hashable, Sendable {
    /// Type 1 issuance on the EB's instruction.
    case issuance(IssuanceOrder)
    /// Forward from the pending account: type 10 to a CDM account, type 3 to a national registry's account.
    case forward(ForwardOrder)
    /// Transfer out of a holding account: type 10 within the registry, type 3 to another registry.
    case transfer(TransferOrder)
    /// Type 4 cancellation: by default voluntary, into the 230 account of the units' commitment period.
    case cancellation(CancellationOrder)
    /// Type 4 voluntary cancellation of units held for an offer (the online platform's sale).
    case cancellationOfHeld(HeldCancellationOrder)
}

/// Cancels part of a hold (see `RegistryEngine.hold`): the units go where the hold was made for (a 230 account).
public struct HeldCancellationOrder: Hashable, Sendable {
    public var hold: TransactionIdentifier
    public var quantity: Int64
    public var beneficiary: String?
    public var purpose: String?
    public var onBehalfOf: String?
    /// The idempotency key (the platform's order): proposing again with it returns the transaction it started.
    public var reference: String

    public init(
        hold: TransactionIdentifier, quantity: Int64, beneficiary: String?, purpose: String?, onBehalfOf: String?,
        reference: String
    ) {
        self.hold = hold
        self.quantity = quantity
        self.beneficiary = beneficiary
        self.purpose = purpose
        self.onBehalfOf = onBehalfOf
        self.reference = reference
    }
}

/// A transaction as operators see it.
public struct TransactionSummary: Hashable, Sendable {
    public var identifier: TransactionIdentifier
    public var flow: TransactionFlow
    public var state: TransactionState
    public var quantity: Int64
    public var peer: RegistryCode?
    public var responseCodes: [Int]
    public var deadline: Date?

    init(_ live: RegistryEngine.Live) {
        identifier = live.machine.transaction
        flow = live.machine.flow
        state = live.machine.state
        quantity = live.request.quantity
        peer = live.request.peer
        responseCodes = live.machine.responseCodes
        deadline = live.machine.deadline?.date
    }
}

extension RegistryEngine {
    /// Checks the peer rules at the registry's current time, then creates and starts the transaction: reserve
    /// and propose to the ITL, or (type 10) move the units at once. A refusal (rule, ledger) changes nothing.
    public func propose(_ proposal: ProposalRequest) async throws(EngineError) -> TransactionSummary {
        guard case .cancellationOfHeld(let order) = proposal else { return try await start(proposal) }
        // Check and start without another proposal of the same reference in between (the actor is reentrant
        // across the commit's suspension).
        guard !referencesStarting.contains(order.reference) else {
            throw .invalidRequest("a cancellation for \(order.reference) is being proposed; ask again shortly")
        }
        let existing: EngineTransactionRecord?
        do { existing = try store.cancellation(withReference: order.reference) } catch { throw .store("\(error)") }
        if let existing, let live = try loadLive(existing.identifier) { return TransactionSummary(live) }
        referencesStarting.insert(order.reference)
        defer { referencesStarting.remove(order.reference) }
        return try await start(proposal)
    }

    private func start(_ proposal: ProposalRequest) async throws(EngineError) -> TransactionSummary {
        let now = clock.now
        let request = try transactionRequest(for: proposal, at: now.date)
        if request.flow.involvesITL, configuration.holdsAfterInconsistentReconciliation {
            let alerts = try openReconciliationAlerts()
            if let alert = alerts.first {
                throw .heldByReconciliation(
                    "transactions to the ITL are held: reconciliation \(alert.identifier) ended inconsistent "
                        + "(status \(alert.status)); after resolving it, clear it with "
                        + "`registryctl reconciliation clear \(alert.identifier)`")
            }
        }
        let facts = try requestFacts(request)
        if case .refused(let refusal) = rules.evaluate(facts, at: now.date) {
            logger.notice("proposal refused before reservation: \(refusal)")
            EngineMetrics.current.ruleRefused(refusal)
            throw .ruleRefused(refusal)
        }
        try checkAttestable(request)
        // An issuance changes nothing before the ITL's check, so the ledger's refusals are found by a dry run.
        if case .issuance(let issuance) = request {
            do { _ = try store.plan(.issue(issuance.order), at: now.date) } catch {
                throw EngineError.wrapping(error)
            }
        }
        let id = try nextIdentifier()
        let live = try await create(
            id, request: request, first: .proposalCreated(at: now), describe: "proposed by operator")
        return TransactionSummary(live)
    }

    /// An operator withdraws a transaction that has no final status: released, and the ITL is told (7).
    public func cancel(_ id: TransactionIdentifier) async throws(EngineError) -> TransactionSummary {
        let outcome = try await transition(id, .operatorCancelled, describe: "cancelled by operator")
        if case .refused(let refusal) = outcome { throw .refused(id, refusal) }
        guard let live = try loadLive(id) else { throw .unknownTransaction(id) }
        return TransactionSummary(live)
    }

    /// Performs a local ledger command (open an account, register a project, pay SOP-Admin) through the same
    /// group commit as the transactions, so it is ordered with them.
    @discardableResult
    public func perform(_ command: LedgerCommand) async throws(EngineError) -> JournalRecord {
        let step = EngineStep(time: clock.now.date, commands: [command], transaction: nil, event: command.operation)
        switch await committer.submit(step) {
        case .success(let result):
            guard let record = result.journal.first else { throw .store("no journal entry for \(command.operation)") }
            return record
        case .failure(let error):
            throw EngineError.wrapping(error)
        }
    }

    /// One transaction, in memory or stored.
    public func summary(of id: TransactionIdentifier) throws(EngineError) -> TransactionSummary? {
        try loadLive(id).map(TransactionSummary.init)
    }

    /// The request a transaction carries (for attestations and listings).
    public func request(of id: TransactionIdentifier) throws(EngineError) -> TransactionRequest? {
        try loadLive(id)?.request
    }

    // MARK: Building the request

    private func transactionRequest(for proposal: ProposalRequest, at date: Date) throws(EngineError)
        -> TransactionRequest
    {
        let registry = configuration.registry
        switch proposal {
        case .issuance(let order):
            let project: Project?
            do { project = try store.project(order.issuance.project) } catch { throw .store("\(error)") }
            guard let project else {
                throw .ledger(.unknownProject(order.issuance.project))
            }
            let count = order.serials.count
            let share = project.isLeastDevelopedCountry ? 0 : count / 50 + (count % 50 == 0 ? 0 : 1)
            return .issuance(IssuanceRequest(order: order, shareOfProceeds: share))
        case .forward(let order):
            if order.to.registry == registry { return .internalTransfer(InternalTransferRequest(forward: order)) }
            let reservation = ReservationOrder(
                transaction: try peekIdentifier(), from: try pendingAccount(of: order.issuance),
                destination: .external(order.to.registry), quantity: order.quantity, issuance: order.issuance,
                instructedBy: order.instructedBy)
            return .externalTransfer(
                ExternalTransferRequest(reservation: reservation, acquiringAccount: order.to, isForwarding: true))
        case .transfer(let order):
            if order.to.registry == registry { return .internalTransfer(InternalTransferRequest(transfer: order)) }
            let reservation = ReservationOrder(
                transaction: try peekIdentifier(), from: order.from, destination: .external(order.to.registry),
                quantity: order.quantity)
            return .externalTransfer(
                ExternalTransferRequest(reservation: reservation, acquiringAccount: order.to, isForwarding: false))
        case .cancellation(let order):
            guard order.sources.count == 1, let source = order.sources.first else {
                throw .invalidRequest("a cancellation through the ITL takes units from exactly one account")
            }
            guard order.to.registry == registry, order.to.type.isTerminal else {
                throw .invalidRequest("\(order.to) is not a cancellation account of this registry")
            }
            let reservation = ReservationOrder(
                transaction: try peekIdentifier(), from: source, destination: .account(order.to),
                quantity: order.quantity, issuance: order.issuance, instructedBy: order.instructedBy)
            return .cancellation(
                CancellationRequest(
                    reservation: reservation, beneficiary: order.beneficiary, purpose: order.purpose,
                    notification: order.notification))
        case .cancellationOfHeld(let order):
            let held = try heldReservation(order.hold)
            guard case .account(let target) = held.destination, target.type == .voluntaryCancellation else {
                throw .invalidRequest("hold \(order.hold) is not for a voluntary cancellation")
            }
            guard order.quantity > 0, order.quantity <= held.quantity else {
                throw .ledger(.insufficientReserved(order.hold, requested: order.quantity, available: held.quantity))
            }
            let reservation = ReservationOrder(
                transaction: try peekIdentifier(), from: held.source, destination: held.destination,
                quantity: order.quantity, issuance: held.issuance)
            return .cancellation(
                CancellationRequest(
                    reservation: reservation, beneficiary: order.beneficiary, purpose: order.purpose,
                    hold: order.hold, onBehalfOf: order.onBehalfOf, reference: order.reference))
        }
    }

    private func pendingAccount(of issuance: IssuanceIdentifier) throws(EngineError) -> AccountIdentifier {
        let record: IssuanceRecord?
        do { record = try store.issuance(issuance) } catch { throw .store("\(error)") }
        guard let record else { throw .ledger(.unknownIssuance(issuance)) }
        return record.pendingAccount
    }

    /// The facts the peer rules judge: the attributes of the units the transaction would take, read in the
    /// ledger's take order (rules depend on unit type and commitment periods, never on serials).
    private func requestFacts(_ request: TransactionRequest) throws(EngineError) -> TransactionRequestFacts {
        let registry = configuration.registry
        switch request {
        case .issuance(let issuance):
            let order = issuance.order
            return TransactionRequestFacts(
                transactionType: .issuance, acquiringRegistry: registry,
                blocks: [
                    UnitBlockFacts(
                        unitType: order.unitType, originalCommitmentPeriod: order.originalCommitmentPeriod,
                        applicableCommitmentPeriod: order.applicableCommitmentPeriod)
                ])
        case .externalTransfer(let transfer):
            return TransactionRequestFacts(
                transactionType: .externalTransfer, acquiringRegistry: transfer.acquiringAccount.registry,
                blocks: try facts(of: transfer.reservation.quantity, from: transfer.reservation.from,
                    issuance: transfer.reservation.issuance),
                isForwarding: transfer.isForwarding)
        case .cancellation(let cancellation):
            let order = cancellation.reservation
            let voluntary: Bool =
                if case .account(let target) = order.destination { target.type == .voluntaryCancellation } else {
                    false
                }
            let blocks: [UnitBlockFacts] =
                if let hold = cancellation.hold {
                    Array(Set(try heldReservation(hold).blocks.map { UnitBlockFacts($0.attributes) }))
                } else {
                    try facts(of: order.quantity, from: order.from, issuance: order.issuance)
                }
            return TransactionRequestFacts(
                transactionType: .cancellation, acquiringRegistry: registry, blocks: blocks,
                isVoluntaryCancellation: voluntary)
        case .internalTransfer(let transfer):
            if let forward = transfer.forward {
                return TransactionRequestFacts(
                    transactionType: .internalTransfer, acquiringRegistry: registry,
                    blocks: try facts(
                        of: forward.quantity, from: try pendingAccount(of: forward.issuance),
                        issuance: forward.issuance),
                    isForwarding: true)
            }
            let order = transfer.transfer
            return TransactionRequestFacts(
                transactionType: .internalTransfer, acquiringRegistry: registry,
                blocks: try facts(of: order?.quantity ?? 0, from: order?.from, issuance: nil))
        case .acquiring:
            throw .invalidRequest("an incoming transfer is not proposed here")
        }
    }

    func facts(of quantity: Int64, from account: AccountIdentifier?, issuance: IssuanceIdentifier?)
        throws(EngineError) -> [UnitBlockFacts]
    {
        do {
            if let issuance, let record = try store.issuance(issuance) {
                return [UnitBlockFacts(record.attributes)]
            }
            guard let account else { return [] }
            let blocks = try availableBlocks(covering: quantity, in: account)
            return Array(Set(blocks.map { UnitBlockFacts($0.attributes) }))
        } catch {
            throw .store("\(error)")
        }
    }

    /// The account's available blocks in the ledger's take order, until they hold `quantity` units or the account
    /// runs out. Every block holds at least one unit: no more blocks than units are read.
    func availableBlocks(covering quantity: Int64, in account: AccountIdentifier) throws -> [UnitBlock] {
        var blocks: [UnitBlock] = []
        var remaining = quantity
        var after: BlockKey?
        while remaining > 0 {
            let page = try store.blocks(in: account, after: after, limit: Int(min(remaining, 256)))
            guard let last = page.last else { break }
            for block in page where remaining > 0 {
                blocks.append(block)
                remaining -= min(remaining, block.quantity)
            }
            after = last.key
        }
        return blocks
    }

    /// A voluntary cancellation is attested for one project (the attestation names the project and its host), so
    /// one that would take units of several projects is refused before anything is reserved, saying how many
    /// units of each project come first in the ledger's take order: the holder cancels them in that many steps.
    /// (Units from the pending account are one issuance's, held units one project's: both pass.)
    func checkAttestable(_ request: TransactionRequest) throws(EngineError) {
        guard case .cancellation(let cancellation) = request, cancellation.hold == nil,
            cancellation.reservation.issuance == nil,
            case .account(let target) = cancellation.reservation.destination, target.type == .voluntaryCancellation
        else { return }
        let order = cancellation.reservation
        var runs: [(project: Int?, units: Int64)] = []
        var remaining = order.quantity
        do {
            for block in try availableBlocks(covering: order.quantity, in: order.from) {
                let units = min(remaining, block.quantity)
                remaining -= units
                if let last = runs.last, last.project == block.attributes.project {
                    runs[runs.count - 1].units += units
                } else {
                    runs.append((block.attributes.project, units))
                }
            }
        } catch { throw .store("\(error)") }
        guard Set(runs.map(\.project)).count > 1 else { return }
        var listed = runs.prefix(5).map { "\($0.units) of project \($0.project.map(String.init) ?? "-")" }
        if runs.count > 5 { listed.append("\(runs.count - 5) more runs of other projects") }
        throw .invalidRequest(
            "a voluntary cancellation is attested for one project, and the first \(order.quantity) units of "
                + "\(order.from) in the ledger's take order are \(listed.joined(separator: ", then ")): cancel "
                + "\(runs[0].units) units first, then the rest in further cancellations")
    }

    // MARK: Identifiers

    /// The identifier the next transaction will get: the registry code and a number one above the highest used.
    func peekIdentifier() throws(EngineError) -> TransactionIdentifier {
        do { return try TransactionIdentifier("\(configuration.registry.rawValue)\(lastNumber + 1)") } catch {
            throw .invalidRequest("\(error)")
        }
    }

    func nextIdentifier() throws(EngineError) -> TransactionIdentifier {
        let id = try peekIdentifier()
        lastNumber += 1
        return id
    }
}
