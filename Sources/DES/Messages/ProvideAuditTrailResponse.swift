/// The acknowledgement of provideAuditTrail (common.wsdl `ProvideAuditTrailResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct ProvideAuditTrailResponse: DESResultResponse {
    public static let xsiType = "ProvideAuditTrailResponse"
    public static let operation = DESOperation.provideAuditTrail

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}
