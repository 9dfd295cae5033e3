/// The acknowledgement of receiveTotals (common.wsdl `ReceiveTotalsResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct ReceiveTotalsResponse: DESResultResponse {
    public static let xsiType = "ReceiveTotalsResponse"
    public static let operation = DESOperation.receiveTotals

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}
