/// Whatever request arrived: the typed request of each DES operation (registry.wsdl and transactionlog.wsdl).
public enum DESRequest: Hashable, Sendable {
    case acceptProposal(AcceptProposalRequest)
    case acceptNotification(AcceptNotificationRequest)
    case acceptMessage(AcceptMessageRequest)
    case acceptITLNotice(AcceptITLNoticeRequest)
    case provideTime(ProvideTimeRequest)
    case initiateReconciliation(InitiateReconciliationRequest)
    case provideTotals(ProvideTotalsRequest)
    case provideUnitBlocks(ProvideUnitBlocksRequest)
    case provideAuditTrail(ProvideAuditTrailRequest)
    case receiveReconciliationResult(ReceiveReconciliationResultRequest)
    case getTransactionStatus(GetTransactionStatusRequest)
    case receiveAuditTrail(ReceiveAuditTrailRequest)
    case receiveTotals(ReceiveTotalsRequest)
    case receiveUnitBlocks(ReceiveUnitBlocksRequest)

    public var operation: DESOperation { message.operation }

    /// The request as its message type, for what every request has (`from`, `to`, version).
    public var message: any DESRequestMessage {
        switch self {
        case .acceptProposal(let request): request
        case .acceptNotification(let request): request
        case .acceptMessage(let request): request
        case .acceptITLNotice(let request): request
        case .provideTime(let request): request
        case .initiateReconciliation(let request): request
        case .provideTotals(let request): request
        case .provideUnitBlocks(let request): request
        case .provideAuditTrail(let request): request
        case .receiveReconciliationResult(let request): request
        case .getTransactionStatus(let request): request
        case .receiveAuditTrail(let request): request
        case .receiveTotals(let request): request
        case .receiveUnitBlocks(let request): request
        }
    }

    static func decode(
        _ operation: DESOperation, _ document: SOAPDocument, part: Int32
    ) throws(DESError) -> DESRequest {
        func read<M: DESRequestMessage>(_ type: M.Type) throws(DESError) -> M {
            try DESCodec.decodePart(M.self, document, part)
        }
        return switch operation {
        case .acceptProposal: .acceptProposal(try read(AcceptProposalRequest.self))
        case .acceptNotification: .acceptNotification(try read(AcceptNotificationRequest.self))
        case .acceptMessage: .acceptMessage(try read(AcceptMessageRequest.self))
        case .acceptITLNotice: .acceptITLNotice(try read(AcceptITLNoticeRequest.self))
        case .provideTime: .provideTime(try read(ProvideTimeRequest.self))
        case .initiateReconciliation: .initiateReconciliation(try read(InitiateReconciliationRequest.self))
        case .provideTotals: .provideTotals(try read(ProvideTotalsRequest.self))
        case .provideUnitBlocks: .provideUnitBlocks(try read(ProvideUnitBlocksRequest.self))
        case .provideAuditTrail: .provideAuditTrail(try read(ProvideAuditTrailRequest.self))
        case .receiveReconciliationResult:
            .receiveReconciliationResult(try read(ReceiveReconciliationResultRequest.self))
        case .getTransactionStatus: .getTransactionStatus(try read(GetTransactionStatusRequest.self))
        case .receiveAuditTrail: .receiveAuditTrail(try read(ReceiveAuditTrailRequest.self))
        case .receiveTotals: .receiveTotals(try read(ReceiveTotalsRequest.self))
        case .receiveUnitBlocks: .receiveUnitBlocks(try read(ReceiveUnitBlocksRequest.self))
        }
    }
}

extension DESMessage {
    public var operation: DESOperation { Self.operation }
}
