import Foundation
import RegistryCore
import RegistryStore

/// Units held for an offer of the online platform: reserved in the ledger (so they can be neither forwarded nor
/// transferred) without a transaction, until sold (`ProposalRequest.cancellationOfHeld` splits the hold into the
/// cancellation's own reservation) or given back (`releaseHold`).
extension RegistryEngine {
    /// Reserves `quantity` units of `account` for a later voluntary cancellation (`issuance` and `instructedBy`:
    /// for the pending account, as for a forward). The units must be of one project, unit type and
    /// commitment period (an offer describes one kind of unit); the voluntary cancellation rule is checked now, so
    /// an offer is never made of units that could not be cancelled today. The hold's identifier comes from the
    /// transaction number space, so no transaction can ever collide with it.
    public func hold(
        _ account: AccountIdentifier, quantity: Int64, issuance: IssuanceIdentifier? = nil,
        instructedBy: ParticipantIdentifier? = nil
    ) async throws(EngineError) -> Reservation {
        let order = HoldParameters(account: account, quantity: quantity, issuance: issuance, instructedBy: instructedBy)
        let now = clock.now
        guard order.quantity > 0 else { throw .ledger(.nonPositiveQuantity(order.quantity)) }
        let kinds = try unitKinds(of: order)
        // No kind at all: an empty or unknown account, which the ledger's reservation refuses by name below.
        guard kinds.count <= 1 else {
            let listed = kinds.map { "project \($0.project.map(String.init) ?? "-") \($0.unitType) CP\($0.period)" }
                .sorted().joined(separator: ", ")
            throw .invalidRequest(
                "the first \(order.quantity) units of \(order.account) are of several kinds (\(listed)); an offer "
                    + "takes units of one project, unit type and commitment period: move them apart first")
        }
        let facts = TransactionRequestFacts(
            transactionType: .cancellation, acquiringRegistry: configuration.registry,
            blocks: try facts(of: order.quantity, from: order.account, issuance: order.issuance),
            isVoluntaryCancellation: true)
        if case .refused(let refusal) = rules.evaluate(facts, at: now.date) {
            EngineMetrics.current.ruleRefused(refusal)
            throw .ruleRefused(refusal)
        }
        let id = try nextIdentifier()
        let destination = AccountIdentifier.cdmTerminal(
            .voluntaryCancellation, period: kinds.first?.period ?? .second)
        let command = LedgerCommand.reserve(
            ReservationOrder(
                transaction: id, from: order.account, destination: .account(destination), quantity: order.quantity,
                issuance: order.issuance, instructedBy: order.instructedBy))
        try await performSteps([command], event: "hold \(id) for an offer")
        return try heldReservation(id)
    }

    /// Gives `quantity` units of a hold (all of it when nil) back to the account they came from; returns how many.
    ///
    /// With a `reference` the release happens once: asked again with the same reference (a caller that crashed
    /// before recording the answer), it returns what the first release gave back and changes nothing. The
    /// reference is kept in the journal with the split that made the release.
    @discardableResult
    public func releaseHold(_ id: TransactionIdentifier, quantity: Int64? = nil, reference: String? = nil)
        async throws(EngineError) -> Int64
    {
        if let reference {
            guard !referencesStarting.contains(reference) else {
                throw .invalidRequest("a release for \(reference) is being made; ask again shortly")
            }
            let earlier: ReservationSplit?
            do { earlier = try store.reservationSplit(referenced: reference, from: id) } catch {
                throw .store("\(error)")
            }
            if let earlier { return earlier.quantity }
            referencesStarting.insert(reference)
        }
        defer { if let reference { referencesStarting.remove(reference) } }
        let held = try heldReservation(id)
        let count = quantity ?? held.quantity
        guard count > 0, count <= held.quantity else {
            throw .ledger(.insufficientReserved(id, requested: count, available: held.quantity))
        }
        if count == held.quantity, reference == nil {
            try await performSteps([.release(id)], event: "release hold \(id)")
        } else {
            let part = try nextIdentifier()
            try await performSteps(
                [
                    .splitReservation(ReservationSplit(from: id, into: part, quantity: count, reference: reference)),
                    .release(part),
                ],
                event: "release \(count) of hold \(id)")
        }
        return count
    }

    /// A hold: a reservation that belongs to no transaction.
    public func heldReservation(_ id: TransactionIdentifier) throws(EngineError) -> Reservation {
        let reservation: Reservation?
        let transaction: EngineTransactionRecord?
        do {
            reservation = try store.reservation(id)
            transaction = try store.engineTransaction(id)
        } catch { throw .store("\(error)") }
        guard let reservation else { throw .invalidRequest("there is no hold \(id)") }
        guard transaction == nil else {
            throw .invalidRequest("\(id) is the reservation of transaction \(id), not a hold for an offer")
        }
        return reservation
    }

    private func performSteps(_ commands: [LedgerCommand], event: String) async throws(EngineError) {
        let step = EngineStep(time: clock.now.date, commands: commands, transaction: nil, event: event)
        if case .failure(let error) = await committer.submit(step) { throw EngineError.wrapping(error) }
    }

    private struct HoldParameters {
        var account: AccountIdentifier
        var quantity: Int64
        var issuance: IssuanceIdentifier?
        var instructedBy: ParticipantIdentifier?
    }

    private struct UnitKind: Hashable {
        var project: Int?
        var unitType: UnitType
        var period: CommitmentPeriod
    }

    /// The kinds of the units a reservation of `order` would take, read in the ledger's take order.
    private func unitKinds(of order: HoldParameters) throws(EngineError) -> Set<UnitKind> {
        func kind(_ attributes: UnitAttributes) -> UnitKind {
            UnitKind(
                project: attributes.project, unitType: attributes.unitType,
                period: attributes.applicableCommitmentPeriod)
        }
        do {
            if let issuance = order.issuance {
                guard let record = try store.issuance(issuance) else { throw EngineError.ledger(.unknownIssuance(issuance)) }
                return [kind(record.attributes)]
            }
            return Set(try availableBlocks(covering: order.quantity, in: order.account).map { kind($0.attributes) })
        } catch let error as EngineError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }
}
