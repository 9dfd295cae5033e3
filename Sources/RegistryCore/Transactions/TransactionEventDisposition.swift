/// Why an event was acknowledged without doing anything: it carries no new information for this transaction.
public enum TransactionEventIgnored: Hashable, Sendable, Codable, CustomStringConvertible {
    /// DES: a status for a transaction already final is acknowledged and ignored.
    case alreadyFinal(TransactionStatus)
    /// The event was already applied (a repeated message or proposal); applying it twice would double-book.
    case duplicate
    /// A timer fired before the transaction's deadline (a stale timer from an earlier schedule).
    case timeoutNotDue
    /// A timer fired for a transaction that has no deadline running.
    case noTimeoutScheduled

    public var description: String {
        switch self {
        case .alreadyFinal(let status): "ignored: already final (\(status))"
        case .duplicate: "ignored: already applied"
        case .timeoutNotDue: "ignored: timeout not yet due"
        case .noTimeoutScheduled: "ignored: no timeout scheduled"
        }
    }
}

/// Why an event cannot apply to a transaction in its current state; nothing was changed.
public enum TransactionEventRefusal: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// An ITL message or operator step concerns a proposal that was never made (or not yet checked, acquiring side).
    case noProposalYet
    /// Internal transfers are never sent to the ITL, so no ITL message can concern them.
    case notSentToITL
    /// The event belongs to the proposing registry's side (proposal, acknowledgement) but we are acquiring.
    case onlyForProposingRegistry
    /// An incoming proposal check belongs to the acquiring side, but this transaction was proposed here.
    case onlyForAcquiringRegistry
    /// The ITL never sends this status to a registry in our role (e.g. 1 Proposed, or 4 Completed to the proposer).
    case unexpectedStatus(TransactionStatus)
    /// The status contradicts one already applied (e.g. 3 after 2, or 6 after we accepted).
    case statusOutOfOrder(TransactionStatus, after: TransactionStatus)
    /// 6 Rejected and 8 Accepted come from an acquiring registry, which a one-registry transaction does not have.
    case noAcquiringRegistry(TransactionStatus)
    /// The ITL refused a proposal it had already acknowledged.
    case alreadyAcknowledged
    /// A `getTransactionStatus` answer arrived although no query is outstanding.
    case noStatusQueryOutstanding
    /// Once we answered 8 Accepted, the proposer may debit at any moment; only the ITL can end the transaction.
    case acquiringRegistryCannotCancel
    /// An operator cannot cancel a transaction that already has a final status.
    case alreadyFinal(TransactionStatus)
    /// A rejection must carry at least one DES response code (5902, 5903, 5904, 5906).
    case rejectionWithoutReason

    public var description: String {
        switch self {
        case .noProposalYet: "refused: the transaction has not been proposed yet"
        case .notSentToITL: "refused: internal transfers are not sent to the ITL"
        case .onlyForProposingRegistry: "refused: only the proposing registry handles this event"
        case .onlyForAcquiringRegistry: "refused: only the acquiring registry checks an incoming proposal"
        case .unexpectedStatus(let status): "refused: the ITL does not send status \(status.rawValue) (\(status)) here"
        case .statusOutOfOrder(let status, let after):
            "refused: status \(status.rawValue) (\(status)) contradicts \(after.rawValue) (\(after))"
        case .noAcquiringRegistry(let status):
            "refused: status \(status.rawValue) (\(status)) needs an acquiring registry, this transaction has none"
        case .alreadyAcknowledged: "refused: the ITL already acknowledged this proposal"
        case .noStatusQueryOutstanding: "refused: no transaction status query is outstanding"
        case .acquiringRegistryCannotCancel: "refused: the acquiring registry cannot cancel after accepting"
        case .alreadyFinal(let status): "refused: the transaction is already final (\(status))"
        case .rejectionWithoutReason: "refused: a rejection needs at least one response code"
        }
    }
}
