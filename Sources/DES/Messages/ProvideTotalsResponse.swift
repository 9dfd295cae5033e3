/// The acknowledgement of provideTotals (common.wsdl `ProvideTotalsResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct ProvideTotalsResponse: DESResultResponse {
    public static let xsiType = "ProvideTotalsResponse"
    public static let operation = DESOperation.provideTotals

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}
