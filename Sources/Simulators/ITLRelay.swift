import DES
import Foundation
import GRDB
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
    public func handle(_ request: DESRequest, authenticatedSender: RegistryCode?) async throws(ITLRecordError)
        -> DESResponse?
    {
        switch request {
        case .acceptProposal(let proposal):
            .acceptProposal(AcceptProposalResponse(result: try await propose(proposal, authenticatedSender)))
        case .acceptNotification(let notification):
            .acceptNotification(
                AcceptNotificationResponse(result: try await notify(notification, authenticatedSender)))
        case .getTransactionStatus(let query): .getTransactionStatus(try status(query, authenticatedSender))
        default: nil
        }
    }

    /// What applying one message decided: the answer, and what the ITL sends on its own once it is durable.
    struct Decision: Sendable {
        var result: DESResult
        var outbound: [ITLOutboundMessage] = []
    }

    /// Applies a message's writes in the record's next group commit; answers, and queues what it sends, only once
    /// that commit is durable (in commit order, so the messages of one transaction leave in the order decided).
    private func commit(_ decide: @escaping @Sendable (Database) throws -> Decision) async throws(ITLRecordError)
        -> DESResult
    {
        let outbound = self.outbound
        do {
            return try await record.commits.write(decide) { decision in
                for message in decision.outbound { outbound.enqueue(message) }
            }.result
        } catch let error as ITLRecordError {
            throw error
        } catch {
            throw .database("\(record.path): \(error)")
        }
    }

    // MARK: Proposals

    /// Checks a proposal. Failures of version, authentication or message viability are refused synchronously and
    /// logged nowhere (a repeated identifier must not disturb the first transaction); later failures are logged
    /// with status 3 and notified to the proposer.
    public func propose(_ proposal: AcceptProposalRequest, _ sender: RegistryCode?) async throws(ITLRecordError)
        -> DESResult
    {
        let registries = configuration.registries
        let now = clock()
        return try await commit { db in try Self.propose(db, proposal, sender, registries: registries, at: now) }
    }

    private static func propose(
        _ db: Database, _ proposal: AcceptProposalRequest, _ sender: RegistryCode?,
        registries: [RegistryCode: ITLRegistryState], at now: Date
    ) throws -> Decision {
        let transaction = proposal.proposedTransaction
        let blocks = transaction.proposalUnitBlocks.map(\.block)
        // Each recorded block once, however many proposed blocks it overlaps: 5201 sums what the holder has of
        // each proposed block, and a recorded block listed twice counted twice (a two-block transfer out of one
        // recorded block was refused with 5201).
        var holdings: [ITLHolding] = []
        var seen: Set<ITLHolding> = []
        for block in blocks {
            for holding in try ITLHoldingsRecord.overlapping(db, block.originatingRegistry, block.range)
            where seen.insert(holding).inserted {
                holdings.append(holding)
            }
        }
        let context = ITLCheckContext(
            proposal: proposal, authenticatedSender: sender, registries: registries,
            identifierAlreadyLogged: try ITLHoldingsRecord.isLogged(db, transaction.transactionIdentifier),
            recordedHoldings: holdings,
            // Only the open transactions reserving one of these serials: all that check 5202 looks at.
            openTransactions: try ITLHoldingsRecord.reservingTransactions(db, overlapping: blocks))
        let findings = ITLChecks.evaluate(context)
        let synchronous = ITLChecks.checks(for: transaction.transactionType)
            .filter { $0.phase <= .messageViability }.map(\.code)
        if findings.contains(where: { synchronous.contains($0.responseCode) }) {
            return Decision(result: .refused(findings.map(\.responseCode)))
        }
        var entry = ITLTransactionEntry(
            identifier: transaction.transactionIdentifier, type: transaction.transactionType,
            transferringRegistry: transaction.transferringRegistryCode,
            acquiringRegistry: transaction.acquiringRegistryCode, status: .checkedNoDiscrepancy, blocks: blocks,
            proposedAt: now, statusAt: now, notificationIdentifier: transaction.notificationIdentifier)
        if !findings.isEmpty {
            entry.status = .checkedDiscrepancy
            entry.responseCodes = findings.map(\.responseCode)
            try ITLHoldingsRecord.log(db, entry)
            return Decision(
                result: .received,
                outbound: [
                    notification(entry, .checkedDiscrepancy, to: proposal.from, party: transferringParty, findings)
                ])
        }
        try ITLHoldingsRecord.log(db, entry)
        if transaction.transactionType == .externalTransfer {
            var relayed = proposal
            relayed.from = .itl
            relayed.to = transaction.acquiringRegistryCode
            return Decision(
                result: .received,
                outbound: [
                    ITLOutboundMessage(recipient: transaction.acquiringRegistryCode, request: .acceptProposal(relayed))
                ])
        }
        return Decision(
            result: .received,
            outbound: [notification(entry, .checkedNoDiscrepancy, to: proposal.from, party: transferringParty, [])])
    }

    // MARK: Notifications

    /// A registry's status for a transaction: the acquiring registry's 8 or 6, or the proposer's 4 or 5.
    /// A status for a transaction already final is acknowledged and ignored (DOMAIN.md section 4).
    public func notify(_ notification: AcceptNotificationRequest, _ sender: RegistryCode?) async
        throws(ITLRecordError) -> DESResult
    {
        if notification.majorVersion != ITLChecks.majorVersion || notification.minorVersion != ITLChecks.minorVersion {
            return .refused([.unsupportedVersion])
        }
        guard sender == notification.from else { return .refused([.senderMismatch]) }
        guard notification.to == .itl else { return .refused([.wrongRecipient]) }
        let now = clock()
        return try await commit { db in try Self.notify(db, notification, at: now) }
    }

    private static func notify(_ db: Database, _ notification: AcceptNotificationRequest, at now: Date) throws
        -> Decision
    {
        guard let entry = try ITLHoldingsRecord.transaction(db, notification.transactionIdentifier),
            notification.from == entry.transferringRegistry || notification.from == entry.acquiringRegistry
        else { return Decision(result: .refused([unknownTransaction])) }
        if entry.status.isFinal { return Decision(result: .received) }
        let status = notification.transactionStatus
        let isTransfer = entry.type == .externalTransfer
        let fromAcquiring = isTransfer && notification.from == entry.acquiringRegistry
        switch (fromAcquiring, status, entry.status) {
        case (true, .accepted, .checkedNoDiscrepancy), (true, .rejected, .checkedNoDiscrepancy):
            let codes = notification.evaluationResult.map(\.responseCode)
            try ITLHoldingsRecord.setStatus(db, entry.identifier, status, codes: codes, at: now)
            return Decision(
                result: .received,
                outbound: [
                    Self.notification(
                        entry, status, to: entry.transferringRegistry, party: transferringParty,
                        notification.evaluationResult)
                ])
        case (false, .completed, .accepted) where isTransfer,
            (false, .completed, .checkedNoDiscrepancy) where !isTransfer:
            do {
                // Its own savepoint: units not held leave the record exactly as it was.
                try Savepoint.run(db) { try ITLHoldingsRecord.complete(db, entry: entry, at: now) }
            } catch ITLRecordError.unitsNotHeld {
                return Decision(result: .refused([ITLChecks.unitsHeldByTransferring.code]))
            }
            guard isTransfer else { return Decision(result: .received) }
            return Decision(
                result: .received,
                outbound: [
                    Self.notification(entry, .completed, to: entry.acquiringRegistry, party: acquiringParty, [])
                ])
        case (false, .terminated, .checkedDiscrepancy), (false, .terminated, .checkedNoDiscrepancy),
            (false, .terminated, .accepted):
            try ITLHoldingsRecord.setStatus(db, entry.identifier, .terminated, codes: entry.responseCodes, at: now)
            guard isTransfer, entry.status != .checkedDiscrepancy else { return Decision(result: .received) }
            return Decision(
                result: .received,
                outbound: [
                    Self.notification(entry, .terminated, to: entry.acquiringRegistry, party: acquiringParty, [])
                ])
        default:
            return Decision(result: .refused([unexpectedStatus]))
        }
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
    public func cancelUnanswered() async throws(ITLRecordError) -> [TransactionIdentifier] {
        let now = clock()
        let timeout = configuration.acquiringResponseTimeout
        let cancelled = Protected<[TransactionIdentifier]>([])
        _ = try await commit { db in
            var decision = Decision(result: .received)
            for entry in try ITLHoldingsRecord.openTransactions(db)
            where entry.type == .externalTransfer && entry.status == .checkedNoDiscrepancy
                && now.timeIntervalSince(entry.statusAt) > timeout
            {
                try ITLHoldingsRecord.setStatus(db, entry.identifier, .cancelled, codes: [], at: now)
                let (transferring, acquiring) = (Self.transferringParty, Self.acquiringParty)
                decision.outbound += [
                    Self.notification(entry, .cancelled, to: entry.transferringRegistry, party: transferring, []),
                    Self.notification(entry, .cancelled, to: entry.acquiringRegistry, party: acquiring, []),
                ]
                cancelled.withLock { $0.append(entry.identifier) }
            }
            return decision
        }
        return cancelled.withLock { $0 }
    }

    private static func notification(
        _ entry: ITLTransactionEntry, _ status: TransactionStatus, to registry: RegistryCode, party: Int,
        _ findings: [DESEvaluationResult]
    ) -> ITLOutboundMessage {
        let notification = AcceptNotificationRequest(
            from: .itl, to: registry, majorVersion: ITLChecks.majorVersion, minorVersion: ITLChecks.minorVersion,
            transactionIdentifier: entry.identifier, transactionStatus: status, partyType: party,
            evaluationResult: findings)
        return ITLOutboundMessage(recipient: registry, request: .acceptNotification(notification))
    }
}
