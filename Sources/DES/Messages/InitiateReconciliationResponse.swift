/// The acknowledgement of initiateReconciliation (common.wsdl `InitiateReconciliationResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct InitiateReconciliationResponse: DESResultResponse {
    public static let xsiType = "InitiateReconciliationResponse"
    public static let operation = DESOperation.initiateReconciliation

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}
