import Foundation
import RegistryCore

/// What the online platform needs from the registry: hold offered units, release what is not sold, cancel what is
/// sold, and read the outcome. The daemon implements it over `RegistryEngine`; tests use an in-memory registry.
///
/// Why an interface: the platform keeps its own database (offers, orders, payments) and never touches the ledger;
/// every unit movement goes through the engine like any other transaction, so the ledger's rules and the ITL apply.
public protocol PlatformRegistry: Sendable {
    /// Reserves `quantity` units of `account` for an offer (a holding account, or a pending account with its
    /// issuance), so they can no longer be forwarded or transferred. The units must be of one project, unit type
    /// and commitment period. Throws `PlatformRegistryError` naming what was wrong; nothing is held then.
    func holdUnits(_ request: HoldRequest) async throws(PlatformRegistryError) -> HeldUnits

    /// Gives `quantity` units of a hold back to their account (an offer withdrawn or expired with units unsold).
    /// Idempotent per `reference`: asked again with it, the registry changes nothing and returns what the first
    /// request released (which may be less than `quantity` if more was added to the release meanwhile).
    func releaseHeld(_ hold: TransactionIdentifier, quantity: Int64, reference: String) async
        throws(PlatformRegistryError) -> Int64

    /// Voluntarily cancels `quantity` units of a hold (type 4 into 230, through the ITL) for a paid order.
    /// Idempotent per `order`: asking again for the same order returns the transaction started the first time.
    func cancelHeld(_ request: HeldCancellationRequest) async throws(PlatformRegistryError) -> TransactionIdentifier

    /// Where the cancellation stands; `nil` when the registry has no such transaction.
    func cancellationOutcome(_ transaction: TransactionIdentifier) async throws(PlatformRegistryError)
        -> CancellationOutcome?

    /// The attestation's printable, signed HTML document once the cancellation completed.
    func attestationDocument(for transaction: TransactionIdentifier) async throws(PlatformRegistryError) -> String?
}

public struct HoldRequest: Hashable, Sendable {
    public var account: AccountIdentifier
    public var quantity: Int64
    /// Required when `account` is a pending account: the issuance the units come from.
    public var issuance: IssuanceIdentifier?
    /// For a pending account: the project participant instructing (modalities of communication).
    public var instructedBy: ParticipantIdentifier?

    public init(
        account: AccountIdentifier, quantity: Int64, issuance: IssuanceIdentifier? = nil,
        instructedBy: ParticipantIdentifier? = nil
    ) {
        self.account = account
        self.quantity = quantity
        self.issuance = issuance
        self.instructedBy = instructedBy
    }
}

/// Units reserved for an offer, with the facts buyers filter on.
public struct HeldUnits: Hashable, Sendable, Codable {
    /// The reservation's identifier in the registry (the engine's transaction number space).
    public var hold: TransactionIdentifier
    public var quantity: Int64
    public var project: Int
    public var projectTitle: String
    public var projectType: String
    public var hostParty: String
    public var unitType: UnitType
    public var commitmentPeriod: CommitmentPeriod
    /// The year the units' monitoring period ended.
    public var vintage: Int

    public init(
        hold: TransactionIdentifier, quantity: Int64, project: Int, projectTitle: String, projectType: String,
        hostParty: String, unitType: UnitType, commitmentPeriod: CommitmentPeriod, vintage: Int
    ) {
        self.hold = hold
        self.quantity = quantity
        self.project = project
        self.projectTitle = projectTitle
        self.projectType = projectType
        self.hostParty = hostParty
        self.unitType = unitType
        self.commitmentPeriod = commitmentPeriod
        self.vintage = vintage
    }
}

public struct HeldCancellationRequest: Hashable, Sendable {
    public var hold: TransactionIdentifier
    public var quantity: Int64
    /// The platform's order number: the idempotency key.
    public var order: String
    public var beneficiary: String
    public var purpose: String

    public init(hold: TransactionIdentifier, quantity: Int64, order: String, beneficiary: String, purpose: String) {
        self.hold = hold
        self.quantity = quantity
        self.order = order
        self.beneficiary = beneficiary
        self.purpose = purpose
    }
}

/// A cancellation as the platform reports it to the buyer.
public enum CancellationOutcome: Hashable, Sendable {
    /// Proposed to the ITL, no final answer yet.
    case inProgress
    case completed
    /// Rejected or cancelled: the units went back to the holder's account; the buyer is owed a refund.
    case failed(String)
}

/// Why the registry refused; the text names what was wrong and is shown to the holder or buyer.
public struct PlatformRegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
