import Foundation
import Logging
import RegistryAttestation
import RegistryCore
import RegistryEngine
import RegistryStore

/// Issues the signed attestation of every completed voluntary cancellation, and checks attestations brought back.
///
/// Issued after the cancellation's own commit (the listener of final transactions, and a catch-up at start-up for
/// cancellations completed while the daemon stopped or before a key was configured), never inside it: signing
/// must not hold the ledger's writer. The store gives each cancellation exactly one attestation and number.
public actor AttestationService {
    let store: SQLiteRegistryStore
    let signingKey: AttestationSigningKey?
    /// The current key's public half and earlier keys' (rotation): documents signed by any of them verify.
    let verificationKeys: [AttestationVerificationKey]
    let registryName: String
    let clock: RegistryClock
    let logger: Logger

    public init(
        store: SQLiteRegistryStore, signingKey: AttestationSigningKey?, previousKeys: [AttestationVerificationKey],
        registryName: String, clock: RegistryClock, logger: Logger
    ) {
        self.store = store
        self.signingKey = signingKey
        self.verificationKeys = (signingKey.map { [$0.verificationKey] } ?? []) + previousKeys
        self.registryName = registryName
        self.clock = clock
        self.logger = logger
    }

    /// Why an attestation could not be issued or a document does not check out.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Issues the attestation of `transaction` if it is a completed voluntary cancellation without one; returns it
    /// (or the one it already has). nil: not a completed voluntary cancellation.
    @discardableResult
    public func issue(for transaction: TransactionIdentifier) throws -> AttestationRecord? {
        if let existing = try store.attestation(forTransaction: transaction) { return existing }
        guard let record = try store.engineTransaction(transaction), record.finalStatus == TransactionStatus.completed
        else { return nil }
        guard case .cancellation(let request) = try JSONDecoder().decode(TransactionRequest.self, from: record.details),
            case .account(let target) = request.reservation.destination, target.type == .voluntaryCancellation
        else { return nil }
        guard let signingKey else {
            throw Failure(description: "no attestation signing key is configured ([attestation] signingKey)")
        }
        guard let entry = try store.commitEntry(of: transaction) else {
            throw Failure(description: "no journal entry commits \(transaction)")
        }
        let blocks = entry.entry.movements.flatMap(\.blocks)
        guard let projectNumber = blocks.first?.attributes.project, let project = try store.project(projectNumber) else {
            throw Failure(description: "the units of \(transaction) name no registered project")
        }
        let holder = try store.account(request.reservation.from)?.name ?? request.reservation.from.description
        let issuedAt = clock.now.date
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let year = calendar.component(.year, from: issuedAt)
        return try store.issueAttestation(for: transaction) { sequence in
            let number = try Attestation.number(sequence: Int(sequence), year: year)
            let attestation = try Attestation(
                number: number, issuedAt: issuedAt, transaction: transaction, completedAt: record.updatedAt,
                blocks: blocks, project: project, onBehalfOf: request.onBehalfOf ?? holder,
                beneficiary: request.beneficiary, purpose: request.purpose, cancellationAccount: target,
                registryName: registryName)
            let document = try AttestationDocument.render(attestation, signedWith: signingKey)
            return AttestationRecord(
                number: number, sequence: sequence, transaction: transaction, issuedAt: issuedAt, document: document)
        }
    }

    /// The final-transaction listener's call: issues, and logs (never throws) what stops an attestation.
    public func issueAfterCompletion(of transaction: TransactionIdentifier) {
        do {
            if let record = try issue(for: transaction) {
                logger.info("attestation \(record.number) issued for \(transaction)")
            }
        } catch {
            logger.error("attestations: \(transaction) not attested: \(error)")
        }
    }

    /// Issues what is missing (start-up, or a key configured late); returns how many were issued.
    @discardableResult
    public func catchUp() -> Int {
        guard signingKey != nil else { return 0 }
        var issued = 0
        // Completed cancellations that are not voluntary (240, 241, ...) never get one: they are skipped, counted
        // in the offset, so the next page starts after them.
        var skipped = 0
        do {
            while true {
                let waiting = try store.completedCancellationsWithoutAttestation(limit: 200, offset: skipped)
                if waiting.isEmpty { break }
                for record in waiting {
                    do {
                        if try issue(for: record.identifier) != nil { issued += 1 } else { skipped += 1 }
                    } catch {
                        // One that cannot be attested (logged) must not hold up the others.
                        logger.error("attestations: \(record.identifier) not attested: \(error)")
                        skipped += 1
                    }
                }
            }
        } catch {
            logger.error("attestations: catch-up stopped: \(error)")
        }
        if issued > 0 { logger.notice("attestations: issued \(issued) missing at start-up") }
        return issued
    }

    /// Checks the signature, then the ledger: the store issued exactly this document for a completed voluntary
    /// cancellation, and the journal committed exactly the attested blocks into the attested account.
    public func verify(_ document: [UInt8]) throws -> Attestation {
        let attestation: Attestation
        do { attestation = try AttestationDocument.verify(document, keys: verificationKeys) } catch {
            throw Failure(description: "signature: \(error)")
        }
        guard let stored = try store.attestation(number: attestation.number) else {
            throw Failure(description: "the registry issued no attestation \(attestation.number)")
        }
        guard stored.transaction == attestation.transaction else {
            throw Failure(
                description: "attestation \(attestation.number) belongs to \(stored.transaction), "
                    + "not \(attestation.transaction)")
        }
        guard Array(stored.document.utf8) == document else {
            throw Failure(description: "the registry issued a different document under \(attestation.number)")
        }
        guard let record = try store.engineTransaction(attestation.transaction),
            record.finalStatus == TransactionStatus.completed
        else {
            throw Failure(description: "cancellation \(attestation.transaction) is not completed in the ledger")
        }
        guard let entry = try store.commitEntry(of: attestation.transaction) else {
            throw Failure(description: "the ledger's journal has no commit of \(attestation.transaction)")
        }
        let moved = entry.entry.movements.flatMap(\.blocks).map(AttestedBlock.init)
        guard Set(moved) == Set(attestation.blocks), moved.count == attestation.blocks.count,
            entry.entry.movements.allSatisfy({ $0.to == .account(attestation.cancellationAccount) })
        else {
            throw Failure(description: "the attested blocks differ from what the ledger moved into "
                + "\(attestation.cancellationAccount)")
        }
        return attestation
    }
}
