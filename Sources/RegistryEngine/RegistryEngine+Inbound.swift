import DES
import Foundation
import RegistryCore
import RegistryStore

extension RegistryEngine {
    /// Registry-side DES codes for messages the engine cannot place (the same numbers as the ITL simulator's relay
    /// codes; docs/PROTOCOL.md).
    public static let unknownTransaction = DESResponseCode(5006)
    public static let unexpectedStatus = DESResponseCode(5007)

    /// Answers one DES request from the ITL, after whatever it changed is durable. `sender` is the registry code
    /// the client certificate maps to (nil when it maps to none), already checked against `from` by the caller.
    /// A failure to make the message durable throws: the caller answers with a Server fault so the ITL sends it again.
    public func handle(_ request: DESRequest, authenticatedSender sender: RegistryCode?) async throws(EngineError)
        -> DESResponse?
    {
        switch request {
        case .acceptProposal(let proposal):
            let result: DESResult
            if let refusal = envelopeRefusal(proposal, sender) {
                result = refusal
            } else {
                result = try await receiveProposal(proposal)
            }
            return .acceptProposal(AcceptProposalResponse(result: result))
        case .acceptNotification(let notification):
            let result: DESResult
            if let refusal = envelopeRefusal(notification, sender) {
                result = refusal
            } else {
                result = try await receiveNotification(notification)
            }
            return .acceptNotification(AcceptNotificationResponse(result: result))
        case .acceptITLNotice(let notice):
            let result: DESResult
            if let refusal = envelopeRefusal(notice, sender) {
                result = refusal
            } else {
                result = try await receiveNotice(notice)
            }
            return .acceptITLNotice(AcceptITLNoticeResponse(result: result))
        case .acceptMessage(let message):
            let result: DESResult
            if let refusal = envelopeRefusal(message, sender) {
                result = refusal
            } else {
                result = try receiveMessage(message)
            }
            return .acceptMessage(AcceptMessageResponse(result: result))
        case .provideTime(let request):
            if let refusal = envelopeRefusal(request, sender) {
                return .provideTime(
                    ProvideTimeResponse(
                        systemTime: clock.now.date, resultIdentifier: refusal.resultIdentifier,
                        responseCodes: refusal.responseCodes))
            }
            return .provideTime(ProvideTimeResponse(systemTime: provideTime(request), resultIdentifier: 1))
        case .initiateReconciliation, .provideTotals, .provideUnitBlocks, .provideAuditTrail,
            .receiveReconciliationResult:
            if let refusal = envelopeRefusal(request.message, sender) {
                return Self.refusalResponse(request, refusal)
            }
            return try await reconciliationResponse(request)
        default:
            return nil
        }
    }

    /// A free-text message from the ITL's administrators: stored (once, however often it is delivered) and logged
    /// for the operators, then acknowledged.
    func receiveMessage(_ message: AcceptMessageRequest) throws(EngineError) -> DESResult {
        let isNew: Bool
        do {
            isNew = try store.saveITLMessage(
                from: message.from, content: message.messageContent, messageAt: message.messageDateTime,
                receivedAt: clock.now.date)
        } catch { throw .store("\(error)") }
        if isNew {
            logger.notice(
                "message from the ITL: \(message.messageContent.prefix(500))",
                metadata: ["sentAt": "\(message.messageDateTime.formatted(.iso8601))"])
        }
        return .received
    }

    /// Sends a free-text message to the ITL's administrators (DES acceptMessage) through the outbox: durable,
    /// retried until the ITL answers. 1 to 4,000 bytes; no control characters but line breaks and tabs.
    public func sendMessage(_ text: String) async throws(EngineError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 4_000 else {
            throw .invalidRequest("a message to the ITL is 1 to 4000 bytes of text (this one is \(trimmed.utf8.count))")
        }
        guard trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\n" || $0 == "\t" || $0 == "\r" }),
            !trimmed.unicodeScalars.contains(where: { $0.value == 0x7f })
        else { throw .invalidRequest("a message to the ITL may not contain control characters") }
        let request = AcceptMessageRequest(
            from: configuration.registry, to: .itl, majorVersion: configuration.majorVersion,
            minorVersion: configuration.minorVersion, messageContent: trimmed, messageDateTime: clock.now.date)
        try await enqueue(.acceptMessage, DESCodec.encode(request), event: "message to the ITL")
        logger.notice("message to the ITL queued: \(trimmed.prefix(200))")
    }

    /// The registry's clock for the ITL's time check; a difference of more than `clockDriftWarning` is logged.
    func provideTime(_ request: ProvideTimeRequest) -> Date {
        let now = clock.now.date
        let drift = now.timeIntervalSince(request.itlSystemTime)
        if abs(drift) > Self.clockDriftWarning {
            logger.warning(
                "the ITL's clock differs from the registry's by \(Int(drift.rounded())) s (registry ahead if positive)")
        }
        return now
    }

    /// The clock difference from the ITL that is worth an operator's attention.
    public static let clockDriftWarning: TimeInterval = 60

    /// The same refusal in the response type of the request's operation.
    static func refusalResponse(_ request: DESRequest, _ result: DESResult) -> DESResponse? {
        switch request {
        case .initiateReconciliation: .initiateReconciliation(InitiateReconciliationResponse(result: result))
        case .provideTotals: .provideTotals(ProvideTotalsResponse(result: result))
        case .provideUnitBlocks: .provideUnitBlocks(ProvideUnitBlocksResponse(result: result))
        case .provideAuditTrail: .provideAuditTrail(ProvideAuditTrailResponse(result: result))
        case .receiveReconciliationResult:
            .receiveReconciliationResult(ReceiveReconciliationResultResponse(result: result))
        default: nil
        }
    }

    /// Version and authentication (DES check order): the message comes from the ITL, over the ITL's certificate,
    /// and is addressed to this registry.
    private func envelopeRefusal(_ message: any DESRequestMessage, _ sender: RegistryCode?) -> DESResult? {
        guard message.majorVersion == configuration.majorVersion, message.minorVersion == configuration.minorVersion
        else { return .refused([.unsupportedVersion]) }
        guard sender == message.from, message.from == .itl else { return .refused([.senderMismatch]) }
        guard message.to == configuration.registry else { return .refused([.wrongRecipient]) }
        return nil
    }

    // MARK: Acquiring side

    /// An incoming external transfer: checked against our accounts (5902, 5903, 5906) and answered to the ITL
    /// with 8 Accepted or 6 Rejected through the outbox. A repeated proposal returns the first answer again.
    func receiveProposal(_ proposal: AcceptProposalRequest) async throws(EngineError) -> DESResult {
        let transaction = proposal.proposedTransaction
        let id = transaction.transactionIdentifier
        do {
            if try loadLive(id) != nil { return .received }
        } catch {
            logger.error("\(id): \(error)")
            return .refused([Self.unknownTransaction])
        }
        guard transaction.transactionType == .externalTransfer,
            transaction.acquiringRegistryCode == configuration.registry,
            transaction.transferringRegistryCode != configuration.registry, id.registry != configuration.registry
        else { return .refused([Self.unexpectedStatus]) }
        let blocks = transaction.proposalUnitBlocks.map(\.block)
        let account = matchingAccount(
            type: transaction.acquiringRegistryAccountType, identifier: transaction.acquiringRegistryAccountIdentifier)
        let proposalRecord = IncomingProposal(
            transferringRegistry: transaction.transferringRegistryCode,
            transferringAccountType: transaction.transferringRegistryAccountType,
            transferringAccountIdentifier: transaction.transferringRegistryAccountIdentifier, account: account?.identifier,
            blocks: blocks)
        let check = acquiringCheck(account: account, proposal: proposalRecord, transaction: id)
        do {
            _ = try await create(
                id, request: .acquiring(proposalRecord),
                first: .incomingProposalChecked(check, at: clock.now),
                describe: "proposal from \(transaction.transferringRegistryCode) relayed by the ITL")
            return .received
        } catch {
            // Two deliveries of the same proposal may race: the second finds the first committed.
            if (try? loadLive(id)) != nil { return .received }
            logger.error("\(id): incoming proposal not recorded: \(error)")
            throw error
        }
    }

    /// The account a proposal names by type and number (DES carries no commitment period; ours are unique by
    /// type and number).
    private func matchingAccount(type: AccountType?, identifier: Int64?) -> Account? {
        guard let type, let identifier else { return nil }
        for period in 0...2 {
            guard
                let id = try? AccountIdentifier(
                    registry: configuration.registry, type: type, id: identifier, commitmentPeriod: period),
                let account = try? store.account(id)
            else { continue }
            return account
        }
        return nil
    }

    /// The acquiring registry's checks (DOMAIN.md section 4, step 3): 5902 when the account does not exist (nothing
    /// else can be judged), else 5906 when it is not open, 5903 when it may not hold these units; the ledger's own
    /// dry run of the credit (units of this registry that left it) decides 5903 too.
    private func acquiringCheck(account: Account?, proposal: IncomingProposal, transaction: TransactionIdentifier)
        -> AcquiringCheckResult
    {
        guard let account else { return .reject([.accountDoesNotExist]) }
        var reasons: [AcquiringRejection] = []
        if account.state != .open { reasons.append(.accountClosed) }
        let eligible = account.kind.isHolding && proposal.blocks.allSatisfy { account.type.cdmHolds($0.attributes.unitType) }
        if !eligible { reasons.append(.accountNotEligible) }
        if reasons.isEmpty {
            let credit = IncomingCredit(
                transaction: transaction, from: proposal.transferringRegistry, to: account.identifier,
                blocks: proposal.blocks)
            do { _ = try store.plan(.creditIncoming(credit), at: clock.now.date) } catch {
                logger.notice("\(transaction): incoming units refused by the ledger: \(error)")
                reasons.append(.accountNotEligible)
            }
        }
        return reasons.isEmpty ? .accept : .reject(reasons)
    }

    // MARK: Notifications

    /// A status from the ITL for one of our transactions. Unknown transactions and statuses the table refuses are
    /// answered with resultIdentifier 0; duplicates and late statuses are acknowledged and change nothing.
    func receiveNotification(_ notification: AcceptNotificationRequest) async throws(EngineError) -> DESResult {
        let id = notification.transactionIdentifier
        let codes = notification.evaluationResult.map(\.responseCode.rawValue)
        let status = notification.transactionStatus
        do {
            let outcome = try await transition(
                id, .notified(status, responseCodes: codes),
                describe: "ITL status \(status.rawValue) \(status)\(codes.isEmpty ? "" : " \(codes)")")
            if case .refused = outcome { return .refused([Self.unexpectedStatus]) }
            return .received
        } catch .unknownTransaction {
            return .refused([Self.unknownTransaction])
        } catch {
            logger.error("\(id): status \(status.rawValue) not applied: \(error)")
            // Not durable: the ITL must send it again, so this becomes a Server fault rather than a result.
            throw error
        }
    }
}
