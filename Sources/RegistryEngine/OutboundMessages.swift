import DES
import Foundation
import RegistryCore
import RegistryStore

/// A message a transition decided to send.
enum OutboundIntent: Hashable, Sendable {
    case proposal
    case notification(TransactionStatus, [Int])
    case statusQuery
}

/// Builds the DES messages of one transaction for the outbox, as the ITL expects them (transactionlog.wsdl).
struct OutboundMessages: Sendable {
    let registry: RegistryCode
    let majorVersion: Int
    let minorVersion: Int
    let transaction: TransactionIdentifier
    let request: TransactionRequest
    let enqueuedAt: Date

    func build(_ intent: OutboundIntent, context: any EngineStepContext) throws -> OutboxMessage {
        switch intent {
        case .proposal:
            let proposal = AcceptProposalRequest(
                from: registry, to: .itl, majorVersion: majorVersion, minorVersion: minorVersion,
                proposedTransaction: try proposedTransaction(context))
            return message(.acceptProposal, DESCodec.encode(proposal))
        case .notification(let status, let codes):
            let notification = AcceptNotificationRequest(
                from: registry, to: .itl, majorVersion: majorVersion, minorVersion: minorVersion,
                transactionIdentifier: transaction, transactionStatus: status,
                partyType: request.flow == .acquiring ? 2 : 1,
                evaluationResult: codes.map { DESEvaluationResult(responseCode: DESResponseCode($0)) })
            return message(.acceptNotification, DESCodec.encode(notification))
        case .statusQuery:
            let query = GetTransactionStatusRequest(
                from: registry, to: .itl, majorVersion: majorVersion, minorVersion: minorVersion,
                transactionIdentifier: transaction)
            return message(.getTransactionStatus, DESCodec.encode(query))
        }
    }

    private func message(_ operation: DESOperation, _ body: [UInt8]) -> OutboxMessage {
        OutboxMessage(
            recipient: .itl, transaction: transaction, operation: operation.rawValue, body: Data(body),
            enqueuedAt: enqueuedAt)
    }

    private func proposedTransaction(_ context: any EngineStepContext) throws -> DESProposalTransaction {
        switch request {
        case .issuance(let issuance):
            return issuanceProposal(issuance)
        case .externalTransfer(let transfer):
            let source = transfer.reservation.from
            let target = transfer.acquiringAccount
            let blocks = try reservedBlocks(context).map {
                DESTransactionUnitBlock(
                    block: $0, transferringAccountType: source.type, transferringAccountIdentifier: source.id,
                    acquiringAccountType: target.type, acquiringAccountIdentifier: target.id)
            }
            return DESProposalTransaction(
                transactionIdentifier: transaction, transactionType: .externalTransfer,
                transferringRegistryCode: registry,
                transferringRegistryAccountType: source.type, transferringRegistryAccountIdentifier: source.id,
                acquiringRegistryCode: target.registry, acquiringRegistryAccountType: target.type,
                acquiringRegistryAccountIdentifier: target.id, proposalUnitBlocks: blocks)
        case .cancellation(let cancellation):
            let source = cancellation.reservation.from
            guard case .account(let target) = cancellation.reservation.destination else {
                throw EngineError.corruptTransaction(transaction, "a cancellation to \(cancellation.reservation.destination)")
            }
            let blocks = try reservedBlocks(context).map {
                DESTransactionUnitBlock(
                    block: $0, transferringAccountType: source.type, transferringAccountIdentifier: source.id,
                    acquiringAccountType: target.type, acquiringAccountIdentifier: target.id)
            }
            return DESProposalTransaction(
                transactionIdentifier: transaction, transactionType: .cancellation, transferringRegistryCode: registry,
                transferringRegistryAccountType: source.type, transferringRegistryAccountIdentifier: source.id,
                acquiringRegistryCode: registry, acquiringRegistryAccountType: target.type,
                acquiringRegistryAccountIdentifier: target.id, notificationIdentifier: cancellation.notification,
                proposalUnitBlocks: blocks)
        case .internalTransfer, .acquiring:
            throw EngineError.corruptTransaction(transaction, "a \(request.flow) transaction proposes nothing")
        }
    }

    /// An issuance lands in two accounts: its first serials (the 2% share of proceeds) in the Adaptation Fund's
    /// account, the rest in the pending account, as the ledger books it on status 2.
    private func issuanceProposal(_ issuance: IssuanceRequest) -> DESProposalTransaction {
        let order = issuance.order
        let attributes = UnitAttributes(
            originatingRegistry: registry, unitType: order.unitType,
            originalCommitmentPeriod: order.originalCommitmentPeriod,
            applicableCommitmentPeriod: order.applicableCommitmentPeriod, lulucfActivity: order.lulucfActivity,
            project: order.issuance.project, expiryDate: order.expiryDate)
        var blocks: [DESTransactionUnitBlock] = []
        var rest: SerialRange? = order.serials
        if issuance.shareOfProceeds > 0, let (share, remainder) = try? order.serials.split(
            taking: issuance.shareOfProceeds)
        {
            blocks.append(block(share, attributes, to: order.shareOfProceedsAccount))
            rest = remainder
        }
        if let rest { blocks.append(block(rest, attributes, to: order.pendingAccount)) }
        return DESProposalTransaction(
            transactionIdentifier: transaction, transactionType: .issuance, transferringRegistryCode: registry,
            acquiringRegistryCode: registry, acquiringRegistryAccountType: order.pendingAccount.type,
            acquiringRegistryAccountIdentifier: order.pendingAccount.id, proposalUnitBlocks: blocks)
    }

    private func block(_ range: SerialRange, _ attributes: UnitAttributes, to account: AccountIdentifier)
        -> DESTransactionUnitBlock
    {
        DESTransactionUnitBlock(
            block: UnitBlock(range: range, attributes: attributes), acquiringAccountType: account.type,
            acquiringAccountIdentifier: account.id)
    }

    private func reservedBlocks(_ context: any EngineStepContext) throws -> [UnitBlock] {
        guard let reservation = try context.reservation(transaction) else {
            throw EngineError.corruptTransaction(transaction, "no reservation to propose")
        }
        return reservation.blocks
    }
}
