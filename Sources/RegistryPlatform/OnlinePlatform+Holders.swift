import Foundation
import Logging
import RegistryCore

/// Holders' own access (docs/PLATFORM.md, "Holders"): a representative of a holding account, given a key by the
/// registry's staff (`registryctl representative add`), signs in at `/holder`, offers that account's units and
/// withdraws its offers, and nothing else. Keys and session tokens are 128 random bits; only their SHA-256 is kept.
extension OnlinePlatform {
    /// How long a sign-in lasts (absolute, not sliding).
    public static let holderSessionLifetime: TimeInterval = 3_600

    /// A new representative of a holding account; the key is returned once and never stored.
    public func addRepresentative(account: AccountIdentifier, name: String) throws(PlatformError)
        -> (representative: Representative, key: String)
    {
        let name = try FieldRules.text(name, field: "name", maxLength: 200)
        guard [.partyHolding, .entityHolding, .personHolding].contains(account.type) else {
            throw .invalidInput(
                field: "account", "\(account) is not a holding account (types 100, 120, 121): representatives offer "
                    + "units they hold; pending units are offered by the staff with their issuance")
        }
        let key = "hk_" + Self.newToken()
        let representative = try store.addRepresentative(account: account, name: name, key: key, now: now)
        logger.notice("representative \(representative.id) of \(account) added (\(name))")
        return (representative, key)
    }

    /// Revokes a representative: their key stops working and their sessions end at once.
    public func revokeRepresentative(_ id: Int64) throws(PlatformError) -> Representative {
        guard let revoked = try store.revokeRepresentative(id, now: now) else {
            throw .invalidInput(field: "representative", "there is no representative \(id)")
        }
        logger.notice("representative \(id) of \(revoked.account) revoked")
        return revoked
    }

    public func representatives() throws(PlatformError) -> [Representative] { try store.representatives() }

    /// Signs in with a representative's key: a session token (for the cookie) and the session; nil for a key that
    /// is unknown or revoked (the caller says only that it is not valid).
    public func signIn(key: String) throws(PlatformError) -> (token: String, session: HolderSession)? {
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("hk_"), Self.isToken(String(trimmed.dropFirst(3))) else { return nil }
        let token = Self.newToken()
        guard
            let session = try store.openSession(
                key: trimmed, token: token, csrf: Self.newToken(), now: now, lifetime: Self.holderSessionLifetime)
        else {
            logger.warning("holder sign-in with a key that is not valid")
            return nil
        }
        logger.info("representative \(session.representative.id) signed in")
        return (token, session)
    }

    /// The session a cookie's token belongs to, if it is still live.
    public func holderSession(token: String) throws(PlatformError) -> HolderSession? {
        guard Self.isToken(token) else { return nil }
        return try store.session(token: token, now: now)
    }

    public func signOut(token: String) throws(PlatformError) {
        guard Self.isToken(token) else { return }
        try store.closeSession(token: token)
    }

    /// The offers of the session's account, newest first.
    public func holderOffers(_ session: HolderSession) throws(PlatformError) -> [Offer] {
        try store.offers(ofAccount: session.representative.account)
    }

    /// Offers units of the session's own account, in the representative's name.
    public func createHolderOffer(
        _ session: HolderSession, quantity: Int64, pricePerUnit: Money, validUntil: Date
    ) async throws(PlatformError) -> Offer {
        let offer = try await createOffer(
            OfferRequest(
                account: session.representative.account, seller: session.representative.name, quantity: quantity,
                pricePerUnit: pricePerUnit, validUntil: validUntil))
        logger.notice("offer \(offer.id) made by representative \(session.representative.id)")
        return offer
    }

    /// Withdraws one of the session's own account's offers; another account's offer is "not found".
    public func withdrawHolderOffer(_ session: HolderSession, offer id: Int64) async throws(PlatformError) -> Offer {
        guard let offer = try store.offer(id), offer.account == session.representative.account else {
            throw .offerNotFound(id)
        }
        return try await withdrawOffer(id)
    }
}
