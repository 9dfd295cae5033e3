import Foundation
import RegistryCore
import RegistryEngine
import RegistryPlatform
import RegistryStore

/// The online platform's view of the registry, over the engine: holds are ledger reservations without a
/// transaction, a sale is a voluntary cancellation of part of a hold, proposed to the ITL like any other.
struct EnginePlatformRegistry: PlatformRegistry {
    let engine: RegistryEngine
    let store: SQLiteRegistryStore
    let attestations: AttestationService

    func holdUnits(_ request: HoldRequest) async throws(PlatformRegistryError) -> HeldUnits {
        let reservation: Reservation
        do {
            reservation = try await engine.hold(
                request.account, quantity: request.quantity, issuance: request.issuance,
                instructedBy: request.instructedBy)
        } catch { throw PlatformRegistryError(error.description) }
        do {
            return try facts(of: reservation)
        } catch {
            // Facts the platform cannot show: give the units back rather than leave an offer nobody can describe.
            _ = try? await engine.releaseHold(reservation.transaction)
            throw error
        }
    }

    func releaseHeld(_ hold: TransactionIdentifier, quantity: Int64, reference: String) async
        throws(PlatformRegistryError) -> Int64
    {
        do { return try await engine.releaseHold(hold, quantity: quantity, reference: reference) } catch {
            throw PlatformRegistryError(error.description)
        }
    }

    func cancelHeld(_ request: HeldCancellationRequest) async throws(PlatformRegistryError) -> TransactionIdentifier {
        do {
            let summary = try await engine.propose(
                .cancellationOfHeld(
                    HeldCancellationOrder(
                        hold: request.hold, quantity: request.quantity, beneficiary: request.beneficiary,
                        purpose: request.purpose, onBehalfOf: request.beneficiary, reference: request.order)))
            return summary.identifier
        } catch { throw PlatformRegistryError(error.description) }
    }

    func cancellationOutcome(_ transaction: TransactionIdentifier) async throws(PlatformRegistryError)
        -> CancellationOutcome?
    {
        let summary: TransactionSummary?
        do { summary = try await engine.summary(of: transaction) } catch {
            throw PlatformRegistryError(error.description)
        }
        guard let summary else { return nil }
        switch summary.state {
        case .final(.completed): return .completed
        case .final(let status):
            let codes = summary.responseCodes.isEmpty ? "" : " (codes \(summary.responseCodes.map(String.init).joined(separator: ", ")))"
            return .failed("the cancellation ended \(status)\(codes); the units went back to the holder")
        default: return .inProgress
        }
    }

    func attestationDocument(for transaction: TransactionIdentifier) async throws(PlatformRegistryError) -> String? {
        do {
            if let stored = try store.attestation(forTransaction: transaction) { return stored.document }
            return try await attestations.issue(for: transaction)?.document
        } catch { throw PlatformRegistryError("\(error)") }
    }

    /// What buyers filter on, read from the held blocks and the project and issuance records.
    private func facts(of reservation: Reservation) throws(PlatformRegistryError) -> HeldUnits {
        guard let first = reservation.blocks.first, let number = first.attributes.project else {
            throw PlatformRegistryError("the held units name no project")
        }
        do {
            guard let project = try store.project(number) else {
                throw PlatformRegistryError("project \(number) is not registered")
            }
            let issuance =
                try reservation.issuance.flatMap { try store.issuance($0) }
                ?? store.issuances(ofProject: number).first { $0.serials.contains(first.range.start) }
            guard let issuance else {
                throw PlatformRegistryError("no issuance of project \(number) contains serial \(first.range.start)")
            }
            return HeldUnits(
                hold: reservation.transaction, quantity: reservation.quantity, project: project.number,
                projectTitle: project.title, projectType: project.projectType, hostParty: project.hostParty.rawValue,
                unitType: first.attributes.unitType, commitmentPeriod: first.attributes.applicableCommitmentPeriod,
                vintage: issuance.monitoringPeriodEnd.year)
        } catch let error as PlatformRegistryError {
            throw error
        } catch {
            throw PlatformRegistryError("the registry could not be read: \(error)")
        }
    }
}
