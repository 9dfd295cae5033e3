/// Where one transaction stands: before its proposal, waiting on a peer, asking the ITL, or final (a DES status).
public enum TransactionState: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Known locally, nothing reserved or sent yet.
    case created
    /// Waiting for the next message from the ITL; a deadline (default 24 hours) runs.
    case waiting(TransactionWait)
    /// The deadline passed: we asked the ITL `getTransactionStatus` and wait once more before cancelling (7).
    case querying(TransactionWait)
    /// A final DES status (4 Completed, 5 Terminated, 6 Rejected, 7 Cancelled); later statuses are ignored.
    case final(TransactionStatus)

    /// The wait this state is in, whether or not the ITL was already asked for the status.
    public var wait: TransactionWait? {
        switch self {
        case .waiting(let wait), .querying(let wait): wait
        case .created, .final: nil
        }
    }

    public var isFinal: Bool {
        if case .final = self { return true }
        return false
    }

    /// The DES status this registry would report for the transaction, or nil before it was proposed.
    public var desStatus: TransactionStatus? {
        switch self {
        case .created: nil
        case .final(let status): status
        case .waiting(let wait), .querying(let wait): wait.desStatus
        }
    }

    public var description: String {
        switch self {
        case .created: "created"
        case .waiting(let wait): "\(wait)"
        case .querying(let wait): "\(wait), status asked of the ITL"
        case .final(let status): "final: \(status)"
        }
    }
}

/// What a non-final transaction is waiting for.
public enum TransactionWait: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The proposal is in the outbox or sent; the ITL has not yet acknowledged receipt (`resultIdentifier` 1).
    case awaitingITLAcknowledgement
    /// The ITL acknowledged the proposal and runs its checks (status 2 or 3 next).
    case awaitingITLCheck
    /// The ITL found no discrepancy and relayed the proposal; the acquiring registry answers 8 or 6 through it.
    case awaitingAcquiringRegistry
    /// Acquiring side: we answered 8 Accepted and wait for 4 Completed before crediting.
    case awaitingCompletion

    /// The DES status the transaction has while in this wait.
    public var desStatus: TransactionStatus {
        switch self {
        case .awaitingITLAcknowledgement, .awaitingITLCheck: .proposed
        case .awaitingAcquiringRegistry: .checkedNoDiscrepancy
        case .awaitingCompletion: .accepted
        }
    }

    public var description: String {
        switch self {
        case .awaitingITLAcknowledgement: "awaiting ITL acknowledgement"
        case .awaitingITLCheck: "awaiting ITL check"
        case .awaitingAcquiringRegistry: "awaiting acquiring registry"
        case .awaitingCompletion: "awaiting completion"
        }
    }
}
