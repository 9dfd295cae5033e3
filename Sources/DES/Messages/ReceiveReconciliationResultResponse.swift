/// The acknowledgement of receiveReconciliationResult (common.wsdl `ReconciliationResultResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct ReceiveReconciliationResultResponse: DESResultResponse {
    public static let xsiType = "ReconciliationResultResponse"
    public static let operation = DESOperation.receiveReconciliationResult

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}
