import Foundation
import Logging
import RegistryCore
import RegistryWeb

/// The online voluntary cancellation platform (DOMAIN.md section 5): holders offer CERs at their price, the public
/// pays and has them cancelled, and gets an attestation. The daemon, `registryctl offer ...` and `PlatformWeb` use
/// this API; the registry is reached only through `PlatformRegistry`.
public final class OnlinePlatform: Sendable {
    public let store: PlatformStore
    let registry: any PlatformRegistry
    let payments: any PaymentProvider
    public let configuration: PlatformConfiguration
    let signature: WebhookSignature
    let logger: Logger
    let releases = ReleaseQueue()
    /// Where buyers' e-mails go (nil: none are written or sent).
    let mail: (any MailTransport)?
    let mailPasses = ReleaseQueue()
    let metrics: PlatformMetrics
    let refundBackoff = RefundBackoff()

    /// Checks the configuration; the store is opened by the caller (`PlatformStore(path:)`) so one file is shared by
    /// nothing else. With `mail`, buyers get e-mails: payment received (with the order's link), units cancelled
    /// (with the attestation's link), refunded.
    public init(
        store: PlatformStore, registry: any PlatformRegistry, payments: any PaymentProvider,
        configuration: PlatformConfiguration, mail: (any MailTransport)? = nil,
        metrics: PlatformMetrics = PlatformMetrics(), logger: Logger
    ) throws(PlatformError) {
        try configuration.check()
        self.store = store
        self.registry = registry
        self.payments = payments
        self.mail = mail
        self.metrics = metrics
        self.configuration = configuration
        self.signature = WebhookSignature(
            secret: configuration.webhookSecret, tolerance: configuration.signatureTolerance)
        self.logger = logger
    }

    /// Now, by the configured clock.
    public var now: Date { configuration.clock() }

    // MARK: Offers

    /// Holds the units in the registry, then records the offer with the facts the registry returned. Bad input is
    /// refused before the registry is asked; a registry refusal leaves nothing behind.
    public func createOffer(_ request: OfferRequest) async throws(PlatformError) -> Offer {
        let now = self.now
        var request = request
        request.seller = try FieldRules.text(request.seller, field: "seller", maxLength: 200)
        guard request.quantity > 0 else {
            throw .invalidInput(field: "quantity", "must be a positive number of units (got \(request.quantity))")
        }
        guard request.pricePerUnit.minorUnits > 0 else {
            throw .invalidInput(field: "price", "must be more than zero (got \(request.pricePerUnit))")
        }
        guard request.validUntil > now else {
            throw .invalidInput(field: "valid until", "\(Self.timestamp(request.validUntil)) is not in the future")
        }
        guard request.account.registry == .cdm else {
            throw .invalidInput(field: "account", "\(request.account) is not an account of the CDM registry")
        }
        if request.account.type == .pending {
            guard request.issuance != nil else {
                throw .invalidInput(field: "issuance", "is required for units in the pending account")
            }
            guard let participant = request.instructedBy, !participant.isEmpty else {
                throw .invalidInput(field: "instructed by", "the instructing project participant is required")
            }
        } else {
            guard [AccountType.partyHolding, .entityHolding, .personHolding].contains(request.account.type) else {
                throw .invalidInput(
                    field: "account", "\(request.account) is neither a holding account nor the pending account")
            }
            guard request.issuance == nil, request.instructedBy == nil else {
                throw .invalidInput(field: "issuance", "is only given for units in the pending account")
            }
        }
        let units: HeldUnits
        do {
            units = try await registry.holdUnits(
                HoldRequest(
                    account: request.account, quantity: request.quantity, issuance: request.issuance,
                    instructedBy: request.instructedBy))
        } catch {
            throw .registry(error)
        }
        guard units.quantity == request.quantity else {
            await releaseUnrecorded(units)
            throw .registry(
                PlatformRegistryError("held \(units.quantity) units where \(request.quantity) were asked for"))
        }
        do {
            let offer = try store.insertOffer(request, units: units, now: now)
            logger.info("offer \(offer.id): \(units.quantity) \(units.unitType) of project \(units.project)")
            return offer
        } catch {
            // The hold exists but no offer records it: give the units back so the holder is not left blocked.
            await releaseUnrecorded(units)
            throw error
        }
    }

    private func releaseUnrecorded(_ units: HeldUnits) async {
        do {
            _ = try await registry.releaseHeld(
                units.hold, quantity: units.quantity, reference: "hold-\(units.hold)-unrecorded")
        } catch {
            logger.error("hold \(units.hold) of \(units.quantity) units has no offer and was not released: \(error)")
        }
    }

    /// Ends an offer at the holder's request: unsold units that no open order holds go back to the holder now;
    /// units held by orders awaiting payment go back when those orders end unpaid.
    public func withdrawOffer(_ id: Int64) async throws(PlatformError) -> Offer {
        guard let ended = try store.endOffer(id, as: .withdrawn, now: now) else {
            guard let offer = try store.offer(id) else { throw .offerNotFound(id) }
            throw .offerClosed(id, offer.status)
        }
        logger.info("offer \(id) withdrawn; \(ended.releasing) units to release")
        await flushReleases()
        return try store.offer(id) ?? ended
    }

    /// One page of open offers matching `filter`.
    public func offers(_ filter: OfferFilter) throws(PlatformError) -> OfferListing {
        try store.offers(filter, now: now)
    }

    /// The choices of the filter form: what open offers have.
    public func facets() throws(PlatformError) -> OfferFacets { try store.facets(now: now) }

    public func offer(_ id: Int64) throws(PlatformError) -> Offer? { try store.offer(id) }

    /// "2026-11-28 11:30:00 UTC": times are shown in UTC, the registry's time (DES timestamps are UTC).
    static func timestamp(_ date: Date) -> String {
        let text = UTCTimestamp.iso8601(date)
        return text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }
}
