/// Whatever response a peer returned: the typed response of each DES operation.
public enum DESResponse: Hashable, Sendable {
    case acceptProposal(AcceptProposalResponse)
    case acceptNotification(AcceptNotificationResponse)
    case acceptMessage(AcceptMessageResponse)
    case acceptITLNotice(AcceptITLNoticeResponse)
    case provideTime(ProvideTimeResponse)
    case initiateReconciliation(InitiateReconciliationResponse)
    case provideTotals(ProvideTotalsResponse)
    case provideUnitBlocks(ProvideUnitBlocksResponse)
    case provideAuditTrail(ProvideAuditTrailResponse)
    case receiveReconciliationResult(ReceiveReconciliationResultResponse)
    case getTransactionStatus(GetTransactionStatusResponse)
    case receiveAuditTrail(ReceiveAuditTrailResponse)
    case receiveTotals(ReceiveTotalsResponse)
    case receiveUnitBlocks(ReceiveUnitBlocksResponse)

    public var message: any DESMessage {
        switch self {
        case .acceptProposal(let response): response
        case .acceptNotification(let response): response
        case .acceptMessage(let response): response
        case .acceptITLNotice(let response): response
        case .provideTime(let response): response
        case .initiateReconciliation(let response): response
        case .provideTotals(let response): response
        case .provideUnitBlocks(let response): response
        case .provideAuditTrail(let response): response
        case .receiveReconciliationResult(let response): response
        case .getTransactionStatus(let response): response
        case .receiveAuditTrail(let response): response
        case .receiveTotals(let response): response
        case .receiveUnitBlocks(let response): response
        }
    }

    public var operation: DESOperation { message.operation }

    static func decode(
        _ operation: DESOperation, _ document: SOAPDocument, part: Int32
    ) throws(DESError) -> DESResponse {
        func read<M: DESMessage>(_ type: M.Type) throws(DESError) -> M {
            try DESCodec.decodePart(M.self, document, part)
        }
        return switch operation {
        case .acceptProposal: .acceptProposal(try read(AcceptProposalResponse.self))
        case .acceptNotification: .acceptNotification(try read(AcceptNotificationResponse.self))
        case .acceptMessage: .acceptMessage(try read(AcceptMessageResponse.self))
        case .acceptITLNotice: .acceptITLNotice(try read(AcceptITLNoticeResponse.self))
        case .provideTime: .provideTime(try read(ProvideTimeResponse.self))
        case .initiateReconciliation: .initiateReconciliation(try read(InitiateReconciliationResponse.self))
        case .provideTotals: .provideTotals(try read(ProvideTotalsResponse.self))
        case .provideUnitBlocks: .provideUnitBlocks(try read(ProvideUnitBlocksResponse.self))
        case .provideAuditTrail: .provideAuditTrail(try read(ProvideAuditTrailResponse.self))
        case .receiveReconciliationResult:
            .receiveReconciliationResult(try read(ReceiveReconciliationResultResponse.self))
        case .getTransactionStatus: .getTransactionStatus(try read(GetTransactionStatusResponse.self))
        case .receiveAuditTrail: .receiveAuditTrail(try read(ReceiveAuditTrailResponse.self))
        case .receiveTotals: .receiveTotals(try read(ReceiveTotalsResponse.self))
        case .receiveUnitBlocks: .receiveUnitBlocks(try read(ReceiveUnitBlocksResponse.self))
        }
    }
}

/// What came back from a peer: its response, or the SOAP Fault it sent instead.
public enum DESReply: Hashable, Sendable {
    case response(DESResponse)
    case fault(DESFault)
}
