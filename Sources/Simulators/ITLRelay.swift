import DES
import Foundation
import RegistryCore

/// How the ITL simulator relays: which registries it knows, and how long an acquiring registry may stay silent.
public struct ITLRelayConfiguration: Sendable {
    public var registries: [RegistryCode: ITLRegistryState]
    /// DES practice: an acquiring registry that does not answer within 24 hours has the proposal cancelled (7).
    public var acquiringResponseTimeout: TimeInterval

    public init(registries: [RegistryCode: ITLRegistryState], acquiringResponseTimeout: TimeInterval = 24 * 3600) {
        self.registries = registries
        self.acquiringResponseTimeout = acquiringResponseTimeout
    }
}

/// The ITL's side of the DES transaction flow (DOMAIN.md section 4, "External transfer, message by message").
///
/// Proposal from A -> checks -> status 3 to A on failure; status 2 to A for one-registry types (issuance,
/// cancellation), which A completes with 4; for an external transfer the proposal goes to the acquiring registry
/// B, whose 8 or 6 is relayed to A, and A's 4 completes the record and is sent on to B. Holdings change only on 4.
///
/// Extension points, so notices and reconciliation fit without reshaping: `handle` dispatches by operation, and
/// `receiveTotals`/`receiveUnitBlocks`/`receiveAuditTrail` get their own methods next to `status(_:)`, driven by a
/// reconciliation actor that reads `ITLHoldingsRecord.holdings(heldBy:)`; ITL notices (`acceptITLNotice`) are
/// outbound messages like the relayed proposals, and a transaction answering a notice carries its
/// `notificationIdentifier`, which a notice check would add to `ITLChecks.checks(for:)`.
public actor ITLRelay {
    /// Relay codes for notifications the log cannot place (ITLChecks table).
    public static let unknownTransaction = DESResponseCode(5006)
    public static let unexpectedStatus = DESResponseCode(5007)
    /// DES `partyType` of a notification: 1 to the transferring registry, 2 to the acquiring registry.
    public static let transferringParty = 1
    public static let acquiringParty = 2

    public let record: ITLHoldingsRecord
    public let configuration: ITLRelayConfiguration
    private let outbound: any ITLOutbound
    private let clock: @Sendable () -> Date

    public init(
        record: ITLHoldingsRecord, configuration: ITLRelayConfiguration, outbound: any ITLOutbound,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.record = record
        self.configuration = configuration
        self.outbound = outbound
        self.clock = clock
    }

    /// Answers one request; nil for operations the ITL simulator does not serve yet (reconciliation replies).
    public func handle(_ request: DESRequest, authenticatedSender: RegistryCode?) throws(ITLRecordError)
        -> DESResponse?
    {
        switch request {
        case .acceptProposal(let proposal):
            .acceptProposal(AcceptProposalResponse(result: try propose(proposal, authenticatedSender)))
        case .acceptNotification(let notification):
            .acceptNotification(AcceptNotificationResponse(result: try notify(notification, authenticatedSender)))
        case .getTransactionStatus(let query): .getTransactionStatus(try status(query, authenticatedSender))
        default: nil
        }
    }

    // MARK: Proposals

    /// Checks a proposal. Failures of version, authentication or message viability are refused synchronously and
    /// logged nowhere (a repeated identifier must not disturb the first transaction); later failures are logged
    /// with status 3 and notified to the proposer.
    public func propose(_ proposal: AcceptProposalRequest, _ sender: RegistryCode?) throws(ITLRecordError)
        -> DESResult
    {
        let transaction = proposal.proposedTransaction
        let blocks = transaction.proposalUnitBlocks.map(\.block)
        var holdings: [ITLHolding] = []
        for block in blocks {
            holdings += try record.holdings(of: block.originatingRegistry, overlapping: block.range)
        }
        let context = ITLCheckContext(
            proposal: proposal, authenticatedSender: sender, registries: configuration.registries,
            identifierAlreadyLogged: try record.transaction(transaction.transactionIdentifier) != nil,
            recordedHoldings: holdings, openTransactions: try record.openTransactions())
        let findings = ITLChecks.evaluate(context)
        let synchronous = ITLChecks.checks(for: transaction.transactionType)
            .filter { $0.phase <= .messageViability }.map(\.code)
        if findings.contains(where: { synchronous.contains($0.responseCode) }) {
            return .refused(findings.map(\.responseCode))
        }
        let now = clock()
        var entry = ITLTransactionEntry(
            identifier: transaction.transactionIdentifier, type: transaction.transactionType,
            transferringRegistry: transaction.transferringRegistryCode,
            acquiringRegistry: transaction.acquiringRegistryCode, status: .checkedNoDiscrepancy, blocks: blocks,
            proposedAt: now, statusAt: now, notificationIdentifier: transaction.notificationIdentifier)
        if !findings.isEmpty {
            entry.status = .checkedDiscrepancy
            entry.responseCodes = findings.map(\.responseCode)
            try record.log(entry)
            send(entry, .checkedDiscrepancy, to: proposal.from, party: Self.transferringParty, findings)
            return .received
        }
        try record.log(entry)
        if transaction.transactionType == .externalTransfer {
            var relayed = proposal
            relayed.from = .itl
            relayed.to = transaction.acquiringRegistryCode
            outbound.enqueue(
                ITLOutboundMessage(recipient: transaction.acquiringRegistryCode, request: .acceptProposal(relayed)))
        } else {
            send(entry, .checkedNoDiscrepancy, to: proposal.from, party: Self.transferringParty, [])
        }
        return .received
    }

    // MARK: Notifications

    /// A registry's status for a transaction: the acquiring registry's 8 or 6, or the proposer's 4 or 5.
    /// A status for a transaction already final is acknowledged and ignored (DOMAIN.md section 4).
    public func notify(_ notification: AcceptNotificationRequest, _ sender: RegistryCode?) throws(ITLRecordError)
        -> DESResult
    {
        if notification.majorVersion != ITLChecks.majorVersion || notification.minorVersion != ITLChecks.minorVersion {
            return .refused([.unsupportedVersion])
        }
        guard sender == notification.from else { return .refused([.senderMismatch]) }
        guard notification.to == .itl else { return .refused([.wrongRecipient]) }
        guard let entry = try record.transaction(notification.transactionIdentifier),
            notification.from == entry.transferringRegistry || notification.from == entry.acquiringRegistry
        else { return .refused([Self.unknownTransaction]) }
        if entry.status.isFinal { return .received }
        let now = clock()
        let status = notification.transactionStatus
        let isTransfer = entry.type == .externalTransfer
        let fromAcquiring = isTransfer && notification.from == entry.acquiringRegistry
        switch (fromAcquiring, status, entry.status) {
        case (true, .accepted, .checkedNoDiscrepancy), (true, .rejected, .checkedNoDiscrepancy):
            let codes = notification.evaluationResult.map(\.responseCode)
            try record.setStatus(entry.identifier, status, codes: codes, at: now)
            send(
                entry, status, to: entry.transferringRegistry, party: Self.transferringParty,
                notification.evaluationResult)
        case (false, .completed, .accepted) where isTransfer,
            (false, .completed, .checkedNoDiscrepancy) where !isTransfer:
            do { try record.complete(entry.identifier, at: now) } catch .unitsNotHeld {
                return .refused([ITLChecks.unitsHeldByTransferring.code])
            }
            if isTransfer { send(entry, .completed, to: entry.acquiringRegistry, party: Self.acquiringParty, []) }
        case (false, .terminated, .checkedDiscrepancy), (false, .terminated, .checkedNoDiscrepancy),
            (false, .terminated, .accepted):
            try record.setStatus(entry.identifier, .terminated, codes: entry.responseCodes, at: now)
            if isTransfer, entry.status != .checkedDiscrepancy {
                send(entry, .terminated, to: entry.acquiringRegistry, party: Self.acquiringParty, [])
            }
        default:
            return .refused([Self.unexpectedStatus])
        }
        return .received
    }

    // MARK: Status and time-outs

    /// getTransactionStatus from the log, for a party to the transaction. An unknown transaction (or a non-party)
    /// gets resultIdentifier 0 with 5006; its transactionStatus field (required by the WSDL) then says 1.
    public func status(_ query: GetTransactionStatusRequest, _ sender: RegistryCode?) throws(ITLRecordError)
        -> GetTransactionStatusResponse
    {
        let now = clock()
        func refused(_ code: DESResponseCode) -> GetTransactionStatusResponse {
            GetTransactionStatusResponse(
                transactionIdentifier: query.transactionIdentifier, transactionStatus: .proposed,
                transactionStatusDateTime: now, resultIdentifier: 0, responseCodes: [code])
        }
        guard sender == query.from else { return refused(.senderMismatch) }
        guard let entry = try record.transaction(query.transactionIdentifier),
            query.from == entry.transferringRegistry || query.from == entry.acquiringRegistry
        else { return refused(Self.unknownTransaction) }
        return GetTransactionStatusResponse(
            transactionIdentifier: entry.identifier, transactionStatus: entry.status,
            transactionStatusDateTime: entry.statusAt, resultIdentifier: 1,
            responseCodes: entry.responseCodes.isEmpty ? nil : entry.responseCodes)
    }

    /// Cancels (7) every external transfer whose acquiring registry has not answered within the configured time,
    /// telling both registries; returns the cancelled transactions. The executable calls this periodically.
    @discardableResult
    public func cancelUnanswered() throws(ITLRecordError) -> [TransactionIdentifier] {
        let now = clock()
        var cancelled: [TransactionIdentifier] = []
        for entry in try record.openTransactions()
        where entry.type == .externalTransfer && entry.status == .checkedNoDiscrepancy
            && now.timeIntervalSince(entry.statusAt) > configuration.acquiringResponseTimeout
        {
            try record.setStatus(entry.identifier, .cancelled, at: now)
            send(entry, .cancelled, to: entry.transferringRegistry, party: Self.transferringParty, [])
            send(entry, .cancelled, to: entry.acquiringRegistry, party: Self.acquiringParty, [])
            cancelled.append(entry.identifier)
        }
        return cancelled
    }

    private func send(
        _ entry: ITLTransactionEntry, _ status: TransactionStatus, to registry: RegistryCode, party: Int,
        _ findings: [DESEvaluationResult]
    ) {
        let notification = AcceptNotificationRequest(
            from: .itl, to: registry, majorVersion: ITLChecks.majorVersion, minorVersion: ITLChecks.minorVersion,
            transactionIdentifier: entry.identifier, transactionStatus: status, partyType: party,
            evaluationResult: findings)
        outbound.enqueue(ITLOutboundMessage(recipient: registry, request: .acceptNotification(notification)))
    }
}
