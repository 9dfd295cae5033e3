/// The acknowledgement of receiveAuditTrail (common.wsdl `ReceiveAuditTrailResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct ReceiveAuditTrailResponse: DESResultResponse {
    public static let xsiType = "ReceiveAuditTrailResponse"
    public static let operation = DESOperation.receiveAuditTrail

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}
